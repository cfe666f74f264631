"""Ingest a user's files into the user corpus: read, split, deduplicate, label, write.

For each input file: read it (:mod:`readers`), find its stories (:mod:`splitter`,
or the rows of a batch), and for each story either merge it as an extra source
into the legend that already tells it (the same named company and a high similarity
on the story itself, see :mod:`corpus.similarity`), or build a new legend
(:mod:`builder`, labelled by :mod:`labels`). A file whose exact content a legend
already cites changes nothing (re-ingesting is idempotent). All legend files of
one input are written (atomically, under the corpus lock) before the next input is
read. Indexing is the caller's job: this layer must not import ``index/``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from corpus.ingest.builder import Candidate, build_legend, story_text
from corpus.ingest.company import CompanyGuess, detect_company, known_industry
from corpus.ingest.injection import is_instruction
from corpus.ingest.labels import LabelModel, label_model, packaged
from corpus.ingest.readers import Document, IngestError, Row, read_document
from corpus.ingest.splitter import names_provider, past_verbs, split_stories
from corpus.ingest.writer import corpus_lock, write_legend
from corpus.library_cache import load_folder
from corpus.loader import load_corpus
from corpus.schema import INGESTED_WORDS, Legend, Source
from corpus.settings import Settings, get_settings
from corpus.similarity import (
    SimilarityModel,
    company_relation,
    content_words,
    is_same_story,
    legend_words,
)

PUBLISHER = "Ingested file"
MIN_TRAINING = 30  # curated legends needed to learn labels from the configured library


@dataclass
class FileReport:
    """What happened to one input file."""

    path: str
    added: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the human output."""
        parts = []
        for label, ids in (("added", self.added), ("merged", self.merged)):
            if ids:
                parts.append(f"{len(ids)} {label} ({', '.join(ids)})")
        if self.unchanged:
            parts.append(f"{len(self.unchanged)} unchanged")
        if self.errors:
            parts.append(f"{len(self.errors)} error(s): " + "; ".join(self.errors))
        return f"{self.path}: " + (", ".join(parts) or "nothing to ingest")


@dataclass
class IngestReport:
    """What one ``legends ingest`` run did, by legend id and by file."""

    files: list[FileReport] = field(default_factory=list)

    def _ids(self, attribute: str) -> list[str]:
        out: list[str] = []
        for report in self.files:
            for legend_id in getattr(report, attribute):
                if legend_id not in out:
                    out.append(legend_id)
        return out

    @property
    def added(self) -> list[str]:
        return self._ids("added")

    @property
    def merged(self) -> list[str]:
        return self._ids("merged")

    @property
    def unchanged(self) -> list[str]:
        # A legend added or merged by another file of this run did change.
        changed = set(self.added) | set(self.merged)
        return [i for i in self._ids("unchanged") if i not in changed]

    @property
    def errors(self) -> list[dict]:
        return [{"path": r.path, "error": e} for r in self.files for e in r.errors]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.merged)

    def to_json(self) -> dict:
        """Exactly the ``--json`` shape: added, merged, unchanged, errors."""
        return {
            "added": self.added,
            "merged": self.merged,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }


_WORDS: dict[int, tuple[Legend, set[str]]] = {}


def _words_of(legend: Legend) -> set[str]:
    """Content words of a legend, worked out once per legend object (the library's are
    loaded once per process, so their words are too)."""
    cached = _WORDS.get(id(legend))
    if cached is not None and cached[0] is legend:
        return cached[1]
    if len(_WORDS) > 20_000:
        _WORDS.clear()
    words = legend_words(legend)
    _WORDS[id(legend)] = (legend, words)  # the legend is held, so its id is not reused
    return words


@dataclass
class _Entry:
    legend: Legend
    words: set[str]


