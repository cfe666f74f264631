"""Choose how to answer from the message itself: ask, suggest or discuss.

A live situation described by an agent gets ``suggest``; a request for material, questions,
a role-play or a huddle gets ``discuss``; a question about stories gets ``ask``. The choice
is a logistic regression over the message's MiniLM embedding (the same vector the search
uses) and a few word cues (``mode_cues.yaml``), fitted on the dev split and
``mode_examples.yaml`` by ``legends fit`` and shipped as ``mode_model.json``. ``--mode``
and the page's selector still force a mode.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

from assistant.linear_model import LinearClassifier, load_classifier
from assistant.word_cues import cue_features

MODES = ("ask", "suggest", "discuss")
MODE_MODEL = Path(__file__).with_name("mode_model.json")
MODE_EXAMPLES = Path(__file__).with_name("mode_examples.yaml")
MODE_CUES = Path(__file__).with_name("mode_cues.yaml")
FALLBACK_MODE = "ask"


@cache
def _model(dimension: int) -> LinearClassifier | None:
    return load_classifier(MODE_MODEL, dimension)


def mode_features(message: str, vector) -> np.ndarray:
    """What the mode model reads: the message's unit-length embedding and its word cues."""
    cues = cue_features(message, MODE_CUES)
    return np.concatenate([np.asarray(vector, dtype=np.float64), cues])


def detect_mode(message: str, vector=None) -> str:
    """The mode the message asks for; ``vector`` is its embedding (computed if None)."""
    if vector is None:
        from index.embeddings import load_embedder

        vector = load_embedder().embed_query(message)
    features = mode_features(message, vector)
    model = _model(len(features))
    if model is None:  # another embedding model, or no fitted weights: plain answers
        return FALLBACK_MODE
    return model.predict(features)[0]


def reload() -> None:
    """Forget the loaded weights (after ``legends fit`` rewrote them)."""
    _model.cache_clear()
