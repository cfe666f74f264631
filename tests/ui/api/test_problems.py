"""Problem documents (RFC 9457) for every error under /api, FastAPI's defaults elsewhere."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from ui.api.problems import ApiProblem, install_problem_handlers


def app_with_failures() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/api/v1/broken")
    def broken() -> None:
        raise RuntimeError("a bug")

    @app.get("/elsewhere/broken")
    def broken_elsewhere() -> None:
        raise RuntimeError("a bug")

    @app.get("/api/v1/limited")
    def limited() -> None:
        raise ApiProblem(429, "Too many.", headers={"Retry-After": "7"})

    @app.get("/api/v1/number/{value}")
    def number(value: int) -> dict:
        return {"value": value}

    return app


def test_an_unexpected_error_is_a_500_problem_without_details():
    client = TestClient(app_with_failures(), raise_server_exceptions=False)
    response = client.get("/api/v1/broken")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith("server-error") and "a bug" not in body["detail"]
    outside = client.get("/elsewhere/broken")
    assert outside.status_code == 500 and outside.text == "Internal Server Error"


def test_problems_keep_their_headers_and_validation_names_the_field():
    client = TestClient(app_with_failures())
    limited = client.get("/api/v1/limited")
    assert limited.status_code == 429 and limited.headers["retry-after"] == "7"
    assert limited.json() == {
        "type": "urn:service-legends:problem:rate-limited",
        "title": "Too Many Requests",
        "status": 429,
        "detail": "Too many.",
    }
    invalid = client.get("/api/v1/number/seven").json()
    assert invalid["status"] == 422 and invalid["errors"][0]["field"] == "value"
    assert invalid["detail"].startswith("value: ")
