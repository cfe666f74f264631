"""A server as the public sees it: visitors arrive through a proxy (X-Forwarded-For).

uvicorn trusts X-Forwarded-For from 127.0.0.1 (the default LEGENDS_FORWARDED_ALLOW_IPS),
so a test on loopback that sends the header is exactly a visitor behind a reverse proxy
or load balancer on the same machine.
"""

from __future__ import annotations

import httpx
import pytest
from gradio_client import Client

from tests.ui.web.conftest import ARTIFACTS, seeded_server
from tests.ui.web.test_server import ask

pytestmark = pytest.mark.slow
PASSWORD = "tr4iner-only"
QUESTION = "stories about bereavement"


@pytest.fixture(scope="module")
def public_server(shared_index_home, tmp_path_factory):
    env = {"LEGENDS_ADMIN_PASSWORD": PASSWORD, "LEGENDS_WEB_RATE_LIMIT": "3/minute"}
    with seeded_server(shared_index_home, tmp_path_factory, env) as running:
        yield running


def visitor(server, address: str) -> Client:
    return Client(server.url, verbose=False, headers={"X-Forwarded-For": address})


def test_each_visitor_has_an_allowance_and_the_machine_has_none(public_server):
    first = visitor(public_server, "203.0.113.10")
    for _ in range(3):
        assert first.predict(QUESTION, api_name="/chat").startswith("Here are the")
    with pytest.raises(Exception, match="Too many messages from your address"):
        first.predict(QUESTION, api_name="/chat")
    second = visitor(public_server, "203.0.113.11")
    assert second.predict(QUESTION, api_name="/chat").startswith("Here are the")
    local = Client(public_server.url, verbose=False)
    for _ in range(5):
        assert local.predict(QUESTION, api_name="/chat").startswith("Here are the")
    assert httpx.get(public_server.url + "healthz").status_code == 200


def test_trainer_endpoint_refuses_without_sign_in_even_with_forged_state(public_server):
    client = visitor(public_server, "203.0.113.20")
    with pytest.raises(Exception, match="Sign in to use the trainer tools"):
        client.predict("bereavement", [], api_name="/build")
    # Raw HTTP, claiming signed_in=True: the state lives on the server, not in the request.
    headers = {"X-Forwarded-For": "203.0.113.20"}
    base = public_server.url + "gradio_api/call/build"
    event = httpx.post(base, json={"data": ["bereavement", [], True]}, headers=headers).json()
    with httpx.stream("GET", f"{base}/{event['event_id']}", headers=headers) as stream:
        body = "".join(stream.iter_text())
    assert "event: error" in body and "Sign in to use the trainer tools" in body
    assert "Discussion pack" not in body


def test_refusals_leave_no_traceback_in_the_server_log(public_server):
    client = visitor(public_server, "203.0.113.21")
    for call in (("bereavement", [], "/build"), ("x" * 3000, "/chat")):
        with pytest.raises(Exception, match="Sign in|limit is 2,000"):
            client.predict(*call[:-1], api_name=call[-1])
    assert "Traceback" not in public_server.log.read_text()


def test_browser_trainer_sign_in_then_pack(public_server, browser):
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000},
        extra_http_headers={"X-Forwarded-For": "198.51.100.30"},
    )
    page = context.new_page()
    page.goto(public_server.url)
    page.wait_for_selector("#chat-input textarea", timeout=30_000)
    page.get_by_role("tab", name="Trainer").click()
    page.wait_for_selector("#trainer-password input", timeout=15_000)
    assert not page.locator("#pack-build").is_visible()
    assert "sign in" in page.locator("#trainer-notice").inner_text()

    page.fill("#trainer-password input", "wrong")
    page.click("#trainer-sign-in-button")
    page.locator("#trainer-notice").get_by_text("That password is not right.").wait_for(
        timeout=15_000
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "trainer-sign-in.png"))
    assert not page.locator("#pack-build").is_visible()

    page.fill("#trainer-password input", PASSWORD)
    page.click("#trainer-sign-in-button")
    page.wait_for_selector("#pack-build", state="visible", timeout=15_000)
    assert page.locator("#trainer-sign-out").is_visible()
    page.locator("#pack-theme input").click()
    page.get_by_role("option", name="bereavement").click()
    page.click("#pack-build")
    page.wait_for_function(
        "() => document.querySelector('#pack')?.innerText.includes('Discussion pack')",
        timeout=30_000,
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "trainer-signed-in.png"))

    page.click("#trainer-sign-out")
    page.wait_for_selector("#trainer-password input", state="visible", timeout=15_000)
    assert not page.locator("#pack-build").is_visible()
    context.close()


def test_browser_visitor_past_the_limit_sees_a_polite_message(public_server, browser):
    context = browser.new_context(extra_http_headers={"X-Forwarded-For": "198.51.100.40"})
    page = context.new_page()
    page.goto(public_server.url)
    page.wait_for_selector("#chat-input textarea", timeout=30_000)
    for _ in range(3):
        ask(page, QUESTION)
    page.fill("#chat-input textarea", QUESTION)
    page.click("#chat-send")
    refusal = page.locator("#chatbot .bot").last
    refusal.get_by_text("Too many messages from your address").wait_for(timeout=15_000)
    assert "try again in" in refusal.inner_text()
    # The refused question stays in the box to send later.
    assert page.locator("#chat-input textarea").input_value() == QUESTION
    context.close()


@pytest.fixture(scope="module")
def server_trusting_another_proxy(shared_index_home, tmp_path_factory):
    env = {"LEGENDS_WEB_RATE_LIMIT": "2/minute", "LEGENDS_FORWARDED_ALLOW_IPS": "10.255.255.1"}
    with seeded_server(shared_index_home, tmp_path_factory, env) as running:
        yield running


def test_forwarded_header_from_an_untrusted_peer_is_ignored(server_trusting_another_proxy):
    """Only the listed proxy may name the visitor: here the header is ignored, so the
    connection's own address counts (loopback: no limit, trainer open without password)."""
    client = visitor(server_trusting_another_proxy, "203.0.113.50")
    for _ in range(4):
        assert client.predict(QUESTION, api_name="/chat").startswith("Here are the")
    pack, _ = client.predict("bereavement", [], api_name="/build")
    assert pack.startswith("## Discussion pack")
