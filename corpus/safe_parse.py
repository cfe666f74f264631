"""YAML and JSON from outside, parsed with caps: size, nesting depth and YAML aliases.

A few hundred bytes of YAML whose anchors refer to each other (``b: [*a, *a, ...]``)
describe billions of strings; a JSON line of 3,000 brackets exhausts Python's
recursion. Legend files and ingested batches need neither, so both are refused before
they can cost more than a moment: front matter over :data:`MAX_FRONT_MATTER_BYTES`,
more than :data:`MAX_ALIASES` alias uses, more than :data:`MAX_NODES` nodes, or
nesting deeper than :data:`MAX_DEPTH`. Each refusal is a :class:`ParseRefused` whose
message says which limit, for the user.
"""

from __future__ import annotations

import json
import re
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import YAMLHandler

# A hand-written legend's front matter is a few KB; ten times the largest is plenty.
MAX_FRONT_MATTER_BYTES = 64 * 1024
# Legend files use no aliases at all; a few are tolerated for hand-written YAML.
MAX_ALIASES = 20
MAX_NODES = 5_000
# Legends nest three deep (role_play, sources), batch rows one; JSON allows a little more.
MAX_DEPTH = 10
MAX_JSON_DEPTH = 20


class ParseRefused(ValueError):
    """Input over one of the parsing caps; the message names the cap."""


class CappedSafeLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader, counting nodes, alias uses and depth as it composes."""

    def __init__(self, stream):
        super().__init__(stream)
        self._aliases = 0
        self._nodes = 0
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise ParseRefused(
                    f"uses more than {MAX_ALIASES} YAML aliases (*name); "
                    "write the values out instead"
                )
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise ParseRefused(f"has more than {MAX_NODES:,} YAML values")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise ParseRefused(f"is nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load_yaml(text: str) -> Any:
    """Parse ``text`` as YAML with the caps (raises :class:`ParseRefused` or YAMLError)."""
    if len(text.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise ParseRefused(_too_big(text))
    return yaml.load(text, Loader=CappedSafeLoader)  # noqa: S506 - a SafeLoader subclass


def _too_big(text: str) -> str:
    size = len(text.encode("utf-8"))
    return f"is {size // 1024} KB; the limit is {MAX_FRONT_MATTER_BYTES // 1024} KB"


class _CappedYAMLHandler(YAMLHandler):
    def load(self, fm: str, **kwargs: object) -> Any:
        return load_yaml(fm)


def load_front_matter(text: str) -> tuple[dict, str]:
    """The YAML front matter of a Markdown file (``{}`` if none) and its body.

    Raises :class:`ParseRefused` over a cap and ``yaml.YAMLError`` for invalid YAML.
    """
    handler = _CappedYAMLHandler()
    try:
        front, body = handler.split(text.strip())
    except ValueError:
        return {}, text.strip()
    if len(front.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise ParseRefused(_too_big(front))
    post = frontmatter.loads(text, handler=handler)
    return dict(post.metadata), post.content


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKETS = re.compile(r"[\[\]{}]")


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in ``text`` (brackets in strings ignored)."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(_JSON_STRING.sub("", text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def loads_json(text: str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` refusing nesting deeper than ``max_depth`` before parsing."""
    if json_depth(text) > max_depth:
        raise ParseRefused(f"is nested more than {max_depth} levels deep")
    return json.loads(text)
