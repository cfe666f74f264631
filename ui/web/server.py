"""The web server: FastAPI with ``/healthz``, the Gradio page mounted at ``/``, uvicorn."""

from __future__ import annotations

import logging
import sys
import threading

import gradio as gr
import uvicorn
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text

from assistant import Assistant
from corpus.settings import Settings, get_settings
from ui.api import api_parts, install_api
from ui.mcp_server import mount_mcp
from ui.storage.database import get_engine, session_scope
from ui.web.access import Access, is_loopback
from ui.web.app import CSS, THEME, TITLE, build_blocks
from ui.web.errors import quiet_gradio_tracebacks
from ui.web.guard import Guard
from ui.web.sessions import lighten_sessions

# How often visitors waiting in the page's queue are told their position, in seconds.
QUEUE_STATUS_SECONDS = 2
# Inside a frame (another site embedding the chat) the trainer tools are hidden, so a
# framing page can never overlay the sign-in form or the pack builder (clickjacking).
FRAME_GUARD = """<script>
if (window.self !== window.top) { document.documentElement.classList.add("legends-framed"); }
</script>
<style>
.legends-framed #trainer-sign-in, .legends-framed #trainer-workspace,
.legends-framed #trainer-sign-out { display: none !important; }
</style>"""


def _database_ok() -> bool:
    try:
        with session_scope() as session:
            session.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - reported as false, never raised
        return False


def health(assistant: Assistant) -> tuple[dict, int]:
    """The ``/healthz`` body and status code: 200 when every legend is in the index.

    ``database`` says whether feedback and shared stories can be stored; it does not
    change the status code, because answering (the page's main job) works without it.
    """
    database = _database_ok()
    # Recomputed from the live index on every call; a broken store handle (after a
    # rebuild by another process, or a deleted index folder) repairs itself.
    count, ok = assistant.index.health()
    body = {
        "status": "ok" if ok else "degraded",
        "legends": count,
        "index": ok,
        "database": database,
    }
    return body, 200 if ok else 503


def create_app(
    assistant: Assistant,
    settings: Settings | None = None,
    access: Access | None = None,
    host: str = "127.0.0.1",
) -> FastAPI:
    """The ASGI app: ``GET /healthz``, the JSON API (``/api/v1``), the MCP server
    (``/mcp``) and the page, with the queue limits applied.

    ``host`` is the address served on; the MCP endpoint's DNS-rebinding guard depends on it.
    """
    settings = settings or get_settings()
    access = access or Access(settings)
    app = FastAPI(title=TITLE, docs_url=None, redoc_url=None, openapi_url=None)

    # Registered before the page is mounted at "/", which would otherwise catch it.
    @app.get("/healthz")
    def healthz() -> JSONResponse:
        body, code = health(assistant)
        return JSONResponse(body, status_code=code)

    # The API and the MCP server share the page's limits; all before the page takes "/".
    parts = api_parts(assistant, settings, access)
    install_api(app, parts)
    mount_mcp(app, parts, host)

    get_engine()  # create the feedback and submission tables before the first visitor
    blocks = build_blocks(assistant, access)
    # A full queue makes the page say "This application is currently busy", not fail.
    # Waiting visitors hear their queue position every few seconds, rather than each of
    # them being sent an estimate every time any answer starts (the "auto" default).
    blocks.queue(
        max_size=settings.web_queue_size,
        default_concurrency_limit=settings.web_concurrency,
        status_update_rate=QUEUE_STATUS_SECONDS,
    )
    app.state.blocks = blocks  # for tests and embedding code that need the Blocks
    app = gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        theme=THEME,
        css=CSS,
        footer_links=["api"],
        run_history=False,  # a public page keeps no visitor's history in the browser
        show_error=False,  # unexpected errors are logged, never shown with details
        max_file_size="1mb",  # the page takes no uploads (the guard refuses the route too)
        enable_monitoring=False,  # Gradio's /monitoring dashboard is not for the public
        head=FRAME_GUARD,
    )
    lighten_sessions(app, blocks)  # a /chat call no longer renders the whole page
    quiet_gradio_tracebacks()  # a failed event is one log line, a few a minute
    # Outermost: the client address, the body limit, refused routes, security headers.
    app.add_middleware(
        Guard,
        max_body_bytes=settings.web_max_body_bytes,
        frame_ancestors=settings.frame_ancestors,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )
    return app


class _Server(uvicorn.Server):
    """uvicorn, printing the URL once the socket is listening, then warming up."""

    def __init__(self, config: uvicorn.Config, url: str, warm_up=None):
        super().__init__(config)
        self.url = url
        self.warm_up = warm_up

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets)
        if self.started:
            print(f"Service Legends is running at {self.url}  (Ctrl+C to stop)", flush=True)
            if self.warm_up is not None:
                threading.Thread(target=self.warm_up, name="warm-up", daemon=True).start()


def _warm_up(assistant: Assistant) -> None:
    """Load what the first answer needs (the embedding model, the keyword index) after
    the server is listening, so neither the start nor the first visitor waits for it."""
    try:
        assistant.respond("a customer whose parcel was lost")
    except Exception:  # noqa: BLE001 - a warm-up failing only means a slower first answer
        logging.getLogger("legends.web").exception("warm-up failed")


def serve(host: str = "127.0.0.1", port: int = 7860) -> None:
    """Sync the index (with progress), then serve the page until interrupted."""
    from index.legend_index import LegendIndex

    settings = get_settings()
    # A bad limit setting or an unreachable database stops here, before the slow start.
    access = Access(settings)
    get_engine()
    if not is_loopback(host) and not settings.admin_password:
        print(
            "Note: trainer tools answer loopback visitors only; set LEGENDS_ADMIN_PASSWORD "
            "to let trainers sign in from elsewhere.",
            file=sys.stderr,
        )

    legend_index = LegendIndex(settings)
    report = legend_index.sync(progress=True)
    for problem in legend_index.problems:
        print(f"Skipped: {problem}", file=sys.stderr)
    print(f"Index: {report.summary()}.", flush=True)
    assistant = Assistant(legend_index, settings=settings)
    app = create_app(assistant, settings, access, host)
    shown = "localhost" if host in ("0.0.0.0", "::") else host
    # Open event streams would hold a plain shutdown forever; give them a few seconds.
    # Behind a load balancer, X-Forwarded-For from the listed proxies names the visitor
    # (for rate limits and the loopback rule); from anyone else it is ignored. The app's
    # Guard reads it (rightmost-untrusted rule); uvicorn's own reading is switched off.
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=3,
        proxy_headers=False,
    )
    server = _Server(config, f"http://{shown}:{port}/", lambda: _warm_up(assistant))
    server.run()
    if not server.started:
        raise SystemExit(1)  # uvicorn has said why (for example, the port is in use)
