"""Web server figures: start time (process start to /healthz ok) and peak memory (RSS).

Run: .venv/bin/python bench/bench_server.py   (or `make bench-web`)
Uses a fresh temporary LEGENDS_HOME whose index is built first (not timed), so the
start figure is what a user sees when the index is already up to date: the start-up
sync, the model load, the page build. Then ~20 questions go through gradio_client
(the public /chat endpoint) and the serving process's peak RSS is read from
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


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak) of ``pid``, in kB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields


def main() -> None:
    from gradio_client import Client

    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="legends-bench-server-") as home:
        env = {**os.environ, "LEGENDS_HOME": home, "HF_HUB_OFFLINE": "1",
               "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}  # fmt: skip
        env.pop("LEGENDS_DATABASE_URL", None)
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
                time.sleep(0.1)
            start_seconds = time.perf_counter() - started
            after_start = memory_kb(process.pid)
            client = Client(url, verbose=False)
            latencies = []
            for question in QUESTIONS:
                began = time.perf_counter()
                answer = client.predict(question, api_name="/chat")
                latencies.append(time.perf_counter() - began)
                assert answer, question
            after = memory_kb(process.pid)
        finally:
            process.terminate()
            process.wait(timeout=30)
    print(f"server start (process start to /healthz ok): {start_seconds:.1f} s")
    print(f"RSS after start: {after_start['VmRSS'] / 1024:.0f} MiB")
    print(
        f"questions through gradio_client /chat: {len(QUESTIONS)}, "
        f"median {statistics.median(latencies) * 1000:.0f} ms, "
        f"max {max(latencies) * 1000:.0f} ms"
    )
    print(
        f"RSS after {len(QUESTIONS)} questions: {after['VmRSS'] / 1024:.0f} MiB; "
        f"peak RSS (VmHWM): {after['VmHWM'] / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
