"""Framing, in real Chromium: the chat may be embedded, the trainer tools never work in a frame.

Another origin (a second loopback port) frames the page. Inside the frame the chat
answers; the Trainer tab shows neither the sign-in form nor the pack builder, so a
framing site cannot lay them under its own buttons. Opened on its own, the same page
shows the trainer tools to a loopback visitor as usual.
"""

from __future__ import annotations

import http.server
import threading

import pytest

from tests.services.process import free_port
from tests.ui.web.conftest import ARTIFACTS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def framing_site(server, tmp_path_factory):
    folder = tmp_path_factory.mktemp("framing-site")
    (folder / "index.html").write_text(
        f"<!doctype html><title>Intranet</title><h1>Our intranet</h1>"
        f'<iframe id="legends" src="{server.url}" width="1300" height="900"></iframe>',
        encoding="utf-8",
    )
    port = free_port()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/"
    httpd.shutdown()


def test_trainer_tools_hidden_inside_a_frame_chat_works(browser, server, framing_site):
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(framing_site)
    frame = page.frame_locator("#legends")
    frame.locator("#chat-input textarea").wait_for(timeout=30_000)
    frame.get_by_role("tab", name="Trainer").click()
    page.wait_for_timeout(1500)  # the gate's visibility update arrives from the server
    assert not frame.locator("#pack-build").is_visible()
    assert not frame.locator("#trainer-password").is_visible()
    assert frame.locator("html.legends-framed").count() == 1
    frame.get_by_role("tab", name="Chat").click()
    frame.locator("#chat-input textarea").fill("stories about bereavement")
    frame.locator("#chat-send").click()
    frame.locator("#chatbot .bot").first.wait_for(timeout=120_000)  # a busy machine is slow
    page.screenshot(path=ARTIFACTS / "web-framed.png")
    page.close()

    alone = browser.new_page(viewport={"width": 1400, "height": 1000})
    alone.goto(server.url)
    alone.wait_for_selector("#chat-input textarea", timeout=30_000)
    alone.get_by_role("tab", name="Trainer").click()
    alone.wait_for_selector("#pack-build", state="visible", timeout=15_000)
    assert alone.locator("html.legends-framed").count() == 0
    alone.close()
