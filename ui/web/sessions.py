"""Lighter Gradio sessions: a new visitor's session no longer snapshots the whole page.

Gradio gives every new session (each page visit, and each ``/chat`` call from a client)
a ``SessionState`` whose constructor renders the configuration of every component on the
page, only so that a "deep link" could recreate the page later. This page has no deep
links, and profiling ``/chat`` showed that snapshot to be most of the server's time per
call: about 60 component configurations, each built with ``inspect.signature``.

:func:`lighten_sessions` swaps in a state holder whose sessions start with no snapshot;
Gradio still fills in the configuration of any component an event actually updates
(``SessionState.__setitem__``), so sessions behave as before.
"""

from __future__ import annotations

import datetime

import gradio as gr
from fastapi import FastAPI
from gradio.routes import App
from gradio.state_holder import SessionState, StateHolder
from starlette.routing import Mount


class _BlocksWithoutSnapshot:
    """What ``SessionState`` reads from the Blocks, minus the list it snapshots."""

    def __init__(self, blocks: gr.Blocks):
        self.default_config = blocks.default_config
        self.blocks: dict = {}


class LightSessionState(SessionState):
    """A session that renders component configurations only when they change."""

    def __init__(self, blocks: gr.Blocks):
        super().__init__(_BlocksWithoutSnapshot(blocks))


class LightStateHolder(StateHolder):
    """Gradio's per-session state store, creating :class:`LightSessionState` sessions."""

    def __getitem__(self, session_id: str) -> SessionState:
        if session_id not in self.session_data:
            self.session_data[session_id] = LightSessionState(self.blocks)
        self.update(session_id)
        self.time_last_used[session_id] = datetime.datetime.now()
        return self.session_data[session_id]


def _gradio_app(app: FastAPI) -> App:
    for route in app.routes:
        if isinstance(route, Mount) and isinstance(route.app, App):
            return route.app
    raise LookupError("no Gradio app is mounted on this FastAPI app")


def lighten_sessions(app: FastAPI, blocks: gr.Blocks) -> None:
    """Give the Gradio page mounted on ``app`` the light state holder (before serving)."""
    gradio_app = _gradio_app(app)
    holder = LightStateHolder()
    holder.set_blocks(blocks)  # also points blocks.state_holder at it
    gradio_app.state_holder = holder
