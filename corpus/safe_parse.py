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


# libyaml's C parser when PyYAML was built with it (the wheels are): ten times faster
# than the pure-Python one, which matters when a library of a thousand legends loads.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NODE_EVENTS = (yaml.ScalarEvent, yaml.AliasEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)
_OPEN_EVENTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSE_EVENTS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def check_caps(text: str) -> None:
    """Refuse YAML over the node, alias or depth caps, from its event stream alone.

    Events are read one by one and nothing is built, so an alias bomb is refused after
    a few dozen events, before any value exists.
    """
    aliases = nodes = open_collections = 0
    for event in yaml.parse(text, Loader=_FAST_LOADER):
        if isinstance(event, _CLOSE_EVENTS):
            open_collections -= 1
            continue
        if not isinstance(event, _NODE_EVENTS):
            continue
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise ParseRefused(
                    f"uses more than {MAX_ALIASES} YAML aliases (*name); "
                    "write the values out instead"
                )
        nodes += 1
        if nodes > MAX_NODES:
            raise ParseRefused(f"has more than {MAX_NODES:,} YAML values")
        if open_collections + 1 > MAX_DEPTH:  # this node's own depth
            raise ParseRefused(f"is nested more than {MAX_DEPTH} levels deep")
        if isinstance(event, _OPEN_EVENTS):
            open_collections += 1


def load_yaml(text: str) -> Any:
    """Parse ``text`` as YAML with the caps (raises :class:`ParseRefused` or YAMLError)."""
    if len(text.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise ParseRefused(_too_big(text))
    check_caps(text)
    return yaml.load(text, Loader=_FAST_LOADER)  # noqa: S506 - a safe loader


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
