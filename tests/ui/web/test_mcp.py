"""The MCP server through the official SDK's own client: over stdio (spawning
``legends mcp``) and over streamable HTTP (``/mcp`` on a real ``legends serve``)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import anyio
import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from corpus.loader import load_corpus
from tests.ui.web.conftest import HERMETIC, seeded_server

pytestmark = pytest.mark.slow
PASSWORD = "tr4iner-only"
TOOLS = {"search_legends", "get_legend", "suggest_for_situation", "discussion_pack"}


def call(client_factory, steps):
    """Open a client, run ``steps(client)`` and return what it returns (sync for pytest)."""

    async def main():
        async with client_factory() as client:
            return await steps(client)

    return anyio.run(main)


def text(result) -> str:
    return "".join(getattr(block, "text", "") for block in result.content)


async def check_library_tools(client) -> dict:
    """What every transport must do: list the tools, find, read and suggest real legends."""
    library = load_corpus().by_id()
    listed = {tool.name for tool in (await client.list_tools()).tools}
    found = await client.call_tool("search_legends", {"query": "a lost teddy bear", "k": 3})
    results = found.structured_content["results"]
    legend_id = results[0]["id"]
    full = await client.call_tool("get_legend", {"legend_id": legend_id})
    missing = await client.call_tool("get_legend", {"legend_id": "no-such-legend"})
    resource = await client.read_resource(f"legend://{legend_id}")
    resources = await client.list_resources()
    suggestion = await client.call_tool(
        "suggest_for_situation",
        {"situation": "my customer's parcel is late for the third time and she is furious"},
    )
    return {
        "library": library,
        "listed": listed,
        "found": found,
        "results": results,
        "full": full,
        "missing": missing,
        "resource": resource.contents[0].text,
        "resources": {str(item.uri) for item in resources.resources},
        "suggestion": suggestion,
    }


def assert_library_tools(seen: dict) -> None:
    library = seen["library"]
    assert seen["listed"] == TOOLS
    assert not seen["found"].is_error and seen["results"]
    assert all(result["id"] in library for result in seen["results"])
    assert "lost-item" in seen["results"][0]["themes"]
    legend = library[seen["results"][0]["id"]]
    full = seen["full"].structured_content
    assert full["company"] == legend.company and full["retelling"] == legend.retelling
    assert full["lessons"] == legend.lessons and full["sources"]
    assert seen["missing"].is_error and "no-such-legend" in text(seen["missing"])
    assert seen["resource"].startswith(f"# {legend.title}") and legend.company in seen["resource"]
    assert f"legend://{legend.id}" in seen["resources"]
    assert len(seen["resources"]) >= len(library) - 5  # each legend is listed
    suggestion = seen["suggestion"]
    assert not suggestion.is_error, text(suggestion)
    body = suggestion.structured_content
    assert body["legends"] and all(item["id"] in library for item in body["legends"])
    assert body["answer_markdown"]


# -- stdio ---------------------------------------------------------------------------------


@pytest.fixture
def stdio_params(shared_index_home, tmp_path) -> StdioServerParameters:
    home = tmp_path / "mcp-home"
    shutil.copytree(shared_index_home / "index", home / "index")
    env = {name: value for name, value in os.environ.items() if name not in HERMETIC}
    # A trainer password on the machine does not lock out the local user over stdio.
    env.update({"LEGENDS_HOME": str(home), "LEGENDS_ADMIN_PASSWORD": PASSWORD})
    legends = Path(sys.executable).parent / "legends"
    return StdioServerParameters(command=str(legends), args=["mcp"], env=env)


def test_stdio_server_answers_with_real_legends(stdio_params):
    async def steps(client):
        seen = await check_library_tools(client)
        seen["pack"] = await client.call_tool("discussion_pack", {"theme": "bereavement"})
        return seen

    seen = call(lambda: Client(stdio_params), steps)
    assert_library_tools(seen)
    pack = seen["pack"]
    assert not pack.is_error and text(pack).startswith("## Discussion pack")


# -- streamable HTTP at /mcp -----------------------------------------------------------------


@pytest.fixture(scope="module")
def mcp_server(shared_index_home, tmp_path_factory):
    env = {"LEGENDS_ADMIN_PASSWORD": PASSWORD, "LEGENDS_WEB_RATE_LIMIT": "4/minute"}
    with seeded_server(shared_index_home, tmp_path_factory, env) as running:
        yield running


def http_client(server, **headers: str):
    """The SDK's client over streamable HTTP, sending ``headers`` with every request."""
    http = httpx2.AsyncClient(headers=headers, timeout=30)
    return Client(streamable_http_client(server.url + "mcp", http_client=http))


def test_http_server_answers_with_real_legends(mcp_server):
    assert_library_tools(call(lambda: http_client(mcp_server), check_library_tools))


def test_http_trainer_tool_needs_the_password(mcp_server):
    async def pack(client):
        return await client.call_tool("discussion_pack", {"theme": "bereavement"})

    for headers in ({}, {"X-Forwarded-For": "203.0.113.80"}, {"Authorization": "Bearer no"}):
        refused = call(lambda: http_client(mcp_server, **headers), pack)  # noqa: B023
        assert refused.is_error, headers
        assert "trainer password" in text(refused), text(refused)
        assert "Discussion pack" not in text(refused)
    signed_in = call(
        lambda: http_client(
            mcp_server, Authorization=f"Bearer {PASSWORD}", **{"X-Forwarded-For": "203.0.113.81"}
        ),
        pack,
    )
    assert not signed_in.is_error and text(signed_in).startswith("## Discussion pack")


def test_http_visitors_get_the_page_limits(mcp_server):
    async def searches(client):
        results = []
        for _ in range(5):
            results.append(await client.call_tool("search_legends", {"query": "a late parcel"}))
        return results

    results = call(lambda: http_client(mcp_server, **{"X-Forwarded-For": "203.0.113.90"}), searches)
    assert [result.is_error for result in results] == [False] * 4 + [True]
    assert "Too many messages from your address" in text(results[-1])
    # Structured results are plain JSON, as the API's.
    assert json.loads(text(results[0]))["results"]
