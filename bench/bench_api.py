"""JSON API latency: POST /api/v1/ask from client to client on loopback.

Run: .venv/bin/python bench/bench_api.py   (also part of `make bench-web`)
Starts `legends serve` over a fresh, already indexed LEGENDS_HOME (bench_server's
running_server), then one keep-alive httpx client asks one question at a time:
- repeated: the 20 benchmark questions, three times over (the search's query cache
  helps from the second pass on, as it does for real visitors asking common questions);
- unique: 60 questions never asked before (each benchmark question with a different
  case number), so every one is embedded and searched afresh;
- follow-ups: "tell me more about the first one" with the conversation_id passed back.
For comparison the page's /chat endpoint answers the same 20 questions over Gradio's
HTTP protocol in the same server, and GET /api/v1/themes shows what HTTP and JSON cost
without any answer. Prints p50 and p95 of each.
"""

from __future__ import annotations

import statistics

import httpx
from bench_server import QUESTIONS, page_chat, percentile, running_server, timed
from library_snapshot import library_snapshot


def ask(http: httpx.Client, message: str, conversation_id: str | None = None) -> dict:
    body = {"message": message}
    if conversation_id:
        body["conversation_id"] = conversation_id
    response = http.post("api/v1/ask", json=body)
    response.raise_for_status()
    return response.json()


def line(label: str, latencies: list[float]) -> str:
    return (
        f"{label}: {len(latencies)} requests, p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.1f} ms"
    )


def main() -> None:
    with (
        library_snapshot() as extra_env,
        running_server(extra_env) as (url, _process),
        httpx.Client(base_url=url, timeout=60) as http,
    ):
        timed(lambda q: ask(http, q), QUESTIONS[:3])  # the first answers warm caches
        repeated = timed(lambda q: ask(http, q), QUESTIONS, rounds=3)
        unique_questions = [f"{q} (case {n})" for n, q in enumerate(QUESTIONS * 3)]
        unique = timed(lambda q: ask(http, q), unique_questions)
        conversations = [ask(http, q)["conversation_id"] for q in QUESTIONS]
        follow_ups = timed(
            lambda c: ask(http, "tell me more about the first one", c), conversations
        )
        page = timed(lambda q: page_chat(http, q), QUESTIONS)
        floor = timed(lambda _: http.get("api/v1/themes").json(), QUESTIONS, rounds=3)
    print(line("JSON POST /api/v1/ask, repeated questions", repeated))
    print(line("JSON POST /api/v1/ask, unique questions", unique))
    print(line("JSON POST /api/v1/ask, follow-ups with conversation_id", follow_ups))
    print(line("page /chat over HTTP (POST + event stream), same questions", page))
    print(line("GET /api/v1/themes (the HTTP and JSON floor, no answer)", floor))


if __name__ == "__main__":
    main()
