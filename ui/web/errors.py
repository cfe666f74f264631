"""Refusals shown to a visitor, and unexpected errors kept to a few lines of server log.

A refusal is a message on the page, not a fault in the server log. An unexpected error
in an event (often a malformed call sent straight to the event API) is one log line
naming the exception, at most :data:`LOG_LINES_PER_MINUTE` a minute, instead of the
full traceback Gradio prints for each: anyone could otherwise fill the log at will.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import traceback
import types

import gradio as gr

log = logging.getLogger("legends.web")
LOG_LINES_PER_MINUTE = 10
# Gradio's modules that print a traceback for every failed event.
GRADIO_MODULES = ("gradio.queueing", "gradio.routes", "gradio.utils", "gradio.route_utils")


def refusal(message: str) -> gr.Error:
    """A ``gr.Error`` for input the page turns down (too long, not signed in, too fast).

    Gradio prints a traceback for every ``gr.Error`` by default; for expected refusals
    that only floods the log (a visitor past the rate limit would add one per request).
    """
    return gr.Error(message, print_exception=False)


class _OneLineErrors:
    """Counts and logs failed events: one line each, a few a minute, then a summary."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._window_start = 0.0
        self._logged = 0
        self._suppressed = 0

    def report(self) -> None:
        """Log the exception being handled in one line (rate-limited)."""
        error = sys.exc_info()[1]
        what = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
        with self._lock:
            now = time.monotonic()
            if now - self._window_start >= 60:
                if self._suppressed:
                    log.warning("%d more failed events in the last minute", self._suppressed)
                self._window_start, self._logged, self._suppressed = now, 0, 0
            if self._logged >= LOG_LINES_PER_MINUTE:
                self._suppressed += 1
                return
            self._logged += 1
        log.warning("an event failed: %s", what[:300])


_errors = _OneLineErrors()


def quiet_gradio_tracebacks() -> None:
    """Make Gradio report a failed event as one rate-limited log line (idempotent).

    Gradio calls ``traceback.print_exc()`` in those modules; they get a ``traceback``
    whose ``print_exc`` reports through :class:`_OneLineErrors` instead.
    """
    shim = types.SimpleNamespace(**{n: getattr(traceback, n) for n in dir(traceback)})
    shim.print_exc = lambda *args, **kwargs: _errors.report()
    for name in GRADIO_MODULES:
        module = sys.modules.get(name)
        if module is not None and getattr(module, "traceback", None) is traceback:
            module.traceback = shim
