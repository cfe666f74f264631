"""The conversation layer: retrieval, retelling, suggestions, follow-ups, LLM back ends."""

from assistant.assistant import Assistant
from assistant.conversation import Conversation
from assistant.messages import InvalidMessage
from assistant.reply import Reply

__all__ = ["Assistant", "Conversation", "InvalidMessage", "Reply"]
