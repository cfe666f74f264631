"""Decide whether to refuse a new question, and which honest answer to give.

Two fitted decisions, both logistic regressions trained on the dev split and
``refusal_examples.yaml`` by ``legends fit`` and shipped as JSON:

- the policy model (``refusal_model.json``) reads the message's MiniLM embedding (the
  vector the search already computed) and word cues (``refusal_cues.yaml``): answer,
  no-fit (off-topic), or a request refused whatever the library holds: personal-data,
  invention, instructions, abuse;
- the fit model (``fit_model.json``) reads how well the library covers the message
  (learned relevance, cosine, BM25, a named theme or company): fits or no-fit.
  A question is refused as no-fit when the mean of the two models' no-fit probabilities
  reaches a threshold chosen on dev (at most 1% of answerable dev questions refused).

A question that names a theme or principle the library covers is never refused as no-fit.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import cache
from pathlib import Path

import numpy as np
import yaml

from assistant.linear_model import LinearClassifier, load_classifier
from assistant.word_cues import cue_features
from corpus.schema import THEMES
from index.legend_index import LegendIndex, SearchHit
from index.query_facets import QueryFacets, named_topics
from index.relevance import DEFAULT_MIN_RELEVANCE

REFUSAL_MODEL = Path(__file__).with_name("refusal_model.json")
FIT_MODEL = Path(__file__).with_name("fit_model.json")
REFUSAL_EXAMPLES = Path(__file__).with_name("refusal_examples.yaml")
REFUSAL_CUES = Path(__file__).with_name("refusal_cues.yaml")
REFUSAL_TEXTS = Path(__file__).parent / "prompts" / "refusals.yaml"
ANSWER = "answer"
FITS = "fits"
# Requests refused whatever the library holds (the policy model also knows ANSWER, no-fit).
POLICY_KINDS = ("personal-data", "invention", "instructions", "abuse")
# How many of the best legends' themes are offered as the nearest when nothing fits.
NEAREST_THEMES = 3
# What the fit model reads about how well the library covers a message, in order.
FIT_FEATURES = (
    "top_relevance",  # the learned probability that the best legend fits strongly
    "second_relevance",
    "top_score",  # the learned ranker's score of the best legend
    "top_cosine",  # the best cosine of any legend view
    "top_bm25",  # log(1 + the best BM25 score)
    "names_theme",  # names a covered theme or principle as a topic
    "names_company",  # names a company in the library
)


def fit_features(
    legend_index: LegendIndex, message: str, hits: list[SearchHit], facets: QueryFacets
) -> np.ndarray:
    """How well the library covers ``message``: see :data:`FIT_FEATURES`."""
    relevances = [hit.relevance for hit in hits[:2]] + [0.0, 0.0]
    top_cosine, top_keyword = legend_index.evidence(message)
    return np.asarray(
        [
            relevances[0],
            relevances[1],
            hits[0].score if hits else -10.0,
            top_cosine,
            math.log1p(top_keyword),
            float(bool(named_topics(message))),
            float(bool(facets.companies)),
        ],
        dtype=np.float64,
    )


def policy_features(message: str, vector) -> np.ndarray:
    """What the policy model reads: the message's unit-length embedding and its word cues."""
    cues = cue_features(message, REFUSAL_CUES)
    return np.concatenate([np.asarray(vector, dtype=np.float64), cues])


@cache
def _policy_model(dimension: int) -> LinearClassifier | None:
    return load_classifier(REFUSAL_MODEL, dimension)


@cache
def _fit_model() -> LinearClassifier | None:
    return load_classifier(FIT_MODEL, len(FIT_FEATURES))


def reload() -> None:
    """Forget the loaded weights (after ``legends fit`` rewrote them)."""
    _policy_model.cache_clear()
    _fit_model.cache_clear()


def no_fit_score(
    legend_index: LegendIndex,
    message: str,
    hits: list[SearchHit],
    facets: QueryFacets,
    policy_no_fit: float,
) -> tuple[float, float]:
    """(score, threshold): the mean of the policy model's and the fit model's no-fit
    probabilities, and the threshold fitted on dev. Without vectors (degraded search) the
    relevance is on the older cosine-like scale and the calibrated threshold decides."""
    model = _fit_model()
    if legend_index.degraded or model is None:
        return float(hits[0].relevance < DEFAULT_MIN_RELEVANCE), 0.5
    features = fit_features(legend_index, message, hits, facets)
    fit_no_fit = model.probabilities(features)["no-fit"]
    return (policy_no_fit + fit_no_fit) / 2, float(model.meta.get("no_fit_threshold", 0.5))


def decide_refusal(
    legend_index: LegendIndex,
    message: str,
    vector,
    hits: list[SearchHit],
    facets: QueryFacets | None = None,
) -> str | None:
    """The refusal kind for a new question, or None to answer it.

    Personal data, invention, instructions and abuse are refused on the message alone.
    No-fit weighs the message (policy model) and the library's evidence (fit model)
    together; a message naming a covered theme is never refused as no-fit.
    """
    if not hits:
        return "no-fit"
    features = policy_features(message, vector)
    model = _policy_model(len(features))
    if model is None:  # another embedding model: the calibrated threshold decides
        return "no-fit" if hits[0].relevance < DEFAULT_MIN_RELEVANCE else None
    probabilities = model.probabilities(features)
    kind = max(POLICY_KINDS, key=probabilities.__getitem__)
    if probabilities[kind] >= float(model.meta.get("policy_threshold", 0.5)):
        return kind
    if named_topics(message):
        return None
    facets = facets if facets is not None else legend_index.facets(message)
    score, threshold = no_fit_score(legend_index, message, hits, facets, probabilities["no-fit"])
    return "no-fit" if score >= threshold else None


@cache
def _texts() -> dict[str, str]:
    return yaml.safe_load(REFUSAL_TEXTS.read_text(encoding="utf-8"))


def nearest_themes(hits: list[SearchHit]) -> list[str]:
    """The covered themes most common among the best (if unfitting) legends."""
    counts = Counter(theme for hit in hits[:5] for theme in hit.legend.themes)
    return [theme for theme, _ in counts.most_common(NEAREST_THEMES)]


def refusal_answer(kind: str, hits: list[SearchHit]) -> str:
    """The honest answer for ``kind`` (see ``prompts/refusals.yaml``)."""
    nearest = nearest_themes(hits) or list(THEMES[:NEAREST_THEMES])
    return _texts()[kind].format(
        nearest=", ".join(theme.replace("-", " ") for theme in nearest),
        themes=", ".join(theme.replace("-", " ") for theme in THEMES),
    )
