"""Property tests with hostile text: shares and ingested files never crash, never store raw
control codes, and never lose what the visitor typed (50 inputs each; 1,000 with
HYPOTHESIS_PROFILE=thorough)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.ingest.service import ingest_paths
from corpus.loader import load_corpus
from corpus.sanitize import is_unsafe
from corpus.settings import get_settings
from tests.ui.storage.conftest import COMPANY, STORY
from ui.storage.database import dispose_engines
from ui.storage.submissions import get_submission
from ui.web.access import Access
from ui.web.share import submit

# Text rich in what a hostile visitor would send: controls, escapes, bidi, invisibles.
NASTY = st.sampled_from(
    ["\x1b[8m", "\x1b]0;t\x07", "\x1b[2K\r", "\u202e", "\u2066", "\u200b", "\ufeff", "\x9b1m",
     "\x00", "\x7f", "\U000e0041", "\r\n", "\u2028", "\u200d", "é", "🦒", "{", "[", "*a", "&a"]
)  # fmt: skip
hostile_text = st.lists(st.one_of(NASTY, st.text(max_size=12)), max_size=40).map("".join)
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def sqlite_store(monkeypatch):
    monkeypatch.delenv("LEGENDS_DATABASE_URL", raising=False)
    dispose_engines()
    yield Access(get_settings())
    dispose_engines()


def _clean(text: str) -> bool:
    return not any(is_unsafe(c) for c in text if c not in "\u200c\u200d")


@SETTINGS
@given(extra=hostile_text, company=hostile_text, name=hostile_text)
def test_a_share_never_crashes_and_stores_no_control_codes(sqlite_store, extra, company, name):
    story = f"{STORY} {extra}"
    message, *kept = submit(story, f"{COMPANY}{company}", name, sqlite_store)
    if message.startswith("**Not sent yet:**"):
        assert kept == [story, f"{COMPANY}{company}", name]  # nothing the visitor typed is lost
        return
    assert message.startswith("Thank you") and kept == ["", "", ""]
    number = int(message.split("(number ")[1].split(")")[0])
    stored = get_submission(number)
    for text in (stored.story, stored.company, stored.name):
        assert _clean(text), repr(text)


@pytest.fixture
def empty_home(tmp_path, monkeypatch):
    library = tmp_path / "empty-library"
    library.mkdir()
    monkeypatch.setenv("LEGENDS_LIBRARY_DIR", str(library))
    return tmp_path


@SETTINGS
@given(
    company=hostile_text,
    story=hostile_text,
    depth=st.integers(min_value=0, max_value=3000),
    suffix=st.sampled_from([".jsonl", ".md", ".txt", ".csv"]),
)
def test_hostile_ingest_never_crashes_or_stores_control_codes(
    empty_home, tmp_path_factory, company, story, depth, suffix
):
    folder = tmp_path_factory.mktemp("hostile")
    text = f"{STORY} {story}"
    if suffix == ".jsonl":
        nested = "[" * depth + "]" * depth
        body = json.dumps({"company": company or COMPANY, "story": text}) + "\n"
        body += f'{{"story": {nested or "1"}}}\n'
    elif suffix == ".md":
        aliases = "\n".join(f"k{i}: &k{i} [*k{i - 1}, *k{i - 1}]" for i in range(1, depth % 12))
        head = f"company: {json.dumps(company)}\nk0: &k0 [x]\n{aliases}"
        body = f"---\n{head}\n---\n{text}\n"
    elif suffix == ".csv":
        body = "company,story\n" + f"{json.dumps(company)},{json.dumps(text)}\n"
    else:
        body = text
    path = folder / f"input{suffix}"
    path.write_text(body, encoding="utf-8", errors="surrogatepass")
    report = ingest_paths([path])  # must not raise
    for error in report.errors:
        assert error["error"] and error["path"]
    loaded = load_corpus([get_settings().user_corpus_dir])
    assert loaded.problems == []
    for item in loaded.legends:
        raw = item.path.read_text(encoding="utf-8")
        assert _clean(raw.replace("\n", "").replace("\t", "")), repr(raw[:300])
