"""Ingesting each supported format, bad inputs, and atomic writes."""

from __future__ import annotations

import csv
import os

import pytest

from corpus.ingest import ingest_paths
from corpus.ingest import writer as writer_module
from corpus.ingest.readers import MAX_BYTES
from corpus.loader import load_corpus, parse_legend_file
from corpus.settings import PACKAGED_LEGENDS, get_settings
from tests.corpus.ingest_helpers import STORY_A, STORY_B, jsonl, make_pdf, wrap


@pytest.fixture(autouse=True)
def _no_packaged_legends(empty_library):
    # Invented test stories must not merge into packaged legends.
    return empty_library


def ingested():
    corpus = load_corpus()
    assert corpus.problems == []
    return [item.legend for item in corpus.legends]


def only_legend():
    legends = ingested()
    assert len(legends) == 1
    return legends[0]


def test_plain_text_hard_wrapped(tmp_path):
    path = tmp_path / "bakery.txt"
    path.write_text("\n".join(wrap(STORY_A, 70)) + "\n", encoding="utf-8")
    report = ingest_paths([path])
    assert report.errors == [] and len(report.added) == 1
    legend = only_legend()
    assert legend.company == "Harbour Lights Bakery"
    assert legend.retelling == STORY_A
    assert legend.origin == "ingested"
    assert "personal-touch" in legend.themes  # "a photo of the party"
    assert legend.sources[0].file == "bakery.txt"
    assert legend.sources[0].publisher == "Ingested file"
    assert "bakery.txt" in legend.sources[0].citation()
    # Every written file passes the loader's own validation.
    path = get_settings().user_corpus_dir / f"{legend.id}.md"
    assert parse_legend_file(path) == legend


def test_story_naming_no_company_says_so(tmp_path):
    path = tmp_path / "taxi.txt"
    path.write_text(STORY_B, encoding="utf-8")
    assert ingest_paths([path]).errors == []
    legend = only_legend()
    assert legend.company == "Unknown company"
    assert "names no company" in legend.status_note
    assert legend.industry in ("other", "airlines")


def test_markdown_without_front_matter(tmp_path):
    path = tmp_path / "story.md"
    path.write_text(f"# A birthday saved\n\n{STORY_A}\n", encoding="utf-8")
    assert ingest_paths([path]).errors == []
    legend = only_legend()
    assert legend.company == "Harbour Lights Bakery"
    assert "#" not in legend.retelling


def test_markdown_with_hint_front_matter(tmp_path):
    path = tmp_path / "hinted.md"
    path.write_text(
        "---\ntitle: The laptop in the taxi\ncompany: Quayside Cabs\n"
        "source_url: https://example.org/taxi\ndate: 2021-03-04\nthemes: [lost-item, speed]\n---\n"
        f"{STORY_B}\n",
        encoding="utf-8",
    )
    assert ingest_paths([path]).errors == []
    legend = only_legend()
    assert (legend.title, legend.company) == ("The laptop in the taxi", "Quayside Cabs")
    assert legend.themes == ["lost-item", "speed"]
    source = legend.sources[0]
    assert (source.url, source.date, source.file) == (
        "https://example.org/taxi",
        "2021-03-04",
        "hinted.md",
    )


def test_markdown_legend_file_is_taken_as_is(tmp_path):
    original = PACKAGED_LEGENDS / "ritz-carlton-joshie-giraffe.md"
    path = tmp_path / "my-legend.md"
    path.write_text(original.read_text(encoding="utf-8"), encoding="utf-8")
    report = ingest_paths([path])
    assert report.to_json()["added"] == ["ritz-carlton-joshie-giraffe"]
    assert only_legend() == parse_legend_file(original)
    assert ingest_paths([path]).to_json()["unchanged"] == ["ritz-carlton-joshie-giraffe"]


def test_html_article(tmp_path):
    path = tmp_path / "page.html"
    paragraphs = "".join(f"<p>{line}</p>" for line in (STORY_A, STORY_B))
    path.write_text(
        "<html><head><title>Two good turns</title></head><body>"
        "<nav><ul><li><a href='/'>Home</a></li><li><a href='/about'>About</a></li></ul></nav>"
        f"<article><h1>Two good turns</h1>{paragraphs}</article>"
        "<footer>Copyright 2024 Example Media. All rights reserved.</footer></body></html>",
        encoding="utf-8",
    )
    report = ingest_paths([path])
    assert report.errors == []
    legends = ingested()
    assert [lg.company for lg in legends] == ["Harbour Lights Bakery"]
    assert legends[0].sources[0].title == "Two good turns"
    assert "Copyright" not in legends[0].retelling


def test_pdf(tmp_path):
    path = make_pdf(tmp_path / "bakery.pdf", wrap(STORY_A, 80))
    report = ingest_paths([path])
    assert report.errors == []
    legend = only_legend()
    assert legend.company == "Harbour Lights Bakery"
    assert "drove it across town" in legend.retelling


