"""What counts as a message the assistant will answer."""

from __future__ import annotations

import unicodedata

MAX_MESSAGE_CHARS = 2000


class InvalidMessage(ValueError):
    """A message that cannot be answered; the text says why, for the user."""


def clean_message(message: str | None) -> str:
    """Strip control characters and surrounding space; refuse empty or over-long messages."""
    if message is None:
        raise InvalidMessage("The message is empty.")
    # Control characters (other than line breaks and tabs) carry nothing a reader sees.
    text = "".join(
        ch for ch in message if ch in "\n\t" or unicodedata.category(ch)[0] != "C"
    ).strip()
    if not text:
        raise InvalidMessage("The message is empty.")
    if len(text) > MAX_MESSAGE_CHARS:
        raise InvalidMessage(
            f"The message is {len(text):,} characters long; the limit is {MAX_MESSAGE_CHARS:,}. "
            "Please shorten it to the situation and the question."
        )
    return text
