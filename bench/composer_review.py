"""Print the grounded composer's answers to the labelled agent and trainer questions, for a reader.

Run: .venv/bin/python bench/composer_review.py [--split test] [--voice agent|trainer]
Agent questions are answered in suggest mode, trainer requests in discuss mode, exactly as
`legends ask` would. The reader's verdicts are kept in index/evaluation/composer_review.yaml.
"""

from __future__ import annotations

import argparse
import os
import tempfile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=("dev", "test"))
    parser.add_argument("--voice", default="agent", choices=("agent", "trainer"))
    args = parser.parse_args()
    os.environ.setdefault("LEGENDS_HOME", tempfile.mkdtemp(prefix="legends-review-"))
    from assistant import Assistant
    from index.evaluation.items import labelled_items
    from index.legend_index import LegendIndex

    legend_index = LegendIndex()
    legend_index.sync()
    assistant = Assistant(legend_index, llm=None)
    mode = "suggest" if args.voice == "agent" else "discuss"
    for item in labelled_items():
        if item.voice != args.voice or item.split != args.split or not item.answerable:
            continue
        reply = assistant.respond(item.question, mode=mode)
        print(f"===== {item.id}: {item.question}")
        print(f"legends: {', '.join(lg.id for lg in reply.legends) or '(none)'}")
        print(reply.answer)
        print()


if __name__ == "__main__":
    main()
