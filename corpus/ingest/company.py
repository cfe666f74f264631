"""Find the organisation a story is about: a gazetteer plus named-entity heuristics.

A capitalised name counts as a company only with evidence that it is an organisation:
the gazetteer knows it (``companies.yaml`` plus the packaged library's companies), it
ends in a corporate word ("Longhorn Steakhouse", "SaltSpring Air"), staff are said to
work for it ("a Chick-fil-A employee", "employees at Tampa Bay International Airport",
"flies for Endeavor Air"), or it is introduced as one ("pizza chain Pizza My Heart").
People ("Hammers said", "Capt. Adam Cohen"), places ("Richmond, Virginia"), publishers
("told ABC News", the page's own site name or web domain) and channels ("Twitter") are
never companies. With no evidence the company is honestly "Unknown company".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from corpus.text import company_key, is_unknown_company

DATA_FILE = Path(__file__).with_name("companies.yaml")
UNKNOWN_COMPANY = "Unknown company"
EVIDENCE_WEIGHT = 2.0
MENTION_WEIGHT = 0.5

_NAME = re.compile(
    r"(?:[A-Z](?:\.|[\w'’&-]*))(?:\s+(?:&\s+|of\s+|de\s+|by\s+)?(?:[A-Z0-9](?:\.|[\w'’&-]*)))*"
)


@dataclass(frozen=True)
class CompanyGuess:
    """The company a story is about, and whether that is a guess (no evidence found)."""

    name: str
    industry: str | None = None
    guessed: bool = False
    note: str | None = None


@dataclass(frozen=True)
class _Entry:
    name: str
    aliases: tuple[str, ...]
    industry: str | None


@cache
def _data() -> dict:
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


@cache
def _words(key: str) -> frozenset[str]:
    return frozenset(str(word).casefold() for word in _data()[key])


@cache
def gazetteer() -> tuple[_Entry, ...]:
    """The known companies: the data file's, then the packaged library's own."""
    from corpus.library_cache import packaged_legends

    entries = [
        _Entry(item["name"], tuple(item["aliases"]), item.get("industry"))
        for item in _data()["gazetteer"]
    ]
    known = {company_key(entry.name) for entry in entries}
    for legend in packaged_legends():
        name = re.sub(r"\s*\([^)]*\)", "", legend.company).strip()
        key = company_key(name)
        # Descriptions ("Independent dental practice") are not names to look for.
        if (
            not key
            or key in known
            or not all(w[:1].isupper() or w.islower() and len(w) <= 3 for w in name.split())
        ):
            continue
        known.add(key)
        aliases = {name.casefold(), re.sub(r"^the\s+", "", name.casefold())}
        entries.append(_Entry(name, tuple(sorted(aliases)), legend.industry))
    return tuple(entries)


@cache
def common_words() -> frozenset[str]:
    """Words the curated library writes in lower case: ordinary words, not names."""
    from corpus.library_cache import packaged_legends

    out: set[str] = set()
    for legend in packaged_legends():
        text = " ".join([legend.retelling, legend.situation, legend.action, legend.outcome])
        out.update(re.findall(r"(?<![\w.])[a-z][a-z'-]+", text))
    return frozenset(out)


def known_industry(name: str) -> str | None:
    """The industry the gazetteer gives ``name``, if it knows it."""
    key = company_key(name)
    for entry in gazetteer():
        if company_key(entry.name) == key:
            return entry.industry
    return None


@cache
def _alias_pattern() -> tuple[re.Pattern, dict[str, str]]:
    """One pattern for every alias (longest first), and alias -> company."""
    names: dict[str, str] = {}
    for entry in gazetteer():
        for alias in entry.aliases:
            names.setdefault(alias.casefold().replace("’", "'"), entry.name)
    alternatives = "|".join(re.escape(a) for a in sorted(names, key=len, reverse=True))
    return re.compile(r"(?<![\w-])(?:" + alternatives + r")(?![\w-])"), names


def _gazetteer_hits(text: str) -> list[tuple[int, int, str]]:
    """(start, end, company) for each mention of a known company."""
    lowered = text.casefold().replace("’", "'")
    pattern, names = _alias_pattern()
    hits = []
    for match in pattern.finditer(lowered):
        alias = match.group(0)
        # "apple" is a fruit and "target" a goal unless written with a capital letter.
        if alias.replace(" ", "").isalpha() and not text[match.start()].isupper():
            continue
        hits.append((match.start(), match.end(), names[alias]))
    return hits


def is_headline(line: str) -> bool:
    """A title-case line ("He Received A $1 Tip For A Pizza"): most words capitalised."""
    words = re.findall(r"[A-Za-z][\w'’-]*", line)
    return len(words) >= 5 and sum(1 for w in words if w[0].isupper()) >= 0.7 * len(words)


@cache
def _places() -> frozenset[str]:
    return frozenset(_compact(place) for place in _data()["places"])


@cache
def _keys_of(company: str) -> frozenset[str]:
    """The comparable forms of a company's name and its known aliases."""
    key = company_key(company)
    keys = {key}
    for entry in gazetteer():
        if company_key(entry.name) == key:
            keys |= {company_key(alias) for alias in entry.aliases}
    return frozenset(k for k in keys if k)


