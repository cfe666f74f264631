"""``legends ask`` and ``legends chat``: the conversation from the terminal."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from ui.cli.output import check_themes, fail, print_json

MODE_HELP = "Force a mode: ask, suggest or discuss (default: chosen from the message)."


def register(app: typer.Typer) -> None:
    app.command("ask")(ask_command)
    app.command("chat")(chat_command)


def _check_mode(mode: str | None) -> str | None:
    from assistant.modes import MODES

    if mode is not None and mode not in MODES:
        fail(f"unknown mode {mode!r}; choose from: {', '.join(MODES)}")
    return mode


def ask_command(
    question: str = typer.Argument(None, help="Your question or the situation you are in."),
    mode: str = typer.Option(None, "--mode", help=MODE_HELP),
    theme: str = typer.Option(None, "--theme", help="Only legends with this theme."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    stdin: bool = typer.Option(False, "--stdin", help="One question per line (JSON Lines)."),
    output: Path = typer.Option(None, "--output", "-o", help="Also write the answer (Markdown)."),
) -> None:
    """Ask one question: retold legends with lessons and sources, or steps to try now."""
    mode = _check_mode(mode)
    themes = check_themes([theme] if theme else [])
    if stdin:
        if question:
            fail("give either a QUESTION or --stdin, not both")
        _ask_stream(mode, themes[0] if themes else None, as_json)
        return
    if question is None or not question.strip():
        fail('the question is empty; try: legends ask "how have companies handled a lost item?"')
    from assistant import Assistant, InvalidMessage

    assistant = Assistant()
    try:
        reply = assistant.respond(question, mode=mode, theme=themes[0] if themes else None)
    except InvalidMessage as error:
        fail(str(error))
    if reply.notice:
        print(f"Note: {reply.notice}", file=sys.stderr)
    if output:
        output.write_text(reply.answer + "\n", encoding="utf-8")
    if as_json:
        print_json(reply.to_json())
    else:
        print(reply.answer)


def _ask_stream(mode: str | None, theme: str | None, as_json: bool) -> None:
    from assistant import Assistant, InvalidMessage

    assistant = Assistant()
    for line in sys.stdin:
        question = line.strip()
        try:
            reply = assistant.respond(question, mode=mode, theme=theme)  # independent questions
        except InvalidMessage as error:
            payload = {"question": question, "error": str(error), "mode": mode or "",
                       "answer": "", "abstained": True, "legends": []}  # fmt: skip
            if as_json:
                print_json(payload)
            else:
                print(f"## {question}\n\nError: {error}\n")
            continue
        if as_json:
            print_json({"question": question, **reply.to_json()})
        else:
            print(f"## {question}\n\n{reply.answer}\n")


def chat_command(
    mode: str = typer.Option(None, "--mode", help=MODE_HELP),
) -> None:
    """A conversation in the terminal: follow-ups like 'tell me more about the second one'."""
    from assistant import Assistant, Conversation, InvalidMessage

    mode = _check_mode(mode)
    assistant = Assistant()
    conversation = Conversation()
    print("Service Legends — ask about a situation or a theme. Empty line or Ctrl-D to quit.")
    while True:
        try:
            message = input("\nyou> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if not message.strip():
            return
        print()
        try:
            for piece in assistant.stream(message, conversation, mode=mode):
                if isinstance(piece, str):
                    print(piece, end="", flush=True)
                elif piece.fell_back:
                    print(f"\n\n[{piece.notice}]\n\n{piece.answer}")
            print()
        except InvalidMessage as error:
            print(f"Error: {error}")
