"""The page's handlers and storage with real components, without a server."""

from __future__ import annotations

import ast
import time
from pathlib import Path

import gradio as gr
import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

from assistant import Assistant
from corpus.schema import Legend
from tests.ui.web.conftest import STORY
from ui.storage import feedback, submissions
from ui.web.access import Access
from ui.web.browse import BrowseHandlers
from ui.web.cards import escape_user_text, legend_card, neutralise_html
from ui.web.chat import MAX_KEPT_TURNS, MAX_SHOWN_MESSAGES, ChatHandlers
from ui.web.share import submit
from ui.web.trainer import TrainerHandlers

WEB = Path(__file__).resolve().parents[3] / "ui" / "web"
LOCAL = gr.Request(client={"host": "127.0.0.1", "port": 50000})


@pytest.fixture
def assistant(shared_index):
    return Assistant(shared_index)


def last(handlers: ChatHandlers, message: str, session=None, history=None, mode="auto"):
    """Run the streaming handler to the end; return its last (textbox, chat, sources, session)."""
    outputs = list(handlers.respond(message, history or [], session, mode, "all"))
    return outputs[-1], len(outputs)


def test_grounded_answer_arrives_in_one_update_with_cards(assistant):
    (box, history, sources, session), steps = last(
        ChatHandlers(assistant), "how have companies handled a lost item?", mode="ask"
    )
    assert steps == 1  # complete at once: no word-by-word updates re-sending the chat
    assert box == "" and [m["role"] for m in history] == ["user", "assistant"]
    record = session.answers[1]
    assert record.legend_ids and record.mode == "ask"
    assert history[1]["content"] == neutralise_html(record.answer)
    assert sources.count("#### ") == len(record.legend_ids) and "**Sources**" in sources


class SlowChatModel(GenericFakeChatModel):
    """LangChain's fake chat model, a token every few milliseconds like a real one."""

    def _stream(self, *args, **kwargs):
        for chunk in super()._stream(*args, **kwargs):
            time.sleep(0.02)
            yield chunk


def test_llm_answer_streams_in_a_few_updates_then_the_reply(shared_index):
    answer = (
        "The Ritz-Carlton found Joshie, the stuffed giraffe a family left behind, and mailed "
        "him home with a photo album of his extra holiday. Lesson: a lost item is really a "
        "lost feeling, and the staff treated it that way from the first call to the parcel."
    )
    llm = SlowChatModel(messages=iter([answer]))
    handlers = ChatHandlers(Assistant(shared_index, llm=llm))
    assert handlers.streams
    updates = list(handlers.respond("a kid left his giraffe at a hotel", [], None, "auto", "all"))
    *partial, final = updates
    words = len(answer.split())
    assert 2 <= len(partial) < words  # streamed, but tokens gathered into fewer updates
    shown = [update[1][-1]["content"] for update in partial]
    assert all(len(a) <= len(b) for a, b in zip(shown, shown[1:], strict=False))
    assert all(update[2] is not None and update[3] is not None for update in partial)
    assert final[1][-1]["content"] == answer and "#### " in final[2]
    assert final[3].answers[1].answer == answer


