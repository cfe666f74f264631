"""A bounded load test of the served app on loopback: concurrent visitors asking questions.

Run: cd bench && ../.venv/bin/python load_test.py [--visitors 50] [--seconds 60] [--public]
(or `make bench-load`). Starts `legends serve` on a free loopback port with a temporary
LEGENDS_HOME, then each simulated visitor (its own gradio_client session) asks varied
questions through the `/chat` endpoint until the time is up. Prints requests served,
errors, latency percentiles, what visitors saw past the queue limit, and the server's RSS.
With --public each visitor comes "through a proxy" with its own X-Forwarded-For address,
so the per-visitor rate limits apply as they do on a public page. Traffic goes to
127.0.0.1 only, and every loop stops by itself.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from bench_server import QUESTIONS, free_port, memory_kb

# What a visitor may legitimately get: an answer, the busy notice, the rate-limit notice.
EXPECTED = ("ok", "busy", "limited")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def visitor(
    url: str, number: int, stop_at: float, results: list, lock: threading.Lock, public: bool
) -> None:
    from gradio_client import Client

    # TEST-NET-2 addresses: one per visitor, never a real host.
    headers = {"X-Forwarded-For": f"198.51.100.{number % 250 + 1}"} if public else {}
    client = Client(url, verbose=False, headers=headers)
    asked = number
    while time.monotonic() < stop_at:
        question = QUESTIONS[asked % len(QUESTIONS)]
        asked += 1
        began = time.perf_counter()
        try:
            answer = client.predict(question, api_name="/chat")
            outcome = "ok" if answer else "empty answer"
        except Exception as error:  # what a visitor would see; counted, not raised
            text = str(error).lower()
            if "too many" in text:
                outcome = "limited"
            elif "busy" in text or "queue" in text:
                outcome = "busy"
            else:
                outcome = f"error: {error}"[:120]
        with lock:
            results.append((outcome, time.perf_counter() - began))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--public", action="store_true", help="visitors come through a proxy (rate limits apply)"
    )
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="legends-load-") as home:
        env = {**os.environ, "LEGENDS_HOME": home, "HF_HUB_OFFLINE": "1"}
        env.pop("LEGENDS_DATABASE_URL", None)
        subprocess.run([str(bin_dir / "legends"), "index"], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        serve = [str(bin_dir / "legends"), "serve", "--port", str(port)]
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        process = subprocess.Popen(serve, env=env, **quiet)
        try:
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                try:
                    if httpx.get(url + "healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            results: list[tuple[str, float]] = []
            lock = threading.Lock()
            stop_at = time.monotonic() + args.seconds
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.visitors) as pool:
                for number in range(args.visitors):
                    pool.submit(visitor, url, number, stop_at, results, lock, args.public)
            elapsed = time.perf_counter() - started
            memory = memory_kb(process.pid)
            healthy = httpx.get(url + "healthz", timeout=5).status_code
        finally:
            process.terminate()
            process.wait(timeout=30)
    outcomes = Counter(outcome for outcome, _ in results)
    served = [seconds for outcome, seconds in results if outcome == "ok"]
    print(f"{args.visitors} visitors for {args.seconds:.0f} s ({elapsed:.0f} s until all finished)")
    print(
        f"requests: {len(results)}; served: {outcomes['ok']}; busy: {outcomes['busy']}; "
        f"rate-limited: {outcomes['limited']}; "
        f"errors: {len(results) - sum(outcomes[k] for k in EXPECTED)}"
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
        f"(peak {memory['VmHWM'] / 1024:.0f} MiB); /healthz afterwards: {healthy}"
    )


if __name__ == "__main__":
    main()
