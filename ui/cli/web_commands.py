"""``legends serve``, ``legends feedback export`` and ``legends submissions ...``.

Moderation lives here, on the command line only: the web page can queue a story but
never approve one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from ui.cli.output import fail, print_json, terminal

feedback_app = typer.Typer(help="Ratings visitors gave to answers.", no_args_is_help=True)
submissions_app = typer.Typer(
    help="Stories shared by visitors: review, approve into the corpus, or reject.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
    app.add_typer(feedback_app, name="feedback")
    app.add_typer(submissions_app, name="submissions")


def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(7860, "--port", min=1, max=65535, help="Port to listen on."),
) -> None:
    """Run the web app: chat, trainer packs, browsing and story sharing."""
    from ui.web.server import serve

    serve(host, port)


@feedback_app.command("export")
def feedback_export(
    output: Path = typer.Option(None, "--output", "-o", help="Write the CSV here (else stdout)."),
) -> None:
    """Every thumbs up/down as CSV: time, rating, mode, question, answer, legend ids."""
    from ui.storage.feedback import feedback_csv, list_feedback

    text = feedback_csv()
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8", newline="")
    print(f"Wrote {len(list_feedback())} rating(s) to {output}.", file=sys.stderr)


def _when(moment) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def _first_words(text: str, words: int = 12) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


@submissions_app.command("list")
def submissions_list(
    status: str = typer.Option(
        None, "--status", help="Only pending, approved or rejected submissions."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """The moderation queue, oldest first."""
    from ui.storage.submissions import STATUSES, list_submissions

    if status is not None and status not in STATUSES:
        fail(f"unknown status {status!r}; choose from: {', '.join(STATUSES)}")
    items = list_submissions(status)
    if as_json:
        print_json({"submissions": [_json(item) for item in items]})
        return
    for item in items:
        legend = f" -> {item.legend_id}" if item.legend_id else ""
        print(
            f"{item.id:>4}  {item.status:8}  {_when(item.created_at)}  {terminal(item.company)}: "
            f"{terminal(_first_words(item.story))}{legend}"
        )
    print(f"{len(items)} submission(s); {sum(i.status == 'pending' for i in items)} pending.")


def _json(item) -> dict:
    return {
        "id": item.id,
        "status": item.status,
        "created_at": _when(item.created_at),
        "company": item.company,
        "name": item.name,
        "story": item.story,
        "decided_at": _when(item.decided_at),
        "legend_id": item.legend_id,
    }


@submissions_app.command("show")
def submissions_show(submission_id: int = typer.Argument(..., metavar="ID")) -> None:
    """One submission in full."""
    from ui.storage.submissions import get_submission

    item = get_submission(submission_id)
    if item is None:
        fail(f"no submission with id {submission_id}", code=1)
    print(f"Submission {item.id} ({item.status}), shared {_when(item.created_at)}")
    # Shown as stored, with any control code made visible: the trainer sees everything
    # that was sent, and nothing in it can rewrite the terminal.
    print(f"Company: {terminal(item.company)}")
    print(f"Name: {terminal(item.name) or '(not given)'}")
    if item.legend_id:
        print(f"Legend: {item.legend_id}")
    print()
    print(terminal(item.story))


@submissions_app.command("approve")
def submissions_approve(submission_id: int = typer.Argument(..., metavar="ID")) -> None:
    """Turn a submission into a legend under $LEGENDS_HOME/corpus and index it at once."""
    from ui.cli.ingest_commands import _sync_index
    from ui.storage.moderation import ModerationError, approve

    try:
        approval = approve(submission_id)
    except ModerationError as error:
        fail(str(error), code=1)
    how = "added as an extra source of" if approval.merged else "is now the legend"
    print(f"Approved submission {submission_id}: it {how} {approval.legend_id} ({approval.path}).")
    problem = _sync_index()
    if problem:
        fail(problem, code=1)
    print("Indexed: it can be found in search and chat now.")


@submissions_app.command("reject")
def submissions_reject(submission_id: int = typer.Argument(..., metavar="ID")) -> None:
    """Reject a submission; the corpus is not touched."""
    from ui.storage.moderation import ModerationError, reject

    try:
        reject(submission_id)
    except ModerationError as error:
        fail(str(error), code=1)
    print(f"Rejected submission {submission_id}.")
