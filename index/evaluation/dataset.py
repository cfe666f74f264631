"""The labelled questions: what users type, and which legends answer them.

Two files: ``questions.yaml`` (the legacy 190 questions, each with its relevant legends) and
``labelled.yaml`` (questions in users' own voices with graded legends, expected mode and
refusal kind, split once into dev and test).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from corpus.schema import Industry
from corpus.settings import PACKAGED_LEGENDS

QUESTIONS_FILE = Path(__file__).with_name("questions.yaml")


class LabelledQuestion(BaseModel):
    """One question; an empty ``relevant`` list means it must get no legends."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1)
    persona: str
    relevant: list[str] = Field(default_factory=list)

    @property
    def off_topic(self) -> bool:
        return not self.relevant


def load_questions(path: Path = QUESTIONS_FILE) -> list[LabelledQuestion]:
    """Read and validate the question set."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [LabelledQuestion.model_validate(item) for item in raw]


# ---------------------------------------------------------------------------------------------
# The labelled set (issue 11): questions in users' own words, graded against every legend.

LABELLED_FILE = Path(__file__).with_name("labelled.yaml")

Voice = Literal["agent", "trainer", "visitor"]
Mode = Literal["suggest", "discuss", "ask"]
RefusalKind = Literal["no-fit", "personal-data", "invention", "instructions", "abuse"]
Split = Literal["dev", "test"]


class LabelledItem(BaseModel):
    """One labelled question: who asks, the mode and refusal expected, and graded legends.

    ``grade2`` lists legends a trainer would happily use for this exact question, ``grade1``
    legends usable at a pinch; every other legend is grade 0. An answerable question
    (``refusal`` null) has at least one grade-2 legend; a refusal has no graded legends.
    """

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][0-9]{3}$")
    question: str = Field(min_length=1)
    voice: Voice
    mode: Mode
    industry: Industry | None
    refusal: RefusalKind | None
    grade2: list[str]
    grade1: list[str]
    split: Split

    @property
    def answerable(self) -> bool:
        return self.refusal is None

    @model_validator(mode="after")
    def _grades_fit_the_refusal(self) -> LabelledItem:
        if self.refusal is None and not self.grade2:
            raise ValueError(f"{self.id}: an answerable question needs a grade-2 legend")
        if self.refusal is not None and (self.grade2 or self.grade1):
            raise ValueError(f"{self.id}: a refusal ({self.refusal}) has no graded legends")
        both = set(self.grade2) & set(self.grade1)
        if both:
            raise ValueError(f"{self.id}: graded both 2 and 1: {sorted(both)}")
        return self


class LabelledSetError(ValueError):
    """The labelled file breaks a rule; the message names the question."""


def packaged_legend_ids(folder: Path = PACKAGED_LEGENDS) -> set[str]:
    """Ids of the packaged legends (a legend file is named after its id)."""
    return {path.stem for path in folder.glob("*.md")}


def load_labelled(
    path: Path = LABELLED_FILE, legend_ids: set[str] | None = None
) -> list[LabelledItem]:
    """Read and validate the labelled set: unique ids, graded legends that exist.

    ``legend_ids`` defaults to the packaged library; every id in a grade list must be in it.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    items = [LabelledItem.model_validate(row) for row in raw]
    known = packaged_legend_ids() if legend_ids is None else legend_ids
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise LabelledSetError(f"{item.id}: the id is used twice")
        seen.add(item.id)
        unknown = sorted(set(item.grade2 + item.grade1) - known)
        if unknown:
            raise LabelledSetError(f"{item.id}: no legend with id {', '.join(unknown)}")
    return items
