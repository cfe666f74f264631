"""Index and search figures: build time, warm search latency, cold CLI search, peak memory.

Run: .venv/bin/python bench/bench_index.py   (or `make bench`)
Uses a fresh temporary LEGENDS_HOME. The subprocess figures are taken first, while
this process is still small: a child's peak RSS on Linux starts from its parent's.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WARM_QUERIES = 200
LEGENDS = Path(sys.executable).with_name("legends")


def run_child(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(args)} failed ({status})")
    return elapsed, usage.ru_maxrss / 1024


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    os.environ["LEGENDS_HOME"] = tempfile.mkdtemp(prefix="legends-bench-")
    # Warm the ONNX export so the build figure measures embedding, not the one-time export.
    run_child([str(LEGENDS), "search", "warm up the model cache"])
    subprocess.run([str(LEGENDS), "index", "--rebuild"], capture_output=True, check=True)

    build, build_rss = run_child([str(LEGENDS), "index", "--rebuild"])
    print(
        f"full index build (`legends index --rebuild`, incl. start-up): {build:.2f} s, "
        f"peak {build_rss:.0f} MB"
    )
    cold = [run_child([str(LEGENDS), "search", "a lost teddy bear", "--json"]) for _ in range(5)]
    print(
        f"cold `legends search` wall time: median {statistics.median(c[0] for c in cold):.2f} s "
        f"(min {min(c[0] for c in cold):.2f} s over {len(cold)} runs), "
        f"peak {max(c[1] for c in cold):.0f} MB"
    )

    from corpus.loader import load_corpus
    from index.evaluation.dataset import load_questions
    from index.legend_index import LegendIndex

    legend_index = LegendIndex()
    start = time.perf_counter()
    report = legend_index.sync(rebuild=True)
    seconds = time.perf_counter() - start
    print(
        f"in-process rebuild: {seconds:.2f} s for {report.embedded} legends "
        f"({seconds / max(1, report.embedded) * 1000:.0f} ms per legend); "
        f"{len(load_corpus().legends)} legends in the corpus"
    )

    questions = [q.question for q in load_questions()]
    queries = (questions * (WARM_QUERIES // len(questions) + 1))[:WARM_QUERIES]
    # The first pass sees most questions for the first time; the second hits the query cache.
    for label in ("mostly unseen queries", "repeated queries (query cache)"):
        latencies = []
        for query in queries:
            begin = time.perf_counter()
            legend_index.search(query, 5)
            latencies.append((time.perf_counter() - begin) * 1000)
        print(
            f"warm search, {label}, {len(latencies)} queries: "
            f"p50 {statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms"
        )
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process (rebuild + {2 * WARM_QUERIES} searches): {own:.0f} MB")


if __name__ == "__main__":
    main()
