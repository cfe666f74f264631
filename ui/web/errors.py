"""Refusals shown to a visitor: a message on the page, not a fault in the server log."""

from __future__ import annotations

import gradio as gr


def refusal(message: str) -> gr.Error:
    """A ``gr.Error`` for input the page turns down (too long, not signed in, too fast).

    Gradio prints a traceback for every ``gr.Error`` by default; for expected refusals
    that only floods the log (a visitor past the rate limit would add one per request).
    """
    return gr.Error(message, print_exception=False)
