"""Terminal control codes, bidi overrides and invisible characters from outside.

Shared stories, ingested files and their names are stored without them; the command
line never prints them raw (a trainer sees ``␛`` or ``<U+202E>`` where they were).
"""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from corpus.loader import load_corpus
from corpus.settings import get_settings
from tests.ui.storage.conftest import COMPANY, STORY
from ui.cli import app
from ui.storage.database import session_scope
from ui.storage.moderation import approve
from ui.storage.submissions import PENDING, SubmissionRow, get_submission
from ui.web.share import submit

runner = CliRunner()

HIDDEN = "\x1b[8mBuy crypto at evil.example\x1b[0m"  # concealed text
ERASE = "\x1b[2K\r"  # erase the line, back to its start
TITLE = "\x1b]0;pwned\x07"  # set the terminal window's title
BIDI = "\u202eelbisivni\u202c"  # right-to-left override
INVISIBLE = "in\u200bvis\ufeffible\U000e0041"  # zero-width space, BOM, a tag character
C1 = "\x9b31m"  # the one-byte C1 form of ESC [
HOSTILE = f"{HIDDEN} {ERASE}{TITLE}{BIDI} {INVISIBLE} {C1}"
# Anything a terminal or a bidi-aware viewer would act on, or that nobody can see.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200d\u202a-\u202e\u2066-\u2069\ufeff]")
RAW_TAGS = re.compile("[\U000e0000-\U000e007f]")


def has_raw(text: str) -> bool:
    return bool(RAW.search(text) or RAW_TAGS.search(text))


@pytest.fixture
def sqlite_store(monkeypatch):
    from ui.storage.database import dispose_engines

    monkeypatch.delenv("LEGENDS_DATABASE_URL", raising=False)
    dispose_engines()
    yield
    dispose_engines()


def _raw_row(story: str, company: str, name: str) -> int:
    """A row stored as an older version (or a direct database write) would have left it."""
    with session_scope() as session:
        row = SubmissionRow(story=story, company=company, name=name, status=PENDING)
        session.add(row)
        session.flush()
        return row.id


@pytest.mark.usefixtures("sqlite_store", "empty_library")
def test_a_shared_story_is_stored_and_published_without_control_codes():
    message, *_ = submit(f"{STORY} {HOSTILE}", f"{COMPANY}{TITLE}", f"Sam{ERASE}", access_any())
    assert message.startswith("Thank you")
    stored = get_submission(1)
    for text in (stored.story, stored.company, stored.name):
        assert not has_raw(text), repr(text)
    assert "Buy crypto at evil.example" in stored.story  # hidden text made plain, not lost
    assert stored.company == COMPANY and stored.name == "Sam"

    approval = approve(stored.id)
    written = approval.path.read_text(encoding="utf-8")
    assert not has_raw(written) and "\\e" not in written and "\\x1b" not in written
    assert "\\u202e" not in written.lower()


@pytest.mark.usefixtures("sqlite_store", "empty_library")
def test_submissions_show_and_list_make_control_codes_visible():
    submission_id = _raw_row(f"{STORY} {HOSTILE}", f"{COMPANY}{TITLE}", f"Sam{ERASE}")
    for args in (["submissions", "show", str(submission_id)], ["submissions", "list"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert not has_raw(result.stdout), repr(result.stdout)
        assert "␛" in result.stdout  # the trainer sees that something was there
    shown = runner.invoke(app, ["submissions", "show", str(submission_id)]).stdout
    assert "<U+202E>" in shown and "␛[8mBuy crypto" in shown
    listed = runner.invoke(app, ["submissions", "list", "--json"])
    assert not has_raw(listed.stdout)
    # JSON keeps the exact text, escaped: a program reading it loses nothing.
    assert json.loads(listed.stdout)["submissions"][0]["story"].endswith(HOSTILE)


@pytest.mark.usefixtures("cli_uses_session_model", "empty_library")
def test_ingested_text_and_file_names_are_cleaned_and_printed_safely(tmp_path):
    from tests.corpus.ingest_helpers import STORY_A

    hostile_name = tmp_path / f"bakery{TITLE}\u202etxt.md"
    hostile_name.write_text(
        f'---\ncompany: "Harbour Lights Bakery\\e]0;x\\a"\ntitle: "Cake\\u202e rescue"\n'
        f"---\n{STORY_A} {HOSTILE}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["ingest", str(hostile_name)])
    assert result.exit_code == 0, result.output
    assert not has_raw(result.stdout) and not has_raw(result.stderr), repr(result.output)
    loaded = load_corpus(get_settings().corpus_dirs)
    assert loaded.problems == [] and len(loaded.legends) == 1
    path = loaded.legends[0].path
    text = path.read_text(encoding="utf-8")
    assert not has_raw(text) and "\\e" not in text and "\\x1b" not in text.lower()
    assert "\\u202e" not in text.lower() and "\\x9b" not in text.lower()
    legend = loaded.legends[0].legend
    assert legend.company == "Harbour Lights Bakery"
    assert "Buy crypto at evil.example" in legend.retelling

    search = runner.invoke(app, ["search", "birthday cake baked after closing"])
    assert search.exit_code == 0 and "Harbour Lights Bakery" in search.stdout
    assert not has_raw(search.stdout)


@pytest.mark.usefixtures("cli_uses_session_model", "empty_library")
def test_search_never_prints_a_hand_written_legend_raw():
    from corpus.settings import PACKAGED_LEGENDS

    folder = get_settings().user_corpus_dir
    folder.mkdir(parents=True)
    text = (PACKAGED_LEGENDS / "nordstrom-tire-return.md").read_text(encoding="utf-8")
    text = text.replace("company: Nordstrom", 'company: "Nordstrom\\e]0;pwned\\a\\u202e"', 1)
    (folder / "nordstrom-tire-return.md").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["search", "tyres returned to a shop that never sold them"])
    assert result.exit_code == 0, result.output
    assert "Nordstrom" in result.stdout and not has_raw(result.stdout)
    listed = runner.invoke(app, ["list"])
    assert not has_raw(listed.stdout)


def access_any():
    from ui.web.access import Access

    return Access(get_settings())
