"""``legends eval``: retrieval quality of every retriever on the labelled questions."""

from __future__ import annotations

from pathlib import Path

import typer

from ui.cli.output import print_json

METRICS = (
    "recall@1",
    "recall@3",
    "recall@5",
    "mrr",
    "ndcg@5",
    "abstention_precision",
    "abstention_recall",
)


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_command)


def eval_command(
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    questions: Path = typer.Option(None, "--questions", help="Another labelled YAML file."),
    show_misses: bool = typer.Option(False, "--misses", help="List questions missed at 3."),
    calibrate: bool = typer.Option(
        False, "--calibrate", help="Also print the best abstention threshold for the default."
    ),
) -> None:
    """Score every retriever: recall@1/3/5, MRR, nDCG@5, abstention precision and recall."""
    from index.evaluation.dataset import QUESTIONS_FILE, load_questions
    from index.evaluation.runner import evaluate_all
    from index.legend_index import LegendIndex
    from index.ranking import DEFAULT_RETRIEVER
    from index.relevance import DEFAULT_MIN_RELEVANCE

    labelled = load_questions(questions or QUESTIONS_FILE)
    reports = evaluate_all(LegendIndex(), labelled)
    if as_json:
        print_json(
            {
                "questions": len(labelled),
                "off_topic": sum(q.off_topic for q in labelled),
                "default": DEFAULT_RETRIEVER,
                "threshold": DEFAULT_MIN_RELEVANCE,
                "retrievers": {
                    r.retriever: {m: round(r.metrics[m], 4) for m in METRICS} for r in reports
                },
            }
        )
        return
    print(
        f"{len(labelled)} questions ({sum(q.off_topic for q in labelled)} off-topic), "
        f"abstention threshold {DEFAULT_MIN_RELEVANCE}"
    )
    labels = [m.replace("abstention_", "abst.")[:11] for m in METRICS]
    print(f"{'retriever':16}" + "".join(f"{label:>12}" for label in labels))
    for report in reports:
        marker = " *" if report.retriever == DEFAULT_RETRIEVER else ""
        print(
            f"{report.retriever + marker:16}"
            + "".join(f"{report.metrics[m]:12.3f}" for m in METRICS)
        )
        if show_misses:
            for miss in report.misses:
                print(f"    missed: {miss}")
    print("* the default retriever")
    if calibrate:
        from index.evaluation.calibration import best_threshold, top_relevances

        tops = top_relevances(LegendIndex(), labelled, DEFAULT_RETRIEVER)
        threshold, f1 = best_threshold(tops, [q.off_topic for q in labelled])
        print(
            f"best abstention threshold: {threshold:.2f} (F1 {f1:.3f}); "
            f"in use: {DEFAULT_MIN_RELEVANCE:.2f} (index/relevance.py)"
        )
