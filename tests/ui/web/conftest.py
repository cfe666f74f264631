"""Fixtures for the web tests: one real server per module, Chromium, the story fixture."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.services.process import die_with_parent, free_port

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium hangs on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT = 180
HERMETIC = {
    "LEGENDS_LIBRARY_DIR",
    "LEGENDS_LLM",
    "LEGENDS_DATABASE_URL",
    "LEGENDS_ADMIN_PASSWORD",
    "LEGENDS_WEB_RATE_LIMIT",
    "LEGENDS_WEB_SHARE_LIMIT",
    "LEGENDS_FORWARDED_ALLOW_IPS",
    "LEGENDS_API_KEYS",
}

# An invented story (the company is not in the packaged library), over 25 words.
STORY = (
    "Last spring my bike chain snapped on the way to a job interview, right outside Copperleaf "
    "Cycles. The owner saw me struggling, fitted a new chain in five minutes, refused any money "
    "and lent me a clean shirt because mine was covered in grease. I got the job, and I still "
    "take every bike I own to Copperleaf."
)


@dataclass
class Server:
    """A running ``legends serve`` subprocess."""

    url: str
    home: Path
    process: subprocess.Popen
    start_seconds: float
    log: Path


def start_server(home: Path, log: Path, extra_env: dict | None = None) -> Server:
    """Start ``legends serve`` on a free loopback port and wait for ``/healthz``."""
    port = free_port()
    # Only what the test asks for: the packaged library, the grounded composer, SQLite
    # in home, default limits and no trainer password unless extra_env says otherwise.
    env = {name: value for name, value in os.environ.items() if name not in HERMETIC}
    env.update({"LEGENDS_HOME": str(home), **(extra_env or {})})
    legends = Path(sys.executable).parent / "legends"
    started = time.perf_counter()
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [str(legends), "serve", "--port", str(port)],
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,
        )
    url = f"http://127.0.0.1:{port}/"
    while time.perf_counter() - started < START_TIMEOUT:
        if process.poll() is not None:
            raise RuntimeError(f"legends serve exited early:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url + "healthz", timeout=2).status_code == 200:
                return Server(url, home, process, time.perf_counter() - started, log)
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    process.kill()
    raise RuntimeError(f"legends serve did not answer /healthz:\n{log.read_text()[-3000:]}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=5)


@pytest.fixture(scope="module")
def server(shared_index_home, tmp_path_factory):
    """One real server per module, its LEGENDS_HOME seeded with the session's index.

    Copying the already-built index means the start-up sync finds every legend
    unchanged (the sync still runs, as it would for a user), so the module does not
    pay for embedding the library again.
    """
    with seeded_server(shared_index_home, tmp_path_factory) as running:
        yield running


@contextmanager
def seeded_server(shared_index_home, tmp_path_factory, extra_env: dict | None = None):
    """A server whose LEGENDS_HOME starts with a copy of the session's index."""
    home = tmp_path_factory.mktemp("web-home")
    shutil.copytree(shared_index_home / "index", home / "index")
    running = start_server(home, home / "serve.log", extra_env)
    try:
        yield running
    finally:
        stop_server(running)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by Playwright (never `playwright install`)."""
    if not CHROMIUM.exists():
        pytest.fail("/usr/bin/chromium is missing: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
