"""Word-level text processing shared by keyword search and query understanding."""

from __future__ import annotations

import re
from functools import cache

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


@cache
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-case words of ``text`` (apostrophes kept inside words)."""
    return WORD.findall(text.casefold().replace("’", "'"))


def stems(text: str) -> list[str]:
    """Stemmed words of ``text``, so 'delayed' and 'delay' meet."""
    return _stemmer().stemWords([w.split("'")[0] for w in words(text)])
