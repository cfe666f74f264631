"""The ``legends`` command line."""

import sys

from corpus.disk import is_disk_full
from corpus.settings import SettingsError
from ui.cli.app import app


def main() -> None:
    """Run the CLI; a bad setting or an unreachable database is one clear line."""
    try:
        app()
    except SettingsError as error:
        print(f"Error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    except Exception as error:
        # The storage layer (and SQLAlchemy) is imported only by the commands that use it.
        storage = sys.modules.get("ui.storage.database")
        if storage is not None and isinstance(error, storage.StorageUnavailable):
            print(f"Error: {error}", file=sys.stderr)
            raise SystemExit(1) from None
        if is_disk_full(error):  # any layer: one line, never a traceback or a repair
            print(f"Error: {_disk_full_line(error)}", file=sys.stderr)
            raise SystemExit(1) from None
        raise


def _disk_full_line(error: BaseException) -> str:
    text = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    text = (text.strip().splitlines() or ["no space left on device"])[0]
    return text if text.startswith("disk full") else f"disk full: {text}"


__all__ = ["app", "main"]
