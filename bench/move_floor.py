"""How well moves' situations match agents' messages: the data behind suggest mode's floor.

Run: .venv/bin/python bench/move_floor.py [--split dev]
For each labelled agent question of the split (index/evaluation/labelled.yaml), every
curated move's situation is compared with the message. A move of a legend graded 1 or 2
for the question counts as fitting, any other as not (a proxy: moves are written for
any industry, so some ungraded moves fit too). Prints, per candidate floor, how many
answerable questions keep a fitting move, how many of the moves that would be shown
(the top three above the floor) are fitting, and how many questions that must be
refused would still get a move.
"""

from __future__ import annotations

import argparse
import os
import tempfile

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=("dev", "test"))
    args = parser.parse_args()
    os.environ.setdefault("LEGENDS_HOME", tempfile.mkdtemp(prefix="legends-move-floor-"))
    from assistant.grounded.moves import MoveIndex
    from assistant.grounded.text_vectors import TextVectors
    from corpus.loader import load_corpus
    from index.embeddings import load_embedder
    from index.evaluation.items import labelled_items

    embedder = load_embedder()
    legends = list(load_corpus().by_id().values())
    moves = MoveIndex(legends, TextVectors(embedder, None))
    items = [i for i in labelled_items() if i.voice == "agent" and i.split == args.split]
    rows = []
    for item in items:
        sims = moves.similarities(embedder.embed_query(item.question))
        fitting = np.array([item.grade(legend.id) > 0 for legend, _ in moves.entries])
        rows.append((item, sims, fitting))
    answerable = [r for r in rows if r[0].answerable]
    refused = [r for r in rows if not r[0].answerable]
    print(f"{len(moves.entries)} moves; {len(answerable)} answerable and {len(refused)} "
          f"refused agent questions ({args.split})")  # fmt: skip
    best_fit = [float(s[f].max()) if f.any() else 0.0 for _, s, f in answerable]
    best_other = [float(s[~f].max()) for _, s, f in answerable]
    print(f"best fitting move per question: median {np.median(best_fit):.3f}, "
          f"10th percentile {np.percentile(best_fit, 10):.3f}")  # fmt: skip
    print(f"best non-fitting move per question: median {np.median(best_other):.3f}")
    print(f"{'floor':>6} {'kept a fitting move':>20} {'shown moves fitting':>20} "
          f"{'refused items given a move':>27}")  # fmt: skip
    for floor in np.arange(0.25, 0.61, 0.025):
        kept = sum(bool((s[f] >= floor).any()) for _, s, f in answerable)
        shown = fit = 0
        for _, s, f in answerable:
            top = np.argsort(-s)[:3]
            top = [i for i in top if s[i] >= floor]
            shown += len(top)
            fit += int(f[top].sum())
        leaked = sum(bool((s >= floor).any()) for _, s, _ in refused)
        share = f"{fit}/{shown}" if shown else "-"
        print(f"{floor:6.3f} {kept:>14}/{len(answerable):<5} {share:>20} "
              f"{leaked:>21}/{len(refused)}")  # fmt: skip


if __name__ == "__main__":
    main()
