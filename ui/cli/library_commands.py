"""``legends index``, ``legends list`` and ``legends check``: the corpus and its index."""

from __future__ import annotations

import sys

import typer

from corpus.loader import load_corpus
from ui.cli.output import print_json, sources_json, terminal


def register(app: typer.Typer) -> None:
    app.command("index")(index_command)
    app.command("list")(list_command)
    app.command("check")(check_command)


def index_command(
    rebuild: bool = typer.Option(False, "--rebuild", help="Drop the index and embed everything."),
) -> None:
    """Build or update the search index from the legend files (only changes are embedded)."""
    from index.legend_index import LegendIndex
    from index.store import StoreUnavailable

    try:
        legend_index = LegendIndex()
        report = legend_index.sync(rebuild=rebuild, progress=True)
    except StoreUnavailable as error:
        print(f"Error: {error}", file=sys.stderr)
        raise typer.Exit(1) from error
    for problem in legend_index.problems:
        print(f"Skipped: {terminal(problem)}", file=sys.stderr)
    print(f"Index at {legend_index.settings.index_dir}: {report.summary()}.")


def list_command(
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    stats: bool = typer.Option(
        False, "--stats", help="Print the coverage table: legends per theme, industry and status."
    ),
) -> None:
    """List every legend in the corpus (or, with --stats, how well it covers each theme)."""
    corpus = load_corpus()
    legends = sorted((item.legend for item in corpus.legends), key=lambda lg: lg.id)
    if stats:
        from ui.cli.coverage import coverage_counts, coverage_table

        if as_json:
            print_json({"legends": len(legends), **coverage_counts(legends)})
        else:
            print(coverage_table(legends))
    elif as_json:
        print_json(
            {
                "legends": [
                    {
                        "id": lg.id,
                        "title": lg.title,
                        "company": lg.company,
                        "industry": lg.industry,
                        "themes": list(lg.themes),
                        "status": lg.status,
                        "sources": sources_json(lg),
                    }
                    for lg in legends
                ]
            }
        )
    else:
        for lg in legends:
            themes = ", ".join(lg.themes)
            print(f"{lg.id:45} {terminal(lg.company)} — {terminal(lg.title)} [{themes}]")
        print(f"{len(legends)} legends.")
    for problem in corpus.problems:
        print(f"Skipped: {terminal(problem)}", file=sys.stderr)


def check_command() -> None:
    """Validate every legend file, its teaching material and look for near-duplicates; exit 1
    listing every problem."""
    from assistant.grounded.material import missing_material
    from corpus.similarity import find_near_duplicates

    corpus = load_corpus()
    for problem in corpus.problems:
        print(terminal(problem))
    duplicates = find_near_duplicates([item.legend for item in corpus.legends])
    for duplicate in duplicates:
        print(f"Near-duplicate: {terminal(duplicate)}; merge them or make them distinct")
    # A curated legend must carry its teaching material; ingested stories get generic material.
    unfinished = [(item.path, missing_material(item.legend)) for item in corpus.legends]
    unfinished = [(path, missing) for path, missing in unfinished if missing]
    for path, missing in unfinished:
        print(f"{path}: teaching material: missing {'; '.join(missing)}")
    count = len(corpus.problems) + len(duplicates) + len(unfinished)
    if count:
        print(f"{count} problem(s); {len(corpus.legends)} legends are valid.")
        raise typer.Exit(1)
    print(f"All {len(corpus.legends)} legends are valid; no near-duplicates.")
