"""The JSON API's bodies: one pydantic model for every request and response."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.messages import MAX_MESSAGE_CHARS
from assistant.reply import RefusalKind, Reply
from corpus.schema import Industry, Legend, Move, RolePlay, Status, Theme
from ui.packs import MAX_LEGENDS, Pack

Mode = Literal["ask", "suggest", "discuss"]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is a 422, not ignored


class SourceOut(BaseModel):
    """Where a legend was reported, with a ready-made citation."""

    title: str
    publisher: str
    url: str | None = None
    seed: str | None = None
    file: str | None = None
    date: str | None = None
    citation: str


class LegendRef(BaseModel):
    """A legend used in an answer."""

    id: str
    title: str
    company: str
    sources: list[SourceOut]

    @classmethod
    def of(cls, legend: Legend) -> LegendRef:
        return cls(
            id=legend.id,
            title=legend.title,
            company=legend.company,
            sources=[SourceOut(**source.to_json()) for source in legend.sources],
        )


class LegendSummary(LegendRef):
    """One legend in a listing."""

    industry: Industry
    themes: list[Theme]
    status: Status
    year: int | None = None
    classic: bool = False
    origin: Literal["curated", "ingested"] = "curated"

    @classmethod
    def of(cls, legend: Legend) -> LegendSummary:
        return cls(
            **LegendRef.of(legend).model_dump(),
            industry=legend.industry,
            themes=list(legend.themes),
            status=legend.status,
            year=legend.year,
            classic=legend.classic,
            origin=legend.origin,
        )


class LegendDetail(LegendSummary):
    """A whole legend: the retelling, its lessons and any teaching material."""

    principles: list[str]
    situation: str
    action: str
    outcome: str
    lessons: list[str]
    try_this: str
    retelling: str = Field(description="the story in the project's words (Markdown-free text)")
    status_note: str | None = None
    moves: list[Move] = Field(default_factory=list, description="steps an agent can take now")
    discussion: list[str] = Field(default_factory=list, description="questions for a team")
    role_play: RolePlay | None = None

    @classmethod
    def of(cls, legend: Legend) -> LegendDetail:
        return cls(
            **LegendSummary.of(legend).model_dump(),
            principles=list(legend.principles),
            situation=legend.situation,
            action=legend.action,
            outcome=legend.outcome,
            lessons=list(legend.lessons),
            try_this=legend.try_this,
            retelling=legend.retelling,
            status_note=legend.status_note,
            moves=list(legend.moves),
            discussion=list(legend.discussion),
            role_play=legend.role_play,
        )


# -- ask ------------------------------------------------------------------------------------


class AskRequest(_Request):
    """A question or a situation; pass ``conversation_id`` back for a follow-up."""

    message: str = Field(
        min_length=1,
        max_length=MAX_MESSAGE_CHARS,
        examples=["How have companies handled a lost item?"],
    )
    mode: Mode | None = Field(
        default=None, description="ask, suggest or discuss; omitted: chosen from the message"
    )
    theme: Theme | None = Field(default=None, description="only legends with this theme")
    conversation_id: str | None = Field(
        default=None,
        max_length=64,
        description="the id from an earlier answer, for follow-ups ('tell me more about the "
        "second one'); omitted: a new conversation",
    )


class AskResponse(BaseModel):
    """The answer as Markdown, and exactly the legends it uses."""

    mode: Mode
    answer_markdown: str
    abstained: bool = Field(description="true when no legend is used (see refusal)")
    refusal: RefusalKind | None = Field(
        default=None,
        description="why nothing was retold: no-fit, personal-data, invention, "
        "instructions or abuse",
    )
    notice: str | None = Field(default=None, description="e.g. the LLM back end is unreachable")
    legends: list[LegendRef]
    conversation_id: str

    @classmethod
    def of(cls, reply: Reply, conversation_id: str, markdown: str) -> AskResponse:
        return cls(
            mode=reply.mode,
            answer_markdown=markdown,
            abstained=reply.abstained,
            refusal=reply.refusal,
            notice=reply.notice,
            legends=[LegendRef.of(legend) for legend in reply.legends],
            conversation_id=conversation_id,
        )


# -- search, listings ----------------------------------------------------------------------


class SearchResult(LegendRef):
    """One search hit: the legend, its scores and the opening of its retelling."""

    score: float
    relevance: float = Field(description="calibrated: below about 0.5 the match is weak")
    themes: list[Theme]
    excerpt: str


class SearchResponse(BaseModel):
    query: str
    results: list[SearchResult]

    @classmethod
    def of(cls, query: str, hits: list) -> SearchResponse:
        """The response for ``hits`` (index SearchHits), shared by the API and MCP."""
        from ui.cli.output import excerpt

        return cls(
            query=query,
            results=[
                SearchResult(
                    **LegendRef.of(hit.legend).model_dump(),
                    themes=list(hit.legend.themes),
                    score=round(hit.score, 4),
                    relevance=round(hit.relevance, 4),
                    excerpt=excerpt(hit.legend.retelling),
                )
                for hit in hits
            ],
        )


class LegendPage(BaseModel):
    """One page of legends, ordered by company then title."""

    items: list[LegendSummary]
    total: int = Field(description="legends matching the filters, on all pages")
    page: int
    per_page: int
    pages: int


class ThemeInfo(BaseModel):
    id: Theme
    label: str
    legends: int = Field(description="how many legends carry this theme")


class ThemesResponse(BaseModel):
    themes: list[ThemeInfo]


# -- trainer packs ---------------------------------------------------------------------------


class PackRequest(_Request):
    """A discussion pack from a theme, chosen legends, or the trainer's own words."""

    theme: Theme | None = None
    legend_ids: list[str] = Field(
        default_factory=list,
        max_length=MAX_LEGENDS,
        description=f"up to {MAX_LEGENDS} legends to build the pack on",
    )
    topic: str | None = Field(
        default=None,
        max_length=MAX_MESSAGE_CHARS,
        description="what the trainer asked for, e.g. 'a 10-minute huddle on grief' (sets "
        "the title and the format: pack, role-play set or huddle)",
    )
    format: Literal["json", "markdown"] = Field(
        default="json", description="json: this object; markdown: the pack as text/markdown"
    )


class PackResponse(BaseModel):
    topic: str
    markdown: str
    legends: list[LegendDetail]

    @classmethod
    def of(cls, pack: Pack) -> PackResponse:
        return cls(
            topic=pack.topic,
            markdown=pack.markdown,
            legends=[LegendDetail.of(legend) for legend in pack.legends],
        )


class Problem(BaseModel):
    """An error (RFC 9457, ``application/problem+json``)."""

    type: str = Field(description="a URI naming the kind of problem")
    title: str
    status: int
    detail: str = Field(description="what went wrong, in one line")
    errors: list[dict] | None = Field(
        default=None, description="for 422: each field and what is wrong with it"
    )
