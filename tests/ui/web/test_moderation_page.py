"""Trainers moderate on the page: the handlers with real storage and a real index, then a
real server in Chromium, and visitors who are not signed in calling the events directly."""

from __future__ import annotations

import httpx
import pytest
from gradio_client import Client

from corpus.settings import get_settings
from index.legend_index import LegendIndex
from tests.ui.web.conftest import ARTIFACTS, STORY, seeded_server
from ui.storage.database import dispose_engines, session_scope
from ui.storage.feedback import record_feedback
from ui.storage.submissions import (
    APPROVED,
    PENDING,
    REJECTED,
    SubmissionRow,
    add_submission,
    get_submission,
    list_submissions,
    rejection_reasons,
)
from ui.web.access import Access
from ui.web.moderation import ModerationHandlers, ordered
from ui.web.trainer import SIGN_IN_NEEDED

PASSWORD = "m0derate-on-the-page"
VISITOR = {"host": "203.0.113.60", "port": 50000}
# What a visitor might smuggle in, stored by a version before the sanitiser: a bidi
# override, a terminal escape that would clear the screen, a zero-width space.
HIDDEN = "\u202e", "\x1b[2J", "\u200b"
SMUGGLED = STORY.replace("Last spring", "Last\u202e spring\x1b[2J").replace("shirt", "sh\u200birt")


class Selected:
    """What a click on a row of the queue table hands the show handler."""

    def __init__(self, row: list):
        self.row_value = row


def request(client=VISITOR):
    import gradio as gr

    return gr.Request(client=client)


def store_as_sent(story: str, company: str, name: str = "") -> int:
    """A submission stored byte for byte (as an older version, without the sanitiser, did)."""
    with session_scope() as session:
        row = SubmissionRow(story=story, company=company, name=name, status=PENDING)
        session.add(row)
        session.flush()
        return row.id


@pytest.fixture
def handlers(small_library, monkeypatch):
    """Moderation handlers over a small real index, trainer password set."""
    monkeypatch.setenv("LEGENDS_ADMIN_PASSWORD", PASSWORD)
    dispose_engines()
    index = LegendIndex()
    index.sync()
    yield ModerationHandlers(index, Access(get_settings()))
    dispose_engines()


def test_every_moderation_event_refuses_a_visitor_who_is_not_signed_in(handlers):
    queued = add_submission(STORY, "Copperleaf Cycles", "Sam")
    record_feedback("up", "a question only trainers may read", "answer", [])
    calls = (
        lambda: handlers.lists(False, request()),
        lambda: handlers.show(Selected([queued.id]), False, request()),
        lambda: handlers.approve(queued.id, "X", "", STORY, False, request()),
        lambda: handlers.reject(queued.id, "spam", False, request()),
    )
    import gradio as gr

    for call in calls:
        with pytest.raises(gr.Error, match=SIGN_IN_NEEDED):
            call()
    # The quiet variant, run on every page load, hands out nothing at all.
    opened = handlers.opened(False, request())
    assert (
        opened[0] == [] and "Copperleaf" not in str(opened) and "only trainers" not in str(opened)
    )
    assert get_submission(queued.id).status == PENDING


def test_trainer_sees_pending_first_and_hidden_characters_made_visible(handlers):
    decided = add_submission(STORY, "Brightwater Books")
    handlers.reject(decided.id, "", True, request())
    smuggled = store_as_sent(SMUGGLED, "Copper\u202eleaf Cycles", "Sam")
    table, summary, ratings = handlers.lists(True, request())
    assert [row[0] for row in table] == [smuggled, decided.id]
    assert [row[1] for row in table] == [PENDING, REJECTED]
    assert "**1** pending" in summary and "**1** rejected" in summary
    assert ratings == "*No ratings yet.*"

    selected, detail, company, title, story, reason, approve, reject = handlers.show(
        Selected(table[0]), True, request()
    )
    assert selected == smuggled
    # As sent, every hidden character shown as a symbol; in the editor, as published.
    assert "&lt;U\\+202E&gt;" in detail and "␛\\[2J" in detail and "&lt;U\\+200B&gt;" in detail
    assert "3 control or invisible characters" not in detail  # the company has one more
    assert "4 control or invisible characters" in detail
    assert not any(char in story + company for char in HIDDEN)
    assert company == "Copperleaf Cycles" and story.startswith("Last spring")
    assert approve.interactive and reject.interactive and title == "" and reason == ""


