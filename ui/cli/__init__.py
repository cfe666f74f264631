"""The ``legends`` command line."""

import sys

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
        raise


__all__ = ["app", "main"]
