"""The typer application: each command group lives in its own module."""

from __future__ import annotations

import typer

from ui.cli import (
    ask_commands,
    eval_commands,
    ingest_commands,
    library_commands,
    mcp_commands,
    search_commands,
    web_commands,
)

app = typer.Typer(
    name="legends",
    help="Service Legends: customer-service legends, retold with their lessons and sources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

library_commands.register(app)
search_commands.register(app)
eval_commands.register(app)
ask_commands.register(app)
ingest_commands.register(app)
web_commands.register(app)
mcp_commands.register(app)
