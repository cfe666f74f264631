"""Telling a full disk apart from every other failure, in every layer.

A full disk is not a broken index, an unreachable database or a bad file: nothing is
wrong with the data, there is just no room to write. SQLite says "database or disk is
full", Chroma wraps that, the OS raises ``OSError(ENOSPC)`` (or ``EDQUOT`` over a quota);
:func:`is_disk_full` recognises each of them anywhere in an exception's chain.
"""

from __future__ import annotations

import errno

DISK_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
DISK_FULL_TEXTS = ("database or disk is full", "no space left on device", "disk quota exceeded")


class DiskFull(OSError):
    """There is no room left to write; the message says where."""

    def __init__(self, where: str):
        super().__init__(errno.ENOSPC, f"disk full: no space left to write {where}")


def is_disk_full(error: BaseException | None) -> bool:
    """True when ``error``, or any exception it was raised from, is a full disk."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS:
            return True
        if any(text in str(error).casefold() for text in DISK_FULL_TEXTS):
            return True
        error = error.__cause__ or error.__context__
    return False
