"""``/healthz`` tells the truth after maintenance, and recovers by itself (no restart).

A real ``legends serve`` keeps running while ``legends index --rebuild`` runs in another
process, and while its index folder is deleted (the README says that is fine at any
time). Each time ``/healthz`` must come back to 200 on its own, and chat keeps answering.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from gradio_client import Client

from tests.ui.web.conftest import seeded_server

pytestmark = pytest.mark.slow
RECOVERY_SECONDS = 180


@pytest.fixture(scope="module")
def maintained_server(shared_index_home, tmp_path_factory):
    with seeded_server(shared_index_home, tmp_path_factory) as running:
        yield running


def wait_for_health(url: str) -> tuple[float, list[int]]:
    """Seconds until /healthz says 200 again, and every status seen on the way."""
    started = time.monotonic()
    seen: list[int] = []
    while time.monotonic() - started < RECOVERY_SECONDS:
        response = httpx.get(url + "healthz", timeout=30)
        seen.append(response.status_code)
        if response.status_code == 200 and response.json()["index"] is True:
            return time.monotonic() - started, seen
        time.sleep(1)
    pytest.fail(f"/healthz did not recover in {RECOVERY_SECONDS}s: {seen[-5:]}")


def test_health_recovers_after_a_rebuild_by_another_process(maintained_server):
    assert httpx.get(maintained_server.url + "healthz").status_code == 200
    env = {**os.environ, "LEGENDS_HOME": str(maintained_server.home)}
    legends = Path(sys.executable).parent / "legends"
    done = subprocess.run(
        [str(legends), "index", "--rebuild"], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seconds, seen = wait_for_health(maintained_server.url)
    print(f"healthy again {seconds:.1f}s after the rebuild; statuses {seen}")
    client = Client(maintained_server.url, verbose=False)
    assert client.predict("stories about bereavement", api_name="/chat").startswith("Here are")


def test_health_recovers_after_the_index_folder_is_deleted(maintained_server):
    shutil.rmtree(maintained_server.home / "index")
    client = Client(maintained_server.url, verbose=False)
    assert client.predict("a lost teddy bear", api_name="/chat").startswith("Here are")
    seconds, seen = wait_for_health(maintained_server.url)
    print(f"healthy again {seconds:.1f}s after the deletion; statuses {seen}")
    assert (maintained_server.home / "index").is_dir()  # rebuilt where it belongs
    assert client.predict("a lost teddy bear", api_name="/chat").startswith("Here are")