class _Corpus:
    """The legends known during a run: the loaded corpus plus what this run wrote."""

    def __init__(self, settings: Settings):
        self.settings = settings
        # The library is parsed once per process (and change); the user's corpus afresh,
        # its legends overriding library ones of the same id, as load_corpus does.
        library = load_folder(settings.library_dir)
        user = load_corpus([settings.user_corpus_dir])
        self.entries: dict[str, _Entry] = {}
        for item in [*library.legends, *user.legends]:
            self.entries[item.legend.id] = _Entry(item.legend, _words_of(item.legend))
        # Ids of legends whose files are broken still count as taken.
        problems = [*library.problems, *user.problems]
        self.taken = set(self.entries) | {p.path.stem for p in problems}
        self._labels: LabelModel | None = None
        # Ids of the legends that already cite the file being ingested.
        self.cited_here: list[str] = []

    @property
    def labels(self) -> LabelModel:
        """The label model over the curated legends (fitted once per library fingerprint)."""
        if self._labels is None:
            curated = [e.legend for e in self.entries.values() if e.legend.origin == "curated"]
            # A library too small to learn from (an empty test library, a handful of
            # legends) borrows the packaged library's labels instead.
            self._labels = label_model(curated if len(curated) >= MIN_TRAINING else packaged())
        return self._labels

    def put(self, legend: Legend) -> None:
        self.entries[legend.id] = _Entry(legend, _words_of(legend))
        self.taken.add(legend.id)

    def citing(self, checksum: str) -> list[str]:
        """Ids of the legends that already cite the file with this exact content."""
        return [
            legend_id
            for legend_id, entry in self.entries.items()
            if any(source.checksum == checksum for source in entry.legend.sources)
        ]

    def already_told(self, text: str) -> Legend | None:
        """The legend citing the current file that tells ``text``, whatever its company."""
        if not self.cited_here:
            return None
        words = content_words(text)
        here = [self.entries[i] for i in self.cited_here if i in self.entries]
        model = SimilarityModel([e.words for e in self.entries.values()] + [words])
        score, legend = max(((model.score(words, e.words), e.legend) for e in here),
                            key=lambda pair: pair[0])  # fmt: skip
        return legend if is_same_story(score, True) else None

    def find_same_story(self, text: str, company: str) -> Legend | None:
        """The legend of the same named company telling the same story as ``text``, if any."""
        words = content_words(text, exclude=[company])
        same_company = [
            e for e in self.entries.values() if company_relation(company, e.legend.company)
        ]
        if not same_company:
            return None
        model = SimilarityModel([e.words for e in self.entries.values()] + [words])
        scored = [(model.score(words, e.words), e.legend) for e in same_company]
        score, legend = max(scored, key=lambda pair: pair[0])
        return legend if is_same_story(score, True) else None


def ingest_paths(paths: Iterable[Path], settings: Settings | None = None) -> IngestReport:
    """Ingest every file in ``paths`` into the user corpus; never raises for a bad file.

    The whole run holds the corpus lock (:func:`corpus_lock`): the corpus is loaded, ids
    are allocated and files written by one process at a time.
    """
    settings = settings or get_settings()
    with corpus_lock(settings):
        return _ingest_locked(paths, settings)


def _ingest_locked(paths: Iterable[Path], settings: Settings) -> IngestReport:
    corpus = _Corpus(settings)
    report = IngestReport()
    for path in paths:
        file_report = FileReport(str(path))
        report.files.append(file_report)
        try:
            document = read_document(Path(path))
        except IngestError as error:
            file_report.errors.append(str(error))
            continue
        # Legends already citing this very content: each of its stories found among them
        # is unchanged. The file is still split, so a run killed between two of one file's
        # legend writes is completed by the next run instead of skipped as done.
        corpus.cited_here = corpus.citing(document.checksum)
        pending: dict[str, Legend] = {}
        _ingest_document(document, corpus, pending, file_report)
        try:
            for legend in pending.values():
                write_legend(settings.user_corpus_dir, legend)
        except OSError as error:
            file_report.errors.append(f"could not write legend files ({error.strerror or error})")
            file_report.added.clear()
            file_report.merged.clear()
    return report


def _ingest_document(
    document: Document, corpus: _Corpus, pending: dict[str, Legend], report: FileReport
) -> None:
    report.errors.extend(document.row_errors)
    if document.legend is not None:
        _ingest_legend(document.legend, corpus, pending, report)
        return
    try:
        candidates = _candidates(document)
    except IngestError as error:
        report.errors.append(str(error))
        return
    told = [" ".join(story_text(candidate)[1]) or candidate.text for candidate in candidates]
    labels = corpus.labels.label(told)
    single = len(candidates) == 1
    for candidate, text, label in zip(candidates, told, labels, strict=True):
        _ingest_candidate(candidate, text, label, single, corpus, pending, report)


def _source(document: Document, row: Row | None = None) -> Source:
    hints = row or document.hints
    url = hints.source_url if hints and hints.source_url else None
    date = (hints.date if hints and hints.date else None) or document.date
    title = row.title if row and row.title else document.title
    if is_instruction(title):  # an order to a model is not a title to cite
        title = document.path.name
    return Source(
        title=title[:200],
        publisher=(document.publisher or PUBLISHER)[:200],
        url=url if url and url.startswith(("http://", "https://")) else None,
        file=document.path.name,
        checksum=document.checksum,
        date=date,
    )


def _company(name: str | None, text: str, excluded: list[str]) -> CompanyGuess:
    if not name:
        return detect_company(text, excluded)
    return CompanyGuess(name, known_industry(name))


