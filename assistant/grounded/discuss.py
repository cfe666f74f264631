"""Discuss mode: a trainer's material built from the legends' curated teaching material.

Three formats (``prompts/formats.yaml``), chosen from the request's words or set
explicitly:
- a discussion pack (default): the legends, their discussion questions, a role-play and
  the key takeaway;
- a role-play set: one role-play per legend, each citing the story behind it;
- a 10-minute huddle: one story, two questions and one practice line.
The title comes from what the trainer asked for. A story without curated material
(not yet reviewed) gets generic material under a label that says so. Every legend
keeps its disputed or widely-reported note.
"""

from __future__ import annotations

import re

import numpy as np

from assistant.grounded import common
from assistant.grounded.formats import format_heading, pack_title, resolve_format
from assistant.grounded.material import Material, generic_label, material
from assistant.grounded.text_vectors import TextVectors
from corpus.schema import Legend, RolePlay
from index.query_facets import QueryFacets

QUESTIONS_PER_LEGEND = 2


def discussion_pack(
    topic: str,
    legends: list[Legend],
    facets: QueryFacets,
    pack_format: str | None = None,
    vectors: TextVectors | None = None,
) -> str:
    """Markdown a trainer can print, for ``topic`` (the trainer's request) over ``legends``.

    ``pack_format``: 'pack', 'role-play' or 'huddle'; None chooses from the request.
    ``vectors``: embeds the request to pick the lesson and practice line that fit it best;
    None uses the configured embedder.
    """
    chosen_format = resolve_format(topic, pack_format)
    builder = _Builder(topic, legends, facets, vectors)
    return {"pack": builder.pack, "role-play": builder.role_play_set, "huddle": builder.huddle}[
        chosen_format
    ]()


class _Builder:
    def __init__(
        self, topic: str, legends: list[Legend], facets: QueryFacets, vectors: TextVectors | None
    ):
        self.topic = topic
        # Stories with curated material lead; the rest keep retrieval's order.
        self.facets = facets
        # Stories with curated material lead, then those carrying a theme or principle the
        # request names; otherwise retrieval's order is kept.
        self.legends = sorted(
            legends, key=lambda lg: (not material(lg).curated, not self._on_topic(lg))
        )
        self._vectors = vectors

    def title(self, pack_format: str) -> str:
        name = pack_title(self.topic, self.legends, self.facets.themes)
        return f"## {format_heading(pack_format)}: {name}"

    # -- formats --------------------------------------------------------------------------

    def pack(self) -> str:
        parts = [self.title("pack"), "### The legends"]
        parts += [story(legend) for legend in self.legends]
        parts.append("### Discussion questions")
        parts.append(self.questions())
        parts.append("### Role-play")
        lead = self.legends[0]
        parts.append(role_play_block(material(lead), lead))
        parts.append("### Key takeaway")
        parts.append(self.takeaway())
        return "\n\n".join(parts)

    def role_play_set(self) -> str:
        parts = [self.title("role-play")]
        generic_shown = False
        number = 0
        for legend in self.legends:
            teaching = material(legend)
            if not teaching.curated:
                if generic_shown:
                    continue  # one generic scene is enough; more would repeat it
                generic_shown = True
            number += 1
            setting = common.escape(_capitalised(teaching.role_play.setting))
            parts.append(f"### Role-play {number}: {setting}")
            parts.append(role_play_block(teaching, legend, with_setting=False))
        parts.append("### Key takeaway")
        parts.append(self.takeaway())
        return "\n\n".join(parts)

    def huddle(self) -> str:
        lead = self.legends[0]
        teaching = material(lead)
        parts = [self.title("huddle"), "### The story (3 minutes)", story(lead)]
        parts.append("### Two questions (5 minutes)")
        if not teaching.curated:
            parts.append(f"*{generic_label()}*")
        parts.append(
            "\n".join(f"{n}. {common.escape(q)}" for n, q in enumerate(teaching.discussion[:2], 1))
        )
        move = self._best(list(teaching.moves), [m.when for m in teaching.moves])
        parts.append("### Practice line (2 minutes)")
        label = "" if teaching.curated else f"*{generic_label()}*\n\n"
        parts.append(
            f"{label}**When:** {common.escape(common.sentence(move.when))}\n\n"
            f"**Practise:** {common.escape(common.sentence(move.do))}"
        )
        return "\n\n".join(parts)

    # -- pieces ---------------------------------------------------------------------------

    def questions(self) -> str:
        """Each story's own questions under its name; generic ones labelled as such."""
        blocks = []
        number = 1
        for legend in self.legends:
            teaching = material(legend)
            header = f"*On {common.heading(legend)}:*"
            if not teaching.curated:
                header += f" *{generic_label()}*"
            lines = [header]
            for question in teaching.discussion[:QUESTIONS_PER_LEGEND]:
                lines.append(f"{number}. {common.escape(question)}")
                number += 1
            blocks.append("\n".join(lines))
        if comparison := compare_question(self.legends):
            blocks.append(f"{number}. {comparison}")
        return "\n\n".join(blocks)

    def _on_topic(self, legend: Legend) -> bool:
        named = set(self.facets.themes) | set(self.facets.principles)
        return bool(named & (set(legend.themes) | set(legend.principles)))

    def takeaway(self) -> str:
        """The lesson of the chosen legends that best fits what the trainer asked for (from a
        legend carrying the theme or principle the request names, when one does)."""
        on_topic = [legend for legend in self.legends if self._on_topic(legend)]
        lessons = [(lg, lesson) for lg in on_topic or self.legends for lesson in lg.lessons]
        legend, lesson = self._best(lessons, [text for _, text in lessons])
        return f"{common.escape(common.sentence(lesson))} *(from {common.escape(legend.company)})*"

    def _best(self, items: list, texts: list[str]):
        """The item whose text is most similar to the request (the first when unsure)."""
        if len(items) <= 1:
            return items[0]
        vectors = self._vectors or _default_vectors()
        if vectors is None:
            return items[0]
        query = np.asarray(vectors.embedder.embed_query(self.topic), dtype=np.float32)
        scores = vectors.matrix(texts) @ query
        return items[int(np.argmax(scores))]


