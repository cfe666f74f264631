"""The JSON API (/api/v1) on a real served app, called with httpx.

Two servers: one as a person runs it on their own machine (no password, default limits),
one as a public deployment (trainer password, a small rate limit, API keys, room for
two conversations). Visitors from beyond loopback arrive through the trusted proxy
(X-Forwarded-For from 127.0.0.1), as in test_public_access.
"""

from __future__ import annotations

import base64
import json
import re

import httpx
import pytest

from corpus.loader import load_corpus
from corpus.schema import INDUSTRIES, THEMES
from tests.ui.web.conftest import ARTIFACTS, seeded_server

pytestmark = pytest.mark.slow
PASSWORD = "tr4iner-only"
KEYS = ("key-one-abc", "key-two-def")
PROBLEM = "application/problem+json"


@pytest.fixture
def library() -> dict:
    """The packaged legends as they are now, by id (the library may grow between tests)."""
    return load_corpus().by_id()


@pytest.fixture(scope="module")
def api(server):
    with httpx.Client(base_url=server.url.rstrip("/"), timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def public_server(shared_index_home, tmp_path_factory):
    env = {
        "LEGENDS_ADMIN_PASSWORD": PASSWORD,
        "LEGENDS_WEB_RATE_LIMIT": "3/minute",
        "LEGENDS_API_KEYS": ",".join(KEYS),
        "LEGENDS_API_CONVERSATION_LIMIT": "2",
    }
    with seeded_server(shared_index_home, tmp_path_factory, env) as running:
        yield running


@pytest.fixture(scope="module")
def public(public_server):
    with httpx.Client(base_url=public_server.url.rstrip("/"), timeout=30) as client:
        yield client


def visitor(address: str, **headers: str) -> dict:
    return {"X-Forwarded-For": address, **headers}


def assert_problem(response: httpx.Response, status: int, *, detail: str = "") -> dict:
    """An RFC 9457 problem document with the status and a detail containing ``detail``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status and body["type"].startswith("urn:service-legends:problem:")
    assert detail in body["detail"], body["detail"]
    return body


# -- the schema and the docs ---------------------------------------------------------------


def test_openapi_lists_every_endpoint(api):
    schema = api.get("/api/v1/openapi.json").json()
    operations = {(path, method) for path, item in schema["paths"].items() for method in item}
    assert operations == {
        ("/api/v1/ask", "post"),
        ("/api/v1/search", "get"),
        ("/api/v1/legends", "get"),
        ("/api/v1/legends/{legend_id}", "get"),
        ("/api/v1/themes", "get"),
        ("/api/v1/packs", "post"),
    }
    models = schema["components"]["schemas"]
    assert {"AskRequest", "AskResponse", "PackRequest", "Problem", "LegendDetail"} <= set(models)
    assert models["AskRequest"]["properties"]["message"]["maxLength"] == 2000
    assert "429" in schema["paths"]["/api/v1/ask"]["post"]["responses"]


def test_docs_page_works_offline(api):
    page = api.get("/api/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "/api/v1/openapi.json" in page.text
    # Nothing is loaded from another host: no CDN script, style or font.
    assert not re.search(r"""(src|href)=["']https?://""", page.text)


# -- ask ---------------------------------------------------------------------------------------


def test_ask_answers_with_the_legends_it_uses(library, api):
    response = api.post("/api/v1/ask", json={"message": "stories about bereavement"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["mode"] == "ask" and not body["abstained"] and body["refusal"] is None
    assert body["legends"] and re.fullmatch(r"[0-9a-f]{32}", body["conversation_id"])
    for legend in body["legends"]:
        assert legend["id"] in library and legend["company"] == library[legend["id"]].company
        assert legend["company"] in body["answer_markdown"]
        assert legend["sources"] and legend["sources"][0]["citation"]


def test_ask_mode_and_theme_are_honoured(library, api):
    body = api.post(
        "/api/v1/ask",
        json={"message": "a customer is upset", "mode": "discuss", "theme": "bereavement"},
    ).json()
    assert body["mode"] == "discuss" and body["answer_markdown"].startswith("## ")
    assert all("bereavement" in library[legend["id"]].themes for legend in body["legends"])


def test_ask_abstains_honestly_when_nothing_fits(api):
    body = api.post("/api/v1/ask", json={"message": "what's the weather in Paris tomorrow?"})
    body = body.json()
    assert body["abstained"] and body["legends"] == [] and body["refusal"]


ORDINALS = ("first", "second", "third")


def test_follow_ups_through_conversation_id(api):
    first = api.post("/api/v1/ask", json={"message": "stories about bereavement"}).json()
    assert first["legends"]
    conversation = first["conversation_id"]
    # "the second one" when there is one, else "the first one": the one the answer showed.
    position = min(len(first["legends"]), 2) - 1
    detail = api.post(
        "/api/v1/ask",
        json={
            "message": f"tell me more about the {ORDINALS[position]} one",
            "conversation_id": conversation,
        },
    ).json()
    assert detail["conversation_id"] == conversation
    assert [legend["id"] for legend in detail["legends"]] == [first["legends"][position]["id"]]
    others = api.post(
        "/api/v1/ask", json={"message": "any others?", "conversation_id": conversation}
    ).json()
    shown = {legend["id"] for legend in first["legends"]}
    assert not shown & {legend["id"] for legend in others["legends"]}
    # Without the id the same words start a new conversation, with an id of its own.
    fresh = api.post("/api/v1/ask", json={"message": "tell me more about the first one"})
    assert fresh.json()["conversation_id"] != conversation


def test_unknown_conversation_is_a_404_problem(api):
    response = api.post("/api/v1/ask", json={"message": "any others?", "conversation_id": "0" * 32})
    body = assert_problem(response, 404, detail="without conversation_id")
    assert body["type"].endswith("conversation-not-found")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "message"),
        ({"message": ""}, "message"),
        ({"message": "x" * 2001}, "message"),
        ({"message": "hi", "mode": "shout"}, "mode"),
        ({"message": "hi", "theme": "weather"}, "theme"),
        ({"message": "hi", "colour": "red"}, "colour"),
    ],
)
def test_bad_ask_input_is_a_422_problem_naming_the_field(api, body, field):
    problem = assert_problem(api.post("/api/v1/ask", json=body), 422, detail=field)
    assert problem["errors"][0]["field"] == field


