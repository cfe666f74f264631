"""Near-duplicate detection (corpus/similarity.py), the schema's ingested rules, the splitter."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from corpus.ingest.company import detect_company
from corpus.ingest.splitter import split_stories
from corpus.loader import load_corpus
from corpus.schema import Legend, Source
from corpus.settings import PACKAGED_LEGENDS
from corpus.similarity import companies_match, find_near_duplicates


def packaged():
    return [item.legend for item in load_corpus([PACKAGED_LEGENDS]).legends]


def test_packaged_library_has_no_near_duplicates():
    # Two Zappos, Chewy, Delta, JetBlue, USAA... pairs are different events.
    legends = packaged()
    assert len(legends) >= 92
    assert find_near_duplicates(legends) == []


def test_a_retold_legend_is_flagged():
    legends = packaged()
    original = next(lg for lg in legends if lg.id == "nordstrom-tire-return")
    words = original.retelling.split()
    copy = original.model_copy(
        update={"id": "nordstrom-tires-again", "retelling": " ".join(words[10:] + words[:10])}
    )
    found = find_near_duplicates([*legends, copy])
    assert [(d.first, d.second, d.same_company) for d in found] == [
        ("nordstrom-tire-return", "nordstrom-tires-again", True)
    ]
    assert "look like the same story" in str(found[0])


def test_near_verbatim_text_is_flagged_even_across_companies():
    legends = packaged()
    original = next(lg for lg in legends if lg.id == "ritz-carlton-joshie-giraffe")
    copy = original.model_copy(update={"id": "some-hotel-giraffe", "company": "Some Hotel"})
    found = find_near_duplicates([original, copy])
    assert [(d.second, d.same_company) for d in found] == [("some-hotel-giraffe", False)]


def test_company_names_match_loosely():
    assert companies_match("Zappos.com", "Zappos")
    assert companies_match("The Ritz-Carlton", "Ritz-Carlton")
    assert companies_match("Southwest", "Southwest Airlines")
    assert companies_match("B. Dalton", "B. Dalton Bookseller")
    assert not companies_match("Zappos", "Amazon")
    assert not companies_match("Unknown company", "Unknown company")


def test_ingested_retelling_rules():
    base = Legend.model_validate(
        {
            "id": "acme-story",
            "title": "A story",
            "company": "Acme",
            "industry": "other",
            "themes": ["speed"],
            "situation": "s",
            "action": "a",
            "outcome": "o",
            "lessons": ["l"],
            "try_this": "t",
            "sources": [{"title": "t", "publisher": "Ingested file", "file": "x.txt"}],
            "status": "widely-reported",
            "origin": "ingested",
            "retelling": " ".join(["word"] * 30),
        }
    )
    assert base.sources[0].citation() == "t — Ingested file (file x.txt)"
    data = base.model_dump()
    for words, origin in ((20, "ingested"), (401, "ingested"), (30, "curated")):
        with pytest.raises(ValidationError, match="retelling has"):
            Legend.model_validate({**data, "origin": origin, "retelling": "w " * words})
    with pytest.raises(ValidationError, match="url, a seed file or an ingested file"):
        Source(title="t", publisher="p")


def test_company_detection():
    assert detect_company("It was my first week on the job at Phone.com. Fedex lost it.").name == (
        "Phone.com"
    )
    named = detect_company("B. Dalton Bookstore called its competitor, Barnes & Noble.").name
    assert named == "B. Dalton Bookstore"
    guess = detect_company("I called my dentist in the middle of the night.")
    assert (guess.name, guess.guessed) == ("Unknown company", True)
    assert detect_company("We had a lovely day.").name == "Unknown company"


def test_splitter_drops_tips_lists_and_prompts():
    text = (
        "Stories we love\n\n"
        "• Acme Airlines. A passenger missed her connection, so the gate agent rebooked her, "
        "walked her to the lounge and paid for her dinner while she waited for the next flight.\n"
        "• Beta Hotel. A guest left his passport in the room; the night manager drove it to the "
        "airport and handed it over at security with twenty minutes to spare.\n\n"
        "Tips\n\n"
        "• Listen Actively: Pay attention to what your customers are saying.\n"
        "• Go the Extra Mile: Small gestures, like notes, can make a big impact.\n"
        "• Take swift action! I knew time mattered, so I made sure the parcel got sent by "
        "Gamma Couriers the minute it arrived, and the customer got it the next day.\n\n"
        "What's your favourite story? Share it in the comments below!\n\nLeave a comment\n"
    )
    stories = split_stories(text)
    assert [s.company.name for s in stories] == ["Acme Airlines", "Beta Hotel"]
