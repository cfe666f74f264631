"""The versioned JSON API (``/api/v1``), its OpenAPI schema and its interactive docs.

:func:`install_api` adds it to the web server's FastAPI app, before the page is mounted
at ``/``. It shares the page's :class:`~ui.web.access.Access`, so a visitor's limits
count answers on the page and through the API together.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse

from assistant import Assistant
from corpus.settings import Settings
from ui.api.conversations import ConversationStore
from ui.api.credentials import Credentials
from ui.api.problems import ApiProblem, install_problem_handlers
from ui.api.routes import PREFIX, build_router
from ui.api.slots import AnswerSlots
from ui.web.access import Access

API_VERSION = "1.0.0"
OPENAPI_URL = f"{PREFIX}/openapi.json"
DOCS_URL = "/api/docs"
DESCRIPTION = (
    "Customer-service legends retold with their lessons and sources. Answers, search and "
    "trainer packs count against the per-visitor limit (LEGENDS_WEB_RATE_LIMIT) unless the "
    "caller is on loopback or sends an API key (X-API-Key or Authorization: Bearer)."
)


@dataclass
class ApiParts:
    """What the API and the MCP server share within one process."""

    assistant: Assistant
    settings: Settings
    access: Access
    credentials: Credentials
    conversations: ConversationStore
    slots: AnswerSlots


def api_parts(assistant: Assistant, settings: Settings, access: Access) -> ApiParts:
    """The shared state, built from the settings."""
    return ApiParts(
        assistant=assistant,
        settings=settings,
        access=access,
        credentials=Credentials(settings, access),
        conversations=ConversationStore(
            settings.api_conversation_limit, settings.api_conversation_ttl
        ),
        slots=AnswerSlots(settings.api_concurrency, settings.api_queue_size),
    )


def install_api(app: FastAPI, parts: ApiParts) -> None:
    """Add ``/api/v1/*``, ``/api/v1/openapi.json`` and ``/api/docs`` to ``app``."""
    router = build_router(parts.assistant, parts.credentials, parts.conversations, parts.slots)
    install_problem_handlers(app)
    schema: dict = {}

    @app.get(OPENAPI_URL, include_in_schema=False)
    def openapi() -> JSONResponse:
        if not schema:  # built once, from the API's own routes only (not the page's)
            schema.update(
                get_openapi(
                    title="Service Legends API",
                    version=API_VERSION,
                    description=DESCRIPTION,
                    routes=[r for r in router.routes if getattr(r, "include_in_schema", True)],
                )
            )
        return JSONResponse(schema)

    page = files("ui.api").joinpath("docs.html").read_text(encoding="utf-8")

    @app.get(DOCS_URL, include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(page)

    app.include_router(router)  # after the schema route: the router ends in a catch-all

    # The router's catch-all answers unknown /api/v1/... paths; this one the rest of /api.
    @app.api_route("/api/{path:path}", methods=["GET", "POST"], include_in_schema=False)
    async def elsewhere(path: str) -> None:
        raise ApiProblem(404, f"There is no endpoint /api/{path}; the API lives under {PREFIX}.")


__all__ = ["ApiParts", "DOCS_URL", "OPENAPI_URL", "api_parts", "install_api"]
