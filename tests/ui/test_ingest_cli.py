"""``legends ingest``, ``legends remove``, ``legends check`` and ``index --rebuild`` end to end."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from corpus.settings import PACKAGED_LEGENDS, get_settings
from tests.conftest import SEEDS_DIR
from tests.corpus.ingest_helpers import STORY_A
from ui.cli import app

runner = CliRunner()
pytestmark = pytest.mark.usefixtures("cli_uses_session_model")


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_ingest_json_shape_and_exit_codes(tmp_path, empty_library):
    good = tmp_path / "bakery.txt"
    good.write_text(STORY_A, encoding="utf-8")
    result = invoke("ingest", str(good), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert list(payload) == ["added", "merged", "unchanged", "errors"]
    assert len(payload["added"]) == 1 and payload["errors"] == []

    bad = tmp_path / "empty.txt"
    bad.write_text("", encoding="utf-8")
    result = invoke("ingest", str(good), str(bad), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "added": [],
        "merged": [],
        "unchanged": payload["added"],
        "errors": [{"path": str(bad), "error": "is empty"}],
    }


def test_ingest_human_output_has_a_line_per_file(tmp_path, empty_library):
    good = tmp_path / "bakery.txt"
    good.write_text(STORY_A, encoding="utf-8")
    result = invoke("ingest", str(good), str(tmp_path / "nope.csv"))
    assert result.exit_code == 1
    assert f"{good}: 1 added (" in result.stdout
    assert f"{tmp_path / 'nope.csv'}: 1 error(s): no such file" in result.stdout


def test_rebuild_keeps_ingested_legends_searchable(empty_library, embedder):
    from index.legend_index import LegendIndex

    result = invoke("ingest", *map(str, sorted(SEEDS_DIR.glob("*.txt"))), "--json")
    assert result.exit_code == 0, result.output
    added = json.loads(result.stdout)["added"]
    assert len(added) == 13
    result = invoke("index", "--rebuild")
    assert result.exit_code == 0, result.output
    assert "13 added" in result.stdout
    legend_index = LegendIndex(get_settings(), embedder)
    assert set(legend_index.legends) == set(added)
    hits = legend_index.search("a diamond lost in the store, staff searched the vacuum bags", k=1)
    assert hits[0].legend.company == "Nordstrom"
    assert "diamond" in hits[0].legend.retelling


def test_remove_user_legend_and_refuse_packaged(tmp_path, empty_library, embedder):
    from index.legend_index import LegendIndex

    good = tmp_path / "bakery.txt"
    good.write_text(STORY_A, encoding="utf-8")
    legend_id = json.loads(invoke("ingest", str(good), "--json").stdout)["added"][0]
    result = invoke("remove", legend_id)
    assert result.exit_code == 0, result.output
    assert f"Removed {legend_id}" in result.stdout
    assert not (get_settings().user_corpus_dir / f"{legend_id}.md").exists()
    assert legend_id not in LegendIndex(get_settings(), embedder).legends

    shutil.copy(PACKAGED_LEGENDS / "doubletree-warm-cookie.md", empty_library)
    result = invoke("remove", "doubletree-warm-cookie")
    assert result.exit_code == 1
    assert "packaged legend" in result.stderr and "repository" in result.stderr
    assert (empty_library / "doubletree-warm-cookie.md").exists()

    result = invoke("remove", "no-such-legend")
    assert result.exit_code == 1
    assert "no legend with id 'no-such-legend'" in result.stderr


def test_remove_override_restores_the_packaged_legend(empty_library):
    # A small library keeps the embedding quick; word weights come from the package anyway.
    for name in ("zappos-ten-hour-call", "nordstrom-tire-return", "zappos-flowers-for-mother"):
        shutil.copy(PACKAGED_LEGENDS / f"{name}.md", empty_library)
    result = invoke("ingest", str(SEEDS_DIR / "002_e1a51859112b7b42.txt"), "--json")
    assert json.loads(result.stdout)["merged"] == ["zappos-ten-hour-call", "nordstrom-tire-return"]
    result = invoke("remove", "zappos-ten-hour-call")
    assert result.exit_code == 0
    assert "packaged legend zappos-ten-hour-call applies again" in result.stdout
    assert (empty_library / "zappos-ten-hour-call.md").exists()


def test_check_flags_near_duplicates_and_missing_fields(tmp_path):
    result = invoke("check")
    assert result.exit_code == 0, result.output
    assert "no near-duplicates" in result.stdout

    user = get_settings().user_corpus_dir
    user.mkdir(parents=True)
    text = (PACKAGED_LEGENDS / "kimpton-speedy-goldfish.md").read_text(encoding="utf-8")
    (user / "kimpton-goldfish-copy.md").write_text(
        text.replace("id: kimpton-speedy-goldfish", "id: kimpton-goldfish-copy"), encoding="utf-8"
    )
    (user / "no-try-this.md").write_text(
        "\n".join(
            line.replace("kimpton-speedy-goldfish", "no-try-this")
            for line in text.splitlines()
            if not line.startswith("try_this:")
        ),
        encoding="utf-8",
    )
    result = invoke("check")
    assert result.exit_code == 1
    assert "Near-duplicate: kimpton-goldfish-copy and kimpton-speedy-goldfish" in result.stdout or (
        "Near-duplicate: kimpton-speedy-goldfish and kimpton-goldfish-copy" in result.stdout
    )
    assert "no-try-this.md: try_this: missing: this field is required" in result.stdout


def test_help_lists_every_supported_format():
    from corpus.ingest.readers import SUPPORTED_SUFFIXES
    from ui.cli.ingest_commands import PATHS_HELP

    assert all(suffix in PATHS_HELP for suffix in SUPPORTED_SUFFIXES)


def test_an_approved_story_that_merges_credits_its_sharer(tmp_path, library_copy, monkeypatch):
    """A shared story already in the library becomes that legend's source, naming the sharer."""
    from corpus.ingest.readers import read_document
    from corpus.ingest.splitter import split_stories
    from corpus.loader import load_corpus
    from ui.storage.moderation import approve
    from ui.storage.submissions import add_submission

    monkeypatch.delenv("LEGENDS_DATABASE_URL", raising=False)
    seed = read_document(SEEDS_DIR / "002_e1a51859112b7b42.txt")
    story = next(s.text for s in split_stories(seed.text) if s.company.name == "Nordstrom")
    queued = add_submission(story, "Nordstrom", "Priya")
    approval = approve(queued.id)
    assert approval.merged and approval.legend_id == "nordstrom-tire-return"
    legend = load_corpus().by_id()["nordstrom-tire-return"]
    shared = legend.sources[-1]
    assert shared.title == f"Story shared by Priya (submission {queued.id})"
    assert shared.publisher != "Ingested file"
    assert legend.origin == "curated"  # the curated legend, one source more
