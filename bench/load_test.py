"""A bounded load test of the served app on loopback: concurrent visitors asking questions.

Run: cd bench && ../.venv/bin/python load_test.py [--visitors 50] [--seconds 60] [--public]
[--target page|api] [--api-key] (or `make bench-load`, which runs both targets). Starts
`legends serve` on a free loopback port with a temporary LEGENDS_HOME, then each
simulated visitor asks varied questions through the page's `/chat` endpoint (or the JSON
API's `POST /api/v1/ask` with --target api) until the time is up, one question at a time
(closed loop).

The visitors are asyncio tasks sharing one httpx client in this one process, speaking
Gradio's documented HTTP protocol (POST /gradio_api/call/chat, then read the answer's
event stream): 50 gradio_client threads would take a good part of the two cores the
server needs. Prints answers served (and per second), refusals (queue full "busy", or
rate-limited), errors, latency percentiles of the served answers and the server's RSS.
With --public each visitor comes "through a proxy" with its own X-Forwarded-For address,
so the per-visitor rate limits apply as they do on a public page. Traffic goes to
127.0.0.1 only, and every loop stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable

import httpx
from bench_server import QUESTIONS, memory_kb, running_server
from library_snapshot import library_snapshot

# What a visitor may legitimately get: an answer, the busy notice, the rate-limit notice.
EXPECTED = ("ok", "busy", "limited")
REQUEST_TIMEOUT = 120.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _refusal_outcome(text: str) -> str:
    lowered = text.casefold()
    if "too many" in lowered:
        return "limited"
    if "busy" in lowered or "queue is full" in lowered:
        return "busy"
    return f"error: {text}"[:120]


async def ask_page(client: httpx.AsyncClient, question: str, headers: dict) -> str:
    """One question through the page's `/chat` endpoint; the visitor's outcome."""
    posted = await client.post(
        "gradio_api/call/chat", json={"data": [question, "auto", "all"]}, headers=headers
    )
    if posted.status_code == 503:  # Gradio's queue is full: the page says "busy"
        return "busy"
    if posted.status_code != 200:
        return _refusal_outcome(f"HTTP {posted.status_code}: {posted.text}")
    event_id = posted.json()["event_id"]
    event = ""
    async with client.stream("GET", f"gradio_api/call/chat/{event_id}", headers=headers) as sse:
        async for line in sse.aiter_lines():
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: ") and event in ("complete", "error"):
                data = json.loads(line.removeprefix("data: "))
                if event == "complete":
                    return "ok" if data and data[0] else "empty answer"
                return _refusal_outcome(json.dumps(data))
    return "error: the event stream ended without an answer"


async def ask_api(client: httpx.AsyncClient, question: str, headers: dict) -> str:
    """One question through the JSON API (``POST /api/v1/ask``); the caller's outcome."""
    response = await client.post("api/v1/ask", json={"message": question}, headers=headers)
    if response.status_code == 200:
        return "ok" if response.json().get("answer_markdown") else "empty answer"
    if response.status_code == 429:
        return "limited"
    if response.status_code == 503:
        return "busy"
    return f"error: HTTP {response.status_code}: {response.text}"[:120]


# Each target is how one visitor asks one question; the server is the same.
TARGETS: dict[str, Callable[[httpx.AsyncClient, str, dict], Awaitable[str]]] = {
    "page": ask_page,
    "api": ask_api,
}
API_KEY = "load-test-key"


async def visitor(
    ask,
    client: httpx.AsyncClient,
    number: int,
    stop_at: float,
    results: list,
    public: bool,
    api_key: bool = False,
) -> None:
    # TEST-NET-2 addresses: one per visitor, never a real host.
    headers = {"X-Forwarded-For": f"198.51.100.{number % 250 + 1}"} if public else {}
    if api_key:
        headers["X-API-Key"] = API_KEY
    asked = number
    while time.monotonic() < stop_at:
        question = QUESTIONS[asked % len(QUESTIONS)]
        asked += 1
        began = time.perf_counter()
        try:
            outcome = await ask(client, question, headers)
        except Exception as error:  # what a visitor would see; counted, not raised
            outcome = f"error: {type(error).__name__}: {error}"[:120]
        results.append((outcome, time.perf_counter() - began))