def test_jsonl_batch_one_story_per_row(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text(
        jsonl(
            [
                {
                    "company": "Harbour Lights Bakery",
                    "title": "Cake",
                    "story": STORY_A,
                    "themes": ["child", "speed"],
                    "date": "2020",
                },
                {
                    "company": "Quayside Cabs",
                    "text": STORY_B,
                    "source_url": "https://example.org/cab",
                },
            ]
        )
        + "{not json\n",
        encoding="utf-8",
    )
    report = ingest_paths([path])
    assert report.errors == [
        {
            "path": str(path),
            "error": "line 3: invalid JSON (Expecting property name enclosed in double quotes)",
        }
    ]
    legends = {lg.company: lg for lg in ingested()}
    assert set(legends) == {"Harbour Lights Bakery", "Quayside Cabs"}
    assert legends["Harbour Lights Bakery"].themes == ["child", "speed"]
    assert legends["Harbour Lights Bakery"].title == "Cake"
    assert legends["Quayside Cabs"].sources[0].url == "https://example.org/cab"


def test_csv_batch(tmp_path):
    path = tmp_path / "batch.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Company", "Title", "Story", "Themes"])
        writer.writerow(["Harbour Lights Bakery", "Cake", STORY_A, "child; speed"])
        writer.writerow(["Quayside Cabs", "Laptop", STORY_B, ""])
        writer.writerow(["Tiny Co", "Short", "Too short to be a story.", ""])
    report = ingest_paths([path])
    assert [e["error"] for e in report.errors] == [
        "line 4: story has 6 words; at least 25 are needed"
    ]
    assert sorted(lg.title for lg in ingested()) == ["Cake", "Laptop"]


def test_csv_with_old_mac_line_ends_and_broken_quotes(tmp_path):
    # Found by the thorough hypothesis run: a lone carriage return crashed the reader.
    path = tmp_path / "batch.csv"
    story = STORY_B.replace(". ", ".\r", 1)  # a line break inside a quoted field
    path.write_bytes(f'Company,Story\r"Quayside Cabs","{story}"\r'.encode())
    report = ingest_paths([path])
    assert report.errors == [] and [lg.company for lg in ingested()] == ["Quayside Cabs"]
    for payload, message in (
        (b"\r\x01", "has no header row"),
        (b'story,company\n"an unclosed quote,Acme\n', "is not valid CSV (unexpected end of data)"),
        (b"story,company\r\n", "has a header row but no stories under it"),
    ):
        path.write_bytes(payload)
        [error] = ingest_paths([path]).errors
        assert message in error["error"]


def test_reingest_is_unchanged(tmp_path):
    path = tmp_path / "bakery.txt"
    path.write_text(STORY_A, encoding="utf-8")
    first = ingest_paths([path])
    again = ingest_paths([path])
    assert again.to_json() == {"added": [], "merged": [], "unchanged": first.added, "errors": []}


def test_same_story_in_another_file_is_merged(tmp_path):
    first, second = tmp_path / "one.txt", tmp_path / "two.md"
    first.write_text(STORY_A, encoding="utf-8")
    second.write_text(STORY_A.replace("Last winter", "One winter"), encoding="utf-8")
    report = ingest_paths([first, second])
    assert report.to_json()["merged"] == report.to_json()["added"]
    legend = only_legend()
    assert [s.file for s in legend.sources] == ["one.txt", "two.md"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.md", b"   \n\n", "is empty"),
        ("binary.txt", b"\x00\x01\x02binary\x00data", "binary"),
        ("latin1.txt", "caf\xe9 story".encode("latin-1"), "not UTF-8"),
        ("story.docx", b"PK\x03\x04", "unsupported file type '.docx'"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "PDF"),
        ("nostory.txt", b"Welcome to our site. Read our tips below.", "no customer-service story"),
    ],
)
def test_bad_files_get_an_error_and_the_rest_still_go_in(tmp_path, name, content, message):
    bad = tmp_path / name
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text(STORY_A, encoding="utf-8")
    report = ingest_paths([bad, good])
    assert len(report.errors) == 1
    assert report.errors[0]["path"] == str(bad)
    assert message in report.errors[0]["error"]
    assert len(report.added) == 1


def test_missing_directory_and_oversize(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    good = tmp_path / "good.txt"
    good.write_text(STORY_A, encoding="utf-8")
    paths = [tmp_path / "missing.txt", tmp_path, big, good]
    report = ingest_paths(paths)
    assert [(e["path"], e["error"]) for e in report.errors] == [
        (str(tmp_path / "missing.txt"), "no such file"),
        (str(tmp_path), "is a directory, not a file"),
        (str(big), "is too large (10.0 MB; the limit is 10 MB)"),
    ]
    assert len(report.added) == 1


def test_failed_write_leaves_no_half_written_legend(tmp_path, monkeypatch):
    path = tmp_path / "bakery.txt"
    path.write_text(STORY_A, encoding="utf-8")

    def broken_replace(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer_module.os, "replace", broken_replace)
    report = ingest_paths([path])
    assert report.added == []
    assert "could not write" in report.errors[0]["error"]
    folder = get_settings().user_corpus_dir
    assert os.listdir(folder) == []