def _candidates(document: Document) -> list[Candidate]:
    excluded = document.not_companies
    if document.is_batch:
        return [
            Candidate(
                text=row.text,
                company=_company(row.company, row.text, excluded),
                source=_source(document, row),
                title=row.title,
                themes=row.themes,
                industry=row.industry,
                line=row.line,
                excluded=excluded,
            )
            for row in document.rows
        ]
    hints = document.hints
    stories = split_stories(document.text, excluded)
    if not stories:
        # A short file holding one story of the user's own (perhaps naming no company)
        # is taken whole, as long as it reads as a narrative.
        words = len(document.text.split())
        if INGESTED_WORDS[0] <= words <= INGESTED_WORDS[1] and (
            len(past_verbs(document.text)) >= 2 or names_provider(document.text)
        ):
            return [
                Candidate(
                    text=document.text,
                    company=_company(hints.company if hints else None, document.text, excluded),
                    source=_source(document),
                    title=hints.title if hints else None,
                    themes=hints.themes if hints else [],
                    excluded=excluded,
                )
            ]
        raise IngestError(
            "no customer-service story found (looked for past-tense accounts of a company "
            "and its customers or staff)"
        )
    # Front-matter hints (company, title, themes) describe the file's one story; they
    # cannot be pinned on any one story of a file that holds several.
    single = hints if hints and len(stories) == 1 else None
    if len(stories) == 1 and stories[0].company.guessed:
        # The article's one story is about the organisation the article names, even when
        # the name stands in a paragraph the splitter left out ("Cohen flies for X Air.").
        stories[0].company = detect_company(document.text, excluded)
    return [
        Candidate(
            text=story.text,
            company=_company(single.company, story.text, excluded)
            if single and single.company
            else story.company,
            source=_source(document),
            title=single.title if single else None,
            themes=single.themes if single else [],
            heading=story.heading,
            excluded=excluded,
        )
        for story in stories
    ]


def _with_source(legend: Legend, source: Source) -> Legend | None:
    """``legend`` citing ``source`` too, or None when it already cites that very file."""
    sources = list(legend.sources)
    for index, existing in enumerate(sources):
        if existing == source:
            return None
        if existing.checksum and existing.checksum == source.checksum:
            return None
        if existing.file and existing.file == source.file:
            # Same file name, new content: refresh the entry instead of adding another.
            sources[index] = source
            return legend.model_copy(update={"sources": sources})
    return legend.model_copy(update={"sources": [*sources, source]})


def _ingest_candidate(
    candidate: Candidate,
    text: str,
    labels,
    single: bool,
    corpus: _Corpus,
    pending: dict[str, Legend],
    report: FileReport,
) -> None:
    told = corpus.already_told(text)
    if told is not None:
        _note(report.unchanged, told.id)
        return
    same = corpus.find_same_story(text, candidate.company.name)
    if same is not None:
        updated = _with_source(same, candidate.source)
        if updated is None:
            _note(report.unchanged, same.id)
            return
        corpus.put(updated)
        pending[updated.id] = updated
        if same.id not in report.added:
            _note(report.merged, same.id)
        return
    try:
        legend = build_legend(candidate, labels, corpus.taken, single)
    except IngestError as error:
        report.errors.append(_row_prefix(candidate) + str(error))
        return
    except ValidationError as error:
        first = error.errors()[0]
        field_name = ".".join(str(p) for p in first["loc"]) or "legend"
        report.errors.append(f"{_row_prefix(candidate)}{field_name}: {first['msg']}")
        return
    corpus.put(legend)
    pending[legend.id] = legend
    _note(report.added, legend.id)


def _row_prefix(candidate: Candidate) -> str:
    return f"line {candidate.line}: " if candidate.line else ""


def _ingest_legend(
    legend: Legend, corpus: _Corpus, pending: dict[str, Legend], report: FileReport
) -> None:
    existing = corpus.entries.get(legend.id)
    if existing is not None:
        if existing.legend == legend:
            _note(report.unchanged, legend.id)
        else:
            report.errors.append(
                f"a different legend with id '{legend.id}' already exists; "
                "change the id or remove the existing legend first"
            )
        return
    same = corpus.find_same_story(legend.retelling, legend.company)
    if same is not None:
        merged = same
        for source in legend.sources:
            merged = _with_source(merged, source) or merged
        if merged == same:
            _note(report.unchanged, same.id)
            return
        corpus.put(merged)
        pending[merged.id] = merged
        _note(report.merged, merged.id)
        return
    corpus.put(legend)
    pending[legend.id] = legend
    _note(report.added, legend.id)


def _note(ids: list[str], legend_id: str) -> None:
    if legend_id not in ids:
        ids.append(legend_id)
