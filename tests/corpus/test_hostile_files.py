"""Small hostile files: deep JSON, YAML alias bombs, oversized fields.

Each is refused with a clear message for that file (or line), quickly and in little
memory, and every other file of the run still goes in. The alias bomb runs in a child
process with its address space capped, so a regression fails the test instead of
exhausting the machine.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpus.ingest import ingest_paths
from corpus.loader import load_corpus, parse_legend_file
from corpus.settings import PACKAGED_LEGENDS, get_settings
from tests.corpus.ingest_helpers import STORY_A, STORY_B

ROOT = Path(__file__).resolve().parents[2]
CHILD_MEMORY_BYTES = 2 * 1024**3
CHILD_SECONDS = 60


def deep_jsonl(path: Path, depth: int = 3000) -> Path:
    nested = "[" * depth + "]" * depth
    good = json.dumps({"company": "Quayside Cabs", "story": STORY_B})
    path.write_text(f'{{"story": {nested}}}\n{good}\n', encoding="utf-8")
    return path


def alias_bomb(path: Path, body: str = STORY_A) -> Path:
    """A few hundred bytes of front matter that expand to 9**9 strings if followed."""
    lines = [
        "id: bomb-legend",
        'sources: [{title: x, publisher: y, url: "https://x.example"}]',
        "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]",
    ]
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = name
    lines.append(f"company: *{previous}")
    path.write_text("---\n" + "\n".join(lines) + f"\n---\n{body}\n", encoding="utf-8")
    return path


@pytest.mark.usefixtures("empty_library")
def test_json_nested_thousands_deep_is_one_clear_error(tmp_path):
    deep = deep_jsonl(tmp_path / "deep.jsonl")
    other = tmp_path / "bakery.txt"
    other.write_text(STORY_A, encoding="utf-8")
    report = ingest_paths([deep, other])
    assert len(report.errors) == 1
    assert report.errors[0]["path"] == str(deep)
    assert "line 1: JSON is nested more than" in report.errors[0]["error"]
    assert len(report.added) == 2  # the good row of the deep file, and the other file


def _run_child(code: str) -> dict:
    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY_BYTES, CHILD_MEMORY_BYTES))

    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CHILD_SECONDS,
        preexec_fn=cap_memory,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


CHILD = """
import json, time
from pathlib import Path
started = time.perf_counter()
from corpus.ingest import ingest_paths
from corpus.loader import parse_legend_file
files = [Path(p) for p in {files!r}]
report = ingest_paths(files).to_json()
problems = [str(p) for p in parse_legend_file(files[0])]
print(json.dumps({{
    "report": report,
    "problems": problems,
    "seconds": time.perf_counter() - started,
    # VmHWM is this process's own peak: ru_maxrss would carry over the forking parent's
    # (a large pytest process), whatever the child itself used.
    "max_rss_mb": int(next(line.split()[1] for line in open("/proc/self/status")
                           if line.startswith("VmHWM:"))) / 1024,
}}))
"""


@pytest.mark.usefixtures("empty_library")
def test_a_yaml_alias_bomb_is_refused_fast_in_little_memory(tmp_path):
    bomb = alias_bomb(tmp_path / "bomb.md")
    assert bomb.stat().st_size < 1000
    other = tmp_path / "taxi.txt"
    other.write_text(STORY_B, encoding="utf-8")
    result = _run_child(CHILD.format(files=[str(bomb), str(other)]))
    errors = result["report"]["errors"]
    assert [e["path"] for e in errors] == [str(bomb)]
    assert "aliases" in errors[0]["error"]
    assert len(result["report"]["added"]) == 1  # the other file still went in
    assert len(result["problems"]) == 1 and "aliases" in result["problems"][0]
    assert result["seconds"] < 20
    assert result["max_rss_mb"] < 600


def test_oversized_front_matter_is_refused_before_parsing(tmp_path):
    path = tmp_path / "huge.md"
    path.write_text("---\nid: huge\nnote: " + "x" * 300_000 + "\n---\nbody\n", encoding="utf-8")
    problems = parse_legend_file(path)
    assert isinstance(problems, list)
    assert str(problems[0]).endswith("huge.md: front matter: is 292 KB; the limit is 64 KB")


@pytest.mark.parametrize(
    ("length", "field", "reason"),
    [
        (700_000, "front matter", "the limit is 64 KB"),  # refused before parsing
        (50_000, "company", "at most 150 characters"),  # under that cap: the schema's
    ],
)
def test_a_huge_company_fails_legends_check(library_copy, length, field, reason):
    from ui.cli import app

    text = (PACKAGED_LEGENDS / "nordstrom-tire-return.md").read_text(encoding="utf-8")
    huge = "Nordstrom " + "x" * length
    (library_copy / "nordstrom-tire-return.md").write_text(
        text.replace("company: Nordstrom", f"company: {huge}", 1), encoding="utf-8"
    )
    loaded = load_corpus(get_settings().corpus_dirs)
    problems = [p for p in loaded.problems if p.path.name == "nordstrom-tire-return.md"]
    assert [p.field for p in problems] == [field]
    assert reason in problems[0].reason
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 1
    assert f"nordstrom-tire-return.md: {field}:" in result.stdout
    assert len(result.stdout) < 20_000  # the problem is named, the characters are not printed


@pytest.mark.usefixtures("empty_library")
def test_a_700000_character_company_is_not_ingested(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text(
        json.dumps({"company": "Acme " + "x" * 700_000, "story": STORY_A}) + "\n",
        encoding="utf-8",
    )
    report = ingest_paths([path])
    assert report.added == [] and len(report.errors) == 1
    assert "at most" in report.errors[0]["error"] and len(report.errors[0]["error"]) < 300


def test_every_packaged_legend_is_within_the_caps():
    loaded = load_corpus([PACKAGED_LEGENDS])
    assert [str(p) for p in loaded.problems if "at most" in p.reason or "KB" in p.reason] == []
    assert len(loaded.legends) >= 90
