"""One view of every labelled question for evaluation and fitting: legacy set and labelled set.

The legacy 190 questions (``questions.yaml``) become split ``legacy``: their relevant legends
count as grade 2 and an off-topic question must be refused (of any kind). The labelled set
(``labelled.yaml``, splits ``dev`` and ``test``) carries voice, expected mode, expected refusal
kind and graded legends.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from index.evaluation.dataset import QUESTIONS_FILE, load_questions

LABELLED_FILE = Path(__file__).with_name("labelled.yaml")
SPLITS = ("dev", "test", "legacy")
# A legacy off-topic question must be refused, but its kind was never labelled.
ANY_REFUSAL = "any"


@dataclass(frozen=True)
class EvalItem:
    """A question with what a good answer looks like."""

    id: str
    question: str
    voice: str
    split: str
    mode: str | None  # the expected mode; None when not labelled
    refusal: str | None  # the expected refusal kind; None when the question is answerable
    grade2: frozenset[str]
    grade1: frozenset[str]

    @property
    def answerable(self) -> bool:
        return self.refusal is None

    def grade(self, legend_id: str) -> int:
        """2 for a strongly fitting legend, 1 for a partly fitting one, else 0."""
        return 2 if legend_id in self.grade2 else 1 if legend_id in self.grade1 else 0


def legacy_items(path: Path = QUESTIONS_FILE) -> list[EvalItem]:
    """The legacy question set as evaluation items (split ``legacy``)."""
    return [
        EvalItem(
            id=f"legacy{number:03d}",
            question=q.question,
            voice=q.persona,
            split="legacy",
            mode=None,
            refusal=ANY_REFUSAL if q.off_topic else None,
            grade2=frozenset(q.relevant),
            grade1=frozenset(),
        )
        for number, q in enumerate(load_questions(path), 1)
    ]


def _labelled_rows(path: Path) -> list[dict]:
    try:  # the shared loader validates the file; until it exists, read the rows directly
        from index.evaluation.dataset import load_labelled  # type: ignore[attr-defined]
    except ImportError:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [row if isinstance(row, dict) else _as_dict(row) for row in load_labelled(path)]


def _as_dict(row: object) -> dict:
    if hasattr(row, "model_dump"):
        return row.model_dump()
    return dict(vars(row))


def labelled_items(path: Path = LABELLED_FILE) -> list[EvalItem]:
    """The labelled set's dev and test items (empty when the file does not exist yet)."""
    if not path.exists():
        return []
    return [
        EvalItem(
            id=str(row["id"]),
            question=str(row["question"]),
            voice=str(row.get("voice") or "visitor"),
            split=str(row.get("split") or "dev"),
            mode=row.get("mode"),
            refusal=row.get("refusal"),
            grade2=frozenset(row.get("grade2") or []),
            grade1=frozenset(row.get("grade1") or []),
        )
        for row in _labelled_rows(path)
    ]


def load_items(splits: tuple[str, ...] = SPLITS, labelled: Path = LABELLED_FILE) -> list[EvalItem]:
    """Every item in ``splits`` (dev, test from the labelled set; legacy from the old set)."""
    items = [item for item in labelled_items(labelled) if item.split in splits]
    if "legacy" in splits:
        items.extend(legacy_items())
    return items
