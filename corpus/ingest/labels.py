"""Themes, principles and industry of a new story, learned from the curated library.

The packaged legends are labelled data. Each is encoded as a vector (the MiniLM
sentence embeddings when the caller hands in an encoder, else TF-IDF over stems), and
scikit-learn fits one logistic regression per theme and per principle (one-vs-rest)
and a multinomial one for the industry. Each legend teaches with all it says (story,
lessons, advice, when its moves apply); in cross-validation a held-out legend is
labelled from its story alone, as an ingested story arrives, with the TF-IDF
vocabulary fitted on the training folds only. A label below a confidence floor is left
out rather than guessed; the floor is the one with the best out-of-fold micro-F1, and
the reported F1 grades each fold at a floor chosen on the other folds. A legend needs
one theme, so the most probable theme is kept even below its floor.

The same vectors find the curated legends nearest to a new story; their lessons are
offered only above a similarity floor, also chosen on the library (the lowest
similarity at which a legend's nearest neighbour shares most of its themes in at
least 80% of cases). The fitted model is cached per library fingerprint and encoder.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from corpus.schema import INDUSTRIES, THEMES, Legend
from corpus.text import similarity_stop_words, stems

Encoder = Callable[[list[str]], np.ndarray]
MAX_THEMES = 4
MODEL_VERSION = 4  # bump when the model code changes, so cached fits are not reused
MAX_PRINCIPLES = 4
C_BINARY = 4.0
MIN_POSITIVES = 3  # a label seen fewer times in the library cannot be learned
FOLDS = 5
FLOORS = tuple(round(x, 2) for x in np.arange(0.1, 0.91, 0.05))
NEIGHBOUR_PRECISION = 0.8


def legend_training_text(legend: Legend) -> str:
    """Everything a curated legend says about its themes: the story, its lessons, the
    advice and when each move applies (more words per legend teach the model more)."""
    moves = [move.when for move in legend.moves]
    return " ".join([legend_story_text(legend), *legend.lessons, legend.try_this, *moves])


def legend_story_text(legend: Legend) -> str:
    """Only the story, as a newly ingested one arrives (no lessons or advice yet): what
    cross-validation labels, so its figures match what ingestion will see."""
    return " ".join(
        [legend.title, legend.situation, legend.action, legend.outcome, legend.retelling]
    )


class TfidfEncoder:
    """TF-IDF over stems (no model needed): the fallback when no embedder is handed in."""

    name = "tfidf-stems"

    def __init__(self, texts: Sequence[str]):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._vectorizer = TfidfVectorizer(analyzer=_analyze, sublinear_tf=True, min_df=1)
        self._vectorizer.fit(list(texts))

    def __call__(self, texts: list[str]) -> np.ndarray:
        return self._vectorizer.transform(texts).toarray()


def _analyze(text: str) -> list[str]:
    stop = similarity_stop_words()
    return [stem for stem in stems(text) if stem not in stop and len(stem) > 1]


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms == 0, 1.0, norms)


@dataclass
class _MultiLabel:
    """One-vs-rest logistic regressions for a label set, with one confidence floor.

    (A floor per label was tried: the same cross-validated F1, so the simpler one stays.)"""

    labels: list[str]
    models: dict[str, object]
    floor: float
    limit: int

    def probabilities(self, vectors: np.ndarray) -> list[dict[str, float]]:
        if not self.models:
            return [{} for _ in range(len(vectors))]
        # Every label's logistic regression at once: sigmoid(x . w + b), as predict_proba.
        labels = list(self.models)
        weights, bias = _stacked([self.models[label] for label in labels])
        matrix = 1.0 / (1.0 + np.exp(-(vectors @ weights.T + bias)))
        return [dict(zip(labels, map(float, row), strict=True)) for row in matrix]

    def choose(self, probabilities: dict[str, float], keep_one: bool) -> list[str]:
        ranked = sorted(probabilities, key=lambda label: -probabilities[label])
        kept = [label for label in ranked if probabilities[label] >= self.floor][: self.limit]
        if not kept and keep_one and ranked:
            kept = ranked[:1]
        return kept


def _stacked(models: list) -> tuple[np.ndarray, np.ndarray]:
    """The weights and intercepts of binary logistic regressions as one matrix (cached)."""
    key = tuple(id(model) for model in models)
    cached = _STACKS.get(key)
    if cached is None or cached[0] is not models[0]:
        weights = np.vstack([model.coef_[0] for model in models])
        bias = np.array([model.intercept_[0] for model in models])
        cached = _STACKS[key] = (models[0], weights, bias)  # the model held: ids stay valid
    return cached[1], cached[2]


_STACKS: dict[tuple, tuple] = {}


def _fit_binary(vectors: np.ndarray, targets: np.ndarray):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C_BINARY, class_weight="balanced", solver="liblinear")
    model.fit(vectors, targets)
    return model


def _label_matrix(values: list[list[str]], labels: list[str]) -> np.ndarray:
    return np.array([[label in row for label in labels] for row in values], dtype=int)


def _learnable(values: list[list[str]], vocabulary: Sequence[str]) -> list[str]:
    counts = {label: sum(label in row for row in values) for label in vocabulary}
    return [label for label in vocabulary if MIN_POSITIVES <= counts[label] < len(values)]


def _folds(count: int) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import KFold

    splitter = KFold(n_splits=min(FOLDS, count), shuffle=True, random_state=0)
    return list(splitter.split(np.arange(count)))


EncoderFactory = Callable[[list[str]], Encoder]


@dataclass(frozen=True)
class _Training:
    """The library as training data: what each legend teaches (full text) and what a
    held-out legend is labelled from in cross-validation (its story only)."""

    teach: list[str]
    story: list[str]
    make_encoder: EncoderFactory

    def fold_vectors(self, train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Vectors of one fold, the encoder fitted on the training part only."""
        encode = self.make_encoder([self.teach[i] for i in train])
        return (
            _unit(np.asarray(encode([self.teach[i] for i in train]), dtype=float)),
            _unit(np.asarray(encode([self.story[i] for i in test]), dtype=float)),
        )