def _compact(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.casefold())


def _clean(raw: str) -> str:
    raw = raw.strip(" .,'’&-")
    return re.sub(r"['’]s$", "", raw)


def _before(text: str, start: int, size: int = 40) -> str:
    return " " + " ".join(text[max(0, start - size) : start].casefold().split()) + " "


def _after(text: str, end: int, size: int = 40) -> str:
    return " " + " ".join(text[end : end + size].casefold().split())


def _ends_with_cue(before: str, cues: frozenset[str]) -> bool:
    before = re.sub(r"\b(?:the|a|an|its|local|nearby)\s+$", "", before.rstrip() + " ").rstrip()
    return any(before.endswith(" " + cue) for cue in cues)


def _next_words(after: str, count: int = 2) -> list[str]:
    return re.findall(r"[a-z'’]+", after)[:count]


@dataclass
class _Mention:
    start: int
    name: str
    evidence: bool


class _Reader:
    """Company mentions in one text, with what is known to be a person, place or publisher."""

    def __init__(self, text: str, excluded: Iterable[str] = ()):
        self.text = text
        self.excluded = {_compact(name) for name in excluded if _compact(name)}
        self.places = _places()
        self.people: set[str] = set()
        self.mentions: list[_Mention] = []
        self._read()

    def _is_place(self, name: str, end: int) -> bool:
        if _compact(name) in self.places:
            return True
        # "Leesburg, Virginia", "PALO ALTO, Calif.": a place named with its state.
        following = self.text[end : end + 20]
        match = re.match(r",\s+([A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)", following)
        return bool(match) and _compact(match.group(1)) in self.places

    def _candidate(self, match: re.Match) -> tuple[int, int, str] | None:
        words = match.group(0).split()
        not_names = _words("not_names")
        while words and words[0].casefold().strip(".,'’") in not_names:
            words = words[1:]
        if not words:
            return None
        name = _clean(" ".join(words))
        if len(name) < 2 or name.casefold() in not_names or name.isdigit():
            return None
        start = match.start() + match.group(0).find(words[0])
        return start, match.end(), name

    def _read(self) -> None:
        text = self.text
        suffixes = _words("corporate_suffixes") | _words("legal_suffixes")
        employer_nouns = _words("employer_nouns")
        employer_before = _words("employer_before")
        publisher_before = _words("publisher_before")
        publisher_after = _words("publisher_after")
        titles = _words("person_titles")
        speech = _words("person_verbs")
        channels = {_compact(c) for c in _data()["channels"]}
        gazetteer_spans = sorted(_gazetteer_hits(text))
        for index, (start, end, name) in enumerate(gazetteer_spans):
            if _ends_with_cue(_before(text, start), publisher_before):
                continue
            # "Hilton DoubleTree Midlothian": a parent brand right before its sub-brand
            # names the sub-brand's owner, not the subject.
            parent = any(
                s2 > end and text[end:s2].strip() == "" and n2 != name
                for s2, _e2, n2 in gazetteer_spans[index + 1 : index + 3]
            )
            self.mentions.append(_Mention(start, name, not parent))
        headlines = [
            (m.start(), m.end())
            for m in re.finditer(r"^.*$", text, re.MULTILINE)
            if is_headline(m.group(0))
        ]
        covered = [(s, e) for s, e, _n in gazetteer_spans]
        for match in _NAME.finditer(text):
            found = self._candidate(match)
            if found is None:
                continue
            start, end, name = found
            if any(s <= start < e or start <= s < end for s, e in covered):
                continue  # a known company, counted above
            if any(s <= start < e for s, e in headlines):
                continue  # In A Headline Every Word Is Capitalised, names or not
            compact = _compact(name)
            before, after = _before(text, start), _after(text, end)
            last = name.split()[-1].casefold().strip(".,")
            has_suffix = last in suffixes and len(name.split()) > 1
            if compact in self.excluded or compact in channels:
                continue
            if (
                self._is_place(name, end)
                or re.search(r"\b(?:in|from|to|near)\s+$", before)
                and (not has_suffix)
            ):
                continue
            if _ends_with_cue(before, publisher_before) or any(
                after.startswith(" " + cue) for cue in publisher_after
            ):
                continue
            common = len(name.split()) == 1 and name.casefold() in common_words()
            if common and not _ends_with_cue(before, employer_before):
                # "Fortunately", "Delivery", "Local": an ordinary word, capitalised; it names
                # an organisation only where staff work for it ("a lady at Innocent").
                continue
            last_is_place = last in _words("place_suffixes") and len(name.split()) > 1
            if last_is_place and not _ends_with_cue(before, employer_before):
                continue  # "Vancouver International Airport" as a destination is a place
            # Words right after the name describe it only when nothing stands between
            # ("a Hy-Vee grocery store", not "Owen, the employees at ...").
            next_words = _next_words(after) if re.match(r"\s+[a-z]", after[:3]) else []
            if not has_suffix and (
                before.rstrip().rsplit(" ", 1)[-1].strip(".") in titles
                or (next_words and next_words[0] in speech)
                or re.match(r"\s*,\s+(?:a|an|the)\s+[a-z]+\s*(?:,|who|said)", after)
            ):
                self.people.add(compact)
                continue
            # A web domain is a company only when staff work for it ("the job at Phone.com").
            is_domain = re.search(r"\.(?:com|net|org|co|io)$", name.casefold())
            if is_domain and not _ends_with_cue(before, employer_before):
                continue
            evidence = (
                has_suffix
                or _ends_with_cue(before, employer_before)
                or bool(next_words and next_words[0] in employer_nouns | suffixes)
                or (
                    len(next_words) > 1
                    and next_words[0] not in _words("not_names")
                    and next_words[1] in employer_nouns
                )
            )
            self.mentions.append(_Mention(start, name, evidence))
        self.mentions = [
            m for m in self.mentions if _compact(m.name) not in self.people or m.evidence
        ]

    def scores(self) -> tuple[dict[str, float], dict[str, int]]:
        """Company -> evidence score (only names with evidence), and first mention."""
        names = [m.name for m in self.mentions]
        scores: dict[str, float] = {}
        first: dict[str, int] = {}
        evidenced: set[str] = set()
        for mention in self.mentions:
            name = _canonical(mention.name, names)
            weight = EVIDENCE_WEIGHT if mention.evidence else MENTION_WEIGHT
            scores[name] = scores.get(name, 0.0) + weight
            first[name] = min(mention.start, first.get(name, mention.start))
            if mention.evidence:
                evidenced.add(name)
        return {n: s for n, s in scores.items() if n in evidenced}, first


