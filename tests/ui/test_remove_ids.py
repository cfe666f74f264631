"""``legends remove`` takes legend ids only: never a path, never a file outside the corpus."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from corpus.settings import PACKAGED_LEGENDS, get_settings
from ui.cli import app

runner = CliRunner()
VICTIM = "---\nid: victim\n---\nnot a legend of ours\n"


@pytest.mark.parametrize(
    "given",
    [
        "../victim",  # relative to the corpus folder: LEGENDS_HOME/victim.md
        "{home}/victim",  # absolute
        "{home}/victim.md",
        "{packaged}/nordstrom-tire-return",  # a packaged legend, by path
        "Nordstrom-Tire-Return",  # not a slug
        "",
    ],
)
def test_remove_refuses_anything_but_an_id(given, library_copy):
    settings = get_settings()
    settings.user_corpus_dir.mkdir(parents=True)
    victim = settings.home / "victim.md"
    victim.write_text(VICTIM, encoding="utf-8")
    # A user copy of a packaged legend, so a path to it would find a file to delete.
    shutil.copy(PACKAGED_LEGENDS / "nordstrom-tire-return.md", settings.user_corpus_dir)
    argument = given.format(home=settings.home, packaged=library_copy)

    result = runner.invoke(app, ["remove", argument])

    assert result.exit_code == 1
    assert "is not a legend id" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert victim.read_text(encoding="utf-8") == VICTIM
    assert (library_copy / "nordstrom-tire-return.md").is_file()
    assert (settings.user_corpus_dir / "nordstrom-tire-return.md").is_file()
