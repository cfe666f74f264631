"""A fitted multinomial logistic regression, shipped as JSON and run with numpy.

scikit-learn fits the models (``legends fit``, :mod:`assistant.fitting`); answering only
needs the weights: one matrix product and a softmax, well under a millisecond.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class LinearClassifier:
    """Class probabilities = softmax(weights @ features + bias)."""

    classes: tuple[str, ...]
    weights: np.ndarray  # classes x features
    bias: np.ndarray  # classes
    embedding_model: str  # the embedder whose vectors the weights expect
    meta: dict

    def probabilities(self, features: np.ndarray) -> dict[str, float]:
        """Each class's probability for one feature vector."""
        logits = self.weights @ features + self.bias
        logits -= logits.max()
        odds = np.exp(logits)
        return dict(zip(self.classes, (odds / odds.sum()).tolist(), strict=True))

    def predict(self, features: np.ndarray) -> tuple[str, dict[str, float]]:
        """The most probable class and every class's probability."""
        probabilities = self.probabilities(features)
        return max(probabilities, key=probabilities.__getitem__), probabilities

    def save(self, path: Path) -> None:
        payload = {
            "classes": list(self.classes),
            "embedding_model": self.embedding_model,
            **self.meta,
            "bias": [round(float(b), 6) for b in self.bias],
            "weights": [[round(float(w), 6) for w in row] for row in self.weights],
        }
        path.write_text(json.dumps(payload) + "\n", encoding="utf-8")


def load_classifier(path: Path, dimension: int) -> LinearClassifier | None:
    """The classifier in ``path``, or None if missing or built for other features."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    weights = np.asarray(raw["weights"], dtype=np.float64)
    if weights.ndim != 2 or weights.shape[1] != dimension:
        return None
    meta = {k: v for k, v in raw.items() if k not in ("classes", "weights", "bias")}
    return LinearClassifier(
        classes=tuple(raw["classes"]),
        weights=weights,
        bias=np.asarray(raw["bias"], dtype=np.float64),
        embedding_model=str(raw.get("embedding_model", "")),
        meta=meta,
    )


def fit_classifier(
    features: np.ndarray,
    labels: list[str],
    c: float,
    embedding_model: str,
    meta: dict,
    sample_weight: np.ndarray | None = None,
    balanced: bool = False,
) -> LinearClassifier:
    """Fit with scikit-learn on standardised features; the scaling is folded into the weights."""
    from sklearn.linear_model import LogisticRegression

    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    # A (near-)constant column carries no information; dividing by a rounding-error
    # std would fold weights of 1e30 into the shipped file.
    scale[scale < 1e-6] = 1.0
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced" if balanced else None)
    model.fit((features - mean) / scale, labels, sample_weight=sample_weight)
    coef = model.coef_
    intercept = model.intercept_
    if len(model.classes_) == 2:  # scikit-learn keeps one row for two classes
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.asarray([-intercept[0] / 2, intercept[0] / 2])
    weights = coef / scale
    bias = intercept - (coef * mean / scale).sum(axis=1)
    return LinearClassifier(
        tuple(str(c) for c in model.classes_), weights, bias, embedding_model, meta
    )
