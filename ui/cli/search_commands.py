"""``legends search``: find the legends closest to a question."""

from __future__ import annotations

import sys

import typer

from ui.cli.output import check_themes, excerpt, fail, print_json, sources_json, terminal


def register(app: typer.Typer) -> None:
    app.command("search")(search_command)


def search_command(
    query: str = typer.Argument(None, help="What to look for, e.g. 'a lost item'."),
    k: int = typer.Option(5, "-k", min=1, max=50, help="How many legends to return."),
    theme: list[str] = typer.Option(None, "--theme", help="Only legends with this theme."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    stdin: bool = typer.Option(False, "--stdin", help="One query per input line (JSON Lines)."),
) -> None:
    """Search the legends by meaning."""
    themes = check_themes(theme)
    if stdin:
        if query:
            fail("give either a QUERY or --stdin, not both")
        _search_stream(k, themes, as_json)
        return
    if query is None or not query.strip():
        fail('the query is empty; try: legends search "a customer lost an item"')
    from index.legend_index import LegendIndex

    payload = search_payload(LegendIndex(), query, k, themes)
    if as_json:
        print_json(payload)
    else:
        print_results(payload)


def search_payload(legend_index, query: str, k: int, themes: list[str]) -> dict:
    """The ``search --json`` object for one query."""
    hits = legend_index.search(query, k, themes=themes)
    return {
        "query": query,
        "results": [
            {
                "id": hit.legend.id,
                "title": hit.legend.title,
                "company": hit.legend.company,
                "score": round(hit.score, 4),
                "relevance": round(hit.relevance, 4),
                "themes": list(hit.legend.themes),
                "sources": sources_json(hit.legend),
                "excerpt": excerpt(hit.legend.retelling),
            }
            for hit in hits
        ],
    }


def print_results(payload: dict) -> None:
    if not payload["results"]:
        print(f"No legends found for {terminal(repr(payload['query']))}.")
        return
    for rank, result in enumerate(payload["results"], 1):
        title, company = terminal(result["title"]), terminal(result["company"])
        print(f"{rank}. {title} — {company} (relevance {result['relevance']:.2f})")
        print(f"   {terminal(result['excerpt'])}")
        for source in result["sources"]:
            print(f"   Source: {terminal(source['citation'])}")
        print()


def _search_stream(k: int, themes: list[str], as_json: bool) -> None:
    from index.legend_index import LegendIndex

    legend_index = LegendIndex()
    for line in sys.stdin:
        query = line.strip()
        if not query:
            payload = {"query": "", "error": "the query is empty", "results": []}
        else:
            payload = search_payload(legend_index, query, k, themes)
        if as_json:
            print_json(payload)
        else:
            print(f"## {terminal(query)}")
            print_results(payload)
