"""API conversations kept in memory for follow-ups: bounded in number and in idle time.

A caller gets a ``conversation_id`` with each answer and passes it back for a follow-up.
The store is an LRU with a time-to-live: a conversation idle for ``ttl`` seconds is
forgotten, and beyond ``limit`` conversations the least recently used one goes first, so
memory stays bounded however many callers come and go.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant import Conversation


@dataclass
class Entry:
    """One conversation, its last use, and a lock so two follow-ups do not interleave."""

    conversation: Conversation
    used: float
    lock: threading.Lock = field(default_factory=threading.Lock)


class ConversationStore:
    """Thread-safe LRU of conversations with a time-to-live."""

    def __init__(self, limit: int, ttl: float, clock: Callable[[], float] = time.monotonic):
        if limit < 1 or ttl <= 0:
            raise ValueError("limit and ttl must be positive")
        self.limit = limit
        self.ttl = ttl
        self._clock = clock
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            self._expire(self._clock())
            return len(self._entries)

    def _expire(self, now: float) -> None:
        # Entries are kept in order of last use, so the expired ones are at the front.
        while self._entries:
            oldest = next(iter(self._entries.values()))
            if now - oldest.used < self.ttl:
                break
            self._entries.popitem(last=False)

    def new(self) -> Entry:
        """A new conversation, stored (evicting the least recently used beyond the limit)."""
        entry = Entry(Conversation(), self._clock())
        with self._lock:
            self._expire(entry.used)
            self._entries[entry.conversation.id] = entry
            while len(self._entries) > self.limit:
                self._entries.popitem(last=False)
        return entry

    def get(self, conversation_id: str) -> Entry | None:
        """The conversation, marked as just used; None when unknown or expired."""
        now = self._clock()
        with self._lock:
            self._expire(now)
            entry = self._entries.get(conversation_id)
            if entry is None:
                return None
            entry.used = now
            self._entries.move_to_end(conversation_id)
            return entry
