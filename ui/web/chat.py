"""The chat tab's handlers: answers (streamed from an LLM), source cards, ratings, the API.

Each browser session keeps its own :class:`ChatSession` in a ``gr.State`` (the
conversation plus what each shown answer was built from), so nothing of one visitor
reaches another; the :class:`~assistant.Assistant` itself is shared by the process.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import gradio as gr

from assistant import Assistant, Conversation, InvalidMessage, Reply
from assistant.messages import MAX_MESSAGE_CHARS
from assistant.modes import MODES
from corpus.schema import THEMES
from ui.storage.database import StorageUnavailable
from ui.storage.feedback import record_feedback
from ui.web.access import Access, RateLimited
from ui.web.cards import escape_user_text, neutralise_html, source_cards
from ui.web.errors import refusal

log = logging.getLogger("legends.web")

AUTO = "auto"
ALL_THEMES = "all"
MODE_CHOICES = [
    ("auto", AUTO),
    ("ask: legends", "ask"),
    ("suggest: steps", "suggest"),
    ("discuss: a pack", "discuss"),
]
THEME_CHOICES = [("all themes", ALL_THEMES)] + [(t.replace("-", " "), t) for t in THEMES]
EXAMPLES = (
    "How have companies handled a lost item?",
    "My customer is furious that the delivery is late again. What can I do?",
    "Stories about bereavement",
    "A discussion pack on empowering front-line staff",
)
# The chat bubble of a refused message shows this much of it, not the whole text.
ECHO_LIMIT = 280
# The chat travels to the server and back with every event: it keeps the latest
# messages (questions and answers) and the conversation its latest turns.
MAX_SHOWN_MESSAGES = 40
MAX_KEPT_TURNS = 20
# An LLM's answer streams to the page at most this often.
STREAM_INTERVAL_SECONDS = 0.1


@dataclass
class AnswerRecord:
    """What one shown answer was built from, for feedback."""

    question: str
    answer: str
    legend_ids: list[str]
    mode: str


@dataclass
class ChatSession:
    """One browser session: its conversation and its answers by chat message index."""

    conversation: Conversation = field(default_factory=Conversation)
    answers: dict[int, AnswerRecord] = field(default_factory=dict)

    def trim(self, history: list[dict]) -> list[dict]:
        """``history`` cut to its last :data:`MAX_SHOWN_MESSAGES` (and the turns kept to
        :data:`MAX_KEPT_TURNS`), so what each event carries stays bounded."""
        turns = self.conversation.turns
        del turns[: max(0, len(turns) - MAX_KEPT_TURNS)]
        dropped = max(0, len(history) - MAX_SHOWN_MESSAGES)
        if dropped % 2:
            dropped += 1  # drop whole exchanges: a question with its answer
        if not dropped:
            return history
        # Ratings find their answer by its place in the chat: shift the places too.
        self.answers = {i - dropped: a for i, a in self.answers.items() if i >= dropped}
        return history[dropped:]


def resolve_filters(mode: str | None, theme: str | None) -> tuple[str | None, str | None]:
    """The assistant's ``mode`` and ``theme`` arguments from the page's choices."""
    mode = None if not mode or mode == AUTO else mode
    theme = None if not theme or theme == ALL_THEMES else theme
    if mode is not None and mode not in MODES:
        raise InvalidMessage(f"Unknown mode {mode!r}; choose from {AUTO}, {', '.join(MODES)}.")
    if theme is not None and theme not in THEMES:
        raise InvalidMessage(f"Unknown theme {theme!r}; choose from {', '.join(THEMES)}.")
    return mode, theme


def _display(reply: Reply) -> str:
    """The final answer as shown: ``reply.answer`` (it may replace the streamed text)."""
    text = neutralise_html(reply.answer)
    if reply.notice:
        text += f"\n\n*{escape_user_text(reply.notice)}*"
    return text


class ChatHandlers:
    """The chat tab's event handlers, bound to the process's one Assistant."""

    def __init__(self, assistant: Assistant, access: Access | None = None):
        self.assistant = assistant
        self.access = access or Access()

    def respond(
        self,
        message: str,
        history: list[dict] | None,
        session: ChatSession | None,
        mode: str,
        theme: str,
        request: gr.Request = None,
    ) -> Iterator[tuple]:
        """Stream the answer into the chat; yield (textbox, chat, sources, session)."""
        history = list(history or [])
        session = session or ChatSession()
        if not message or not message.strip():
            # An empty message is ignored: nothing is sent, nothing changes.
            yield gr.skip(), history, gr.skip(), session
            return
        try:
            self.access.check("answer", request)
            mode_arg, theme_arg = resolve_filters(mode, theme)
            stream = self.assistant.stream(message, session.conversation, mode=mode_arg,
                                           theme=theme_arg)  # fmt: skip
            first = next(stream)
        except (InvalidMessage, RateLimited) as error:
            shown = message.strip()
            if len(shown) > ECHO_LIMIT:
                shown = f"{shown[:ECHO_LIMIT]}… ({len(shown):,} characters)"
            history += [
                {"role": "user", "content": escape_user_text(shown)},
                {"role": "assistant", "content": f"**Sorry, I can't answer that:** {error}"},
            ]
            # Keep the text in the box so the visitor can shorten it.
            yield gr.skip(), session.trim(history), gr.skip(), session
            return
        history += [
            {"role": "user", "content": escape_user_text(message.strip())},
            {"role": "assistant", "content": ""},
        ]
        if not self.streams:
            # The grounded composer's answer is complete at once: one update, not one
            # per word each carrying the whole chat back to the browser.
            reply = next(item for item in _chain(first, stream) if isinstance(item, Reply))
            yield self._shown(message, reply, history, session)
            return
        streamed = ""
        last_sent = 0.0
        for item in _chain(first, stream):
            if isinstance(item, Reply):
                yield self._shown(message, item, history, session)
                return
            streamed += item
            # An LLM's tokens are gathered into a few updates a second.
            if time.monotonic() - last_sent >= STREAM_INTERVAL_SECONDS:
                last_sent = time.monotonic()
                history[-1] = {"role": "assistant", "content": neutralise_html(streamed)}
                yield "", history, gr.skip(), gr.skip()

    @property
    def streams(self) -> bool:
        """True when an LLM writes the answers (streamed); False for the grounded composer."""
        return self.assistant.llm_name is not None

    @staticmethod
    def _shown(message: str, reply: Reply, history: list[dict], session: ChatSession) -> tuple:
        """The final (textbox, chat, sources, session) for ``reply``, recorded for ratings."""
        history[-1] = {"role": "assistant", "content": _display(reply)}
        session.answers[len(history) - 1] = AnswerRecord(
            question=message.strip(),
            answer=reply.answer,
            legend_ids=[legend.id for legend in reply.legends],
            mode=reply.mode,
        )
        history = session.trim(history)
        return "", history, source_cards(reply.legends), session

    def like(
        self, data: gr.LikeData, session: ChatSession | None, request: gr.Request = None
    ) -> None:
        """Store a thumbs up/down with the question, answer and legends it rates."""
        if data.liked not in (True, False):
            return  # the visitor took the rating back; there is nothing to store
        try:
            self.access.check("rating", request)
        except RateLimited as error:
            gr.Warning(str(error))
            return
        index = data.index if isinstance(data.index, int) else data.index[0]
        record = (session.answers if session else {}).get(index)
        if record is None:
            gr.Warning("That message is not an answer that can be rated.")
            return
        try:
            record_feedback("up" if data.liked else "down", record.question, record.answer,
                            record.legend_ids, record.mode)  # fmt: skip
        except StorageUnavailable:
            log.exception("A rating could not be stored")
            gr.Warning("Your rating could not be saved just now; please try again in a minute.")
            return
        gr.Info("Thank you for the feedback.")

    def api_chat(
        self,
        message: str,
        mode: str = AUTO,
        theme: str = ALL_THEMES,
        request: gr.Request = None,
    ) -> str:
        """Answer one question (a fresh conversation) and return the answer's Markdown.

        Args:
            message: the question or situation, at most 2,000 characters.
            mode: auto, ask, suggest or discuss.
            theme: all, or one theme to restrict the legends to.
        """
        try:
            self.access.check("answer", request)
            mode_arg, theme_arg = resolve_filters(mode, theme)
            reply = self.assistant.respond(message, mode=mode_arg, theme=theme_arg)
        except (InvalidMessage, RateLimited) as error:
            raise refusal(str(error)) from None
        return neutralise_html(reply.answer)


def _chain(first, rest):
    yield first
    yield from rest


__all__ = ["MAX_MESSAGE_CHARS", "ChatHandlers", "ChatSession"]
