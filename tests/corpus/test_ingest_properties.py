"""Property-based ingestion: random bytes and malformed front matter never crash or lose data."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.ingest.service import ingest_paths
from corpus.loader import load_corpus
from corpus.settings import get_settings

GOOD_STORY = (
    "Harbourside Hardware once had a customer whose grandfather's toolbox was stolen from his "
    "van outside the shop. The staff spent the afternoon phoning every pawn shop in town, found "
    "the toolbox two days later, bought it back out of their own till and drove it to his house "
    "with a handwritten note. He has bought every nail from them since, and he tells the story "
    "to anyone who will listen at the weekend market."
)
front_matter = st.builds(
    lambda head, body: f"---\n{head}\n---\n{body}",
    st.text(alphabet=st.sampled_from(list("id: title[]{}-:\"'\n\tabc")), max_size=80),
    st.text(max_size=200),
)
payloads = st.one_of(
    st.binary(max_size=2048),
    front_matter.map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.text(max_size=500).map(lambda text: text.encode("utf-8", "surrogatepass")),
)


def snapshot(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.md"))} if folder.exists() else {}


@pytest.fixture
def user_corpus(tmp_path, monkeypatch):
    library = tmp_path / "empty-library"
    library.mkdir()
    monkeypatch.setenv("LEGENDS_LIBRARY_DIR", str(library))
    story = tmp_path / "good.txt"
    story.write_text(GOOD_STORY, encoding="utf-8")
    report = ingest_paths([story])
    assert report.added, report.to_json()
    return get_settings().user_corpus_dir


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=payloads, suffix=st.sampled_from([".md", ".txt", ".html", ".csv", ".jsonl", ".pdf"]))
def test_junk_files_never_crash_or_lose_legends(user_corpus, tmp_path_factory, payload, suffix):
    before = snapshot(user_corpus)
    junk = tmp_path_factory.mktemp("junk") / f"junk{suffix}"
    junk.write_bytes(payload)
    report = ingest_paths([junk])  # must not raise
    for error in report.errors:
        assert error["error"] and error["path"]
    after = snapshot(user_corpus)
    # Nothing that was there is lost or altered, except by an explicit merge.
    for name, content in before.items():
        assert name in after
        if name.removesuffix(".md") not in report.merged:
            assert after[name] == content
    # Whatever was added is a valid legend.
    assert load_corpus(get_settings().corpus_dirs).problems == []
