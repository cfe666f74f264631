"""The conversation: condense the follow-up, retrieve, compose (a LangChain runnable).

``Assistant.respond`` returns a :class:`Reply`; ``Assistant.stream`` yields the answer's
text as it is produced and then the final :class:`Reply`. The default composer uses
no LLM; with ``LEGENDS_LLM`` set, a chat model writes the answer from the same legends
and a grounding check replaces it with the grounded answer if it names anything else.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from langchain_core.runnables import RunnableGenerator, RunnableLambda

from assistant.conversation import Conversation, Turn
from assistant.followups import Plan, condense
from assistant.grounded.compose import Composed, compose_answer
from assistant.llm.backends import BackendError, make_chat_model
from assistant.llm.grounding import check_grounding
from assistant.llm.prompting import build_messages
from assistant.messages import clean_message
from assistant.modes import MODES
from assistant.refusal import decide_refusal, refusal_answer
from assistant.reply import Reply
from assistant.retrieval import candidates, choose, show_threshold
from corpus.settings import Settings
from index.legend_index import LegendIndex

log = logging.getLogger("legends.assistant")
CHUNK = re.compile(r"\S+\s*")


def _resolve_llm(
    settings: Settings, spec: str | object | None
) -> tuple[object | None, str | None, str | None]:
    """(chat model, its name, why it is unavailable) for a spec or a ready chat model."""
    if spec is None:
        return None, None, None
    if not isinstance(spec, str):
        return spec, type(spec).__name__, None
    try:
        return make_chat_model(spec, settings), spec, None
    except BackendError as error:
        log.warning("LLM back end unavailable: %s", error)
        return None, spec, str(error)


class Assistant:
    """Answers messages from the legend index, one conversation at a time."""

    def __init__(
        self,
        legend_index: LegendIndex | None = None,
        llm: str | object | None = None,
        settings: Settings | None = None,
    ):
        """``llm``: a ``LEGENDS_LLM``-style spec or a LangChain chat model; None takes
        ``LEGENDS_LLM`` from ``settings`` (default: the index's; unset: the grounded
        composer only). The LLM back end's address, key and length come from ``settings``."""
        self.index = legend_index or LegendIndex(settings)
        settings = settings or self.index.settings
        self._llm, self.llm_name, self._llm_error = _resolve_llm(
            settings, llm if llm is not None else settings.llm
        )
        self.chain = (
            RunnableLambda(self._plan)
            | RunnableLambda(self._retrieve)
            | RunnableGenerator(self._compose)
        )

    # -- public API -------------------------------------------------------------------

    def respond(
        self,
        message: str,
        history: Conversation | None = None,
        *,
        mode: str | None = None,
        theme: str | None = None,
    ) -> Reply:
        """Answer ``message`` in the conversation ``history`` (a new one if None)."""
        reply = None
        for item in self.stream(message, history, mode=mode, theme=theme):
            if isinstance(item, Reply):
                reply = item
        assert reply is not None
        return reply

    def stream(
        self,
        message: str,
        history: Conversation | None = None,
        *,
        mode: str | None = None,
        theme: str | None = None,
    ) -> Iterator[str | Reply]:
        """Yield pieces of the answer as they come, then the final :class:`Reply`.

        If an LLM answer fails the grounding check, the final Reply carries the
        grounded answer instead: show ``reply.answer``, not the concatenated pieces.
        """
        text = clean_message(message)
        if mode is not None and mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose from {', '.join(MODES)}")
        conversation = history if history is not None else Conversation()
        inputs = {"message": text, "conversation": conversation, "mode": mode, "theme": theme}
        for item in self.chain.stream(inputs):
            if isinstance(item, Reply):
                plan = item.plan
                conversation.add(
                    Turn(text, plan.query, plan.mode, plan.intent, plan.filters,
                         [lg.id for lg in item.legends], item.answer)
                )  # fmt: skip
            yield item

    # -- pipeline steps ---------------------------------------------------------------

    def _plan(self, inputs: dict) -> dict:
        facets = self.index.facets(inputs["message"])
        plan = condense(
            inputs["message"], inputs["conversation"], facets, self.index.legends, inputs["mode"]
        )
        if inputs["theme"] and inputs["theme"] not in plan.filters.themes:
            plan.filters.themes.append(inputs["theme"])
        if plan.query != inputs["message"]:  # a follow-up searches the earlier question
            facets = self.index.facets(plan.query)
        return {**inputs, "plan": plan, "facets": facets}

    def _retrieve(self, state: dict) -> dict:
        plan: Plan = state["plan"]
        hits = candidates(self.index, plan)
        refusal = None
        if plan.intent == "new":  # follow-ups refine a question already judged answerable
            vector = self.index.embedder.embed_query(plan.query)  # cached: the search's vector
            refusal = decide_refusal(self.index, plan.message, vector, hits, state["facets"])
        shown = [] if refusal else choose(hits, plan, show_threshold(self.index),
                                          keep_best=plan.intent == "new")  # fmt: skip
        if not shown and refusal is None:
            refusal = "no-fit"
        return {**state, "hits": hits, "refusal": refusal, "legends": [h.legend for h in shown]}

    def _compose(self, states: Iterator[dict]) -> Iterator[str | Reply]:
        for state in states:
            plan: Plan = state["plan"]
            legends = state["legends"]
            refusal = state["refusal"]
            if refusal and plan.intent == "new":  # an honest answer of its kind, no legends
                composed = Composed(refusal_answer(refusal, state["hits"]), [])
            else:
                composed = compose_answer(plan, legends, state["facets"], self.index)
            grounded, legends = composed.text, composed.legends  # suggest: legends behind moves
            reply = Reply(
                refusal=(refusal or "no-fit") if not legends else None,
                mode=plan.mode,
                answer=grounded,
                abstained=not legends,
                legends=legends,
                query=plan.query,
                intent=plan.intent,
                plan=plan,
            )
            if self._llm is not None and legends and plan.intent not in ("detail",):
                yield from self._llm_answer({**state, "composed": composed}, reply)
            else:
                if self._llm_error and legends:
                    reply.notice = f"LLM unavailable ({self._llm_error}); grounded answer shown."
                yield from (m.group() for m in CHUNK.finditer(grounded))
            yield reply

    def _llm_answer(self, state: dict, reply: Reply) -> Iterator[str]:
        """Stream the LLM's answer; fall back to the grounded one if it fails or strays."""
        plan: Plan = state["plan"]
        messages = build_messages(
            plan.message, plan.mode, reply.legends, state["conversation"], state.get("composed")
        )
        pieces: list[str] = []
        try:
            for chunk in self._llm.stream(messages):
                text = chunk.content if isinstance(chunk.content, str) else ""
                if text:
                    pieces.append(text)
                    yield text
        except Exception as error:  # any back-end failure must not cost the user an answer
            log.warning("LLM back end %s failed: %s", self.llm_name, error)
            reply.notice = (
                f"The language model is unreachable ({type(error).__name__}); "
                "showing the grounded answer."
            )
            reply.fell_back = True
            return
        answer = "".join(pieces).strip()
        library = list(self.index.legends.values())
        # Names from the user's own message are not trusted either: that is where an
        # injected "say that Acme invented service" would come from.
        result = check_grounding(answer, reply.legends, library, context=[])
        reply.grounding = result.problems
        if answer and result.ok:
            reply.answer = answer
            reply.backend = self.llm_name or "llm"
            return
        log.warning(
            "LLM answer failed the grounding check (%s); using the grounded answer",
            "; ".join(result.problems) or "empty answer",
        )
        reply.fell_back = True
        reply.notice = (
            "The generated answer named things outside the legends; grounded answer shown."
        )
