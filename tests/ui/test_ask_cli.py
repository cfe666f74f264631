"""``legends ask`` and ``legends chat`` through the real CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ui.cli import app

runner = CliRunner()
pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def indexed_home(shared_index_home, monkeypatch):
    monkeypatch.setenv("LEGENDS_HOME", str(shared_index_home))


def test_ask_json_shape():
    result = runner.invoke(app, ["ask", "how have companies handled a lost item?", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) == {"mode", "answer", "abstained", "legends", "refusal"}
    assert payload["mode"] == "ask" and payload["abstained"] is False
    assert payload["refusal"] is None
    assert {"id", "title", "company", "sources"} <= set(payload["legends"][0])
    for legend in payload["legends"]:
        assert legend["company"] in payload["answer"]


def test_ask_forced_mode_and_markdown_export(tmp_path):
    pack = tmp_path / "pack.md"
    result = runner.invoke(
        app, ["ask", "stories about recovery after our own mistake", "--mode", "discuss",
              "--output", str(pack)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = pack.read_text(encoding="utf-8")
    assert text.startswith("## Discussion pack") and "### Role-play" in text


def test_ask_stdin_answers_each_line_independently():
    lines = ["a lost teddy bear", "", "what is the capital of France?", "any others?"]
    result = runner.invoke(app, ["ask", "--stdin", "--json"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [row["question"] for row in rows] == lines
    assert rows[0]["legends"] and not rows[0]["abstained"]
    assert rows[1]["error"]
    assert rows[2]["abstained"] and rows[2]["legends"] == []
    # Independent questions: "any others?" has no earlier turn to refer to.
    assert rows[3]["abstained"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", "   "], "empty"),
        (["ask", "x" * 2500], "limit"),
        (["ask", "hello", "--mode", "sing"], "unknown mode"),
    ],
)
def test_ask_bad_input_exits_2(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_chat_keeps_the_conversation():
    script = "how have companies handled a lost item?\ntell me more about the second one\n\n"
    result = runner.invoke(app, ["chat"], input=script)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("you>") == 3
    assert "**Sources:**" in result.stdout  # the detail view of the second legend
