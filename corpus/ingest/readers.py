"""Read the files a user ingests: Markdown, text, HTML, PDF, and JSONL/CSV batches.

Each reader returns a :class:`Document`: either free text (an article or a single
story, split later) or ready-made rows (batches: one story per row), or a legend
that a Markdown file already defines in valid front matter. Every problem with a
file is an :class:`IngestError` carrying a message meant for the user.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from corpus.safe_parse import ParseRefused, load_front_matter, loads_json
from corpus.schema import Legend

MAX_BYTES = 10 * 1024 * 1024
TEXT_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm")
SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, ".pdf", ".jsonl", ".csv")

RULES_FILE = Path(__file__).with_name("readers.yaml")


@cache
def row_keys() -> dict[str, tuple[str, ...]]:
    """Column / key names accepted in batches, by field (first match wins): readers.yaml."""
    raw = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))["row_keys"]
    return {name: tuple(str(key).casefold() for key in keys) for name, keys in raw.items()}


class IngestError(Exception):
    """A file (or a row of a batch) that cannot be ingested, with a message for the user."""


@dataclass
class Row:
    """One story from a batch file, or hints taken from a Markdown file's front matter."""

    text: str
    company: str | None = None
    title: str | None = None
    source_url: str | None = None
    date: str | None = None
    themes: list[str] = field(default_factory=list)
    industry: str | None = None
    line: int | None = None


@dataclass
class Document:
    """What was read from one input file."""

    path: Path
    checksum: str
    title: str
    text: str = ""
    rows: list[Row] = field(default_factory=list)
    row_errors: list[str] = field(default_factory=list)
    legend: Legend | None = None
    hints: Row | None = None
    date: str | None = None
    publisher: str | None = None  # the site that published the page, when known

    @property
    def source_url(self) -> str | None:
        """The page the document came from (a ``Source:`` line, canonical URL, front matter)."""
        return self.hints.source_url if self.hints else None

    @property
    def not_companies(self) -> list[str]:
        """Names that are the page's publisher or web domain: never a story's company."""
        names = [self.publisher] if self.publisher else []
        host = url_host(self.source_url)
        if host:
            names += [host, host.split(".")[0]]
        return names

    @property
    def is_batch(self) -> bool:
        return self.path.suffix.lower() in (".jsonl", ".csv")


