"""The labelled questions: what users type, and which legends answer them."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

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
