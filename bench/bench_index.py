"""Index and search figures: build time, warm search latency, cold CLI search, peak memory.

Run: .venv/bin/python bench/bench_index.py   (or `make bench`)
Uses a fresh temporary LEGENDS_HOME; the ONNX export is made beforehand so the
build figure measures embedding, not the one-time export.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WARM_QUERIES = 200


def questions() -> list[str]:
    from index.evaluation.dataset import load_questions

    texts = [q.question for q in load_questions()]
    return (texts * (WARM_QUERIES // len(texts) + 1))[:WARM_QUERIES]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="legends-bench-"))
    os.environ["LEGENDS_HOME"] = str(home)
    from corpus.loader import load_corpus
    from index.embeddings import load_embedder
    from index.legend_index import LegendIndex

    load_embedder().load()  # export/load the model outside the timed build
    legends = len(load_corpus().legends)

    start = time.perf_counter()
    legend_index = LegendIndex()
    report = legend_index.sync()
    build = time.perf_counter() - start
    print(f"legends: {legends}")
    print(
        f"full index build: {build:.2f} s ({report.embedded} legends embedded, "
        f"{build / max(1, report.embedded) * 1000:.0f} ms per legend)"
    )

    start = time.perf_counter()
    again = LegendIndex().sync()
    print(
        f"re-sync with nothing changed: {(time.perf_counter() - start) * 1000:.0f} ms "
        f"({again.embedded} embedded)"
    )

    latencies = []
    for query in questions():
        start = time.perf_counter()
        legend_index.search(query, 5)
        latencies.append((time.perf_counter() - start) * 1000)
    print(
        f"warm search over {len(latencies)} queries: p50 {statistics.median(latencies):.1f} ms, "
        f"p95 {percentile(latencies, 0.95):.1f} ms, "
        f"{len(latencies) / (sum(latencies) / 1000):.0f} queries/s"
    )

    legends_cli = Path(sys.executable).with_name("legends")
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(
            [str(legends_cli), "search", "a lost teddy bear", "--json"],
            check=True,
            capture_output=True,
        )
        runs.append(time.perf_counter() - start)
    print(
        f"cold `legends search` wall time: median {statistics.median(runs):.2f} s "
        f"(min {min(runs):.2f} s over {len(runs)} runs)"
    )

    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak memory: this process {own:.0f} MB (build + 200 searches); "
        f"cold CLI search {child:.0f} MB"
    )


if __name__ == "__main__":
    main()
