"""The one sanitiser for text from outside: shares, ingested files, file names, legends.

Two forms, for two jobs:

- :func:`clean` is what gets **stored and published**: terminal escape sequences
  (hidden text, erase line, window title) are removed whole, other control characters
  (C0 and C1, except tab and newline), bidi overrides and isolates (the bidi marks
  LRM, RLM and ALM stay), zero-width and
  other invisible format characters (Unicode category ``Cf``, including the "tag"
  characters used to smuggle text past a reader) are dropped. Line ends become ``\\n``.
  Zero-width joiners between two non-ASCII characters stay (emoji and some scripts
  need them).
- :func:`visible` is what gets **printed** for a person to judge (the trainer reading
  a submission, any terminal output of outside text): nothing is removed, every such
  character is shown as a symbol instead, ``␛`` for ESC (the Unicode control pictures
  for C0) and ``<U+202E>`` for the others, so what is there can be seen but not obeyed.

Prompt-injection phrases are another matter: see :mod:`corpus.ingest.injection`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# Escape sequences as terminals read them (ECMA-48): CSI ... final byte, OSC/DCS/APC/PM/
# SOS strings up to BEL or ST, and two-character escapes. Both 7-bit (ESC x) and 8-bit
# (C1) introducers. An unterminated string runs to the end of the text.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?       # CSI: colours, cursor, erase
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])                  # OSC DCS SOS PM APC
      [^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?                   #   ... up to BEL or ST
    | \x1b[\x20-\x2f]*[\x30-\x7e]?                              # other escapes (ESC 7, ESC c)
    """,
    re.VERBOSE,
)
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x85]")
_JOINERS = ("\u200c", "\u200d")  # zero-width non-joiner and joiner
# Newline and tab; and the bidi *marks* (LRM, RLM, ALM): mixed Hebrew or Arabic and
# Latin text needs them to display right, and unlike overrides and isolates they
# cannot reorder the characters around them.
_KEPT = ("\n", "\t", "\u200e", "\u200f", "\u061c")
# Every character but tab, newline and printable ASCII: only these can be unsafe, and
# English text has few, so a scan for them replaces a Python loop over every character.
_CANDIDATES = re.compile(r"[^\t\n\x20-\x7e]")


def is_unsafe(char: str) -> bool:
    """True for a control or invisible format character (not tab, newline, bidi marks)."""
    if char in _KEPT:
        return False
    return unicodedata.category(char) in ("Cc", "Cf")


def _any_unsafe(text: str) -> bool:
    return any(is_unsafe(match.group()) for match in _CANDIDATES.finditer(text))


def _joins(text: str, index: int) -> bool:
    """A joiner between two non-ASCII visible characters (emoji, Indic and Arabic script)."""
    if index == 0 or index == len(text) - 1:
        return False
    before, after = text[index - 1], text[index + 1]
    return all(ord(c) > 0x7F and not is_unsafe(c) and not c.isspace() for c in (before, after))


def clean(text: str) -> str:
    """``text`` as it may be stored and published: no control or invisible characters."""
    if not text:
        return text
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _LINE_BREAKS.sub("\n", text)
    if not _any_unsafe(text):
        return text
    return "".join(
        char
        for index, char in enumerate(text)
        if not is_unsafe(char) or (char in _JOINERS and _joins(text, index))
    )


def clean_data(value: Any) -> Any:
    """:func:`clean` applied to every string in nested dicts and lists (parsed YAML/JSON)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean_data(key): clean_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean_data(item) for item in value]
    return value


def _symbol(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ ... ␟, so ESC is ␛
    if code == 0x7F:
        return "␡"
    return f"<U+{code:04X}>"


def visible(text: str) -> str:
    """``text`` safe to print on a terminal, with every control shown as a symbol.

    Newlines and tabs stay; nothing else a terminal or a bidi-aware display would act
    on reaches it, and nothing is hidden from the reader either.
    """
    if not text:
        return text
    return "".join(_symbol(char) if is_unsafe(char) else char for char in text)


def has_unsafe(text: str) -> bool:
    """True when ``text`` holds any character :func:`clean` would remove."""
    return _any_unsafe(text) or bool(_LINE_BREAKS.search(text))
