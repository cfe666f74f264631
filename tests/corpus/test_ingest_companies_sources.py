"""Companies are organisations named in the story; sources keep the page's URL and publisher."""

from __future__ import annotations

from corpus.ingest import ingest_paths
from corpus.ingest.company import detect_company
from corpus.ingest.readers import read_document, split_source_line
from corpus.loader import load_corpus

STORY = (
    "Last spring a passenger on a Skyward Air flight left her grandmother's ring in the seat "
    "pocket. A Skyward Air agent found it during cleaning, called the passenger that evening "
    "and drove the ring to her house the next morning before her shift began."
)


def test_organisations_need_evidence_and_people_places_publishers_never_count():
    text = (
        "Barista Jane Doe of Leesburg, Virginia learned sign language for a regular, "
        "Hyken told CBS News. Fortunately, the employee was able to help."
    )
    assert detect_company(text).name == "Unknown company"
    assert detect_company("The employees at Springfield Regional Airport kept the toy.").name == (
        "Springfield Regional Airport"
    )
    assert detect_company("A quick-thinking employee at Bob's Hardware Emporium helped.").name == (
        "Bob's Hardware Emporium"
    )
    assert detect_company("Local bakery chain Sweet Dreams Bakery sent a cake.").name == (
        "Sweet Dreams Bakery"
    )
    # A destination airport is a place; the airline that flew there is the company.
    flight = "SaltSea Air cancelled the flight to Portside International Airport, then found a gap."
    assert detect_company(flight).name == "SaltSea Air"


def test_web_domains_and_publishers_are_never_the_company():
    text = "I read this on wonderblog.com: the staff at the hotel were kind to my mother."
    assert detect_company(text).name == "Unknown company"
    # The page's own publisher and domain are excluded even when written like a company.
    text = "Daily Planet News reports that a Daily Planet News employee found the wallet."
    assert detect_company(text, excluded=["Daily Planet News"]).name == "Unknown company"
    # A domain is a company only when staff work for it.
    assert detect_company("My first week on the job at Phone.com went well.").name == "Phone.com"


def test_source_line_is_kept_and_left_out_of_the_story(tmp_path, empty_library):
    path = tmp_path / "skyward.txt"
    path.write_text(
        f"Skyward Air returns a lost ring\n\n{STORY}\n\nSource: https://news.example.org/ring\n",
        encoding="utf-8",
    )
    document = read_document(path)
    assert document.source_url == "https://news.example.org/ring"
    assert "news.example.org" in document.not_companies
    report = ingest_paths([path])
    assert report.errors == []
    legend = load_corpus().legends[0].legend
    assert legend.company == "Skyward Air"
    assert legend.sources[0].url == "https://news.example.org/ring"
    assert legend.sources[0].publisher == "news.example.org"
    assert "https://" not in legend.retelling
    assert legend.title == "Skyward Air returns a lost ring"
    assert legend.id.startswith("skyward-air-")
    assert len(legend.title.split()) <= 10 and "…" not in legend.title


def test_html_canonical_url_and_site_name(tmp_path, empty_library):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Ring returned | Daily Planet</title>"
        '<link rel="canonical" href="https://dailyplanet.example.com/ring">'
        '<meta property="og:site_name" content="Daily Planet"></head>'
        f"<body><article><h1>Ring returned</h1><p>{STORY}</p>"
        "<p>Daily Planet reports the airline thanked the agent.</p></article></body></html>",
        encoding="utf-8",
    )
    assert ingest_paths([path]).errors == []
    legend = load_corpus().legends[0].legend
    assert legend.sources[0].url == "https://dailyplanet.example.com/ring"
    assert legend.sources[0].publisher == "Daily Planet"
    assert legend.company == "Skyward Air"


def test_split_source_line_variants():
    text, url = split_source_line("Story text.\nURL: <https://a.example/x>\n")
    assert (text.strip(), url) == ("Story text.", "https://a.example/x")
    assert split_source_line("No source here.")[1] is None
