"""``legends mcp``: the legends as an MCP server over stdio, for a local AI assistant."""

from __future__ import annotations

import sys

import typer


def register(app: typer.Typer) -> None:
    app.command("mcp")(mcp_command)


def mcp_command() -> None:
    """Serve the MCP server over stdin/stdout (for Claude Desktop and other MCP clients).

    Nothing but the protocol goes to stdout; notes go to stderr. The local user is
    trusted: no limits, and the trainer tool needs no password.
    """
    from assistant import Assistant
    from corpus.settings import get_settings
    from index.legend_index import LegendIndex
    from ui.mcp_server import run_stdio

    settings = get_settings()
    legend_index = LegendIndex(settings)
    report = legend_index.sync()  # quietly: stdout belongs to the protocol
    print(f"service-legends MCP server: index {report.summary()}.", file=sys.stderr)
    run_stdio(Assistant(legend_index, settings=settings))
