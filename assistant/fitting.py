"""Fit the mode detector and the refusal decision on the dev split (``legends fit``).

Training data: the dev items of the labelled set plus the example phrasings in
``mode_examples.yaml`` / ``refusal_examples.yaml``; the test split is never read here.
The regularisation strength is chosen by cross-validation over the dev items (the
example phrasings stay in every training fold); the result is written as JSON beside the
code that reads it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import yaml

from assistant import modes, refusal
from assistant.linear_model import LinearClassifier, fit_classifier
from index.evaluation.items import EvalItem
from index.legend_index import LegendIndex

C_GRID = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
FOLDS = 5
# The policy refusals (personal data, invention, instructions, abuse) may wrongly refuse at
# most this share of the other dev questions, cross-validated.
MAX_WRONG_REFUSAL = 0.01


def _examples(path: Path) -> list[tuple[str, str]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [(str(text), label) for label, texts in raw.items() for text in texts or []]


def _cross_validate(
    features: np.ndarray,
    labels: list[str],
    is_dev: np.ndarray,
    c: float,
    name: str,
    balanced: bool,
) -> float:
    """Accuracy on held-out dev items, examples always in training."""
    from sklearn.model_selection import StratifiedKFold

    dev_rows = np.flatnonzero(is_dev)
    dev_labels = [labels[i] for i in dev_rows]
    smallest = min(dev_labels.count(label) for label in set(dev_labels))
    folds = StratifiedKFold(n_splits=max(2, min(FOLDS, smallest)), shuffle=True, random_state=0)
    right = 0
    for train, held in folds.split(dev_rows, dev_labels):
        rows = np.concatenate([dev_rows[train], np.flatnonzero(~is_dev)])
        model = fit_classifier(
            features[rows], [labels[i] for i in rows], c, name, {}, balanced=balanced
        )
        right += sum(model.predict(features[dev_rows[i]])[0] == dev_labels[i] for i in held)
    return right / len(dev_rows)


def _fit_best(
    features: np.ndarray,
    labels: list[str],
    is_dev: np.ndarray,
    name: str,
    meta: dict,
    balanced: bool = False,
) -> tuple[LinearClassifier, float, float]:
    scored = [(c, _cross_validate(features, labels, is_dev, c, name, balanced)) for c in C_GRID]
    c, accuracy = max(scored, key=lambda pair: (pair[1], -pair[0]))  # ties: stronger prior
    fitted_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    meta = {**meta, "C": c, "cv_accuracy": round(accuracy, 4), "fitted_at": fitted_at}
    return fit_classifier(features, labels, c, name, meta, balanced=balanced), c, accuracy


def fit_mode(legend_index: LegendIndex, dev: list[EvalItem]) -> dict:
    """Fit ``mode_model.json`` on the dev items' expected modes and the mode examples."""
    embed = legend_index.embedder.embed_query
    rows = [(i.question, i.mode) for i in dev if i.split == "dev" and i.answerable and i.mode]
    examples = _examples(modes.MODE_EXAMPLES)
    texts = [text for text, _ in rows + examples]
    labels = [label for _, label in rows + examples]
    features = np.vstack([modes.mode_features(text, embed(text)) for text in texts])
    is_dev = np.asarray([True] * len(rows) + [False] * len(examples))
    meta = {"fitted_on": ["dev", "mode_examples.yaml"], "dev_items": len(rows)}
    model, c, accuracy = _fit_best(features, labels, is_dev, legend_index.embedder.name, meta)
    model.save(modes.MODE_MODEL)
    modes.reload()
    return {"dev_items": len(rows), "examples": len(examples), "C": c, "cv_accuracy": accuracy}


def _out_of_fold(features, labels, is_dev, c, balanced=False) -> list[dict[str, float]]:
    """Class probabilities of each dev item from a model fitted without it (and its fold)."""
    from sklearn.model_selection import StratifiedKFold

    dev_rows = np.flatnonzero(is_dev)
    dev_labels = [labels[i] for i in dev_rows]
    smallest = min(dev_labels.count(label) for label in set(dev_labels))
    folds = StratifiedKFold(n_splits=max(2, min(FOLDS, smallest)), shuffle=True, random_state=0)
    out: list[dict[str, float]] = [{} for _ in dev_rows]
    for train, held in folds.split(dev_rows, dev_labels):
        rows = np.concatenate([dev_rows[train], np.flatnonzero(~is_dev)])
        model = fit_classifier(
            features[rows], [labels[i] for i in rows], c, "cv", {}, balanced=balanced
        )
        for i in held:
            out[i] = model.probabilities(features[dev_rows[i]])
    return out


