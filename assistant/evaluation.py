"""Measure answers, not only search: run each labelled question through the assistant.

Per question: does the final answer (``Assistant.respond``, mode chosen from the message)
use a grade-2 legend, is it refused when it must be (and with the right kind), is the mode
the expected one; and for the search alone, success@3 and graded nDCG@5.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assistant.assistant import Assistant
from assistant.retrieval import candidates, choose, show_threshold
from index.evaluation.items import ANY_REFUSAL, EvalItem
from index.evaluation.metrics import graded_ndcg_at, success_at
from index.query_facets import named_topics
from index.ranking import DEFAULT_RETRIEVER

SEARCH_DEPTH = 10
# The figures of one group of questions, in table order: (key, heading).
FIGURES = (
    ("answer_success", "answer ok"),
    ("picked_success", "picked ok"),
    ("answer_precision", "ans. prec."),
    ("wrong_refusal", "wrong ref."),
    ("theme_refused", "theme ref."),
    ("refusal_recall", "must-ref."),
    ("refusal_kind", "ref. kind"),
    ("mode_accuracy", "mode"),
    ("success@3", "succ@3"),
    ("ndcg@5", "nDCG@5"),
)


@dataclass
class AnswerResult:
    """What the assistant and the search did with one item."""

    item: EvalItem
    ranked: list[str]  # the search's legends, best first
    shown: list[str]  # the legends the answer uses
    picked: list[str]  # the legends retrieval handed to the composer
    abstained: bool
    refusal: str | None
    mode: str
    names_theme: bool


def run_item(assistant: Assistant, item: EvalItem, retriever: str = DEFAULT_RETRIEVER):
    """Answer ``item`` afresh (no conversation) and search it."""
    reply = assistant.respond(item.question)
    hits = assistant.index.search(item.question, SEARCH_DEPTH, retriever=retriever)
    picked = []
    if not reply.refusal and reply.plan is not None:
        threshold = show_threshold(assistant.index)
        picked = choose(candidates(assistant.index, reply.plan), reply.plan, threshold)
    return AnswerResult(
        item=item,
        ranked=[hit.legend.id for hit in hits],
        shown=[legend.id for legend in reply.legends],
        picked=[hit.legend.id for hit in picked],
        abstained=reply.abstained,
        refusal=reply.refusal,
        mode=reply.mode,
        names_theme=bool(named_topics(item.question)),
    )


def run_items(
    assistant: Assistant, items: Iterable[EvalItem], retriever: str = DEFAULT_RETRIEVER
) -> list[AnswerResult]:
    return [run_item(assistant, item, retriever) for item in items]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summarise(results: list[AnswerResult]) -> dict[str, float | int | None]:
    """The figures of one group (None where the group has no question to measure)."""
    answerable = [r for r in results if r.item.answerable and r.item.grade2]
    refuse = [r for r in results if not r.item.answerable]
    kinds = [r for r in refuse if r.item.refusal != ANY_REFUSAL]
    with_mode = [r for r in answerable if r.item.mode]
    answered = [r for r in answerable if not r.abstained and r.shown]
    return {
        "questions": len(results),
        "answerable": len(answerable),
        "must_refuse": len(refuse),
        "answer_success": _mean(
            [float(not r.abstained and bool(set(r.shown) & r.item.grade2)) for r in answerable]
        ),
        "picked_success": _mean(
            [float(not r.abstained and bool(set(r.picked) & r.item.grade2)) for r in answerable]
        ),
        "answer_precision": _mean(
            [sum(r.item.grade(i) > 0 for i in r.shown) / len(r.shown) for r in answered]
        ),
        "wrong_refusal": _mean([float(r.abstained) for r in answerable]),
        "theme_refused": sum(r.abstained and r.names_theme for r in answerable),
        "refusal_recall": _mean([float(r.abstained) for r in refuse]),
        "refusal_kind": _mean([float(r.refusal == r.item.refusal) for r in kinds]),
        "mode_accuracy": _mean([float(r.mode == r.item.mode) for r in with_mode]),
        "success@3": _mean([success_at(r.ranked, r.item.grade2, 3) for r in answerable]),
        "ndcg@5": _mean(
            [
                graded_ndcg_at(
                    r.ranked, {i: r.item.grade(i) for i in r.item.grade1 | r.item.grade2}, 5
                )
                for r in answerable
            ]
        ),
    }


def breakdown(results: list[AnswerResult]) -> list[tuple[str, str, dict]]:
    """``(split, voice, figures)`` for each split and voice, then each split's total."""
    rows = []
    for split in sorted({r.item.split for r in results}, key=("dev", "test", "legacy").index):
        in_split = [r for r in results if r.item.split == split]
        for voice in sorted({r.item.voice for r in in_split}):
            rows.append((split, voice, summarise([r for r in in_split if r.item.voice == voice])))
        rows.append((split, "all", summarise(in_split)))
    return rows


def failures(results: list[AnswerResult]) -> list[str]:
    """One line per question the answer got wrong (for ``legends eval --misses``)."""
    lines = []
    for r in results:
        item = r.item
        if item.answerable and item.grade2 and (r.abstained or not set(r.shown) & item.grade2):
            got = (
                "refused" if r.abstained else f"{', '.join(r.shown)} (picked {', '.join(r.picked)})"
            )
            lines.append(f"[{item.split}/{item.id}] {item.question!r}: {got}")
        elif not item.answerable and not r.abstained:
            lines.append(f"[{item.split}/{item.id}] must refuse {item.question!r}: answered")
        elif item.answerable and item.mode and r.mode != item.mode:
            lines.append(
                f"[{item.split}/{item.id}] mode {r.mode} not {item.mode}: {item.question!r}"
            )
    return lines
