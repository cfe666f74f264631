"""The page's outer defences, on a real ``legends serve`` process.

The server trusts ``X-Forwarded-For`` from anyone (``LEGENDS_FORWARDED_ALLOW_IPS=*``), the
riskiest setting: only the nearest hop's claim may count, so a visitor who writes
``127.0.0.1`` at the left of the header is still the address at its right. Uploads are
refused (the page has no upload field), oversized bodies get 413, Gradio's monitoring
and OpenAPI routes are not public, and every response carries the security headers.
"""

from __future__ import annotations

import json

import httpx
import pytest
from gradio_client import Client

from tests.ui.web.conftest import seeded_server

pytestmark = pytest.mark.slow
QUESTION = "stories about bereavement"
BODY_LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def guarded_server(shared_index_home, tmp_path_factory):
    env = {
        "LEGENDS_FORWARDED_ALLOW_IPS": "*",
        "LEGENDS_WEB_RATE_LIMIT": "3/minute",
        "LEGENDS_WEB_MAX_BODY_BYTES": str(BODY_LIMIT),
    }
    with seeded_server(shared_index_home, tmp_path_factory, env) as running:
        yield running


def spoofer(server, real: str) -> Client:
    """A visitor claiming to be loopback at the left of X-Forwarded-For."""
    return Client(server.url, verbose=False, headers={"X-Forwarded-For": f"127.0.0.1, {real}"})


def test_a_spoofed_loopback_is_not_loopback_with_star(guarded_server):
    client = spoofer(guarded_server, "203.0.113.40")
    with pytest.raises(Exception, match="Sign in to use the trainer tools"):
        client.predict("bereavement", [], api_name="/build")
    for _ in range(3):
        assert client.predict(QUESTION, api_name="/chat").startswith("Here are the")
    with pytest.raises(Exception, match="Too many messages from your address"):
        client.predict(QUESTION, api_name="/chat")
    # The same visitor through a proxy chain: still counted as 203.0.113.40.
    chained = Client(
        guarded_server.url,
        verbose=False,
        headers={"X-Forwarded-For": "10.9.9.9, 127.0.0.1, 203.0.113.40"},
    )
    with pytest.raises(Exception, match="Too many messages"):
        chained.predict(QUESTION, api_name="/chat")


def test_uploads_are_refused_for_everyone(guarded_server):
    files = {"files": ("x.txt", b"hello " * 100, "text/plain")}
    for headers in ({"X-Forwarded-For": "203.0.113.50"}, {}):
        for path in ("gradio_api/upload", "upload", "gradio_api/upload?upload_id=abc"):
            response = httpx.post(guarded_server.url + path, files=files, headers=headers)
            assert response.status_code in (403, 404), (path, response.status_code)
            assert "hello" not in response.text


def test_oversized_bodies_get_413(guarded_server):
    big = json.dumps({"data": ["x" * (BODY_LIMIT * 2)], "fn_index": 0, "session_hash": "abc"})
    url = guarded_server.url + "gradio_api/queue/join"
    declared = httpx.post(url, content=big, headers={"Content-Type": "application/json"})
    assert declared.status_code == 413

    def chunks():  # no Content-Length: the limit is counted as the body streams in
        for start in range(0, len(big), 8192):
            yield big[start : start + 8192].encode()

    streamed = httpx.post(url, content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413
    # A normal call still works.
    assert Client(guarded_server.url, verbose=False).predict(QUESTION, api_name="/chat")


def test_monitoring_and_page_openapi_are_not_public(guarded_server):
    for path in ("monitoring", "monitoring/summary", "openapi.json", "docs", "redoc"):
        response = httpx.get(guarded_server.url + path)
        assert response.status_code == 404, (path, response.status_code)
    # What a client needs to call /chat stays available.
    assert httpx.get(guarded_server.url + "gradio_api/info").status_code == 200


def test_security_headers_on_every_response(guarded_server):
    for path in ("", "healthz", "gradio_api/info", "no-such-page"):
        response = httpx.get(guarded_server.url + path)
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "frame-ancestors *" in response.headers["content-security-policy"]


def test_malformed_event_calls_do_not_flood_the_log(guarded_server):
    before = guarded_server.log.read_text(errors="replace")
    headers = {"X-Forwarded-For": "203.0.113.60"}
    bad_inputs = [[{"not": "text"}], [123, [], None], [None], [["a"], "b", "c", "d", "e"]]
    calls = 0
    for _round in range(10):
        for data in bad_inputs:
            base = guarded_server.url + "gradio_api/call/chat"
            response = httpx.post(base, json={"data": data}, headers=headers)
            calls += 1
            if response.status_code != 200:
                continue
            event = response.json()["event_id"]
            with httpx.stream("GET", f"{base}/{event}", headers=headers, timeout=30) as stream:
                "".join(stream.iter_text())
    added = guarded_server.log.read_text(errors="replace")[len(before) :]
    reports = added.count("an event failed")
    print(f"{calls} malformed calls -> {reports} one-line reports, no traceback")
    assert "Traceback" not in added
    assert 1 <= reports <= 10, added[-3000:]  # at most 10 a minute (ui/web/errors.py)
