"""Ingestion speed: 100 articles into an empty LEGENDS_HOME, after start-up.

Run: .venv/bin/python bench/bench_ingest.py
The articles are the held-out ones (tests/data/heldout), each written out three times
with distinct text (a different closing line and figures), so no two files share a
checksum and every one is read, split, labelled and deduplicated for real. Start-up
(imports, the label model fitted or read from its cache, the packaged library loaded)
is timed apart, with one warm-up file; the figure is the time for the 100 files.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HELDOUT = ROOT / "tests" / "data" / "heldout"
ARTICLES = 100
LIMIT_SECONDS = 10.0


def write_articles(folder: Path, count: int) -> list[Path]:
    """``count`` distinct article files made from the held-out ones."""
    originals = sorted(p for p in HELDOUT.iterdir() if p.suffix in (".txt", ".html"))
    paths = []
    for number in range(count):
        original = originals[number % len(originals)]
        text = original.read_text(encoding="utf-8")
        note = f"Reader note {number}: shared again on day {number + 3} of the month."
        if original.suffix == ".html":
            text = text.replace("</article>", f"<p>{note}</p></article>")
        else:
            text = f"{text.rstrip()}\n\n{note}\n"
        path = folder / f"{number:03d}-{original.name}"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="legends-bench-ingest-") as folder:
        os.environ["LEGENDS_HOME"] = str(Path(folder) / "home")
        os.environ.pop("LEGENDS_LIBRARY_DIR", None)
        articles = Path(folder) / "articles"
        articles.mkdir()
        paths = write_articles(articles, ARTICLES + 1)
        started = time.perf_counter()
        from corpus.ingest import ingest_paths

        ingest_paths(paths[:1])  # start-up: imports, label model, packaged library
        startup = time.perf_counter() - started
        started, cpu_started = time.perf_counter(), time.process_time()
        report = ingest_paths(paths[1:])
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    print(f"start-up (imports, label model, library, 1 file): {startup:.2f} s")
    print(
        f"ingest {ARTICLES} articles: {elapsed:.2f} s ({elapsed / ARTICLES * 1000:.0f} ms each); "
        f"{len(report.added)} added, {len(report.merged)} merged, "
        f"{len(report.unchanged)} unchanged, {len(report.errors)} error(s)"
    )
    # On a shared machine the wall time includes waiting for a core; the CPU time does not.
    load = os.getloadavg()[0]
    print(f"CPU time for the {ARTICLES} articles: {cpu:.2f} s; load average {load:.1f}")
    print(f"limit {LIMIT_SECONDS:.0f} s: {'ok' if elapsed < LIMIT_SECONDS else 'TOO SLOW'}")
    return 0 if elapsed < LIMIT_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
