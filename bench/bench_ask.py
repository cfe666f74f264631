"""Warm `ask` latency with the default (grounded, no-LLM) composer.

Run: .venv/bin/python bench/bench_ask.py
Answers every labelled question once to warm up, then times 200 answers.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

ANSWERS = 200


def main() -> None:
    os.environ.setdefault("LEGENDS_HOME", tempfile.mkdtemp(prefix="legends-bench-ask-"))
    os.environ.pop("LEGENDS_LLM", None)
    from assistant import Assistant
    from index.evaluation.dataset import load_questions
    from index.legend_index import LegendIndex

    legend_index = LegendIndex()
    legend_index.sync()
    assistant = Assistant(legend_index, llm=None)
    questions = [q.question for q in load_questions()]
    for question in questions[:20]:
        assistant.respond(question)

    latencies, abstained = [], 0
    for question in (questions * (ANSWERS // len(questions) + 1))[:ANSWERS]:
        start = time.perf_counter()
        reply = assistant.respond(question)
        latencies.append((time.perf_counter() - start) * 1000)
        abstained += reply.abstained
    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    print(
        f"warm ask (grounded composer) over {len(latencies)} questions: "
        f"p50 {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms, "
        f"max {ordered[-1]:.1f} ms; {abstained} abstained"
    )


if __name__ == "__main__":
    main()