def test_a_long_chat_keeps_its_latest_messages_and_ratings_follow(assistant):
    handlers = ChatHandlers(assistant)
    history, session = [], None
    for number in range(MAX_SHOWN_MESSAGES // 2 + 3):
        question = "how have companies handled a lost item?" if number % 2 else "late delivery"
        *_, (_, history, _, session) = handlers.respond(
            question, history, session, "ask", "all", LOCAL
        )
    assert len(history) == MAX_SHOWN_MESSAGES
    assert len(session.conversation.turns) <= MAX_KEPT_TURNS
    assert sorted(session.answers) == list(range(1, MAX_SHOWN_MESSAGES, 2))
    newest = session.answers[MAX_SHOWN_MESSAGES - 1]
    assert history[-1]["content"].startswith(newest.answer[:40])


def test_each_session_has_its_own_conversation(assistant):
    handlers = ChatHandlers(assistant)
    (_, _, _, first), _ = last(handlers, "how have companies handled a lost item?")
    (_, _, _, second), _ = last(handlers, "stories about bereavement")
    assert first.conversation is not second.conversation
    assert len(first.conversation.turns) == len(second.conversation.turns) == 1
    (_, history, _, first), _ = last(handlers, "tell me more about the first one", first)
    assert len(first.conversation.turns) == 2 and len(second.conversation.turns) == 1


def test_empty_ignored_and_overlong_refused(assistant):
    handlers = ChatHandlers(assistant)
    (box, history, _, session), _ = last(handlers, "   ")
    assert history == [] and not session.conversation.turns
    (box, history, _, session), _ = last(handlers, "word " * 500)
    assert "the limit is 2,000" in history[-1]["content"]
    assert "2,499 characters" in history[0]["content"]
    assert not session.conversation.turns
    with pytest.raises(gr.Error, match="2,000"):
        handlers.api_chat("x" * 2001)


def test_user_html_is_escaped_in_the_echo(assistant):
    (_, history, _, _), _ = last(ChatHandlers(assistant), "<img src=x onerror=alert(1)>")
    assert "<img" not in history[0]["content"] and "&lt;img" in history[0]["content"]


def test_thumbs_are_stored_with_question_answer_and_legends(assistant):
    handlers = ChatHandlers(assistant)
    (_, _, _, session), _ = last(handlers, "how have companies handled a lost item?")
    handlers.like(gr.LikeData(None, {"index": 1, "value": "", "liked": False}), session)
    handlers.like(gr.LikeData(None, {"index": 1, "value": "", "liked": ""}), session)  # undo
    stored = feedback.list_feedback()
    assert len(stored) == 1
    assert stored[0].rating == "down"
    assert stored[0].question == "how have companies handled a lost item?"
    assert stored[0].legend_ids == session.answers[1].legend_ids


def test_legend_text_is_never_raw_html(shared_index):
    legend = next(iter(shared_index.legends.values()))
    hostile = legend.model_copy(
        update={
            "retelling": legend.retelling + " <script>alert(1)</script>",
            "company": "<img src=x onerror=alert(1)>",
        }  # fmt: skip
    )
    card = legend_card(Legend.model_validate(hostile.model_dump()))
    assert "<script" not in card and "<img" not in card
    assert neutralise_html("a <b>tag</b>") == "a &lt;b>tag&lt;/b>"
    assert escape_user_text("[x](http://e) <i>") == "\\[x\\]\\(http://e\\) &lt;i&gt;"


def test_trainer_pack_by_theme_and_by_legends(assistant):
    trainer = TrainerHandlers(assistant)
    by_theme = trainer.pack_markdown("bereavement", [])
    assert by_theme.startswith("## Discussion pack") and "### Role-play" in by_theme
    chosen = ["ritz-carlton-joshie-giraffe", "nordstrom-tire-return"]
    markdown, download = trainer.build("", chosen, request=LOCAL)
    assert "Ritz-Carlton" in markdown and "Nordstrom" in markdown
    value = download.value["path"] if isinstance(download.value, dict) else download.value
    assert Path(value).read_text(encoding="utf-8").startswith("## Discussion pack")
    with pytest.raises(gr.Error, match="Pick a theme"):
        trainer.pack_markdown("", [])


def test_browse_filters(shared_index):
    browse = BrowseHandlers(shared_index)
    assert [lg.id for lg in browse.filtered("joshie")] == ["ritz-carlton-joshie-giraffe"]
    assert len(browse.filtered("giraffe")) >= 2
    assert all("bereavement" in lg.themes for lg in browse.filtered(theme="bereavement"))
    assert all(lg.industry == "airlines" for lg in browse.filtered(industry="airlines"))
    rows, count = browse.table("nordstrom")
    assert rows and count.endswith(f"of {len(shared_index.legends)} legends")


def test_share_validates_and_queues():
    message, *fields = submit("too short", "Acme", "", Access(), LOCAL)
    assert "at least 25 words" in message and fields == ["too short", "Acme", ""]
    message, *fields = submit(STORY, "Copperleaf Cycles", "Sam", Access(), LOCAL)
    assert "review queue" in message and fields == ["", "", ""]
    [queued] = submissions.list_submissions("pending")
    assert queued.company == "Copperleaf Cycles" and queued.name == "Sam"


def test_queue_limits_come_from_settings(assistant, monkeypatch):
    from ui.web.server import create_app

    monkeypatch.setenv("LEGENDS_WEB_QUEUE_SIZE", "3")
    monkeypatch.setenv("LEGENDS_WEB_CONCURRENCY", "1")
    queue = create_app(assistant).state.blocks._queue
    assert queue.max_size == 3 and queue.default_concurrency_limit == 1


def test_only_the_trainers_moderation_module_reaches_corpus_writes():
    """Approving writes to the corpus: only ui/web/moderation.py (every handler behind the
    trainer sign-in, see test_moderation_page.py) may import it; no visitor's module may."""
    forbidden = ("ui.storage.moderation", "corpus.ingest")
    reaching = set()
    for path in WEB.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom | ast.Import):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                names += [alias.name for alias in node.names]
                if any(n.startswith(forbidden) for n in names):
                    reaching.add(path.name)
    assert reaching == {"moderation.py"}
