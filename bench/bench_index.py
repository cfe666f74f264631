"""Index and search figures: build time, warm search latency, cold CLI search, peak memory.

Run: .venv/bin/python bench/bench_index.py [--library-size 1000]   (or `make bench`)
Uses a fresh temporary LEGENDS_HOME. The subprocess figures are taken first, while
this process is still small: a child's peak RSS on Linux starts from its parent's.
The large-library case builds the index of a generated library (LEGENDS_LIBRARY_DIR
in a temporary folder): the packaged legends, each copied many times over with its own
id, title and wording, so every file is embedded.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WARM_QUERIES = 200
LEGENDS = Path(sys.executable).with_name("legends")
PACKAGED = Path(__file__).resolve().parents[1] / "corpus" / "legends"
# Words that make each copy's text its own (and its id and title distinct).
SETTINGS = (
    "on a Monday",
    "late one evening",
    "during the holidays",
    "in a storm",
    "on launch day",
    "at closing time",
    "on a busy Saturday",
    "after a long wait",
)


def generate_library(folder: Path, size: int) -> None:
    """``size`` valid legend files in ``folder``: the packaged ones, varied and renamed."""
    import frontmatter

    originals = sorted(PACKAGED.glob("*.md"))
    for number in range(size):
        post = frontmatter.load(originals[number % len(originals)])
        when = SETTINGS[number % len(SETTINGS)]
        post["id"] = f"{post['id'][:80]}-copy-{number}"
        post["title"] = f"{post['title']} (retold {number}, {when})"
        post["situation"] = f"Case {number}, {when}: {post['situation']}"
        (folder / f"{post['id']}.md").write_text(frontmatter.dumps(post) + "\n", encoding="utf-8")


def large_library_build(size: int) -> None:
    """Print the full index build time of a generated ``size``-legend library."""
    with tempfile.TemporaryDirectory(prefix="legends-bench-library-") as folder:
        generate_library(Path(folder), size)
        saved = {name: os.environ.get(name) for name in ("LEGENDS_LIBRARY_DIR", "LEGENDS_HOME")}
        os.environ["LEGENDS_LIBRARY_DIR"] = folder
        os.environ["LEGENDS_HOME"] = tempfile.mkdtemp(prefix="legends-bench-large-")
        try:
            build, build_rss = run_child([str(LEGENDS), "index", "--rebuild"])
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    print(
        f"index build of a generated {size:,}-legend library (`legends index --rebuild`, "
        f"incl. start-up): {build:.1f} s ({build / size * 1000:.1f} ms per legend), "
        f"peak {build_rss:.0f} MB"
    )


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library-size", type=int, default=1000,
                        help="legends in the generated library (0 skips that case)")  # fmt: skip
    args = parser.parse_args()
    os.environ["LEGENDS_HOME"] = tempfile.mkdtemp(prefix="legends-bench-")
    # Warm the ONNX export so the build figure measures embedding, not the one-time export.
    run_child([str(LEGENDS), "search", "warm up the model cache"])
    subprocess.run([str(LEGENDS), "index", "--rebuild"], capture_output=True, check=True)
    if args.library_size:
        large_library_build(args.library_size)

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
