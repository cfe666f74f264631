"""The endpoints of ``/api/v1``: ask, search, legends, themes and trainer packs."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse

from assistant import Assistant, InvalidMessage
from corpus.schema import INDUSTRIES, STATUSES, THEMES, Industry, Legend, Status, Theme
from ui.api.conversations import ConversationStore
from ui.api.credentials import Credentials
from ui.api.models import (
    AskRequest,
    AskResponse,
    LegendDetail,
    LegendPage,
    LegendSummary,
    PackRequest,
    PackResponse,
    Problem,
    SearchResponse,
    ThemeInfo,
    ThemesResponse,
)
from ui.api.problems import ApiProblem
from ui.api.slots import AnswerSlots
from ui.packs import PackError, build_pack
from ui.web.cards import neutralise_html

PREFIX = "/api/v1"
MAX_K = 50
MAX_PER_PAGE = 100


def _problems(*codes: int) -> dict:
    """OpenAPI: each listed status answers with a problem document."""
    return {code: {"model": Problem, "content": {"application/problem+json": {}}} for code in codes}


def build_router(
    assistant: Assistant,
    credentials: Credentials,
    conversations: ConversationStore,
    slots: AnswerSlots,
) -> APIRouter:
    """The ``/api/v1`` router bound to the process's one assistant."""
    router = APIRouter(prefix=PREFIX, tags=["legends"])
    index = assistant.index

    @router.post(
        "/ask",
        response_model=AskResponse,
        summary="Answer a question or a situation",
        responses=_problems(401, 404, 422, 429, 503),
    )
    async def ask(body: AskRequest, request: Request) -> AskResponse:
        """Answer like the chat: legends retold with their sources (ask), steps to try now
        (suggest) or a trainer's pack (discuss). Pass the returned ``conversation_id``
        back with the next message for a follow-up ("tell me more about the second one")."""
        caller = credentials.identify(request)
        credentials.count_answer(request, caller)
        if body.conversation_id:
            entry = conversations.get(body.conversation_id)
            if entry is None:
                raise ApiProblem(
                    404,
                    "That conversation is unknown or has expired; send the message without "
                    "conversation_id to start a new one.",
                    kind="conversation-not-found",
                )
        else:
            entry = conversations.new()

        def answer():
            with entry.lock:
                return assistant.respond(
                    body.message, entry.conversation, mode=body.mode, theme=body.theme
                )

        try:
            reply = await slots.run(answer)
        except InvalidMessage as error:
            raise ApiProblem(422, str(error)) from None
        markdown = neutralise_html(reply.answer)
        return AskResponse.of(reply, entry.conversation.id, markdown)

    @router.get(
        "/search",
        response_model=SearchResponse,
        summary="Find the legends closest to a question",
        responses=_problems(401, 422, 429, 503),
    )
    async def search(
        request: Request,
        q: Annotated[str, Query(min_length=1, max_length=2000, description="the question")],
        k: Annotated[int, Query(ge=1, le=MAX_K, description="how many legends")] = 5,
        theme: Annotated[Theme | None, Query(description="only legends with this theme")] = None,
        industry: Annotated[Industry | None, Query(description="only this industry")] = None,
    ) -> SearchResponse:
        """Hybrid search (meaning, keywords, facets), best first."""
        caller = credentials.identify(request)
        credentials.count_answer(request, caller)
        if not q.strip():
            raise ApiProblem(422, "q: the query is empty")
        themes = [theme] if theme else None
        hits = await slots.run(lambda: index.search(q, k, themes=themes, industry=industry))
        return SearchResponse.of(q, hits)

    @router.get(
        "/legends",
        response_model=LegendPage,
        summary="List the legends, a page at a time",
        responses=_problems(422),
    )
    def legends(
        request: Request,
        theme: Annotated[Theme | None, Query()] = None,
        industry: Annotated[Industry | None, Query()] = None,
        company: Annotated[str | None, Query(max_length=200, description="exact name")] = None,
        status: Annotated[Status | None, Query()] = None,
        page: Annotated[int, Query(ge=1)] = 1,
        per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 20,
    ) -> LegendPage:
        """Ordered by company, then title; filters combine."""
        credentials.identify(request)
        chosen = [
            legend
            for legend in index.legends.values()
            if (not theme or theme in legend.themes)
            and (not industry or legend.industry == industry)
            and (not company or legend.company.casefold() == company.strip().casefold())
            and (not status or legend.status == status)
        ]
        chosen.sort(key=lambda legend: (legend.company.casefold(), legend.title.casefold()))
        start = (page - 1) * per_page
        return LegendPage(
            items=[LegendSummary.of(legend) for legend in chosen[start : start + per_page]],
            total=len(chosen),
            page=page,
            per_page=per_page,
            pages=math.ceil(len(chosen) / per_page),
        )

    @router.get(
        "/legends/{legend_id}",
        response_model=LegendDetail,
        summary="One legend in full",
        responses=_problems(404),
    )
    def legend(legend_id: str, request: Request) -> LegendDetail:
        """The retelling, lessons, sources and, when curated, moves, discussion questions
        and a role-play."""
        credentials.identify(request)
        return LegendDetail.of(find_legend(index.legends, legend_id))

    @router.get("/themes", response_model=ThemesResponse, summary="The themes and their legends")
    def themes(request: Request) -> ThemesResponse:
        """Every theme of the controlled vocabulary with how many legends carry it."""
        credentials.identify(request)
        counts = {theme: 0 for theme in THEMES}
        for item in index.legends.values():
            for theme in item.themes:
                counts[theme] += 1
        return ThemesResponse(
            themes=[
                ThemeInfo(id=theme, label=theme.replace("-", " "), legends=count)
                for theme, count in counts.items()
            ]
        )

    @router.post(
        "/packs",
        response_model=PackResponse,
        summary="A trainer's discussion pack (trainer sign-in)",
        responses={
            **_problems(401, 403, 404, 422, 429, 503),
            200: {"content": {"text/markdown": {}}},
        },
    )
    async def packs(body: PackRequest, request: Request):
        """Build a pack from a theme, up to five chosen legends, or the trainer's own words.
        Needs the trainer password (``Authorization: Bearer PASSWORD`` or HTTP Basic)
        unless the server has none and the caller is on loopback. ``format: markdown``
        answers with the pack as ``text/markdown``."""
        caller = credentials.identify(request)
        credentials.require_trainer(request, caller)
        credentials.count_answer(request, caller)
        try:
            pack = await slots.run(
                lambda: build_pack(assistant, body.theme, body.legend_ids, body.topic)
            )
        except PackError as error:
            status = 404 if str(error).startswith("Unknown legend") else 422
            raise ApiProblem(status, str(error)) from None
        if body.format == "markdown":
            return PlainTextResponse(
                neutralise_html(pack.markdown), media_type="text/markdown; charset=utf-8"
            )
        response = PackResponse.of(pack)
        response.markdown = neutralise_html(response.markdown)
        return response

    known = list(router.routes)

    @router.api_route(
        "/{path:path}",
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        include_in_schema=False,
    )
    async def unknown(path: str, request: Request) -> None:
        for route in known:
            if route.path_regex.match(request.url.path):
                allowed = ", ".join(sorted(route.methods))
                raise ApiProblem(
                    405,
                    f"{request.method} is not allowed on {request.url.path}; use {allowed}.",
                    headers={"Allow": allowed},
                )
        raise ApiProblem(404, f"There is no endpoint {PREFIX}/{path}; see {PREFIX}/openapi.json.")

    return router


def find_legend(legends: dict[str, Legend], legend_id: str) -> Legend:
    """The legend with ``legend_id``, or a 404 problem naming it."""
    found = legends.get(legend_id)
    if found is None:
        raise ApiProblem(
            404, f"No legend has the id {legend_id!r}; GET {PREFIX}/legends lists them."
        )
    return found


__all__ = ["INDUSTRIES", "PREFIX", "STATUSES", "build_router", "find_legend"]
