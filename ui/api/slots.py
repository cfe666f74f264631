"""Answer slots: a few answers run at once in worker threads, a bounded number wait.

Answers are CPU work (the embedding and the composer); running more of them at once than
there are cores only makes each slower. Beyond the waiting room a caller is told "busy"
(503 with ``Retry-After``) at once instead of waiting without end.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread

from ui.api.problems import ApiProblem

T = TypeVar("T")
RETRY_AFTER_SECONDS = 1


class AnswerSlots:
    """Run blocking answer functions with at most ``concurrency`` at once."""

    def __init__(self, concurrency: int, queue_size: int):
        self.concurrency = concurrency
        self.queue_size = queue_size
        self._limiter: anyio.CapacityLimiter | None = None
        self._admitted = 0  # running plus waiting; only touched on the event loop

    async def run(self, function: Callable[[], T]) -> T:
        """``function()`` in a worker thread once a slot is free; 503 when too many wait."""
        if self._limiter is None:  # created on the event loop that serves the requests
            self._limiter = anyio.CapacityLimiter(self.concurrency)
        if self._admitted >= self.concurrency + self.queue_size:
            raise ApiProblem(
                503,
                "The server is busy answering other questions; please try again in a moment.",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        self._admitted += 1
        try:
            return await anyio.to_thread.run_sync(function, limiter=self._limiter)
        finally:
            self._admitted -= 1
