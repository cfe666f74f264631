"""``legends check`` on teaching material and ``legends list --stats``, on copies of the library."""

from __future__ import annotations

import json
import re
from collections import Counter

import frontmatter
from typer.testing import CliRunner

from corpus.loader import load_corpus
from corpus.schema import INDUSTRIES, THEMES
from ui.cli import app

runner = CliRunner()


def edit_front_matter(path, **changes) -> None:
    """Rewrite one legend file with some front-matter keys changed (None removes a key)."""
    post = frontmatter.load(path)
    for key, value in changes.items():
        if value is None:
            post.metadata.pop(key, None)
        else:
            post.metadata[key] = value
    path.write_text(frontmatter.dumps(post, sort_keys=False) + "\n", encoding="utf-8")


def test_check_fails_a_curated_legend_without_its_teaching_material(library_copy):
    assert runner.invoke(app, ["check"]).exit_code == 0
    stripped = library_copy / "ritz-carlton-joshie-giraffe.md"
    edit_front_matter(stripped, moves=None, role_play=None)
    thin = library_copy / "nordstrom-tire-return.md"
    post = frontmatter.load(thin)
    edit_front_matter(thin, discussion=post.metadata["discussion"][:1])
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "teaching material" in line]
    assert len(lines) == 2
    joshie = next(line for line in lines if "ritz-carlton-joshie-giraffe.md" in line)
    assert "moves (has 0, needs 2-4)" in joshie and "role_play" in joshie
    tire = next(line for line in lines if "nordstrom-tire-return.md" in line)
    assert "discussion (has 1 questions, needs 2-3)" in tire and "moves" not in tire
    assert "2 problem(s)" in result.output


def test_check_passes_an_ingested_story_without_material(library_copy):
    story = library_copy / "nordstrom-tire-return.md"
    edit_front_matter(story, origin="ingested", moves=None, discussion=None, role_play=None)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert "teaching material" not in result.output


def test_stats_prints_the_coverage_table_marking_thin_themes_and_industries(library_copy):
    legends = [item.legend for item in load_corpus().legends]
    result = runner.invoke(app, ["list", "--stats"])
    assert result.exit_code == 0, result.output
    # One table per heading ("travel" is both a theme and an industry).
    tables = {}
    for block in result.output.split("\n\n"):
        heading, *lines = block.splitlines()
        tables[heading.split()[0]] = {
            match.group(1): (int(match.group(2)), bool(match.group(3)))
            for match in re.finditer(r"^(\S+)\s+(\d+)(  <- under 5)?$", "\n".join(lines), re.M)
        }
    themes = Counter(theme for legend in legends for theme in legend.themes)
    industries = Counter(legend.industry for legend in legends)
    assert tables["Theme"] == {t: (themes[t], themes[t] < 5) for t in THEMES}
    assert tables["Industry"] == {i: (industries[i], industries[i] < 5) for i in INDUSTRIES}
    statuses = Counter(legend.status for legend in legends)
    assert {s: n for s, (n, _) in tables["Status"].items() if n} == dict(statuses)
    assert f"Coverage of {len(legends)} legends" in result.output


def test_stats_marks_a_theme_that_drops_under_five(library_copy):
    legends = [item.legend for item in load_corpus().legends]
    returns = [lg for lg in legends if "returns" in lg.themes]
    for legend in returns[: len(returns) - 4]:  # leave four legends on returns
        path = library_copy / f"{legend.id}.md"
        kept = [t for t in legend.themes if t != "returns"] or ["recovery"]
        edit_front_matter(path, themes=kept)
    result = runner.invoke(app, ["list", "--stats", "--json"])
    payload = json.loads(result.stdout)
    assert payload["themes"]["returns"] == 4
    text = runner.invoke(app, ["list", "--stats"]).output
    assert re.search(r"^returns\s+4  <- under 5$", text, flags=re.M)
