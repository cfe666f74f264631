"""Trainer packs leave no temporary folder behind (a child process with its own TMPDIR)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CHILD = """
import json, os, tempfile
from pathlib import Path
import gradio as gr
from assistant import Assistant
from index.legend_index import LegendIndex
from ui.web.access import Access
from ui.web.trainer import TrainerHandlers

handlers = TrainerHandlers(Assistant(LegendIndex()), Access())
local = gr.Request(client={"host": "127.0.0.1", "port": 50000})
paths = []
for theme in ("bereavement", "lost-item", "travel", "bereavement"):
    _, button = handlers.build(theme, [], False, local)
    paths.append(button.value if isinstance(button.value, str) else button.value["path"])
mine = sorted(p.name for p in Path(tempfile.gettempdir()).iterdir() if "pack" in p.name)
print(json.dumps({"paths": paths, "during": mine}))
"""


def test_packs_leave_no_folder_behind(shared_index_home, tmp_path):
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(private_tmp), "LEGENDS_HOME": str(shared_index_home)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # Served from Gradio's own cache (the same pack twice is one file there).
    assert len(result["paths"]) == 4 and len(set(result["paths"])) == 3
    for path in result["paths"]:
        assert Path(path).name.startswith("discussion-pack-")
        assert Path(path).is_relative_to(private_tmp / "gradio")
    assert result["during"] == []  # no folder of ours, even while the process runs
    assert [p.name for p in private_tmp.iterdir() if "pack" in p.name] == []