def test_trainer_approves_with_corrections_and_it_is_searchable_at_once(handlers):
    queued = add_submission(STORY, "copperleaf cyc", "Sam")
    story = STORY.replace("five minutes", "four minutes")
    status, table, summary, _, detail, approve, _ = handlers.approve(
        queued.id, "Copperleaf Cycles", "A bike shop fixes a chain before an interview", story,
        True, request(),
    )  # fmt: skip
    stored = get_submission(queued.id)
    assert stored.status == APPROVED and stored.legend_id in status
    assert "can be found in search and chat now" in status and not approve.interactive
    legend = handlers.index.legends[stored.legend_id]
    assert legend.company == "Copperleaf Cycles"
    assert legend.title == "A bike shop fixes a chain before an interview"
    assert "four minutes" in legend.retelling
    hits = handlers.index.search("bike chain snapped before a job interview", 3)
    assert hits and hits[0].legend.id == stored.legend_id
    assert table[0][1] == APPROVED and "**0** pending" in summary
    import gradio as gr

    with pytest.raises(gr.Error, match="already approved"):
        handlers.approve(queued.id, "", "", "", True, request())


def test_trainer_rejects_with_a_reason_and_reads_the_latest_ratings(handlers):
    queued = add_submission(STORY, "Copperleaf Cycles")
    for number in range(3):
        record_feedback("down" if number == 2 else "up", f"question *{number}*", "a", ["x-y"])
    status, _, _, ratings, detail, _, reject = handlers.reject(
        queued.id, "Not a service story.", True, request()
    )
    assert status == f"**Rejected submission {queued.id}.**" and not reject.interactive
    assert rejection_reasons() == {queued.id: "Not a service story."}
    assert "Rejected: Not a service story." in detail
    lines = [line for line in ratings.splitlines() if line.startswith("| 2")]
    assert len(lines) == 3 and "question \\*2\\*" in lines[0] and "**down**" in lines[0]
    assert "`x-y`" in lines[0] and "**up**" in lines[2]
    assert list_submissions()[0].status == REJECTED


def test_ordering_keeps_the_queue_order_then_recent_decisions():
    from datetime import UTC, datetime

    from ui.storage.submissions import Submission

    def item(number, status):
        return Submission(number, datetime.now(UTC), "s", "c", "", status, None, None)

    items = [item(1, APPROVED), item(2, PENDING), item(3, REJECTED), item(4, PENDING)]
    assert [s.id for s in ordered(items)] == [2, 4, 3, 1]


# -- a real server, its HTTP API and the page in Chromium -----------------------------


@pytest.fixture(scope="module")
def trainer_server(shared_index_home, tmp_path_factory):
    with seeded_server(shared_index_home, tmp_path_factory,
                       {"LEGENDS_ADMIN_PASSWORD": PASSWORD}) as running:  # fmt: skip
        yield running


@pytest.fixture
def server_storage(trainer_server, monkeypatch):
    """This test's storage layer pointed at the server's own SQLite file."""
    monkeypatch.setenv("LEGENDS_HOME", str(trainer_server.home))
    dispose_engines()
    yield
    dispose_engines()


def call_raw(server, api_name: str, data: list, address: str) -> str:
    """An event called over Gradio's HTTP protocol, as any client can; the event stream."""
    headers = {"X-Forwarded-For": address}
    base = f"{server.url}gradio_api/call/{api_name}"
    posted = httpx.post(base, json={"data": data}, headers=headers, timeout=30)
    posted.raise_for_status()
    with httpx.stream("GET", f"{base}/{posted.json()['event_id']}", headers=headers) as events:
        return "".join(events.iter_text())


