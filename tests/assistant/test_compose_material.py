"""Teaching material beyond the Markdown: cached move vectors, the LLM prompt, the grounding check.

Real legends and the real embedding model throughout.
"""

from __future__ import annotations

import json
import re

import numpy as np

from assistant.followups import Plan
from assistant.grounded.compose import compose_answer
from assistant.grounded.moves import MoveIndex
from assistant.grounded.text_vectors import FILE_NAME, TextVectors
from assistant.llm.grounding import _common_words, check_grounding
from assistant.llm.prompting import build_messages
from corpus.loader import load_corpus
from index.query_facets import QueryFacets

LIBRARY = load_corpus().by_id()
LEGENDS = sorted(LIBRARY.values(), key=lambda lg: lg.id)


def test_move_vectors_are_embedded_once_and_read_back_from_the_index_folder(tmp_path, embedder):
    sample = LEGENDS[:12]
    first = TextVectors(embedder, tmp_path)
    built = MoveIndex(sample, first)
    texts = {m.when for lg in sample for m in lg.moves} | {lg.situation for lg in sample}
    texts |= {lesson for lg in sample for lesson in lg.lessons}
    assert len(built.entries) == sum(len(lg.moves) for lg in sample)
    assert first.embedded == len(texts)  # each distinct text once: situations, stories, lessons
    assert (tmp_path / FILE_NAME).exists()
    # Another process (a fresh cache on the same folder) embeds nothing.
    second = TextVectors(embedder, tmp_path)
    again = MoveIndex(sample, second)
    assert second.embedded == 0
    assert np.allclose(again.matrix, built.matrix)
    # A changed move is the only thing embedded again.
    edited = sample[0].model_copy(
        update={"moves": [sample[0].moves[0].model_copy(update={"when": "A brand-new moment."})]}
    )
    MoveIndex([edited, *sample[1:]], second)
    assert second.embedded == 1


def test_an_unreadable_vector_file_is_ignored(tmp_path, embedder):
    (tmp_path / FILE_NAME).write_bytes(b"not a numpy file")
    vectors = TextVectors(embedder, tmp_path)
    matrix = vectors.matrix(["A customer is waiting.", "A parcel is late."])
    assert matrix.shape == (2, embedder.dimension) and vectors.embedded == 2


def test_suggest_mode_sends_the_chosen_moves_to_the_model_as_data(embedder):
    message = "customer's replacement part has been lost by the courier twice and she's furious"
    legends = [LIBRARY["phonecom-agent-ships-own-adapter"], LIBRARY["amazon-late-delivery-credit"]]
    plan = Plan(message=message, mode="suggest", intent="new", query=message)
    composed = compose_answer(plan, legends, QueryFacets())
    assert composed.moves
    human = build_messages(message, "suggest", composed.legends, None, composed)[-1][1]
    assert human.count("<material>") == 1 and human.count("</material>") == 1
    block = human.split("<material>\n", 1)[1].split("\n</material>", 1)[0]
    records = json.loads(block)
    assert [m["step"] for m in records["moves"]] == [c.move.do for c in composed.moves]
    assert all(" — " in m["legend"] for m in records["moves"])
    assert "Question (answer using only the legends and material above):" in human


def test_discuss_mode_sends_the_format_and_each_legends_material(embedder):
    message = "a 10-minute huddle on lost property"
    legends = [LIBRARY["ritz-carlton-joshie-giraffe"], LIBRARY["disney-toby-bear-reunited"]]
    plan = Plan(message=message, mode="discuss", intent="new", query=message)
    composed = compose_answer(plan, legends, QueryFacets())
    human = build_messages(message, "discuss", legends, None, composed)[-1][1]
    records = json.loads(human.split("<material>\n", 1)[1].split("\n</material>", 1)[0])
    assert records["format"] == "10-minute huddle"
    assert [r["discussion"] for r in records["legends"]] == [lg.discussion for lg in legends]
    assert all(r["curated"] for r in records["legends"])


def test_ask_mode_sends_no_material():
    legend = LIBRARY["ritz-carlton-joshie-giraffe"]
    human = build_messages("lost toys", "ask", [legend], None, None)[-1][1]
    assert "<material>" not in human
    assert "Question (answer using only the legends above):" in human


def _name_only_in_material(legend) -> str | None:
    """A capitalised name that the legend's teaching material uses and its story does not."""
    story = " ".join(
        [legend.title, legend.company, legend.situation, legend.action, legend.outcome,
         legend.retelling, legend.try_this, *legend.lessons]
    )  # fmt: skip
    material = " ".join([*legend.discussion, *(m.do for m in legend.moves)])
    for name in re.findall(r"\b[A-Z][a-z]{3,}\b", material):
        ordinary = name.casefold() in _common_words()
        if not ordinary and name not in story and all(name not in lg.retelling for lg in LEGENDS):
            return name
    return None


def test_names_in_teaching_material_are_trusted_only_from_the_legends_given():
    found = next((lg, name) for lg in LEGENDS if (name := _name_only_in_material(lg)) is not None)
    legend, name = found
    other = next(lg for lg in LEGENDS if lg.id != legend.id and name not in str(lg.model_dump()))
    answer = f"Try this with your team, as {name} suggests in the discussion."
    library = list(LIBRARY.values())
    assert check_grounding(answer, [legend], library, []).ok
    result = check_grounding(answer, [other], library, [])
    assert not result.ok and any(name in problem for problem in result.problems)
