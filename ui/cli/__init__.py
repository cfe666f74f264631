"""The ``legends`` command line."""

import sys

from corpus.settings import SettingsError
from ui.cli.app import app


def main() -> None:
    """Run the CLI; a bad ``LEGENDS_*`` setting is one clear line, not a traceback."""
    try:
        app()
    except SettingsError as error:
        print(f"Error: {error}", file=sys.stderr)
        raise SystemExit(2) from None


__all__ = ["app", "main"]
