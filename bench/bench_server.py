"""Web server figures: start time (process start to /healthz ok) and peak memory (RSS).

Run: .venv/bin/python bench/bench_server.py   (or `make bench-web`)
Uses a fresh temporary LEGENDS_HOME whose index is built first (not timed), so the
start figure is what a user sees when the index is already up to date: the start-up
sync, the model load, the page build. Then the page's public /chat endpoint answers
20 questions three times over plain HTTP (Gradio's POST + event stream, what any client
pays) and once more through gradio_client; the serving process's peak RSS is read from
/proc/PID/status (VmHWM).
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

QUESTIONS = (
    "how have companies handled a lost item?",
    "my customer is furious the delivery is late again, what can I do?",
    "stories about bereavement",
    "a discussion pack on empowering front-line staff",
    "an airline that went out of its way for a passenger",
    "a hotel that found something a child left behind",
    "what did companies do when a customer complained on social media?",
    "a restaurant that delivered somewhere unusual",
    "how to recover after a service failure",
    "a story about listening to a customer",
    "returns without a receipt",
    "someone in hospital and a company that helped",
    "speed: fixing a problem fast",
    "a pet died and the company noticed",
    "a teacher and a student's lost work",
    "an insurance adjuster who cared",
    "going the extra mile for a child",
    "a customer who called for hours",
    "a personal touch that customers remember",
    "a telecom company turning around its service",
)
TIMEOUT = 300


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak) of ``pid``, in kB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields


@contextmanager
def running_server(extra_env: dict | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """``legends serve`` on a free loopback port over a fresh, already indexed LEGENDS_HOME.

    Yields (url, process) once ``/healthz`` answers 200; ``process.start_seconds`` is the
    time from process start to that answer. The server is stopped on the way out.
    """
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="legends-bench-server-") as home:
        env = {**os.environ, "LEGENDS_HOME": home, "HF_HUB_OFFLINE": "1",
               "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}  # fmt: skip
        env.pop("LEGENDS_DATABASE_URL", None)
        env.update(extra_env or {})
        subprocess.run([str(bin_dir / "legends"), "index"], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        log = Path(home) / "serve.log"
        started = time.perf_counter()
        with log.open("wb") as handle:
            process = subprocess.Popen(
                [str(bin_dir / "legends"), "serve", "--port", str(port)],
                env=env, stdout=handle, stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            while True:
                if process.poll() is not None or time.perf_counter() - started > TIMEOUT:
                    raise SystemExit(f"server did not start:\n{log.read_text()[-2000:]}")
                try:
                    if httpx.get(url + "healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.02)
            process.start_seconds = time.perf_counter() - started
            yield url, process
        finally:
            process.terminate()
            process.wait(timeout=30)


def page_chat(http: httpx.Client, question: str) -> str:
    """One answer through the page's ``/chat`` endpoint over Gradio's HTTP protocol."""
    posted = http.post("gradio_api/call/chat", json={"data": [question, "auto", "all"]})
    posted.raise_for_status()
    events = http.get(f"gradio_api/call/chat/{posted.json()['event_id']}").text
    if "event: complete" not in events:
        raise RuntimeError(f"/chat failed: {events[:300]}")
    return events


def timed(call, questions, rounds: int = 1) -> list[float]:
    """Seconds per call of ``call(question)`` over ``rounds`` passes of ``questions``."""
    latencies = []
    for question in list(questions) * rounds:
        began = time.perf_counter()
        assert call(question), question
        latencies.append(time.perf_counter() - began)
    return latencies


def main() -> None:
    from gradio_client import Client

    with running_server() as (url, process):
        start_seconds = process.start_seconds
        after_start = memory_kb(process.pid)
        with httpx.Client(base_url=url, timeout=60) as http:
            timed(lambda q: page_chat(http, q), QUESTIONS[:3])  # first answers warm caches
            direct = timed(lambda q: page_chat(http, q), QUESTIONS, rounds=3)
        client = Client(url, verbose=False)
        through_client = timed(lambda q: client.predict(q, api_name="/chat"), QUESTIONS)
        after = memory_kb(process.pid)
    print(f"server start (process start to /healthz ok): {start_seconds:.1f} s")
    print(f"RSS after start: {after_start['VmRSS'] / 1024:.0f} MiB")
    for label, latencies in (
        ("page /chat over HTTP (POST + event stream)", direct),
        ("page /chat through gradio_client", through_client),
    ):
        print(
            f"{label}: {len(latencies)} questions, "
            f"median {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms"
        )
    print(
        f"RSS after {len(direct) + len(through_client) + 3} questions: "
        f"{after['VmRSS'] / 1024:.0f} MiB; peak RSS (VmHWM): {after['VmHWM'] / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
