"""One app instance for the multi-process tests: ``python -m tests.ui.storage.worker``.

Usage: ``worker GO_FILE COMMAND [ARGS...]``, with LEGENDS_DATABASE_URL and
LEGENDS_HOME in the environment. The worker imports everything, prints ``ready``,
waits for GO_FILE to exist (so every worker starts its work at the same moment),
runs the command and prints one JSON line with the result.

Commands: ``feedback TAG COUNT`` (COUNT ratings, questions ``TAG-0``...),
``tables`` (create the tables, as a starting server does), ``approve ID``, ``reject ID``,
``ingest PATH...`` (the files, as ``legends ingest`` takes them).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from ui.storage.database import get_engine
from ui.storage.feedback import record_feedback

GO_TIMEOUT = 60


def _wait_for(go: Path) -> None:
    deadline = time.monotonic() + GO_TIMEOUT
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"no go signal at {go} within {GO_TIMEOUT}s")
        time.sleep(0.002)


def run(command: str, args: list[str]) -> dict:
    """Do one command and describe what happened."""
    if command == "feedback":
        tag, count = args[0], int(args[1])
        ids = [
            record_feedback("up", f"{tag}-{i}", f"answer {i} from {tag}", ["a-b"], "ask").id
            for i in range(count)
        ]
        return {"ids": ids}
    if command == "tables":
        engine = get_engine()
        with engine.connect() as connection:
            tables = sorted(engine.dialect.get_table_names(connection))
        return {"tables": tables}
    if command == "ingest":
        from corpus.ingest import ingest_paths

        return ingest_paths([Path(arg) for arg in args]).to_json()
    # Imported here: only the moderation commands need the ingest pipeline.
    from ui.storage.moderation import ModerationError, approve, reject

    if command == "approve":
        try:
            approval = approve(int(args[0]))
        except ModerationError as error:
            return {"approved": False, "error": str(error)}
        return {
            "approved": True,
            "legend_id": approval.legend_id,
            "inode": approval.path.stat().st_ino,
        }
    if command == "reject":
        try:
            reject(int(args[0]))
        except ModerationError as error:
            return {"rejected": False, "error": str(error)}
        return {"rejected": True}
    raise SystemExit(f"unknown command {command!r}")


def main() -> None:
    go, command, args = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
    if command in ("ingest", "approve", "reject"):
        import ui.storage.moderation  # noqa: F401 - loaded before the go signal, so the
        # racing workers start their corpus work together rather than after their imports
    print("ready", flush=True)
    _wait_for(go)
    print(json.dumps(run(command, args)), flush=True)


if __name__ == "__main__":
    main()