def read_document(path: Path) -> Document:
    """Read one input file; raise :class:`IngestError` saying what is wrong with it."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise IngestError("no such file")
    if path.is_dir():
        raise IngestError("is a directory, not a file")
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(
            f"unsupported file type '{suffix or '(none)'}'; use one of: "
            + ", ".join(SUPPORTED_SUFFIXES)
        )
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise IngestError(f"is too large ({size / 1_048_576:.1f} MB; the limit is 10 MB)")
        data = path.read_bytes()
    except PermissionError:
        raise IngestError("cannot be read (permission denied)") from None
    except OSError as error:
        raise IngestError(f"cannot be read ({error.strerror or error})") from None
    if not data.strip():
        raise IngestError("is empty")
    checksum = hashlib.sha256(data).hexdigest()
    if suffix == ".pdf":
        return _read_pdf(path, data, checksum)
    text = _decode(data)
    if suffix in (".md", ".markdown"):
        return _read_markdown(path, text, checksum)
    if suffix in (".html", ".htm"):
        return _read_html(path, text, checksum)
    if suffix == ".jsonl":
        return _read_jsonl(path, text, checksum)
    if suffix == ".csv":
        return _read_csv(path, text, checksum)
    text, url = split_source_line(text)
    hints = Row(text="", source_url=url) if url else None
    return Document(
        path,
        checksum,
        _first_line_title(text, path),
        text=text,
        date=_byline_date(text),
        hints=hints,
        publisher=url_host(url),
    )


# "Source: https://..." or "URL: https://..." on a line of its own: where the text came from.
_SOURCE_LINE = re.compile(
    r"^(?:source|url|link|original|from)[ \t]*:[ \t]*<?(https?://[^\s>]+)>?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


def split_source_line(text: str) -> tuple[str, str | None]:
    """``text`` without its ``Source:``/``URL:`` line, and the URL that line gave (the last).

    A front-matter block pasted at the top of a text file is not where the text came
    from: its lines are never read as the source.
    """
    fence = _FENCED_BLOCK.match(text)
    head, rest = (text[: fence.end()], text[fence.end() :]) if fence else ("", text)
    urls = _SOURCE_LINE.findall(rest)
    if not urls:
        return text, None
    return head + _SOURCE_LINE.sub("", rest).strip() + "\n", urls[-1].rstrip(".,;)")


def url_host(url: str | None) -> str | None:
    """The host of ``url`` without ``www.``: 'https://www.ktvu.com/news' -> 'ktvu.com'."""
    if not url:
        return None
    match = re.match(r"https?://(?:www\.)?([^/:?#]+)", url, re.IGNORECASE)
    return match.group(1).casefold() if match else None


def _decode(data: bytes) -> str:
    # NUL bytes never occur in text files; undecodable bytes mean a binary or a
    # non-UTF-8 file that we would only turn into garbage.
    if b"\x00" in data[:8192]:
        raise IngestError("looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise IngestError("is not UTF-8 text (binary, or another encoding)") from None


_FENCED_BLOCK = re.compile(r"\A\s*---[ \t]*\n.*?\n---[ \t]*(?:\n|\Z)", re.DOTALL)


def _first_line_title(text: str, path: Path) -> str:
    # A front-matter block pasted into a text file is not its title ("id: fake-legend").
    text = _FENCED_BLOCK.sub("", text, count=1)
    for line in text.splitlines():
        line = re.sub(r"^\s*#+\s*", "", line).strip()
        if 2 <= len(line.split()) <= 16 and not line.startswith(("•", "-", "*")):
            return line
    return path.stem


_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_DATE = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? (\d{1,2}), (\d{4})\s+By\b"
)


def _byline_date(text: str) -> str | None:
    """The date of a byline like 'Jul 15, 2013 By Shep Hyken', as YYYY-MM-DD."""
    match = _DATE.search(text)
    if not match:
        return None
    month = _MONTHS.index(match.group(1).lower()[:3]) + 1
    return f"{match.group(3)}-{month:02d}-{int(match.group(2)):02d}"


def _strip_markdown(text: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # images
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links -> their text
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)", r"\1", text)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"^\s*>\s?", "", text, flags=re.MULTILINE)
    return text


def _read_markdown(path: Path, text: str, checksum: str) -> Document:
    metadata: dict = {}
    body = text
    if text.lstrip().startswith("---"):
        try:
            metadata, body = load_front_matter(text)  # size, alias and depth caps
        except ParseRefused as refused:
            raise IngestError(f"has front matter that {refused}") from None
        except yaml.YAMLError:
            raise IngestError("has front matter that is not valid YAML") from None
    if metadata.get("id") and metadata.get("sources"):
        # It claims to be a legend file: take it as is, or say why it is not valid.
        try:
            legend = Legend.model_validate({**metadata, "retelling": body})
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "front matter"
            raise IngestError(f"looks like a legend file but {where}: {first['msg']}") from None
        return Document(path, checksum, legend.title, legend=legend)
    hints = Row(
        text="",
        company=_text_or_none(metadata.get("company")),
        title=_text_or_none(metadata.get("title")),
        source_url=_text_or_none(metadata.get("source_url") or metadata.get("url")),
        date=_date_text(metadata.get("date")),
        themes=_themes(metadata.get("themes")),
    )
    plain, url = split_source_line(_strip_markdown(body))
    hints.source_url = hints.source_url or url
    title = hints.title or _first_line_title(plain, path)
    return Document(
        path,
        checksum,
        title,
        text=plain,
        hints=hints,
        date=hints.date,
        publisher=_text_or_none(metadata.get("publisher")) or url_host(hints.source_url),
    )


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_UNSEEN_TAGS = ("script", "style", "noscript", "template")


def _is_hidden(element) -> bool:
    if element.tag in _UNSEEN_TAGS or element.get("hidden") is not None:
        return True
    if (element.get("aria-hidden") or "").strip().casefold() == "true":
        return True
    return bool(_HIDDEN_STYLE.search(element.get("style") or ""))


def _visible_html(html: str) -> str:
    """The page without the elements a reader never sees.

    Hidden text is no part of the article the user chose to ingest, and it is where a
    page would hide orders for a model or a fake company name (trafilatura keeps it).
    Text hidden by a stylesheet class cannot be told apart without rendering the page.
    """
    import lxml.etree
    import lxml.html

    try:
        parser = lxml.html.HTMLParser(encoding="utf-8")
        root = lxml.html.document_fromstring(html.encode("utf-8"), parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return html
    for element in root.xpath(
        "//*[@hidden or @aria-hidden or @style] | " + " | ".join(f"//{tag}" for tag in _UNSEEN_TAGS)
    ):
        # A page may hide its whole body until a script shows it: that is not hidden text.
        if element.tag not in ("html", "head", "body") and _is_hidden(element):
            element.drop_tree()
    return lxml.html.tostring(root, encoding="unicode")


def _read_html(path: Path, html: str, checksum: str) -> Document:
    import trafilatura

    html = _visible_html(html)
    text = trafilatura.extract(
        html, include_comments=False, include_tables=False, favor_recall=True
    )
    if not text or not text.strip():
        raise IngestError("has no readable article text")
    metadata = trafilatura.extract_metadata(html)
    title = (metadata.title if metadata and metadata.title else None) or _first_line_title(
        text, path
    )
    date = metadata.date if metadata and metadata.date else None
    if date and not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", date):
        date = None
    url = metadata.url if metadata and metadata.url else None
    text, line_url = split_source_line(text)
    url = url if url and url.startswith("http") else line_url
    hints = Row(text="", source_url=url, date=date)
    publisher = (metadata.sitename if metadata and metadata.sitename else None) or url_host(url)
    return Document(path, checksum, title, text=text, hints=hints, date=date, publisher=publisher)


def _read_pdf(path: Path, data: bytes, checksum: str) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        text = "\n\n".join((page.extract_text() or "") for page in reader.pages)
        title = (reader.metadata.title if reader.metadata else None) or None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise IngestError(f"is not a readable PDF ({error})") from None
    if not text.strip():
        raise IngestError("has no extractable text (a scanned PDF?)")
    text, url = split_source_line(text)
    return Document(
        path,
        checksum,
        title or _first_line_title(text, path),
        text=text,
        hints=Row(text="", source_url=url) if url else None,
        publisher=url_host(url),
    )


def _read_jsonl(path: Path, text: str, checksum: str) -> Document:
    document = Document(path, checksum, path.stem)
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = loads_json(line)  # depth-capped: 3,000 brackets are one line's error
        except ParseRefused as refused:
            document.row_errors.append(f"line {number}: JSON {refused}")
            continue
        except json.JSONDecodeError as error:
            document.row_errors.append(f"line {number}: invalid JSON ({error.msg})")
            continue
        if not isinstance(record, dict):
            document.row_errors.append(f"line {number}: expected a JSON object")
            continue
        _add_row(document, record, number)
    return document


def _read_csv(path: Path, text: str, checksum: str) -> Document:
    document = Document(path, checksum, path.stem)
    # newline="": the csv module handles line ends itself (quoted fields may hold them).
    # strict: a stray or unclosed quote is an error to report, not a row to guess at.
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        if not reader.fieldnames:
            raise IngestError("has no header row")
        for number, record in enumerate(reader, 2):
            _add_row(document, record, number)
    except csv.Error as error:
        raise IngestError(f"is not valid CSV ({error})") from None
    if not document.rows and not document.row_errors:
        raise IngestError("has a header row but no stories under it")
    return document


def _add_row(document: Document, record: dict, number: int) -> None:
    lowered = {str(k).strip().casefold(): v for k, v in record.items() if k is not None}

    def pick(name: str):
        for key in row_keys()[name]:
            value = lowered.get(key)
            if value not in (None, ""):
                return value
        return None

    story = _text_or_none(pick("text"))
    if not story:
        keys = "/".join(row_keys()["text"][:2])
        document.row_errors.append(f"line {number}: no story text (a '{keys}' field)")
        return
    document.rows.append(
        Row(
            text=story,
            company=_text_or_none(pick("company")),
            title=_text_or_none(pick("title")),
            source_url=_text_or_none(pick("source_url")),
            date=_date_text(pick("date")),
            themes=_themes(pick("themes")),
            industry=_text_or_none(pick("industry")),
            line=number,
        )
    )


def _text_or_none(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _date_text(value: object) -> str | None:
    text = _text_or_none(value if not hasattr(value, "isoformat") else value.isoformat())
    if text and re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", text):
        return text
    return None


def _themes(value: object) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else re.split(r"[;,|]", str(value))
    return [str(item).strip().casefold().replace(" ", "-") for item in items if str(item).strip()]
