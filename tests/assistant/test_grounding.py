"""The grounding check on crafted answers."""

from assistant.llm.grounding import check_grounding
from corpus.loader import load_corpus

LEGENDS = load_corpus().by_id()
LIBRARY = list(LEGENDS.values())
GIRAFFE = LEGENDS["ritz-carlton-joshie-giraffe"]


def test_an_answer_built_from_the_legend_passes():
    answer = (
        "The Ritz-Carlton found Joshie, the stuffed giraffe, and mailed him home with a photo "
        "album. Lesson: small creative touches are remembered for years."
    )
    assert check_grounding(answer, [GIRAFFE], LIBRARY, ["lost toy?"]).ok


def test_an_invented_company_fails():
    answer = "Acme Rocket Supplies once flew a lost giraffe home by private jet."
    result = check_grounding(answer, [GIRAFFE], LIBRARY, ["lost toy?"])
    assert not result.ok
    assert any("Acme" in problem for problem in result.problems)


def test_a_company_from_another_legend_fails():
    answer = "The Ritz-Carlton mailed Joshie home, just as Nordstrom searched its vacuum bags."
    result = check_grounding(answer, [GIRAFFE], LIBRARY, ["lost toy?"])
    assert not result.ok
    assert any("Nordstrom" in problem for problem in result.problems)


def test_names_given_as_context_are_allowed_and_others_are_not():
    answer = "Like the Ritz-Carlton, you could send Priya a photo of her bag when it turns up."
    assert check_grounding(answer, [GIRAFFE], LIBRARY, ["my customer Priya lost her bag"]).ok
    assert not check_grounding(answer, [GIRAFFE], LIBRARY, []).ok
