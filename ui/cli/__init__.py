"""The ``legends`` command line."""

from ui.cli.app import app

__all__ = ["app"]
