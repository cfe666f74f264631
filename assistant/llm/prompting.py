"""The messages sent to an LLM: rules as a system prompt, legends and teaching material as
delimited data."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import yaml

from assistant.conversation import Conversation
from assistant.grounded.compose import Composed
from assistant.grounded.formats import format_heading
from assistant.grounded.material import material
from corpus.schema import Legend

PROMPTS = Path(__file__).resolve().parents[1] / "prompts"
HISTORY_TURNS = 3
TAG_START = re.compile(r"<(?=[|/!?A-Za-z_])")


@cache
def _system_template() -> str:
    return (PROMPTS / "llm_system.md").read_text(encoding="utf-8")


@cache
def _mode_instructions() -> dict[str, str]:
    return yaml.safe_load((PROMPTS / "modes.yaml").read_text(encoding="utf-8"))


def legends_block(legends: list[Legend]) -> str:
    """The legends as JSON inside <legends> tags: data for the model, never instructions."""
    records = [
        {
            "company": legend.company,
            "title": legend.title,
            "what_happened": legend.situation,
            "what_they_did": legend.action,
            "how_it_ended": legend.outcome,
            "lessons": legend.lessons,
            "source": legend.sources[0].citation(),
            "status": legend.status,
            **({"status_note": legend.status_note} if legend.status_note else {}),
        }
        for legend in legends
    ]
    return _data_block("legends", records)


def material_block(mode: str, legends: list[Legend], composed: Composed | None) -> str:
    """The teaching material the grounded composer chose, as JSON inside <material> tags.

    Suggest mode: the moves chosen for the agent's message, each naming its legend.
    Discuss mode: the pack's format and each legend's moves, questions and role-play
    (generic material, for a story without its own, is marked as such).
    Empty for ask mode and follow-ups, which use the legends alone.
    """
    if composed is None or mode not in ("suggest", "discuss"):
        return ""
    if mode == "suggest":
        records: dict = {
            "moves": [
                {
                    "situation": chosen.move.when,
                    "step": chosen.move.do,
                    "legend": f"{chosen.legend.company} — {chosen.legend.title}",
                }
                for chosen in composed.moves
            ]
        }
        if not composed.moves:
            records["note"] = "No move in the library fits this situation closely."
        return _data_block("material", records)
    records = {"format": format_heading(composed.pack_format or "pack"), "legends": []}
    for legend in legends:
        teaching = material(legend)
        records["legends"].append(
            {
                "legend": f"{legend.company} — {legend.title}",
                "curated": teaching.curated,
                "moves": [{"situation": m.when, "step": m.do} for m in teaching.moves],
                "discussion": list(teaching.discussion),
                "role_play": teaching.role_play.model_dump(),
            }
        )
    return _data_block("material", records)


def _data_block(tag: str, records: object) -> str:
    # No angle bracket of the data reaches the model as such: a "</legends>" in a legend
    # cannot end the block early, nor a "<|im_start|>" open a turn of the chat template
    # (llama.cpp reads such text as the template's own control tokens). JSON escapes
    # keep the data exactly as it is.
    data = json.dumps(records, ensure_ascii=False, indent=1)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e")
    return f"<{tag}>\n{data}\n</{tag}>"


def neutralise(text: str) -> str:
    """``text`` with anything shaped like a tag or a chat-template token broken up.

    For text that is not JSON (the user's message, earlier turns): "<|im_start|>" or
    "</legends>" becomes "< |im_start|>" or "< /legends>", which no template reads as its
    own and which cannot close the legends block.
    """
    return TAG_START.sub("< ", text)


def build_messages(
    message: str,
    mode: str,
    legends: list[Legend],
    conversation: Conversation | None,
    composed: Composed | None = None,
) -> list[tuple[str, str]]:
    """(role, text) pairs for a LangChain chat model.

    ``composed``: the grounded composer's answer for the same message; the moves and
    teaching material it chose go to the model as data beside the legends.
    """
    system = _system_template().replace("{mode_instructions}", _mode_instructions()[mode])
    messages: list[tuple[str, str]] = [("system", system)]
    for turn in (conversation.turns if conversation else [])[-HISTORY_TURNS:]:
        messages.append(("human", neutralise(turn.message)))
        messages.append(("ai", neutralise(turn.answer)))
    data, scope = legends_block(legends), "the legends above"
    if extra := material_block(mode, legends, composed):
        data, scope = f"{data}\n\n{extra}", "the legends and material above"
    messages.append(
        ("human", f"{data}\n\nQuestion (answer using only {scope}):\n{neutralise(message)}")
    )  # fmt: skip
    return messages
