"""Condensing follow-ups against the conversation so far (no model needed)."""

from assistant.conversation import Conversation, Filters, Turn
from assistant.followups import condense
from corpus.loader import load_corpus
from index.query_facets import detect_facets

LEGENDS = load_corpus().by_id()
COMPANIES = sorted({legend.company for legend in LEGENDS.values()})
SHOWN = [
    "nordstrom-diamond-vacuum-bags",
    "ritz-carlton-joshie-giraffe",
    "delta-daddy-doll-returned",
]


def conversation() -> Conversation:
    convo = Conversation()
    convo.add(
        Turn(
            "how have companies handled a lost item?",
            "how have companies handled a lost item?",
            "ask",
            "new",
            Filters(),
            SHOWN,
            "...",
        )
    )
    return convo


def plan_for(message: str, convo: Conversation | None = None):
    convo = convo or conversation()
    return condense(message, convo, detect_facets(message, COMPANIES), LEGENDS)


def test_first_message_is_a_new_question():
    plan = condense("hello there", Conversation(), detect_facets("hello", COMPANIES), LEGENDS)
    assert plan.intent == "new" and plan.query == "hello there"


def test_tell_me_more_about_the_second_one():
    plan = plan_for("tell me more about the second one")
    assert plan.intent == "detail" and plan.targets == ["ritz-carlton-joshie-giraffe"]


def test_reference_by_company():
    plan = plan_for("more about the Delta one")
    assert plan.targets == ["delta-daddy-doll-returned"]


def test_why_after_a_list_explains_the_list():
    plan = plan_for("why did that work?")
    assert plan.intent == "why" and plan.targets == SHOWN


def test_any_others_excludes_what_was_shown():
    plan = plan_for("any others?")
    assert plan.intent == "more"
    assert plan.query == "how have companies handled a lost item?"
    assert plan.exclude == set(SHOWN)


def test_what_about_airlines_narrows_the_previous_question():
    plan = plan_for("what about airlines?")
    assert plan.intent == "narrow"
    assert plan.query == "how have companies handled a lost item?"
    assert plan.filters.industry == "airlines"


def test_a_new_topic_starts_over():
    plan = plan_for("stories about a customer whose mother died")
    assert plan.intent == "new" and plan.query.startswith("stories about")
