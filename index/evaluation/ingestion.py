"""Held-out ingestion evaluation: real articles in, legends out, graded against expectations.

``tests/data/heldout/`` holds real articles (``.txt`` with a ``Source:`` line, ``.html``
with canonical / ``og:url`` metadata) and ``expected.yaml``, written before the ingester
ever ran on them: the stories each file tells, their company (or "Unknown company"),
the source URL, the themes a trainer would give them, three questions a user might ask,
and names in the article that are *not* the company (people, publishers, places).

:func:`evaluate_ingestion` ingests every file into a fresh ``LEGENDS_HOME`` (the packaged
library present, so stories it already tells merge into it), indexes the result and
reports: split precision/recall, company accuracy, source URLs kept, domains or
people taken as companies, theme F1 and paraphrase hit@3.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from unittest.mock import patch

import yaml

from corpus.schema import Legend
from corpus.settings import get_settings
from corpus.text import company_key, is_unknown_company

HELDOUT_DIR = Path(__file__).resolve().parents[2] / "tests" / "data" / "heldout"
DOMAIN_LIKE = re.compile(r"\.(?:com|net|org|co|io|uk|au|biz|blog|news)\b", re.IGNORECASE)
HIT_AT = 3


@dataclass
class ExpectedStory:
    """One story a held-out file tells, as a trainer would describe it."""

    company: str
    keys: list[str]
    themes: list[str]
    questions: list[str]


@dataclass
class ExpectedFile:
    """A held-out article and what ingesting it should give."""

    file: str
    source_url: str | None
    not_companies: list[str]
    stories: list[ExpectedStory]


def load_expectations(folder: Path = HELDOUT_DIR) -> list[ExpectedFile]:
    """The expectations in ``folder/expected.yaml``."""
    raw = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    return [
        ExpectedFile(
            file=entry["file"],
            source_url=entry.get("source_url"),
            not_companies=[str(name) for name in entry.get("not_companies", [])],
            stories=[
                ExpectedStory(
                    company=story["company"],
                    keys=[str(key) for key in story["keys"]],
                    themes=list(story["themes"]),
                    questions=list(story["questions"]),
                )
                for story in entry["stories"]
            ],
        )
        for entry in raw
    ]


@dataclass
class StoryOutcome:
    """How one expected story fared."""

    file: str
    expected: ExpectedStory
    legend: Legend | None = None
    company_right: bool = False
    url_kept: bool | None = None  # None when the file carried no URL
    hits: list[bool] = field(default_factory=list)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


@dataclass
class IngestionFigures:
    """The figures ``legends ingest-eval`` prints."""

    files: int
    expected_stories: int
    predicted_stories: int
    matched_stories: int
    company_right: int
    urls_expected: int
    urls_kept: int
    bad_companies: list[str]
    theme_tp: int
    theme_fp: int
    theme_fn: int
    questions: int
    question_hits: int
    outcomes: list[StoryOutcome]
    errors: list[str]

    @property
    def split_precision(self) -> float:
        return _share(self.matched_stories, self.predicted_stories)

    @property
    def split_recall(self) -> float:
        return _share(self.matched_stories, self.expected_stories)

    @property
    def company_accuracy(self) -> float:
        return _share(self.company_right, self.expected_stories)

    @property
    def theme_f1(self) -> float:
        denominator = 2 * self.theme_tp + self.theme_fp + self.theme_fn
        return 2 * self.theme_tp / denominator if denominator else 0.0

    @property
    def hit_at_3(self) -> float:
        return _share(self.question_hits, self.questions)

    def summary(self) -> str:
        """The figures as a few lines of text."""
        return "\n".join(
            [
                f"held-out files: {self.files}, expected stories: {self.expected_stories}, "
                f"legends citing them: {self.predicted_stories}",
                f"split precision: {self.split_precision:.3f}  recall: {self.split_recall:.3f}",
                f"company accuracy: {self.company_accuracy:.3f} "
                f"({self.company_right}/{self.expected_stories})",
                f"source URL kept: {self.urls_kept}/{self.urls_expected}",
                f"domains, people or publishers as companies: {len(self.bad_companies)}"
                + (f" ({', '.join(self.bad_companies)})" if self.bad_companies else ""),
                f"theme F1: {self.theme_f1:.3f} "
                f"(tp {self.theme_tp}, fp {self.theme_fp}, fn {self.theme_fn})",
                f"paraphrase hit@{HIT_AT}: {self.hit_at_3:.3f} "
                f"({self.question_hits}/{self.questions})",
            ]
            + [f"error: {error}" for error in self.errors]
        )

    def details(self) -> str:
        """One line per expected story: what it became."""
        lines = []
        for outcome in self.outcomes:
            legend = outcome.legend
            got = (
                f'{legend.id} "{legend.title}" [{legend.company}] {legend.themes}'
                if legend
                else "MISSED"
            )
            lines.append(
                f"{outcome.file}: want {outcome.expected.company} {outcome.expected.themes}"
                f" -> {got}; company {'ok' if outcome.company_right else 'WRONG'}; "
                f"url {outcome.url_kept}; hits {sum(outcome.hits)}/{len(outcome.hits)}"
            )
        return "\n".join(lines)


@contextmanager
def temporary_home() -> Iterator[Path]:
    """A fresh, empty ``LEGENDS_HOME`` for the duration, the environment restored after."""
    with (
        tempfile.TemporaryDirectory(prefix="legends-ingest-eval-") as folder,
        patch.dict(os.environ, {"LEGENDS_HOME": folder}),
    ):
        os.environ.pop("LEGENDS_LIBRARY_DIR", None)  # the packaged library is present
        yield Path(folder)


def _mentions(legend: Legend, keys: list[str]) -> bool:
    text = " ".join([legend.title, legend.retelling]).casefold().replace("’", "'")
    return any(key.casefold() in text for key in keys)


def _company_right(expected: str, got: str) -> bool:
    if is_unknown_company(expected):
        return is_unknown_company(got)
    # "Southwest" for "Southwest Airlines" is right; "Hotel" for "Holiday Inn Express" is not.
    got_words, want_words = set(company_key(got).split()), set(company_key(expected).split())
    return bool(got_words) and got_words <= want_words


def _is_bad_company(company: str, not_companies: list[str]) -> bool:
    if is_unknown_company(company):
        return False
    if DOMAIN_LIKE.search(company):
        return True
    key = company_key(company)
    return any(key == company_key(name) for name in not_companies)


def _normal_url(url: str | None) -> str:
    return (url or "").strip().rstrip("/").casefold()


def evaluate_ingestion(folder: Path = HELDOUT_DIR, embedder=None) -> IngestionFigures:
    """Ingest every held-out file into a fresh home, index it and grade the result."""
    from corpus.ingest import ingest_paths
    from corpus.loader import load_corpus
    from index.legend_index import LegendIndex

    expectations = load_expectations(folder)
    with temporary_home():
        settings = get_settings()
        report = ingest_paths([folder / entry.file for entry in expectations], settings)
        errors = [f"{e['path']}: {e['error']}" for e in report.errors]
        legends = [item.legend for item in load_corpus(settings.corpus_dirs).legends]
        index = LegendIndex(settings, embedder)
        index.sync()
        outcomes: list[StoryOutcome] = []
        predicted = 0
        bad: list[str] = []
        tp = fp = fn = 0
        for entry in expectations:
            citing = [lg for lg in legends if any(s.file == entry.file for s in lg.sources)]
            predicted += len(citing)
            bad.extend(
                f"{lg.company} ({entry.file})"
                for lg in citing
                if _is_bad_company(lg.company, entry.not_companies)
            )
            remaining = list(citing)
            for story in entry.stories:
                outcome = StoryOutcome(entry.file, story)
                match = next((lg for lg in remaining if _mentions(lg, story.keys)), None)
                if match is None and len(entry.stories) == 1 and len(remaining) == 1:
                    match = remaining[0]  # a merge into a curated legend told in other words
                if match is not None:
                    remaining.remove(match)
                    outcome.legend = match
                    outcome.company_right = _company_right(story.company, match.company)
                    got_themes, want = set(match.themes), set(story.themes)
                    tp += len(got_themes & want)
                    fp += len(got_themes - want)
                    fn += len(want - got_themes)
                else:
                    fn += len(story.themes)
                if entry.source_url and match is not None:  # a missed story counts in recall
                    outcome.url_kept = any(
                        _normal_url(s.url) == _normal_url(entry.source_url)
                        for s in match.sources
                        if s.file == entry.file
                    )
                for question in story.questions:
                    hits = index.search(question, k=HIT_AT)
                    outcome.hits.append(
                        match is not None and any(hit.legend.id == match.id for hit in hits)
                    )
                outcomes.append(outcome)
    urls = [o for o in outcomes if o.url_kept is not None]
    return IngestionFigures(
        files=len(expectations),
        expected_stories=len(outcomes),
        predicted_stories=predicted,
        matched_stories=sum(1 for o in outcomes if o.legend is not None),
        company_right=sum(1 for o in outcomes if o.company_right),
        urls_expected=len(urls),
        urls_kept=sum(1 for o in urls if o.url_kept),
        bad_companies=bad,
        theme_tp=tp,
        theme_fp=fp,
        theme_fn=fn,
        questions=sum(len(o.hits) for o in outcomes),
        question_hits=sum(sum(o.hits) for o in outcomes),
        outcomes=outcomes,
        errors=errors,
    )