@pytest.mark.slow
def test_direct_calls_without_sign_in_are_refused(trainer_server, server_storage):
    queued = add_submission(STORY, "Copperleaf Cycles", "Sam")
    record_feedback("up", "a question only trainers may read", "answer", [])
    client = Client(trainer_server.url, verbose=False, headers={"X-Forwarded-For": "203.0.113.61"})
    for api_name, args in (
        ("/moderation_lists", ()),
        ("/moderation_approve", ("Copperleaf Cycles", "A title", STORY)),
        ("/moderation_reject", ("spam",)),
    ):
        with pytest.raises(Exception, match="Sign in to use the trainer tools"):
            client.predict(*args, api_name=api_name)
    # Raw HTTP claiming to be signed in, with a submission picked: the state is the server's.
    for api_name, data in (
        ("moderation_approve", [queued.id, "Copperleaf Cycles", "", STORY, True]),
        ("moderation_reject", [queued.id, "spam", True]),
        ("moderation_lists", [True]),
    ):
        body = call_raw(trainer_server, api_name, data, "203.0.113.62")
        assert "event: error" in body and "Sign in to use the trainer tools" in body
        assert "Copperleaf" not in body and "only trainers" not in body
    opened = call_raw(trainer_server, "moderation_open", [True], "203.0.113.63")
    assert "event: complete" in opened
    assert "Copperleaf" not in opened and "only trainers" not in opened
    assert get_submission(queued.id).status == PENDING
    assert "Traceback" not in trainer_server.log.read_text()


@pytest.mark.slow
def test_browser_trainer_moderates_shared_stories(trainer_server, server_storage, browser):
    smuggled = store_as_sent(SMUGGLED, "copperleaf\u202e cycles", "Sam")
    unwanted = add_submission(STORY.replace("Copperleaf", "Brightwater"), "Brightwater Bikes")
    record_feedback("down", "what about a customer whose parcel went missing?", "a", ["x-y"])
    legends_before = httpx.get(trainer_server.url + "healthz").json()["legends"]
    pending = len(list_submissions(PENDING))  # other tests on this server may have left some

    context = browser.new_context(
        viewport={"width": 1400, "height": 1300},
        extra_http_headers={"X-Forwarded-For": "198.51.100.70"},
    )
    page = context.new_page()
    page.goto(trainer_server.url)
    page.wait_for_selector("#chat-input textarea", timeout=30_000)
    page.get_by_role("tab", name="Trainer").click()
    page.fill("#trainer-password input", PASSWORD)
    page.click("#trainer-sign-in-button")
    page.get_by_role("tab", name="Shared stories").click()
    queue = page.locator("#moderation-queue")

    def row(text: str):
        # The table keeps hidden copies of its cells for measuring: the visible one.
        return queue.get_by_text(text).filter(visible=True).first

    row("copperleaf<U+202E>").wait_for(timeout=15_000)
    assert f"{pending} pending" in page.locator("#moderation-summary").inner_text()
    ratings = page.locator("#moderation-ratings")
    assert "whose parcel went missing" in ratings.inner_text() and "down" in ratings.inner_text()

    row("copperleaf<U+202E>").click()
    detail = page.locator("#moderation-detail")
    detail.get_by_text(f"Submission {smuggled}").wait_for(timeout=15_000)
    shown = detail.inner_text()
    assert "<U+202E>" in shown and "␛[2J" in shown and "<U+200B>" in shown
    assert "4 control or invisible characters" in shown
    story_box = page.locator("#moderation-story textarea")
    assert story_box.input_value().startswith("Last spring my bike chain")
    page.fill("#moderation-company input", "Copperleaf Cycles")
    page.fill("#moderation-title input", "A bike shop saves a job interview")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "trainer-moderation-story.png"), full_page=True)
    page.click("#moderation-approve")
    status = page.locator("#moderation-status")
    status.get_by_text(f"Approved submission {smuggled}").wait_for(timeout=60_000)
    assert "can be found in search and chat now" in status.inner_text()
    approved = get_submission(smuggled)
    assert approved.status == APPROVED and approved.legend_id
    health = httpx.get(trainer_server.url + "healthz").json()
    assert health["legends"] == legends_before + 1 and health["index"] is True

    row("Brightwater Bikes").click()
    detail.get_by_text(f"Submission {unwanted.id}").wait_for(timeout=15_000)
    page.fill("#moderation-reason input, #moderation-reason textarea", "Told twice by one sharer.")
    page.click("#moderation-reject")
    status.get_by_text(f"Rejected submission {unwanted.id}").wait_for(timeout=15_000)
    assert rejection_reasons()[unwanted.id] == "Told twice by one sharer."
    assert f"{pending - 2} pending" in page.locator("#moderation-summary").inner_text()
    page.screenshot(path=str(ARTIFACTS / "trainer-moderation-decided.png"), full_page=True)

    # Signing out empties the lists: nothing of the queue stays on the page.
    page.click("#trainer-sign-out")
    page.wait_for_selector("#trainer-password input", state="visible", timeout=15_000)
    assert "whose parcel" not in page.content() and "Brightwater Bikes" not in page.content()
    context.close()
