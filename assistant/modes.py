"""Choose how to answer from the message itself: ask, suggest or discuss."""

from __future__ import annotations

import re

MODES = ("ask", "suggest", "discuss")

# A trainer preparing material.
_DISCUSS = re.compile(
    r"\b(discussion|discuss|training|trainer|train (my|the|our|new)|workshop|role[- ]?plays?|"
    r"team meeting|huddle|handout|lesson plan|exercise|onboarding|coaching|teach|quiz|"
    r"talking points|pack)\b",
    re.IGNORECASE,
)
# Someone in the middle of a live situation with a customer.
_PERSON = re.compile(
    r"\b(customer|caller|guest|client|passenger|patient|shopper|member|buyer|she|he|they|"
    r"her|his|my customer)('s)?\b",
    re.IGNORECASE,
)
_LIVE = re.compile(
    r"\b(furious|angry|upset|yelling|shouting|crying|frustrated|annoyed|irate|livid|"
    r"threatening to|wants to cancel|on the (phone|line)|right now|just called|is waiting|"
    r"keeps|hasn't|has not|twice|again|still)\b|what (can|should|do) i\b|how do i\b|help me\b",
    re.IGNORECASE,
)


def detect_mode(message: str) -> str:
    """``discuss`` for training material, ``suggest`` for a live situation, else ``ask``."""
    if _DISCUSS.search(message):
        return "discuss"
    if _PERSON.search(message) and _LIVE.search(message):
        return "suggest"
    return "ask"
