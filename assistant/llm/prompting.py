"""The messages sent to an LLM: rules as a system prompt, legends as delimited data."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import yaml

from assistant.conversation import Conversation
from corpus.schema import Legend

PROMPTS = Path(__file__).resolve().parents[1] / "prompts"
HISTORY_TURNS = 3
TAG_START = re.compile(r"<(?=[|/!?A-Za-z_])")


@cache
def _system_template() -> str:
    return (PROMPTS / "llm_system.md").read_text(encoding="utf-8")


@cache
def _mode_instructions() -> dict[str, str]:
    return yaml.safe_load((PROMPTS / "modes.yaml").read_text(encoding="utf-8"))


def legends_block(legends: list[Legend]) -> str:
    """The legends as JSON inside <legends> tags: data for the model, never instructions."""
    records = [
        {
            "company": legend.company,
            "title": legend.title,
            "what_happened": legend.situation,
            "what_they_did": legend.action,
            "how_it_ended": legend.outcome,
            "lessons": legend.lessons,
            "source": legend.sources[0].citation(),
        }
        for legend in legends
    ]
    # No angle bracket of the data reaches the model as such: a "</legends>" in a legend
    # cannot end the block early, nor a "<|im_start|>" open a turn of the chat template
    # (llama.cpp reads such text as the template's own control tokens). JSON escapes
    # keep the data exactly as it is.
    data = json.dumps(records, ensure_ascii=False, indent=1)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e")
    return f"<legends>\n{data}\n</legends>"


def neutralise(text: str) -> str:
    """``text`` with anything shaped like a tag or a chat-template token broken up.

    For text that is not JSON (the user's message, earlier turns): "<|im_start|>" or
    "</legends>" becomes "< |im_start|>" or "< /legends>", which no template reads as its
    own and which cannot close the legends block.
    """
    return TAG_START.sub("< ", text)


def build_messages(
    message: str, mode: str, legends: list[Legend], conversation: Conversation | None
) -> list[tuple[str, str]]:
    """(role, text) pairs for a LangChain chat model."""
    system = _system_template().replace("{mode_instructions}", _mode_instructions()[mode])
    messages: list[tuple[str, str]] = [("system", system)]
    for turn in (conversation.turns if conversation else [])[-HISTORY_TURNS:]:
        messages.append(("human", neutralise(turn.message)))
        messages.append(("ai", neutralise(turn.answer)))
    messages.append(
        ("human", f"{legends_block(legends)}\n\nQuestion (answer using only the legends above):\n"
                  f"{neutralise(message)}")
    )  # fmt: skip
    return messages
