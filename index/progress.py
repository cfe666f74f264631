"""A progress bar for long indexing runs, on stderr so JSON output stays clean."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

MIN_ITEMS_FOR_BAR = 10


@contextmanager
def embedding_progress(total: int, *, enabled: bool) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(n)``; draws a bar only when enabled and the job is long enough."""
    if not enabled or total < MIN_ITEMS_FOR_BAR:
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    ) as bar:
        task = bar.add_task("Embedding legends", total=total)
        yield lambda n: bar.advance(task, n)
