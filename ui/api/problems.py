"""Errors as ``application/problem+json`` (RFC 9457): type, title, status and a clear detail."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

MEDIA_TYPE = "application/problem+json"
API_PREFIX = "/api/"
# Problem types are URNs: stable names a client can switch on, not pages to fetch.
TYPES = {
    400: "urn:service-legends:problem:bad-request",
    401: "urn:service-legends:problem:sign-in-needed",
    403: "urn:service-legends:problem:forbidden",
    404: "urn:service-legends:problem:not-found",
    405: "urn:service-legends:problem:method-not-allowed",
    422: "urn:service-legends:problem:invalid-input",
    429: "urn:service-legends:problem:rate-limited",
    500: "urn:service-legends:problem:server-error",
    503: "urn:service-legends:problem:busy",
}


class ApiProblem(Exception):
    """Raise from an endpoint to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind
        self.headers = headers or {}


def problem_response(
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    headers: dict[str, str] | None = None,
    errors: list[dict] | None = None,
) -> JSONResponse:
    """A problem document; ``kind`` overrides the type's last part (``conversation-gone``)."""
    problem_type = TYPES.get(status, "about:blank")
    if kind:
        problem_type = f"urn:service-legends:problem:{kind}"
    body: dict = {
        "type": problem_type,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, headers=headers, media_type=MEDIA_TYPE)


def _field(location: tuple) -> str:
    # ("body", "message") -> "message"; ("query", "k") -> "k"
    parts = [str(part) for part in location if part not in ("body", "query", "path")]
    return ".".join(parts) or "body"


def _validation_problem(error: RequestValidationError) -> JSONResponse:
    errors = [
        {"field": _field(tuple(item.get("loc", ()))), "message": item.get("msg", "invalid")}
        for item in error.errors()
    ]
    first = errors[0] if errors else {"field": "body", "message": "invalid"}
    detail = f"{first['field']}: {first['message']}"
    if len(errors) > 1:
        detail += f" (and {len(errors) - 1} more)"
    return problem_response(422, detail, errors=errors)


def install_problem_handlers(app: FastAPI) -> None:
    """Answer errors under ``/api/`` with problem documents; elsewhere FastAPI's default."""
    from fastapi.exception_handlers import (
        http_exception_handler,
        request_validation_exception_handler,
    )

    @app.exception_handler(ApiProblem)
    async def _problem(request: Request, error: ApiProblem) -> JSONResponse:
        return problem_response(error.status, error.detail, kind=error.kind, headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError):
        if request.url.path.startswith(API_PREFIX):
            return _validation_problem(error)
        return await request_validation_exception_handler(request, error)

    # Starlette's error middleware calls this, then re-raises, so the traceback is logged.
    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception):
        if request.url.path.startswith(API_PREFIX):
            return problem_response(
                500, "Something went wrong on the server; it has been logged. Please try again."
            )
        return PlainTextResponse("Internal Server Error", status_code=500)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException):
        if request.url.path.startswith(API_PREFIX):
            detail = (
                error.detail
                if isinstance(error.detail, str)
                else HTTPStatus(error.status_code).phrase
            )
            return problem_response(error.status_code, detail, headers=error.headers)
        return await http_exception_handler(request, error)