def _choose_policy(features, labels, is_dev) -> tuple[float, float, float, float]:
    """(C, threshold, recall, wrong refusals): refuse with the likeliest policy kind when its
    probability reaches the threshold; the lowest threshold whose cross-validated wrong
    refusals on dev stay within MAX_WRONG_REFUSAL, and the C that then refuses the most."""
    dev_labels = [label for label, dev in zip(labels, is_dev, strict=True) if dev]
    best = (C_GRID[0], 1.0, -1.0, 0.0)
    for c in C_GRID:
        probabilities = _out_of_fold(features, labels, is_dev, c)
        kinds = [max(refusal.POLICY_KINDS, key=p.get) for p in probabilities]
        for step in range(5, 96, 5):
            threshold = step / 100
            refused = [p[k] >= threshold for p, k in zip(probabilities, kinds, strict=True)]
            policy = [i for i, label in enumerate(dev_labels) if label in refusal.POLICY_KINDS]
            others = [i for i, label in enumerate(dev_labels) if label not in refusal.POLICY_KINDS]
            wrong = sum(refused[i] for i in others) / max(1, len(others))
            recall = sum(refused[i] and kinds[i] == dev_labels[i] for i in policy) / max(
                1, len(policy)
            )
            if wrong <= MAX_WRONG_REFUSAL:
                if recall > best[2] + 1e-9:
                    best = (c, threshold, recall, wrong)
                break  # higher thresholds only refuse less
    return best


def _choose_no_fit_threshold(scores: list[float], truth: list[bool]) -> tuple[float, float, float]:
    """(threshold, recall, wrong refusals): the lowest threshold on the no-fit score whose
    wrong refusals of answerable dev questions stay within MAX_WRONG_REFUSAL."""
    answerable = [s for s, t in zip(scores, truth, strict=True) if not t]
    no_fit = [s for s, t in zip(scores, truth, strict=True) if t]
    for step in range(5, 100):
        threshold = step / 100
        wrong = sum(s >= threshold for s in answerable) / max(1, len(answerable))
        if wrong <= MAX_WRONG_REFUSAL:
            return threshold, sum(s >= threshold for s in no_fit) / max(1, len(no_fit)), wrong
    return 1.0, 0.0, 0.0


def fit_refusal(legend_index: LegendIndex, dev: list[EvalItem]) -> dict:
    """Fit the policy model (``refusal_model.json``) and the fit model (``fit_model.json``)."""
    embed = legend_index.embedder.embed_query
    dev = [item for item in dev if item.split == "dev"]
    examples = _examples(refusal.REFUSAL_EXAMPLES)

    # Policy: what the message asks for, read from its embedding and word cues.
    rows = [(i.question, i.refusal or refusal.ANSWER) for i in dev] + examples
    is_dev = np.asarray([True] * len(dev) + [False] * len(examples))
    policy_features = np.vstack([refusal.policy_features(text, embed(text)) for text, _ in rows])
    policy_is_dev = is_dev
    labels = [label for _, label in rows]
    policy_c, threshold, recall, wrong = _choose_policy(policy_features, labels, is_dev)
    policy_meta = {
        "fitted_on": ["dev", "refusal_examples.yaml"],
        "dev_items": len(dev),
        "C": policy_c,
        "policy_threshold": threshold,
        "cv_policy_recall": round(recall, 4),
        "cv_wrong_refusal": round(wrong, 4),
        "fitted_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    policy = fit_classifier(
        policy_features, labels, policy_c, legend_index.embedder.name, policy_meta
    )
    policy.save(refusal.REFUSAL_MODEL)

    # Fit: does the library cover the message? Answerable vs no-fit questions only.
    fit_rows = [
        (i.question, refusal.FITS if i.refusal is None else "no-fit")
        for i in dev
        if i.refusal in (None, "no-fit")
    ]
    fit_examples = [(text, "no-fit") for text, kind in examples if kind == "no-fit"]
    texts = fit_rows + fit_examples
    features = np.vstack(
        [
            refusal.fit_features(
                legend_index, text, legend_index.search(text, 3), legend_index.facets(text)
            )
            for text, _ in texts
        ]
    )
    is_dev = np.asarray([True] * len(fit_rows) + [False] * len(fit_examples))
    meta = {
        "fitted_on": ["dev", "refusal_examples.yaml"],
        "dev_items": len(fit_rows),
        "features": list(refusal.FIT_FEATURES),
    }
    # Few no-fit questions against many answerable ones: classes weighed equally.
    fit, fit_c, fit_accuracy = _fit_best(
        features, [label for _, label in texts], is_dev, "relevance features", meta, True
    )
    # No-fit: the mean of the two models' no-fit probabilities, cross-validated on dev.
    policy_oof = dict(
        zip(
            [q for q, _ in rows[: len(dev)]],
            _out_of_fold(policy_features, labels, policy_is_dev, policy_c),
            strict=True,
        )
    )
    fit_oof = _out_of_fold(features, [label for _, label in texts], is_dev, fit_c, True)
    scores = [
        (policy_oof[text]["no-fit"] + probabilities["no-fit"]) / 2
        for (text, _), probabilities in zip(fit_rows, fit_oof, strict=True)
    ]
    truth = [label == "no-fit" for _, label in fit_rows]
    threshold, recall, wrong = _choose_no_fit_threshold(scores, truth)
    fit.meta.update(
        no_fit_threshold=threshold,
        cv_no_fit_recall=round(recall, 4),
        cv_no_fit_wrong_refusal=round(wrong, 4),
    )
    fit.save(refusal.FIT_MODEL)
    refusal.reload()
    return {
        "policy": policy_meta,
        "fit": {"dev_items": len(fit_rows), "C": fit_c, "cv_accuracy": round(fit_accuracy, 4)}
        | {k: fit.meta[k] for k in ("no_fit_threshold", "cv_no_fit_recall")}
        | {"cv_no_fit_wrong_refusal": round(wrong, 4)},
        "examples": len(examples),
    }
