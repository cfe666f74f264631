"""The legends as an MCP server (official ``mcp`` SDK), for AI assistants and copilots.

Tools: ``search_legends``, ``get_legend``, ``suggest_for_situation`` and
``discussion_pack``; a resource per legend at ``legend://{id}``. The same server runs
over stdio (``legends mcp``: the local user is trusted) and over streamable HTTP at
``/mcp`` on ``legends serve``, where callers are treated like API callers: the visitor
limits apply (unless an API key is sent), and ``discussion_pack`` needs the trainer
password as on the page and the JSON API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

import anyio.to_thread
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.resources import FunctionResource
from pydantic import BaseModel, Field
from starlette.requests import Request

from assistant import Assistant, InvalidMessage
from corpus.schema import Industry, Legend, Theme
from ui.api.credentials import Credentials
from ui.api.models import LegendDetail, LegendRef, SearchResponse
from ui.api.problems import ApiProblem
from ui.api.slots import AnswerSlots
from ui.packs import MAX_LEGENDS, PackError, build_pack

T = TypeVar("T")
NAME = "service-legends"
INSTRUCTIONS = (
    "Customer-service legends (real, sourced stories such as Nordstrom's tire return) with "
    "their lessons. Use search_legends or suggest_for_situation for an agent's live case, "
    "get_legend for the whole story, discussion_pack for a trainer. Cite the sources given; "
    "never add details the legends do not contain."
)


class Suggestion(BaseModel):
    """Steps to try now, and the legends behind them."""

    answer_markdown: str
    abstained: bool = Field(description="true when no legend fits (nothing is invented)")
    refusal: str | None = None
    legends: list[LegendRef]


def legend_markdown(legend: Legend) -> str:
    """A legend as a readable Markdown document (the resource's text)."""
    lines = [f"# {legend.title}", "", f"**{legend.company}** · {legend.industry} · "
             f"themes: {', '.join(legend.themes)} · status: {legend.status}", "",
             legend.retelling.strip(), "", "## Lessons"]  # fmt: skip
    lines += [f"- {lesson}" for lesson in legend.lessons]
    lines += ["", f"**Try this:** {legend.try_this}", "", "## Sources"]
    lines += [f"- {source.citation()}" for source in legend.sources]
    if legend.status_note:
        lines += ["", f"*{legend.status_note}*"]
    return "\n".join(lines) + "\n"


class LegendsMCP:
    """Builds the MCP server over one assistant.

    ``credentials`` None means every caller is trusted (stdio, a local user); with it,
    HTTP callers get the JSON API's limits and trainer check.
    """

    def __init__(
        self,
        assistant: Assistant,
        slots: AnswerSlots | None = None,
        credentials: Credentials | None = None,
    ):
        self.assistant = assistant
        self.slots = slots
        self.credentials = credentials
        self.server = MCPServer(NAME, instructions=INSTRUCTIONS, log_level="WARNING")
        self._register()

    # -- gatekeeping ----------------------------------------------------------------------

    def _request(self, ctx: Context | None) -> Request | None:
        if ctx is None:
            return None
        request = ctx.request_context.request
        return request if isinstance(request, Request) else None

    def _admit(self, ctx: Context | None, *, trainer: bool = False) -> None:
        """Apply the HTTP caller's limits (and the trainer check); stdio is trusted."""
        if self.credentials is None:
            return
        request = self._request(ctx)
        if request is None:  # fail closed: a caller that cannot be identified is refused
            raise ToolError("This server cannot tell who is calling; the tool is refused.")
        try:
            caller = self.credentials.identify(request)
            if trainer:
                self.credentials.require_trainer(request, caller)
            self.credentials.count_answer(request, caller)
        except ApiProblem as problem:
            raise ToolError(problem.detail) from None

    async def _run(self, function: Callable[[], T]) -> T:
        if self.slots is None:  # stdio: one local user, no queue to manage
            return await anyio.to_thread.run_sync(function)
        try:
            return await self.slots.run(function)
        except ApiProblem as problem:
            raise ToolError(problem.detail) from None

    def find_legend(self, legend_id: str) -> Legend:
        """The legend, or a tool error that says how to find ids."""
        legend = self.assistant.index.legends.get(legend_id)
        if legend is None:
            raise ToolError(f"No legend has the id {legend_id!r}; search_legends finds ids.")
        return legend

    # -- tools and resources -----------------------------------------------------------------

    def _register(self) -> None:
        server = self.server
        index = self.assistant.index

        @server.tool()
        async def search_legends(
            query: Annotated[str, Field(min_length=1, max_length=2000)],
            k: Annotated[int, Field(ge=1, le=20)] = 5,
            theme: Theme | None = None,
            industry: Industry | None = None,
            ctx: Context | None = None,
        ) -> SearchResponse:
            """Find the customer-service legends closest to a question or situation, best
            first, each with its sources and the opening of its retelling."""
            self._admit(ctx)
            themes = [theme] if theme else None
            hits = await self._run(lambda: index.search(query, k, themes=themes, industry=industry))
            return SearchResponse.of(query, hits)

        @server.tool()
        async def get_legend(legend_id: str) -> LegendDetail:
            """One legend in full: retelling, lessons, sources and any teaching material
            (moves, discussion questions, a role-play)."""
            return LegendDetail.of(self.find_legend(legend_id))

        @server.tool()
        async def suggest_for_situation(
            situation: Annotated[str, Field(min_length=1, max_length=2000)],
            ctx: Context | None = None,
        ) -> Suggestion:
            """For an agent mid-call: concrete steps to try now and the legends behind them
            (about 120 words). Says so when no legend fits."""
            self._admit(ctx)
            try:
                reply = await self._run(lambda: self.assistant.respond(situation, mode="suggest"))
            except InvalidMessage as error:
                raise ToolError(str(error)) from None
            return Suggestion(
                answer_markdown=reply.answer,
                abstained=reply.abstained,
                refusal=reply.refusal,
                legends=[LegendRef.of(legend) for legend in reply.legends],
            )

        @server.tool()
        async def discussion_pack(
            theme: Theme | None = None,
            legend_ids: Annotated[list[str], Field(max_length=MAX_LEGENDS)] | None = None,
            topic: Annotated[str, Field(max_length=2000)] | None = None,
            ctx: Context | None = None,
        ) -> str:
            """A trainer's discussion pack as Markdown (legends, questions, a role-play,
            the takeaway) from a theme, up to five legend ids, or the trainer's words
            ('a 10-minute huddle on grief'). Over HTTP it needs the trainer password."""
            self._admit(ctx, trainer=True)
            try:
                pack = await self._run(lambda: build_pack(self.assistant, theme, legend_ids, topic))
            except PackError as error:
                raise ToolError(str(error)) from None
            return pack.markdown

        @server.resource(
            "legend://{legend_id}",
            name="legend",
            description="A customer-service legend with its lessons and sources, as Markdown.",
            mime_type="text/markdown",
        )
        def legend_resource(legend_id: str) -> str:
            return legend_markdown(self.find_legend(legend_id))

        # Each legend known at start is also listed, so clients can browse them.
        for legend in index.legends.values():
            server.add_resource(
                FunctionResource.from_function(
                    fn=_reader(self, legend.id),
                    uri=f"legend://{legend.id}",
                    name=legend.id,
                    title=f"{legend.company}: {legend.title}",
                    description=f"{legend.company}: {legend.title}",
                    mime_type="text/markdown",
                )
            )


def _reader(mcp: LegendsMCP, legend_id: str) -> Callable[[], str]:
    def read() -> str:
        return legend_markdown(mcp.find_legend(legend_id))

    return read


def build_server(
    assistant: Assistant,
    slots: AnswerSlots | None = None,
    credentials: Credentials | None = None,
) -> MCPServer:
    """The MCP server; ``credentials`` None trusts every caller, ``slots`` None runs each
    call at once (stdio: one local user)."""
    return LegendsMCP(assistant, slots, credentials).server


__all__ = ["LegendsMCP", "build_server", "legend_markdown"]