def _canonical(name: str, all_names: list[str]) -> str:
    # "Holiday Inn Express and Suites" and "Holiday Inn Express": the shortest form others
    # extend; a known company's own spelling wins.
    key = company_key(name)
    if not key:
        return name
    shorter = [n for n in all_names if company_key(n) and key.startswith(company_key(n))]
    return min(shorter, key=len) if shorter else name


def detect_company(text: str, excluded: Iterable[str] = ()) -> CompanyGuess:
    """The organisation ``text`` is about (most evidence, then earliest), or Unknown company.

    ``excluded`` names the page's publisher and web domain: never the company.
    """
    scores, first = _Reader(text, excluded).scores()
    if scores:
        best = max(scores, key=lambda n: (scores[n], -first[n]))
        return CompanyGuess(best, known_industry(best))
    return CompanyGuess(
        UNKNOWN_COMPANY, None, guessed=True, note="the text names no company we could detect"
    )


def companies_in(text: str, excluded: Iterable[str] = ()) -> list[str]:
    """Every company ``text`` gives evidence for, in order of first mention."""
    scores, first = _Reader(text, excluded).scores()
    return sorted(scores, key=lambda n: first[n])


def mentions_company(text: str, company: str) -> bool:
    """Whether ``text`` mentions ``company`` by name or by a known alias."""
    if is_unknown_company(company):
        return False
    lowered = " " + company_key(text) + " "
    return any(f" {key} " in lowered for key in _keys_of(company))


@cache
def provider_nouns() -> dict[str, str]:
    """Ordinary providers people name without a brand ('my dentist') -> their industry."""
    return dict(_data()["providers"])