def _out_of_fold(
    training: _Training, values: list[list[str]], labels: list[str]
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Out-of-fold probability of each label for each legend (rows x labels), and the
    rows of each fold."""
    matrix = _label_matrix(values, labels)
    out = np.zeros(matrix.shape, dtype=float)
    folds = _folds(len(values))
    for train, test in folds:
        train_vectors, test_vectors = training.fold_vectors(train, test)
        for column, _label in enumerate(labels):
            targets = matrix[train, column]
            if targets.min() == targets.max():
                out[test, column] = float(targets[0])
                continue
            model = _fit_binary(train_vectors, targets)
            out[test, column] = model.predict_proba(test_vectors)[:, 1]
    return out, [test for _train, test in folds]


@dataclass(frozen=True)
class LabelScores:
    """Cross-validated quality of one label group at its chosen floor."""

    group: str
    floor: float
    precision: float
    recall: float
    f1: float
    labels: int


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _score_rows(
    probabilities: np.ndarray,
    values: list[list[str]],
    labels: list[str],
    rows: Sequence[int],
    chooser: _MultiLabel,
    keep_one: bool,
) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for row in rows:
        chosen = set(chooser.choose(dict(zip(labels, probabilities[row], strict=True)), keep_one))
        tp += len(chosen & set(values[row]))
        fp += len(chosen - set(values[row]))
        fn += len(set(values[row]) - chosen)
    return _f1(tp, fp, fn)


def _best_floor(
    probabilities: np.ndarray,
    values: list[list[str]],
    labels: list[str],
    rows: Sequence[int],
    limit: int,
    keep_one: bool,
) -> float:
    """The floor with the best micro-F1 over ``rows`` (ties: the higher floor)."""

    def f1(floor: float) -> float:
        chooser = _MultiLabel(labels, {}, floor, limit)
        return _score_rows(probabilities, values, labels, rows, chooser, keep_one)[2]

    return max(FLOORS, key=lambda floor: (f1(floor), floor))


def _nested_score(
    probabilities: np.ndarray,
    values: list[list[str]],
    labels: list[str],
    folds: list[np.ndarray],
    limit: int,
    keep_one: bool,
) -> tuple[float, float, float]:
    """Micro precision/recall/F1 with each fold's floors chosen on the other folds' rows,
    so the figure does not grade floors on the legends they were tuned on."""
    tp = fp = fn = 0
    for test in folds:
        rest = np.setdiff1d(np.arange(len(values)), test)
        floor = _best_floor(probabilities, values, labels, rest, limit, keep_one)
        chooser = _MultiLabel(labels, {}, floor, limit)
        for row in test:
            chosen = set(chooser.choose(dict(zip(labels, probabilities[row], strict=True)),
                                        keep_one))  # fmt: skip
            tp += len(chosen & set(values[row]))
            fp += len(chosen - set(values[row]))
            fn += len(set(values[row]) - chosen)
    return _f1(tp, fp, fn)


def _fit_group(
    group: str,
    training: _Training,
    vectors: np.ndarray,
    values: list[list[str]],
    vocabulary: Sequence[str],
    limit: int,
    keep_one: bool,
) -> tuple[_MultiLabel, LabelScores]:
    labels = _learnable(values, vocabulary)
    oof, folds = _out_of_fold(training, values, labels)
    precision, recall, f1 = _nested_score(oof, values, labels, folds, limit, keep_one)
    matrix = _label_matrix(values, labels)
    floor = _best_floor(oof, values, labels, range(len(values)), limit, keep_one)
    models = {label: _fit_binary(vectors, matrix[:, i]) for i, label in enumerate(labels)}
    return (
        _MultiLabel(labels, models, floor, limit),
        LabelScores(group, floor, precision, recall, f1, len(labels)),
    )


@dataclass
class Neighbour:
    """A curated legend close to a new story, and how close (cosine similarity)."""

    legend: Legend
    similarity: float


@dataclass
class Labels:
    """What the model says about one new story."""

    themes: list[str]
    principles: list[str]
    industry: str | None
    neighbours: list[Neighbour] = field(default_factory=list)
    lessons_fit: bool = False


@dataclass
class LabelModel:
    """Fitted label models over one library and one encoder."""

    encoder_name: str
    encode: Encoder
    legends: list[Legend]
    vectors: np.ndarray
    themes: _MultiLabel
    principles: _MultiLabel
    industry_model: object | None
    industry_floor: float
    neighbour_floor: float
    scores: list[LabelScores]

    def label(self, texts: list[str]) -> list[Labels]:
        """Themes, principles, industry and nearest curated legends for each text."""
        if not texts:
            return []
        vectors = _unit(np.asarray(self.encode(list(texts)), dtype=float))
        theme_probabilities = self.themes.probabilities(vectors)
        principle_probabilities = self.principles.probabilities(vectors)
        industries = self._industries(vectors)
        similarities = vectors @ self.vectors.T
        out = []
        for row in range(len(texts)):
            order = np.argsort(-similarities[row])[:3]
            neighbours = [Neighbour(self.legends[i], float(similarities[row, i])) for i in order]
            out.append(
                Labels(
                    themes=self.themes.choose(theme_probabilities[row], keep_one=True),
                    principles=self.principles.choose(principle_probabilities[row], False),
                    industry=industries[row],
                    neighbours=neighbours,
                    lessons_fit=bool(neighbours)
                    and neighbours[0].similarity >= self.neighbour_floor,
                )
            )
        return out

    def _industries(self, vectors: np.ndarray) -> list[str | None]:
        if self.industry_model is None:
            return [None] * len(vectors)
        # One-vs-rest, as OneVsRestClassifier.predict_proba: each class's sigmoid, normalised.
        weights, bias = _stacked(self.industry_model.estimators_)
        scores = 1.0 / (1.0 + np.exp(-(vectors @ weights.T + bias)))
        probabilities = scores / np.maximum(scores.sum(axis=1, keepdims=True), 1e-12)
        classes = list(self.industry_model.classes_)
        out: list[str | None] = []
        for row in probabilities:
            best = int(np.argmax(row))
            out.append(classes[best] if row[best] >= self.industry_floor else None)
        return out

    def summary(self) -> str:
        """The cross-validated figures, one line per label group."""
        lines = [f"label model ({self.encoder_name}, {len(self.legends)} curated legends, "
                 f"{FOLDS}-fold cross-validation):"]  # fmt: skip
        for score in self.scores:
            lines.append(
                f"  {score.group}: floor {score.floor:.2f}, precision {score.precision:.3f}, "
                f"recall {score.recall:.3f}, F1 {score.f1:.3f} ({score.labels} labels learnable)"
            )
        lines.append(f"  lessons borrowed from the nearest legend above similarity "
                     f"{self.neighbour_floor:.2f}")  # fmt: skip
        return "\n".join(lines)


def _fit_industry(
    vectors: np.ndarray, industries: list[str]
) -> tuple[object | None, float, LabelScores]:
    counts = {name: industries.count(name) for name in set(industries)}
    keep = [i for i, name in enumerate(industries) if counts[name] >= 2]
    if len({industries[i] for i in keep}) < 2:
        return None, 1.0, LabelScores("industry", 1.0, 0.0, 0.0, 0.0, 0)
    x, y = vectors[keep], [industries[i] for i in keep]
    oof_best: list[tuple[str, float]] = [("", 0.0)] * len(y)
    for train, test in _folds(len(y)):
        classes = {y[i] for i in train}
        if len(classes) < 2:
            continue
        model = _industry_classifier().fit(x[train], [y[i] for i in train])
        for index, row in zip(test, model.predict_proba(x[test]), strict=True):
            best = int(np.argmax(row))
            oof_best[index] = (model.classes_[best], float(row[best]))

    def score(floor: float) -> tuple[float, float, float]:
        answered = [(p, y[i]) for i, (p, c) in enumerate(oof_best) if c >= floor and p]
        right = sum(1 for p, truth in answered if p == truth)
        precision = right / len(answered) if answered else 0.0
        recall = right / len(y)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    floor = max(FLOORS, key=lambda f: (score(f)[2], f))
    model = _industry_classifier().fit(x, y)
    precision, recall, f1 = score(floor)
    return model, floor, LabelScores("industry", floor, precision, recall, f1, len(set(y)))


def _industry_classifier():
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    return OneVsRestClassifier(
        LogisticRegression(C=C_BINARY, class_weight="balanced", solver="liblinear")
    )


def _neighbour_floor(
    vectors: np.ndarray, story_vectors: np.ndarray, legends: list[Legend]
) -> float:
    """The lowest similarity at which the nearest other legend shares most themes (80%).

    Each legend's story alone is compared with the others' full texts, as a newly
    ingested story will be."""
    similarities = story_vectors @ vectors.T
    np.fill_diagonal(similarities, -1.0)
    pairs = []
    for row, legend in enumerate(legends):
        nearest = int(np.argmax(similarities[row]))
        mine, theirs = set(legend.themes), set(legends[nearest].themes)
        fits = len(mine & theirs) / len(mine | theirs) >= 0.5
        pairs.append((float(similarities[row, nearest]), fits))
    for floor in sorted({round(s, 2) for s, _ in pairs}):
        above = [fits for s, fits in pairs if s >= floor]
        if len(above) >= 5 and sum(above) / len(above) >= NEIGHBOUR_PRECISION:
            return floor
    return 1.01  # no similarity is trustworthy: lessons are never borrowed


def fit_label_model(
    legends: list[Legend], encode: Encoder | None = None, name: str = ""
) -> LabelModel:
    """Fit every label model on ``legends`` (curated ones), choosing floors by cross-validation."""
    curated = [legend for legend in legends if legend.origin == "curated"]
    texts = [legend_training_text(legend) for legend in curated]
    given = encode
    training = _Training(
        teach=texts,
        story=[legend_story_text(legend) for legend in curated],
        make_encoder=TfidfEncoder if given is None else (lambda _texts: given),
    )
    if encode is None:
        encode = TfidfEncoder(texts)
        name = TfidfEncoder.name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter on tiny folds
        vectors = _unit(np.asarray(encode(texts), dtype=float))
        themes, theme_scores = _fit_group(
            "themes",
            training,
            vectors,
            [list(lg.themes) for lg in curated],
            THEMES,
            MAX_THEMES,
            True,
        )
        vocabulary = sorted({p for lg in curated for p in lg.principles})
        principles, principle_scores = _fit_group(
            "principles",
            training,
            vectors,
            [list(lg.principles) for lg in curated],
            vocabulary,
            MAX_PRINCIPLES,
            False,
        )
        industry_model, industry_floor, industry_scores = _fit_industry(
            vectors, [lg.industry or "other" for lg in curated]
        )
    return LabelModel(
        encoder_name=name or getattr(encode, "name", "encoder"),
        encode=encode,
        legends=curated,
        vectors=vectors,
        themes=themes,
        principles=principles,
        industry_model=industry_model,
        industry_floor=industry_floor,
        neighbour_floor=_neighbour_floor(
            vectors, _unit(np.asarray(encode(training.story), dtype=float)), curated
        ),
        scores=[theme_scores, principle_scores, industry_scores],
    )


def library_fingerprint(legends: list[Legend]) -> str:
    """A hash of what the label models learn from: changes when the library does."""
    digest = hashlib.sha256()
    for legend in sorted(legends, key=lambda lg: lg.id):
        digest.update(legend.model_dump_json(include=TRAINED_FIELDS).encode())
    return digest.hexdigest()[:16]


TRAINED_FIELDS = {"id", "themes", "principles", "industry", "title", "situation", "action",
                  "outcome", "retelling", "lessons", "try_this", "moves"}  # fmt: skip
_CACHE: dict[tuple[str, str], LabelModel] = {}


def label_model(legends: list[Legend], encode: Encoder | None = None, name: str = "") -> LabelModel:
    """The fitted model for this library and encoder: fitted once per library fingerprint,
    kept in memory and (for the built-in TF-IDF encoder) in the cache folder."""
    curated = [legend for legend in legends if legend.origin == "curated"]
    key = (library_fingerprint(curated), name if encode is not None else TfidfEncoder.name)
    model = _CACHE.get(key)
    if model is None:
        cached = _cache_file(key) if encode is None else None
        model = _read_cached(cached) if cached else None
        if model is None:
            model = fit_label_model(curated, encode, name)
            if cached:
                _write_cached(cached, model)
        _CACHE[key] = model
    return model


def _cache_file(key: tuple[str, str]) -> Path | None:
    try:
        from corpus.settings import get_settings

        return get_settings().cache_dir / "labels" / f"{key[1]}-{key[0]}-{MODEL_VERSION}.pkl"
    except Exception:  # noqa: BLE001 - no usable cache folder: fit in memory only
        return None


def _read_cached(path: Path) -> LabelModel | None:
    try:
        with path.open("rb") as handle:
            model = pickle.load(handle)  # noqa: S301 - our own file in our cache folder
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    return model if isinstance(model, LabelModel) else None


def _write_cached(path: Path, model: LabelModel) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(f".{os.getpid()}.tmp")
        with temp.open("wb") as handle:
            pickle.dump(model, handle)
        os.replace(temp, path)
    except (OSError, pickle.PicklingError):
        pass  # the cache is an optimisation: the model was fitted and is used anyway


def packaged() -> list[Legend]:
    """The packaged library's legends (loaded once per process and change)."""
    from corpus.library_cache import packaged_legends

    return packaged_legends()


def cross_validate(encode: Encoder | None = None, name: str = "") -> LabelModel:
    """The model over the packaged library; its ``summary()`` gives the cross-validated figures."""
    return label_model(packaged(), encode, name)


LabelsFor = Callable[[list[str]], list[Labels]]
INDUSTRY_NAMES = INDUSTRIES
