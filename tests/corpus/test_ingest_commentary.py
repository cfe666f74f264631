"""The splitter leaves out commentary that reports a figure and tells no event."""

from __future__ import annotations

from corpus.ingest.splitter import split_stories

STORY = (
    "Last winter my flight to Denver was cancelled late at night. The Delta agent at the "
    "gate saw that I was travelling with a baby, found me a seat on the first flight out, "
    "booked a hotel room near the airport and handed me vouchers for dinner and breakfast "
    "before I had even asked for anything."
)
STATISTIC = (
    "In 2019, a survey by a research firm found that Comcast keeps customers on hold the "
    "longest of any company, with an average wait time of 14 minutes. In fact, four of the "
    "ten companies with the longest waits were cable providers, and their customers were "
    "the least satisfied."
)


def test_a_paragraph_reporting_a_statistic_is_not_a_story():
    stories = split_stories(f"{STORY}\n\n{STATISTIC}")
    assert len(stories) == 1, stories
    assert stories[0].company.name.startswith("Delta")
    assert "survey" not in stories[0].text


def test_a_story_that_mentions_an_average_is_still_a_story():
    told = STORY + " The average wait at that desk was an hour, yet she stayed calm."
    [story] = split_stories(told)
    assert story.company.name.startswith("Delta")
