"""``legends eval``: how good the answers are; ``legends fit``: refit the models on dev.

``eval`` runs every labelled question through the assistant and reports, per split
(dev, test, legacy) and voice, answer success, refusals, mode accuracy and search
quality. ``eval --retrievers`` keeps the older comparison of each retriever's search.
"""

from __future__ import annotations

from pathlib import Path

import typer

from ui.cli.output import fail, print_json

RETRIEVER_METRICS = ("success@1", "success@3", "recall@3", "recall@5", "mrr", "ndcg@5")
SPLIT_CHOICES = ("all", "dev", "test", "legacy")


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_command)
    app.command("fit")(fit_command)


def eval_command(
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    split: str = typer.Option(
        "all", "--split", help="Which questions: all, dev, test (labelled set) or legacy."
    ),
    show_misses: bool = typer.Option(False, "--misses", help="List the questions answered badly."),
    retrievers: bool = typer.Option(
        False, "--retrievers", help="Compare the retrievers' search instead (legacy questions)."
    ),
    questions: Path = typer.Option(
        None, "--questions", help="With --retrievers: another legacy-format YAML file."
    ),
) -> None:
    """Score the answers: answer success, refusals, mode, success@3 and nDCG@5, per voice."""
    if split not in SPLIT_CHOICES:
        fail(f"unknown split {split!r}; choose from {', '.join(SPLIT_CHOICES)}")
    if retrievers:
        _compare_retrievers(as_json, questions, show_misses)
        return
    from assistant.assistant import Assistant
    from assistant.evaluation import breakdown, failures, run_items
    from index.evaluation.items import SPLITS, load_items
    from index.legend_index import LegendIndex

    items = load_items(SPLITS if split == "all" else (split,))
    if not items:
        fail(f"no labelled questions in split {split!r}", code=1)
    results = run_items(Assistant(LegendIndex(), llm=None), items)
    rows = breakdown(results)
    if as_json:
        print_json(
            {
                "splits": {
                    s: {v: _rounded(f) for sp, v, f in rows if sp == s}
                    for s in dict.fromkeys(sp for sp, _, _ in rows)
                }
            }
        )
        return
    _print_table(rows)
    if show_misses:
        for line in failures(results):
            print(line)


def _rounded(figures: dict) -> dict:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}


def _print_table(rows: list[tuple[str, str, dict]]) -> None:
    from rich.console import Console
    from rich.table import Table

    from assistant.evaluation import FIGURES

    table = Table(title="Answers per split and voice (rates; 'theme ref.' is a count)")
    table.add_column("split")
    table.add_column("voice")
    table.add_column("n", justify="right")
    for _, heading in FIGURES:
        table.add_column(heading, justify="right")
    for split, voice, figures in rows:
        cells = []
        for key, _ in FIGURES:
            value = figures[key]
            cells.append(
                "-" if value is None else str(value) if isinstance(value, int) else f"{value:.3f}"
            )
        style = "bold" if voice == "all" else None
        table.add_row(split, voice, str(figures["questions"]), *cells, style=style)
    Console(width=160).print(table)
    print(
        "answer ok: the answer uses a grade-2 legend (of answerable questions); picked ok: "
        "retrieval handed the composer one (before suggest mode picks its moves); ans. prec.: "
        "share of shown legends graded 1 or 2; wrong ref.: answerable questions refused; "
        "theme ref.: refused questions that name a covered theme; must-ref.: must-refuse "
        "requests refused; ref. kind: with the right refusal kind; mode: detected mode is the "
        "expected one; succ@3: a grade-2 legend in the search's top 3; nDCG@5: graded 2/1."
    )


def _compare_retrievers(as_json: bool, questions: Path | None, show_misses: bool) -> None:
    from index.evaluation.dataset import QUESTIONS_FILE, load_questions
    from index.evaluation.runner import evaluate_all
    from index.legend_index import LegendIndex
    from index.ranking import DEFAULT_RETRIEVER

    labelled = load_questions(questions or QUESTIONS_FILE)
    reports = evaluate_all(LegendIndex(), labelled)
    if as_json:
        print_json(
            {
                "questions": len(labelled),
                "off_topic": sum(q.off_topic for q in labelled),
                "default": DEFAULT_RETRIEVER,
                "retrievers": {
                    r.retriever: {m: round(r.metrics[m], 4) for m in RETRIEVER_METRICS}
                    for r in reports
                },
            }
        )
        return
    answerable = sum(not q.off_topic for q in labelled)
    print(f"search over the {answerable} answerable of {len(labelled)} questions")
    print(f"{'retriever':16}" + "".join(f"{label:>12}" for label in RETRIEVER_METRICS))
    for report in reports:
        marker = " *" if report.retriever == DEFAULT_RETRIEVER else ""
        print(
            f"{report.retriever + marker:16}"
            + "".join(f"{report.metrics[m]:12.3f}" for m in RETRIEVER_METRICS)
        )
        if show_misses:
            for miss in report.misses:
                print(f"    missed: {miss}")
    print("* the default retriever")


def fit_command(
    what: str = typer.Option(
        "all", "--only", help="Refit only one model: ranker, refusal or mode (default: all)."
    ),
) -> None:
    """Refit the ranker, the refusal decision and the mode detector on the dev split."""
    if what not in ("all", "ranker", "refusal", "mode"):
        fail(f"unknown model {what!r}; choose from all, ranker, refusal, mode")
    from index.evaluation.items import load_items
    from index.legend_index import LegendIndex

    dev = load_items(("dev",))
    if not dev:
        fail("the labelled set has no dev questions to fit on", code=1)
    legend_index = LegendIndex()
    if what in ("all", "ranker"):
        from index.evaluation.ranker_fit import fit_ranker

        print_json({"ranker": fit_ranker(legend_index, dev)})
    if what in ("all", "mode"):
        from assistant.fitting import fit_mode

        print_json({"mode": fit_mode(legend_index, dev)})
    if what in ("all", "refusal"):
        from assistant.fitting import fit_refusal

        print_json({"refusal": fit_refusal(legend_index, dev)})
