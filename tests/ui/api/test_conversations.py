"""The API's conversation store stays bounded: a cap on the number, a time-to-live."""

from __future__ import annotations

import threading

import pytest

from ui.api.conversations import ConversationStore


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_least_recently_used_goes_first_beyond_the_limit():
    store = ConversationStore(limit=3, ttl=60, clock=Clock())
    ids = [store.new().conversation.id for _ in range(3)]
    assert store.get(ids[0]) is not None  # used again: now the most recent
    newest = store.new().conversation.id
    assert len(store) == 3
    assert store.get(ids[1]) is None  # the least recently used was dropped
    assert all(store.get(i) is not None for i in (ids[0], ids[2], newest))


def test_idle_conversations_expire_and_use_keeps_them():
    clock = Clock()
    store = ConversationStore(limit=100, ttl=60, clock=clock)
    idle = store.new().conversation.id
    active = store.new().conversation.id
    for _ in range(3):
        clock.now += 40
        assert store.get(active) is not None
    assert store.get(idle) is None
    assert len(store) == 1
    clock.now += 61
    assert store.get(active) is None and len(store) == 0


def test_memory_stays_bounded_under_many_callers():
    store = ConversationStore(limit=50, ttl=3600)

    def caller() -> None:
        for _ in range(500):
            entry = store.new()
            store.get(entry.conversation.id)

    threads = [threading.Thread(target=caller) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store) == 50


def test_unknown_id_and_bad_bounds():
    store = ConversationStore(limit=1, ttl=1)
    assert store.get("not-there") is None
    with pytest.raises(ValueError):
        ConversationStore(limit=0, ttl=10)
