"""Rate limits and the trainer sign-in, through the real handlers (no server)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import gradio as gr
import pytest

from assistant import Assistant
from corpus.settings import SettingsError, get_settings
from tests.ui.web.conftest import STORY
from ui.storage import submissions
from ui.web.access import Access, RateLimited, is_loopback
from ui.web.chat import ChatHandlers
from ui.web.share import submit
from ui.web.trainer import OFF_NOTICE, SIGN_IN_NEEDED, TrainerHandlers

LOCAL = gr.Request(client={"host": "127.0.0.1", "port": 50000})
VISITOR = gr.Request(client={"host": "203.0.113.7", "port": 50000})
OTHER_VISITOR = gr.Request(client={"host": "198.51.100.20", "port": 50000})
PICKED = ["ritz-carlton-joshie-giraffe", "nordstrom-tire-return"]


@pytest.fixture
def assistant(shared_index):
    return Assistant(shared_index)


def access(monkeypatch, **env) -> Access:
    for name, value in env.items():
        monkeypatch.setenv(f"LEGENDS_{name.upper()}", value)
    return Access(get_settings())


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("10.0.0.5", False),
        ("203.0.113.7", False),
        ("::ffff:203.0.113.7", False),
        ("", False),
        (None, False),
        ("not an address", False),
    ],
)
def test_loopback_detection(host, local):
    assert is_loopback(host) is local


def test_chat_is_limited_per_visitor_and_loopback_is_not(assistant, monkeypatch):
    handlers = ChatHandlers(assistant, access(monkeypatch, web_rate_limit="2/minute"))

    def send(request):
        outputs = list(
            handlers.respond("stories about bereavement", [], None, "auto", "all", request)
        )
        return outputs[-1][1][-1]["content"]

    assert send(VISITOR).startswith("Here are the")
    assert send(VISITOR).startswith("Here are the")
    refused = send(VISITOR)
    assert "Too many messages from your address" in refused and "try again in" in refused
    # Another visitor has an allowance of their own; the person at the machine has no cap.
    assert send(OTHER_VISITOR).startswith("Here are the")
    for _ in range(4):
        assert send(LOCAL).startswith("Here are the")
    with pytest.raises(gr.Error, match="Too many messages"):
        handlers.api_chat("stories about bereavement", request=VISITOR)


def test_ratings_are_capped(assistant, monkeypatch):
    limits = access(monkeypatch)
    for _ in range(60):
        limits.check("rating", VISITOR)
    with pytest.raises(RateLimited, match="Too many ratings"):
        limits.check("rating", VISITOR)


def test_share_limit_keeps_the_story_and_counts_only_sent_stories(monkeypatch):
    limits = access(monkeypatch, web_share_limit="2/hour")
    # A draft that fails validation does not use up the allowance.
    for _ in range(3):
        message, *_ = submit("too short", "Acme", "", limits, VISITOR)
        assert "at least 25 words" in message
    for _ in range(2):
        message, *fields = submit(STORY, "Copperleaf Cycles", "", limits, VISITOR)
        assert "review queue" in message and fields == ["", "", ""]
    message, *fields = submit(STORY, "Copperleaf Cycles", "Sam", limits, VISITOR)
    assert message.startswith("**Not sent yet:** Too many shared stories")
    assert "minutes" in message  # an hour's window is told in minutes, not seconds
    assert fields == [STORY, "Copperleaf Cycles", "Sam"]  # nothing the visitor typed is lost
    assert len(submissions.list_submissions()) == 2


def test_trainer_without_password_is_for_loopback_only(assistant, monkeypatch):
    monkeypatch.delenv("LEGENDS_ADMIN_PASSWORD", raising=False)
    trainer = TrainerHandlers(assistant, access(monkeypatch))
    notice, form, workspace, sign_out = trainer.gate(False, LOCAL)
    assert workspace.visible and not form.visible and not notice.visible
    markdown, _ = trainer.build("", PICKED, False, LOCAL)
    assert "Ritz-Carlton" in markdown

    notice, form, workspace, sign_out = trainer.gate(False, VISITOR)
    assert notice.value == OFF_NOTICE and not form.visible and not workspace.visible
    with pytest.raises(gr.Error, match=SIGN_IN_NEEDED):
        trainer.build("", PICKED, False, VISITOR)
    # Claiming to be signed in changes nothing when there is no password to sign in with.
    with pytest.raises(gr.Error, match=SIGN_IN_NEEDED):
        trainer.build("", PICKED, True, VISITOR)
    signed_in, _, notice, form, workspace, _ = trainer.sign_in("anything", VISITOR)
    assert signed_in is False and not workspace.visible and "not right" in notice.value


def test_trainer_with_password_needs_sign_in_everywhere(assistant, monkeypatch):
    trainer = TrainerHandlers(assistant, access(monkeypatch, admin_password="correct horse"))
    for request in (LOCAL, VISITOR):
        notice, form, workspace, _ = trainer.gate(False, request)
        assert form.visible and not workspace.visible and "sign in" in notice.value
        with pytest.raises(gr.Error, match=SIGN_IN_NEEDED):
            trainer.build("", PICKED, False, request)
    signed_in, _, notice, form, workspace, _ = trainer.sign_in("correct horse ", VISITOR)
    assert signed_in is False and form.visible and not workspace.visible
    assert notice.value.startswith("**That password is not right.**")
    signed_in, box, notice, form, workspace, sign_out = trainer.sign_in("correct horse", VISITOR)
    assert signed_in is True and box == ""
    assert workspace.visible and sign_out.visible and not form.visible
    markdown, _ = trainer.build("", PICKED, signed_in, VISITOR)
    assert "Nordstrom" in markdown
    signed_in, notice, form, workspace, sign_out = trainer.sign_out(VISITOR)
    assert signed_in is False and form.visible and not workspace.visible


def test_sign_in_guesses_are_limited_even_with_the_right_password(assistant, monkeypatch):
    trainer = TrainerHandlers(assistant, access(monkeypatch, admin_password="pw"))
    for _ in range(5):
        assert "not right" in trainer.sign_in("guess", VISITOR)[2].value
    signed_in, _, notice, _, workspace, _ = trainer.sign_in("pw", VISITOR)
    assert signed_in is False and not workspace.visible
    assert "Too many sign-in attempts" in notice.value
    # Guesses from one address do not lock out another.
    assert trainer.sign_in("pw", OTHER_VISITOR)[0] is True


@pytest.mark.parametrize(
    ("name", "value"),
    [("web_rate_limit", "lots"), ("web_share_limit", "5 per fortnight"), ("web_rate_limit", ";")],
)
def test_bad_limit_setting_names_the_variable(monkeypatch, name, value):
    with pytest.raises(SettingsError, match=f"LEGENDS_{name.upper()}"):
        access(monkeypatch, **{name: value})


def test_serve_with_a_bad_setting_exits_with_one_clear_line(tmp_path):
    legends = Path(sys.executable).parent / "legends"
    env = {"PATH": "/usr/bin:/bin", "LEGENDS_HOME": str(tmp_path)}
    for name, value in (("LEGENDS_WEB_RATE_LIMIT", "lots"), ("LEGENDS_WEB_CONCURRENCY", "x")):
        done = subprocess.run(
            [str(legends), "serve", "--port", "1"],
            env={**env, name: value},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2
        assert done.stderr.startswith(f"Error: {name} must")
        assert "Traceback" not in done.stderr
        assert not (tmp_path / "index").exists()  # it stopped before touching the index
