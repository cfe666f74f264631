"""The deployment the README describes, for real: two app processes, one Chroma server,
one PostgreSQL, one shared corpus folder.

Also the faults that matter there: the database going away and coming back, and one app
process killed while the other keeps serving.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from gradio_client import Client

from corpus.loader import load_corpus
from corpus.settings import PACKAGED_LEGENDS
from tests.services.chroma import start_chroma
from tests.services.postgres import start_postgres
from tests.services.process import free_port
from tests.ui.web.conftest import HERMETIC, STORY, start_server, stop_server

pytestmark = pytest.mark.slow
LEGENDS = Path(sys.executable).parent / "legends"
LOST_ITEM = "how have companies handled a lost item?"
STORY_QUESTION = "a bike chain snapped on the way to a job interview"

_PACKAGED = [item.legend for item in load_corpus([PACKAGED_LEGENDS]).legends]
PACKAGED = len(_PACKAGED)
LOST_ITEM_COMPANIES = {lg.company for lg in _PACKAGED if "lost-item" in lg.themes}


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """Chroma and PostgreSQL servers, the index built once, then two `legends serve`."""
    root = tmp_path_factory.mktemp("deployment")
    chroma_port = free_port()
    chroma = start_chroma(root / "chroma", chroma_port)
    postgres = start_postgres()
    servers = []
    try:
        env = {
            "LEGENDS_CHROMA_URL": f"http://127.0.0.1:{chroma_port}",
            "LEGENDS_DATABASE_URL": postgres.url(postgres.create_database()),
        }
        home = root / "home"  # the shared corpus folder (a shared volume in production)
        # The deploy step: index once into the Chroma server, before any app process starts.
        cli_env = {k: v for k, v in os.environ.items() if k not in HERMETIC}
        cli_env.update(env, LEGENDS_HOME=str(home))
        subprocess.run([str(LEGENDS), "index"], env=cli_env, check=True, capture_output=True)
        for name in ("a", "b"):
            servers.append(start_server(home, root / f"serve-{name}.log", env))
        yield {"servers": servers, "postgres": postgres, "home": home, "cli_env": cli_env}
    finally:
        for server in servers:
            if server.process.poll() is None:
                stop_server(server)
        postgres.destroy()
        chroma.terminate()
        chroma.wait(timeout=10)


def legends_cli(deployment, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LEGENDS), *args], env=deployment["cli_env"], capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def share(server, company: str) -> str:
    client = Client(server.url, verbose=False)
    status, *_ = client.predict(STORY, company, "", api_name="/submit")
    return status


def test_both_processes_answer_from_the_one_chroma_server(deployment):
    for server in deployment["servers"]:
        health = httpx.get(server.url + "healthz", timeout=10).json()
        assert health == {"status": "ok", "legends": PACKAGED, "index": True, "database": True}
        answer = Client(server.url, verbose=False).predict(LOST_ITEM, api_name="/chat")
        assert any(company in answer for company in LOST_ITEM_COMPANIES), answer
    # Neither process built an index of its own: the vectors live in the Chroma server.
    assert not (deployment["home"] / "index" / "chroma.sqlite3").exists()


def test_stories_shared_on_either_process_reach_one_queue_and_approval_reaches_both(
    deployment,
):
    first, second = deployment["servers"]
    assert "review queue" in share(first, "Copperleaf Cycles")
    assert "review queue" in share(second, "Copperleaf Cycles Ltd")
    listed = legends_cli(deployment, "submissions", "list", "--status", "pending", "--json")
    assert listed.returncode == 0, listed.stderr
    pending = json.loads(listed.stdout)["submissions"]
    assert sorted(s["company"] for s in pending) == ["Copperleaf Cycles", "Copperleaf Cycles Ltd"]

    approved = legends_cli(deployment, "submissions", "approve", str(pending[0]["id"]))
    assert approved.returncode == 0, approved.stderr
    rejected = legends_cli(deployment, "submissions", "reject", str(pending[1]["id"]))
    assert rejected.returncode == 0, rejected.stderr
    assert len(list((deployment["home"] / "corpus").glob("*.md"))) == 1
    # Both processes see the new legend (the shared corpus folder changed; Chroma has it).
    for server in deployment["servers"]:
        answer = Client(server.url, verbose=False).predict(STORY_QUESTION, api_name="/chat")
        assert "Copperleaf" in answer, answer[:300]


def test_database_outage_is_polite_loses_nothing_and_recovers(deployment):
    first, second = deployment["servers"]
    postgres = deployment["postgres"]
    before = legends_cli(deployment, "submissions", "list", "--json")
    count_before = len(json.loads(before.stdout)["submissions"])
    postgres.stop()
    try:
        client = Client(first.url, verbose=False)
        status, story, company, _ = client.predict(STORY, "Larkspur Bakery", "", api_name="/submit")
        assert status.startswith("**Not sent yet:** our story box is out of reach")
        assert story == STORY and company == "Larkspur Bakery"  # still in the form
        # Answering does not need the database.
        answer = client.predict(LOST_ITEM, api_name="/chat")
        assert any(company in answer for company in LOST_ITEM_COMPANIES), answer
        health = httpx.get(first.url + "healthz", timeout=10)
        assert health.status_code == 200 and health.json()["database"] is False
        down = legends_cli(deployment, "submissions", "list")
        assert down.returncode == 1 and down.stderr.startswith("Error: cannot reach")
    finally:
        postgres.start()
    assert "review queue" in share(second, "Larkspur Bakery")
    assert httpx.get(first.url + "healthz", timeout=10).json()["database"] is True
    after = json.loads(legends_cli(deployment, "submissions", "list", "--json").stdout)
    assert len(after["submissions"]) == count_before + 1  # everything from before is there


def test_one_process_killed_the_other_keeps_serving(deployment):
    first, second = deployment["servers"]
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)
    with pytest.raises(httpx.HTTPError):
        httpx.get(first.url + "healthz", timeout=2)
    client = Client(second.url, verbose=False)
    for _ in range(3):
        answer = client.predict(LOST_ITEM, api_name="/chat")
        assert any(company in answer for company in LOST_ITEM_COMPANIES), answer
    assert "review queue" in share(second, "Thistle Hardware")
