"""Ingest a user's own stories (Markdown, text, HTML, PDF, JSONL/CSV) into the user corpus.

Modules by concern: :mod:`readers` (formats), :mod:`splitter` (stories in an
article), :mod:`company` and :mod:`themes` (what a story is about),
:mod:`builder` (a story to a legend), :mod:`writer` (atomic files) and
:mod:`service` (the orchestration, returning an :class:`IngestReport`).
"""

from corpus.ingest.service import FileReport, IngestReport, ingest_paths

__all__ = ["FileReport", "IngestReport", "ingest_paths"]