async def run_load(
    url: str, target: str, visitors: int, seconds: float, public: bool, api_key: bool = False
):
    """(results, elapsed seconds) of ``visitors`` closed-loop visitors for ``seconds``."""
    # Idle connections are dropped before uvicorn's 5 s keep-alive ends: reusing one the
    # server is closing at that moment fails with a ReadError that no visitor should see.
    limits = httpx.Limits(
        max_connections=2 * visitors + 10, max_keepalive_connections=visitors, keepalive_expiry=2
    )
    timeout = httpx.Timeout(REQUEST_TIMEOUT)
    results: list[tuple[str, float]] = []
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout) as client:
        stop_at = time.monotonic() + seconds
        started = time.perf_counter()
        await asyncio.gather(
            *(visitor(TARGETS[target], client, n, stop_at, results, public, api_key)
              for n in range(visitors))
        )  # fmt: skip
        elapsed = time.perf_counter() - started
    return results, elapsed


def report(label: str, results: list, elapsed: float, seconds: float, memory: dict) -> None:
    """Print what the visitors saw and the server's memory."""
    outcomes = Counter(outcome for outcome, _ in results)
    served = [took for outcome, took in results if outcome == "ok"]
    errors = len(results) - sum(outcomes[k] for k in EXPECTED)
    print(f"{label} ({elapsed:.0f} s until all finished)")
    print(
        f"requests: {len(results)}; served: {outcomes['ok']} ({outcomes['ok'] / seconds:.1f}/s); "
        f"refused: {outcomes['busy'] + outcomes['limited']} (busy {outcomes['busy']}, "
        f"rate-limited {outcomes['limited']}); errors: {errors}"
    )
    for outcome, count in outcomes.most_common():
        if outcome not in EXPECTED:
            print(f"  {count} x {outcome}")
    if served:
        print(
            f"latency of served requests: p50 {percentile(served, 0.5) * 1000:.0f} ms, "
            f"p95 {percentile(served, 0.95) * 1000:.0f} ms, "
            f"p99 {percentile(served, 0.99) * 1000:.0f} ms"
        )
    print(
        f"server RSS after the run: {memory['VmRSS'] / 1024:.0f} MiB "
        f"(peak {memory['VmHWM'] / 1024:.0f} MiB)"
    )


async def warm_up(url: str, target: str, api_key: bool) -> None:
    """Ask every benchmark question once, one at a time, before the clock starts.

    The first answers load models and build caches (seconds on a busy machine); a visitor
    arriving at a server that has run for a while does not pay for that.
    """
    headers = {"X-API-Key": API_KEY} if api_key else {}
    async with httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT) as client:
        for question in QUESTIONS:
            await TARGETS[target](client, question, headers)


def serve_and_load(args, extra_env: dict) -> tuple[list, float, dict, int]:
    """Start the server, run the visitors; (results, elapsed, server memory, /healthz)."""
    with running_server(extra_env) as (url, process):
        asyncio.run(warm_up(url, args.target, args.api_key))
        results, elapsed = asyncio.run(
            run_load(url, args.target, args.visitors, args.seconds, args.public, args.api_key)
        )
        memory = memory_kb(process.pid)
        healthy = httpx.get(url + "healthz", timeout=5).status_code
    return results, elapsed, memory, healthy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--target", choices=sorted(TARGETS), default="page")
    parser.add_argument(
        "--public", action="store_true", help="visitors come through a proxy (rate limits apply)"
    )
    parser.add_argument(
        "--api-key",
        action="store_true",
        help="the server gets LEGENDS_API_KEYS and every visitor sends the key (no limits)",
    )
    args = parser.parse_args()
    with library_snapshot() as extra_env:
        if args.api_key:
            extra_env["LEGENDS_API_KEYS"] = API_KEY
        results, elapsed, memory, healthy = serve_and_load(args, extra_env)
    how = (" through a proxy" if args.public else " on loopback") + (
        " with an API key" if args.api_key else ""
    )
    label = f"{args.visitors} visitors{how} on the {args.target} for {args.seconds:.0f} s"
    report(label, results, elapsed, args.seconds, memory)
    print(f"/healthz afterwards: {healthy}")


if __name__ == "__main__":
    main()
