"""The labelled question set (issue 11): it loads, follows its rules and stays balanced."""

from __future__ import annotations

import fnmatch
import tomllib
from collections import Counter
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from corpus.loader import load_corpus
from corpus.settings import PACKAGED_LEGENDS
from index.evaluation.dataset import (
    LABELLED_FILE,
    LabelledSetError,
    load_labelled,
    load_questions,
)

EXPECTED_MODE = {"agent": "suggest", "trainer": "discuss", "visitor": "ask"}
REFUSAL_KINDS = ("no-fit", "personal-data", "invention", "instructions", "abuse")


@pytest.fixture(scope="module")
def items():
    return load_labelled()


def test_every_graded_legend_is_in_the_packaged_library(items):
    library = {loaded.legend.id for loaded in load_corpus([PACKAGED_LEGENDS]).legends}
    graded = {legend for item in items for legend in item.grade2 + item.grade1}
    assert graded <= library, sorted(graded - library)


def test_ids_are_unique_and_grades_follow_the_refusal(items):
    assert len({item.id for item in items}) == len(items)
    for item in items:
        if item.refusal is None:
            assert item.grade2, item.id
        else:
            assert not item.grade2 and not item.grade1, item.id
            assert item.mode == "ask", item.id
        assert not set(item.grade2) & set(item.grade1), item.id


def test_answerable_questions_expect_the_mode_of_their_voice(items):
    for item in items:
        if item.answerable:
            assert item.mode == EXPECTED_MODE[item.voice], item.id


def test_counts_per_voice_and_refusal_kind(items):
    assert len(items) >= 300
    voices = Counter(item.voice for item in items if item.answerable)
    assert voices["agent"] >= 120
    assert voices["trainer"] >= 90
    assert voices["visitor"] >= 60
    kinds = Counter(item.refusal for item in items if not item.answerable)
    assert sum(kinds.values()) >= 70
    for kind in REFUSAL_KINDS:
        assert kinds[kind] >= 12, kind


def test_dev_and_test_are_balanced_within_every_stratum(items):
    strata = Counter((item.refusal or item.voice, item.split) for item in items)
    for stratum in {key for key, _ in strata}:
        dev, test = strata[(stratum, "dev")], strata[(stratum, "test")]
        assert abs(dev - test) <= 1, (stratum, dev, test)


def test_the_legacy_set_still_loads_beside_it():
    assert len(load_questions()) == 190


def _write(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "labelled.yaml"
    path.write_text(yaml.safe_dump(rows), encoding="utf-8")
    return path


def _row(**changes) -> dict:
    row = {
        "id": "a001",
        "question": "lady's parcel lost twice",
        "voice": "agent",
        "mode": "suggest",
        "industry": "e-commerce",
        "refusal": None,
        "grade2": ["phonecom-agent-ships-own-adapter"],
        "grade1": [],
        "split": "dev",
    }
    row.update(changes)
    return row


def test_a_legend_that_does_not_exist_is_named(tmp_path):
    path = _write(tmp_path, [_row(grade1=["no-such-legend"])])
    with pytest.raises(LabelledSetError, match="no-such-legend"):
        load_labelled(path)


def test_a_repeated_id_is_refused(tmp_path):
    path = _write(tmp_path, [_row(), _row(question="another")])
    with pytest.raises(LabelledSetError, match="a001"):
        load_labelled(path)


def test_an_answerable_question_without_a_grade_2_legend_is_refused(tmp_path):
    path = _write(tmp_path, [_row(grade2=[], grade1=["phonecom-agent-ships-own-adapter"])])
    with pytest.raises(ValidationError, match="grade-2"):
        load_labelled(path)


def test_a_refusal_with_graded_legends_is_refused(tmp_path):
    path = _write(tmp_path, [_row(refusal="no-fit", mode="ask")])
    with pytest.raises(ValidationError, match="no graded legends"):
        load_labelled(path)


def test_the_file_ships_with_the_package():
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text("utf-8"))
    index_data = pyproject["tool"]["setuptools"]["package-data"]["index"]
    # Listed by name or by a glob such as "evaluation/*.yaml".
    shipped = f"evaluation/{LABELLED_FILE.name}"
    assert any(fnmatch.fnmatch(shipped, pattern) for pattern in index_data), index_data