def test_malformed_json_and_unknown_paths_are_problems(api):
    sent = api.post(
        "/api/v1/ask", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_problem(sent, 422)
    assert_problem(api.get("/api/v1/nothing-here"), 404, detail="/api/v1/nothing-here")
    assert_problem(api.get("/api/v2/ask"), 404, detail="/api/v1")
    wrong_method = api.get("/api/v1/ask")
    assert_problem(wrong_method, 405, detail="POST")
    assert wrong_method.headers["allow"] == "POST"
    # Outside /api the page's own routes are untouched.
    assert api.get("/healthz").json()["status"] == "ok"


# -- search, legends, themes -------------------------------------------------------------------


def test_search_with_filters(library, api):
    body = api.get("/api/v1/search", params={"q": "a lost teddy bear", "k": 3}).json()
    assert body["query"] == "a lost teddy bear" and 1 <= len(body["results"]) <= 3
    top = body["results"][0]
    assert top["id"] in library and "lost-item" in top["themes"] and top["excerpt"]
    scores = [result["score"] for result in body["results"]]
    assert scores == sorted(scores, reverse=True)
    themed = api.get("/api/v1/search", params={"q": "an upset customer", "theme": "travel"})
    assert all("travel" in r["themes"] for r in themed.json()["results"])
    hotels = api.get("/api/v1/search", params={"q": "a guest", "industry": "hotels", "k": 10})
    assert hotels.json()["results"]
    assert all(library[r["id"]].industry == "hotels" for r in hotels.json()["results"])


@pytest.mark.parametrize(
    "params", [{}, {"q": ""}, {"q": "x", "k": 0}, {"q": "x", "k": 51}, {"q": "x", "theme": "no"}]
)
def test_bad_search_is_a_422_problem(api, params):
    assert_problem(api.get("/api/v1/search", params=params), 422)


def test_legends_are_paged_and_filterable(library, api):
    served = api.get("/healthz").json()["legends"]
    first = api.get("/api/v1/legends", params={"per_page": 10}).json()
    assert first["total"] == served and first["pages"] == -(-served // 10)
    everything = []
    for page in range(1, first["pages"] + 1):
        everything += api.get("/api/v1/legends", params={"per_page": 10, "page": page}).json()[
            "items"
        ]
    ids = [item["id"] for item in everything]
    assert len(ids) == len(set(ids)) == served and set(ids) <= set(library)
    beyond = api.get("/api/v1/legends", params={"per_page": 10, "page": first["pages"] + 1})
    assert beyond.json()["items"] == []
    for name, value in (("theme", "bereavement"), ("industry", "airlines"), ("status", "disputed")):
        items = api.get("/api/v1/legends", params={name: value, "per_page": 100}).json()["items"]
        expected = {
            legend.id
            for legend in library.values()
            if value == (legend.industry if name == "industry" else legend.status)
            or (name == "theme" and value in legend.themes)
        }
        assert {item["id"] for item in items} == expected
    nordstrom = api.get("/api/v1/legends", params={"company": "NORDSTROM"}).json()["items"]
    assert nordstrom and all(item["company"] == "Nordstrom" for item in nordstrom)
    assert_problem(api.get("/api/v1/legends", params={"per_page": 101}), 422)
    assert_problem(api.get("/api/v1/legends", params={"industry": "space"}), 422)


def test_a_legend_in_full(library, api):
    legend = library["ritz-carlton-joshie-giraffe"]
    body = api.get(f"/api/v1/legends/{legend.id}").json()
    assert body["company"] == legend.company and body["retelling"] == legend.retelling
    assert body["lessons"] == legend.lessons and body["sources"]
    assert body["discussion"] == legend.discussion
    assert [move["do"] for move in body["moves"]] == [move.do for move in legend.moves]
    if legend.role_play:
        assert body["role_play"]["customer"] == legend.role_play.customer
    assert_problem(api.get("/api/v1/legends/no-such-legend"), 404, detail="no-such-legend")


def test_themes_with_their_counts(library, api):
    themes = api.get("/api/v1/themes").json()["themes"]
    assert [theme["id"] for theme in themes] == list(THEMES)
    for theme in themes:
        assert theme["legends"] == sum(theme["id"] in lg.themes for lg in library.values())
    assert set(INDUSTRIES) >= {legend.industry for legend in library.values()}


# -- trainer packs -----------------------------------------------------------------------------


def test_packs_on_loopback_without_a_password(api):
    response = api.post("/api/v1/packs", json={"theme": "bereavement"})
    assert response.status_code == 200, response.text
    pack = response.json()
    assert pack["markdown"].startswith("## Discussion pack") and pack["legends"]
    assert all("bereavement" in legend["themes"] for legend in pack["legends"])
    chosen = ["ritz-carlton-joshie-giraffe", "nordstrom-tire-return"]
    markdown = api.post("/api/v1/packs", json={"legend_ids": chosen, "format": "markdown"})
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert "Ritz-Carlton" in markdown.text and "Nordstrom" in markdown.text
    assert_problem(api.post("/api/v1/packs", json={}), 422, detail="Pick a theme")
    assert_problem(api.post("/api/v1/packs", json={"legend_ids": ["nope"]}), 404, detail="nope")
    assert_problem(api.post("/api/v1/packs", json={"legend_ids": ["a"] * 6}), 422)


def test_packs_are_off_for_a_public_visitor_without_a_password(api):
    response = api.post(
        "/api/v1/packs", json={"theme": "bereavement"}, headers=visitor("203.0.113.40")
    )
    assert_problem(response, 403, detail="LEGENDS_ADMIN_PASSWORD")


def test_packs_need_the_trainer_password_when_one_is_set(public):
    body = {"theme": "bereavement"}
    for headers in ({}, visitor("203.0.113.50")):
        refused = public.post("/api/v1/packs", json=body, headers=headers)
        assert_problem(refused, 401, detail="trainer password")
        assert refused.headers["www-authenticate"].startswith("Basic")
    wrong = public.post("/api/v1/packs", json=body, headers={"Authorization": "Bearer guess"})
    assert_problem(wrong, 401)
    # An API key lifts limits; it is not the trainer password.
    with_key = public.post("/api/v1/packs", json=body, headers={"X-API-Key": KEYS[0]})
    assert_problem(with_key, 401, detail="trainer password")
    basic = base64.b64encode(f"trainer:{PASSWORD}".encode()).decode()
    for authorization in (f"Bearer {PASSWORD}", f"Basic {basic}"):
        ok = public.post(
            "/api/v1/packs",
            json=body,
            headers=visitor("203.0.113.51", Authorization=authorization),
        )
        assert ok.status_code == 200, ok.text
        assert ok.json()["markdown"].startswith("## Discussion pack")


def test_wrong_credentials_are_limited_like_sign_in_guesses(public):
    headers = visitor("203.0.113.60", Authorization="Bearer wrong")
    statuses = [
        public.post("/api/v1/packs", json={"theme": "child"}, headers=headers).status_code
        for _ in range(6)
    ]
    assert statuses == [401] * 5 + [429]


# -- limits and keys ---------------------------------------------------------------------------


def test_visitor_limits_and_api_keys_that_lift_them(public):
    question = {"message": "stories about a lost item"}
    first = visitor("203.0.113.70")
    for _ in range(3):
        assert public.post("/api/v1/ask", json=question, headers=first).status_code == 200
    refused = public.post("/api/v1/ask", json=question, headers=first)
    body = assert_problem(refused, 429, detail="Too many messages from your address")
    assert body["type"].endswith("rate-limited")
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    # Search counts as an answer too; another visitor has an allowance of their own.
    assert_problem(public.get("/api/v1/search", params={"q": "lost"}, headers=first), 429)
    assert public.post("/api/v1/ask", json=question, headers=visitor("203.0.113.71")).is_success
    # The same visitor with an API key (either header) is not limited.
    for headers in ({"X-API-Key": KEYS[1]}, {"Authorization": f"Bearer {KEYS[0]}"}):
        for _ in range(4):
            response = public.post("/api/v1/ask", json=question, headers={**first, **headers})
            assert response.status_code == 200, response.text
    # A key that is not one of the server's is refused, never silently ignored.
    bad = public.post("/api/v1/ask", json=question, headers={**first, "X-API-Key": "nope"})
    assert_problem(bad, 401, detail="API key")
    # Loopback (the machine's own user) is never limited.
    for _ in range(5):
        assert public.post("/api/v1/ask", json=question).status_code == 200


def test_conversations_are_capped_in_number(public):
    """With room for two, a third conversation pushes out the least recently used."""
    ids = [
        public.post("/api/v1/ask", json={"message": "stories about bereavement"}).json()[
            "conversation_id"
        ]
        for _ in range(3)
    ]
    gone = public.post("/api/v1/ask", json={"message": "any others?", "conversation_id": ids[0]})
    assert_problem(gone, 404)
    for kept in ids[1:]:
        again = {"message": "any others?", "conversation_id": kept}
        assert public.post("/api/v1/ask", json=again).json()["conversation_id"] == kept


def test_docs_page_in_the_browser_lists_and_tries_the_endpoints(browser, server):
    """The docs render from the schema in real Chromium and "Try it" calls the API."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    try:
        page.goto(server.url + "api/docs")
        operations = page.locator("details.op")
        operations.first.wait_for()
        assert operations.count() == 6
        summaries = " ".join(operations.locator("summary").all_inner_texts())
        for path in ("/api/v1/ask", "/api/v1/search", "/api/v1/packs", "/api/v1/themes"):
            assert path in summaries
        ask = page.locator("details#ask_api_v1_ask_post")
        ask.locator("summary").click()
        ask.locator("textarea").fill('{"message": "stories about bereavement"}')
        ask.get_by_role("button", name="Try it").click()
        page.wait_for_function(
            "document.querySelector('details#ask_api_v1_ask_post .status')"
            ".textContent.startsWith('200')"
        )
        shown = json.loads(ask.locator("pre").inner_text())
        assert shown["legends"] and shown["conversation_id"]
        page.screenshot(path=str(ARTIFACTS / "api-docs.png"), full_page=False)
    finally:
        context.close()