def story(legend: Legend) -> str:
    """A legend told briefly for a pack: heading, what happened, source, any caution."""
    block = f"**{common.sentence(common.heading(legend))}** {common.brief(legend)}\n\n"
    block += f"*Source: {common.first_source(legend)}*"
    if note := common.status_note(legend):
        block += f"\n\n{note}"
    return block


def role_play_block(teaching: Material, legend: Legend, with_setting: bool = True) -> str:
    """A role-play scene with the story it is based on (and that story's caution).

    ``with_setting``: False when a heading already names the setting.
    """
    scene: RolePlay = teaching.role_play
    lines = []
    if not teaching.curated:
        lines.append(f"*{generic_label()}*")
    if with_setting:
        lines.append(f"**Setting:** {common.escape(_capitalised(common.sentence(scene.setting)))}")
    lines += [
        f"**Customer:** {common.escape(scene.customer)}",
        f"**Agent's goal:** {common.escape(common.sentence(scene.agent_goal))}",
        f"**Debrief:** {common.escape(scene.debrief)}",
    ]
    notes = [f"source: {common.first_source(legend)}"]
    if tag := common.status_tag(legend):
        notes.append(tag)
    lines.append(f"*Based on {common.heading(legend)} ({'; '.join(notes)}).*")
    return "\n\n".join(lines)


def compare_question(legends: list[Legend]) -> str | None:
    """A question setting the first two stories side by side, never a story against itself."""
    if len(legends) < 2:
        return None
    first, second = legends[0], legends[1]
    if same := _same_company(first.company, second.company):
        names = (f'"{common.escape(first.title)}"', f'"{common.escape(second.title)}"')
        subject = f"the two stories from {common.escape(same)}, {names[0]} and {names[1]},"
    else:
        companies = (common.escape(first.company), common.escape(second.company))
        subject = f"the stories of {companies[0]} and {companies[1]}"
    return f"Put {subject} side by side: what do they have in common, and what is different?"


def _same_company(first: str, second: str) -> str | None:
    """The shared name when two company names are one company ("LEGO" and "LEGO (Shop@Home,
    Canada)"), else None."""
    bare = [re.sub(r"\s*\(.*?\)", "", name).strip() for name in (first, second)]
    short, long = sorted(bare, key=len)
    if long.casefold() == short.casefold() or long.casefold().startswith(short.casefold() + " "):
        return short
    return None


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _default_vectors() -> TextVectors | None:
    from assistant.grounded.text_vectors import text_vectors
    from corpus.settings import get_settings
    from index.embeddings import load_embedder

    return text_vectors(load_embedder(), get_settings().index_dir)
