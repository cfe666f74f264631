"""The corpus loader: valid files load, broken ones are reported by file, field and reason."""

from __future__ import annotations

import shutil
from pathlib import Path

from corpus.loader import load_corpus, parse_legend_file
from corpus.settings import PACKAGED_LEGENDS

GOOD = PACKAGED_LEGENDS / "ritz-carlton-joshie-giraffe.md"


def test_packaged_library_is_valid():
    corpus = load_corpus([PACKAGED_LEGENDS])
    assert corpus.problems == []
    assert len(corpus.legends) >= 13


def _copy_with(tmp_path: Path, name: str, transform) -> Path:
    folder = tmp_path / "broken"
    folder.mkdir(exist_ok=True)
    target = folder / name
    target.write_text(transform(GOOD.read_text(encoding="utf-8")), encoding="utf-8")
    return target


def test_malformed_file_is_named_and_the_rest_still_load(tmp_path):
    folder = tmp_path / "lib"
    shutil.copytree(PACKAGED_LEGENDS, folder)
    broken = folder / "zz-broken.md"
    broken.write_text("---\nid: zz-broken\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    corpus = load_corpus([folder])
    assert [p.path for p in corpus.problems] == [broken]
    assert corpus.problems[0].field == "front matter"
    assert "invalid YAML" in corpus.problems[0].reason
    assert len(corpus.legends) == len(list(PACKAGED_LEGENDS.glob("*.md")))


def test_missing_field_is_reported_with_its_name(tmp_path):
    path = _copy_with(
        tmp_path,
        "ritz-carlton-joshie-giraffe.md",
        lambda text: "\n".join(
            line for line in text.splitlines() if not line.startswith("try_this:")
        ),
    )
    problems = parse_legend_file(path)
    assert isinstance(problems, list)
    assert [(p.field, p.reason) for p in problems] == [
        ("try_this", "missing: this field is required")
    ]


def test_unknown_theme_and_principle_are_rejected(tmp_path):
    path = _copy_with(
        tmp_path, "ritz-carlton-joshie-giraffe.md", lambda t: t.replace("lost-item", "lost-thing")
    )
    problems = parse_legend_file(path)
    assert any(p.field.startswith("themes") for p in problems)

    path = _copy_with(
        tmp_path,
        "ritz-carlton-joshie-giraffe.md",
        lambda t: t.replace("principles: [", "principles: [telepathy, "),
    )
    problems = parse_legend_file(path)
    assert [p.field for p in problems] == ["principles"]
    assert "telepathy" in problems[0].reason


def test_id_must_match_file_name(tmp_path):
    path = _copy_with(tmp_path, "another-name.md", lambda t: t)
    problems = parse_legend_file(path)
    assert [p.field for p in problems] == ["id"]


def test_retelling_length_is_checked(tmp_path):
    path = _copy_with(
        tmp_path,
        "ritz-carlton-joshie-giraffe.md",
        lambda t: t.split("\n---\n", 1)[0] + "\n---\nToo short.\n",
    )
    problems = parse_legend_file(path)
    assert [p.field for p in problems] == ["body (retelling)"]


def test_non_utf8_and_missing_front_matter(tmp_path):
    binary = tmp_path / "binary.md"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    assert parse_legend_file(binary)[0].reason == "is not UTF-8 text"
    plain = tmp_path / "plain.md"
    plain.write_text("Just a story with no front matter.", encoding="utf-8")
    assert parse_legend_file(plain)[0].field == "front matter"


def test_later_folder_overrides_same_id(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    shutil.copy(GOOD, first / GOOD.name)
    text = GOOD.read_text(encoding="utf-8").replace(
        "title: Joshie the giraffe's extended stay", "title: Joshie, overridden"
    )
    (second / GOOD.name).write_text(text, encoding="utf-8")
    corpus = load_corpus([first, second])
    assert corpus.problems == []
    assert [item.path for item in corpus.legends] == [second / GOOD.name]
    assert corpus.legends[0].legend.title == "Joshie, overridden"
    assert corpus.overridden == {"ritz-carlton-joshie-giraffe": first / GOOD.name}


def test_duplicate_id_within_one_folder_is_a_problem(tmp_path):
    folder = tmp_path / "a"
    folder.mkdir()
    shutil.copy(GOOD, folder / GOOD.name)
    # Same id under another name: reported (the id does not match the file name).
    shutil.copy(GOOD, folder / "zz-copy.md")
    corpus = load_corpus([folder])
    assert len(corpus.legends) == 1
    assert corpus.problems[0].path == folder / "zz-copy.md"


def test_disputed_legend_needs_a_note(tmp_path):
    path = _copy_with(
        tmp_path,
        "ritz-carlton-joshie-giraffe.md",
        lambda t: "\n".join(
            "status: disputed" if line.startswith("status:") else line
            for line in t.splitlines()
            if not line.startswith("status_note:")
        ),
    )
    problems = parse_legend_file(path)
    assert "status_note" in problems[0].reason
