"""``legends ingest`` and ``legends remove``: add your own stories, or take them out again."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from corpus.settings import get_settings
from ui.cli.output import print_json, terminal

# Spelled out here so `legends --help` does not import the readers (trafilatura, pypdf).
PATHS_HELP = "Files to ingest (.md, .markdown, .txt, .html, .htm, .pdf, .jsonl, .csv)."


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_command)
    app.command("remove")(remove_command)
    app.command("ingest-eval")(ingest_eval_command)


def _sync_index() -> str | None:
    """Bring the index in line with the legend files; return an error message on failure."""
    from index.legend_index import LegendIndex

    try:
        LegendIndex().sync()
    except Exception as error:  # noqa: BLE001 - the files are safe; say why the index is not
        return (
            f"the legend files were written but the index was not updated ({error}); "
            "run: legends index"
        )
    return None


def ingest_command(
    paths: list[Path] = typer.Argument(..., help=PATHS_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Add your own stories: each becomes a legend file in $LEGENDS_HOME/corpus, then indexed."""
    from corpus.ingest import ingest_paths

    settings = get_settings()
    report = ingest_paths(paths, settings)
    payload = report.to_json()
    if report.changed:
        # Legend files are the source of truth and are all written by now; the index follows.
        problem = _sync_index()
        if problem:
            payload["errors"].append({"path": str(settings.index_dir), "error": problem})
    if as_json:
        print_json(payload)
    else:
        for file_report in report.files:
            print(terminal(file_report.summary()))  # file names and errors may quote anything
        print(
            f"{len(payload['added'])} added, {len(payload['merged'])} merged, "
            f"{len(payload['unchanged'])} unchanged, {len(payload['errors'])} error(s). "
            f"Legend files: {terminal(settings.user_corpus_dir)}"
        )
        for error in payload["errors"][len(report.errors) :]:
            print(f"Error: {terminal(error['error'])}", file=sys.stderr)
    if payload["errors"]:
        raise typer.Exit(1)


def remove_command(
    legend_id: str = typer.Argument(..., metavar="ID", help="The id of a legend you added."),
) -> None:
    """Delete a legend you added (its file and its index entry); packaged legends stay."""
    from corpus.ingest.writer import RemoveRefused, remove_legend

    settings = get_settings()
    try:
        removal = remove_legend(settings, legend_id)
    except RemoveRefused as refusal:
        print(f"Error: {terminal(refusal)}", file=sys.stderr)
        raise typer.Exit(1) from None
    problem = _sync_index()
    print(f"Removed {removal.legend_id} ({removal.path}).")
    if removal.packaged_restored:
        print(f"The packaged legend {removal.legend_id} applies again, without your changes.")
    if problem:
        print(f"Error: {problem}", file=sys.stderr)
        raise typer.Exit(1)


def ingest_eval_command(
    folder: Path = typer.Option(
        None, "--folder", help="Held-out articles with expected.yaml (default: tests/data/heldout)."
    ),
    labels: bool = typer.Option(
        False, "--labels", help="Also cross-validate the theme/industry/principle models."
    ),
    details: bool = typer.Option(False, "--details", help="One line per expected story."),
) -> None:
    """Ingest held-out articles into a fresh home and grade splits, companies, themes, search."""
    from index.evaluation.ingestion import HELDOUT_DIR, evaluate_ingestion

    figures = evaluate_ingestion(folder or HELDOUT_DIR)
    print(figures.summary())
    if details:
        print(figures.details())
    if labels:
        from corpus.ingest.labels import cross_validate

        print(cross_validate().summary())
