"""Find the company a story is about: a small gazetteer plus a capitalised-name heuristic.

The gazetteer knows well-known service brands (with aliases and an industry); the
heuristic finds other names from how they are written and used: a web domain
("Phone.com"), a corporate suffix ("B. Dalton Bookstore"), or a name used as the
employer of staff ("a Nordstrom employee", "the job at ..."). When nothing is
found, a story about "my dentist" yields the best guess "Unnamed dentist";
otherwise the company is "Unknown company". Both are flagged as guesses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNKNOWN_COMPANY = "Unknown company"

# name -> (aliases matched case-insensitively as whole words, industry)
GAZETTEER: dict[str, tuple[tuple[str, ...], str]] = {
    "Zappos": (("zappos", "zappos.com"), "e-commerce"),
    "Amazon": (("amazon", "amazon.com"), "e-commerce"),
    "Chewy": (("chewy", "chewy.com"), "e-commerce"),
    "Warby Parker": (("warby parker",), "retail"),
    "Nordstrom": (("nordstrom", "nordstrom's", "nordstroms"), "retail"),
    "Trader Joe's": (("trader joe's", "trader joes", "trader joe’s"), "retail"),
    "Costco": (("costco",), "retail"),
    "Walmart": (("walmart", "wal-mart"), "retail"),
    "Target": (("target stores",), "retail"),
    "The Home Depot": (("home depot",), "retail"),
    "IKEA": (("ikea",), "retail"),
    "LEGO": (("lego",), "retail"),
    "L.L.Bean": (("l.l.bean", "ll bean", "l.l. bean"), "retail"),
    "Tesco": (("tesco",), "retail"),
    "Sainsbury's": (("sainsbury's", "sainsburys"), "retail"),
    "John Lewis": (("john lewis",), "retail"),
    "Barnes & Noble": (("barnes & noble", "barnes and noble"), "retail"),
    "Apple": (("apple", "apple store", "apple support"), "technology"),
    "Microsoft": (("microsoft",), "technology"),
    "Google": (("google",), "technology"),
    "Netflix": (("netflix",), "entertainment"),
    "Disney": (("disney", "walt disney world", "disneyland"), "entertainment"),
    "The Ritz-Carlton": (("ritz-carlton", "ritz carlton", "the ritz"), "hotels"),
    "Marriott": (("marriott",), "hotels"),
    "Hilton": (("hilton",), "hotels"),
    "DoubleTree": (("doubletree",), "hotels"),
    "Hampton Inn": (("hampton inn",), "hotels"),
    "Kimpton": (("kimpton",), "hotels"),
    "Southwest Airlines": (("southwest airlines", "southwest"), "airlines"),
    "Delta Air Lines": (("delta air lines", "delta airlines", "delta"), "airlines"),
    "JetBlue Airways": (("jetblue", "jetblue airways"), "airlines"),
    "United Airlines": (("united airlines",), "airlines"),
    "American Airlines": (("american airlines",), "airlines"),
    "KLM Royal Dutch Airlines": (("klm",), "airlines"),
    "WestJet": (("westjet",), "airlines"),
    "Alaska Airlines": (("alaska airlines",), "airlines"),
    "Morton's The Steakhouse": (("morton's", "mortons", "morton’s"), "restaurants"),
    "Starbucks": (("starbucks",), "restaurants"),
    "Chick-fil-A": (("chick-fil-a",), "restaurants"),
    "Domino's": (("domino's", "dominos"), "restaurants"),
    "Pret A Manger": (("pret a manger", "pret"), "restaurants"),
    "McDonald's": (("mcdonald's", "mcdonalds"), "restaurants"),
    "FedEx": (("fedex", "federal express"), "b2b"),
    "UPS": (("ups",), "b2b"),
    "United States Postal Service": (
        ("usps", "united states postal service", "postal service"),
        "public-services",
    ),
    "Comcast": (("comcast", "xfinity"), "telecom"),
    "T-Mobile": (("t-mobile",), "telecom"),
    "Verizon": (("verizon",), "telecom"),
    "AT&T": (("at&t",), "telecom"),
    "O2": (("o2",), "telecom"),
    "USAA": (("usaa",), "insurance"),
    "Allstate": (("allstate",), "insurance"),
    "Lexus": (("lexus",), "automotive"),
    "Tesla": (("tesla",), "automotive"),
    "Saturn": (("saturn",), "automotive"),
    "Mayo Clinic": (("mayo clinic",), "health-care"),
    "Cleveland Clinic": (("cleveland clinic",), "health-care"),
    "Zendesk": (("zendesk",), "technology"),
    "HubSpot": (("hubspot",), "technology"),
    "Slack": (("slack technologies",), "technology"),
}

# Words that end a company name ("B. Dalton Bookstore", "Acme Airlines").
CORPORATE_SUFFIXES = frozenset(
    [
        "inc",
        "corp",
        "corporation",
        "co",
        "company",
        "ltd",
        "llc",
        "plc",
        "group",
        "airlines",
        "airways",
        "air",
        "bank",
        "bookstore",
        "books",
        "store",
        "stores",
        "shop",
        "market",
        "supermarket",
        "steakhouse",
        "restaurant",
        "cafe",
        "coffee",
        "hotel",
        "hotels",
        "resort",
        "resorts",
        "inn",
        "insurance",
        "clinic",
        "hospital",
        "motors",
        "telecom",
        "energy",
        "foods",
        "pharmacy",
        "bakery",
        "outfitters",
    ]
)

# Roles that, right after a name, make it an employer ("a Nordstrom employee").
EMPLOYER_NOUNS = frozenset(
    [
        "employee",
        "employees",
        "representative",
        "rep",
        "staff",
        "agent",
        "agents",
        "associate",
        "team",
        "store",
        "stores",
        "support",
        "manager",
        "clerk",
        "driver",
        "pilot",
        "crew",
        "customer",
        "customers",
    ]
)

# Capitalised words that are not company names even when capitalised.
NOT_NAMES = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "but",
        "or",
        "so",
        "if",
        "when",
        "while",
        "after",
        "afterward",
        "afterwards",
        "before",
        "then",
        "there",
        "here",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "i",
        "i'm",
        "i've",
        "i'd",
        "he",
        "she",
        "they",
        "we",
        "you",
        "his",
        "her",
        "their",
        "our",
        "your",
        "my",
        "me",
        "him",
        "them",
        "us",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "first",
        "last",
        "next",
        "every",
        "each",
        "some",
        "many",
        "most",
        "all",
        "no",
        "not",
        "yes",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "as",
        "into",
        "about",
        "mr",
        "mrs",
        "ms",
        "dr",
        "ceo",
        "vip",
        "faq",
        "usa",
        "uk",
        "us",
        "eu",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "today",
        "recently",
        "apparently",
        "however",
        "also",
        "of",
        "course",
        "long",
        "story",
        "short",
        "being",
        "for",
        "whatever",
        "great",
        "customer",
        "service",
        "internet",
        "ok",
        "okay",
        "christmas",
        "thanksgiving",
        "god",
    ]
)

# Ordinary providers people name without a brand ("my dentist") -> industry.
PROVIDERS: dict[str, str] = {
    "dentist": "health-care",
    "doctor": "health-care",
    "vet": "health-care",
    "veterinarian": "health-care",
    "pharmacist": "health-care",
    "pharmacy": "health-care",
    "hospital": "health-care",
    "plumber": "other",
    "electrician": "other",
    "mechanic": "automotive",
    "garage": "automotive",
    "bank": "banking",
    "insurer": "insurance",
    "landlord": "other",
    "hotel": "hotels",
    "airline": "airlines",
    "restaurant": "restaurants",
    "cafe": "restaurants",
    "bakery": "restaurants",
    "florist": "retail",
    "bookstore": "retail",
    "grocer": "retail",
    "hairdresser": "other",
    "barber": "other",
}

_DOMAIN = re.compile(r"\b([A-Za-z][A-Za-z0-9-]+)\.(?:com|net|org|co\.uk|io)\b")
_NAME = re.compile(r"(?:[A-Z](?:\.|[\w'’&-]*))(?:\s+(?:&\s+|of\s+)?(?:[A-Z](?:\.|[\w'’&-]*)))*")
_PROVIDER = re.compile(r"\b(?:my|our|the|a|local)\s+(?:local\s+)?(" + "|".join(PROVIDERS) + r")\b")


@dataclass(frozen=True)
class CompanyGuess:
    """The company a story is about, and whether that is a guess."""

    name: str
    industry: str | None = None
    guessed: bool = False
    note: str | None = None


def _gazetteer_hits(text: str) -> list[tuple[int, str]]:
    lowered = text.casefold().replace("’", "'")
    hits = []
    for name, (aliases, _industry) in GAZETTEER.items():
        for alias in aliases:
            alias = alias.replace("’", "'")
            pattern = r"(?<![\w-])" + re.escape(alias) + r"(?![\w-])"
            for match in re.finditer(pattern, lowered):
                # "apple" is a fruit unless written with a capital letter.
                if text[match.start()].isupper() or not alias.isalpha():
                    hits.append((match.start(), name))
    return hits


def _clean_name(raw: str) -> str:
    raw = raw.strip(" .,'’&-")
    raw = re.sub(r"['’]s$", "", raw)
    return raw


def _heuristic_hits(text: str) -> list[tuple[int, str, float]]:
    """Capitalised names that may be companies, with a confidence weight (0 = just a name)."""
    hits: list[tuple[int, str, float]] = []
    for match in _DOMAIN.finditer(text):
        before = text[max(0, match.start() - 12) : match.start()].casefold()
        bonus = 0.3 if re.search(r"\b(at|from|with|for)\s+$", before) else 0.0
        hits.append((match.start(), match.group(0), 2.0 + bonus))
    for match in _NAME.finditer(text):
        if re.match(r"\.(?:com|net|org|co\.uk|io)\b", text[match.end() :]):
            continue  # part of a web domain, counted above
        words = match.group(0).split()
        # Drop leading words that are just capitalised sentence openers.
        while words and words[0].casefold().strip(".,'’") in NOT_NAMES:
            words = words[1:]
        if not words:
            continue
        name = _clean_name(" ".join(words))
        if len(name) < 2 or name.casefold() in NOT_NAMES:
            continue
        start = match.start() + match.group(0).find(words[0])
        before = text[max(0, start - 12) : start].casefold()
        after = text[match.end() : match.end() + 30].casefold()
        next_word = (re.findall(r"[a-z]+", after) or [""])[0]
        if re.search(r"\b(by|mr|mrs|ms|dr)\.?\s*$", before):
            continue  # an author or a person ("by Peter Shankman")
        if re.search(r"\b(a|an)\s+$", before):
            continue  # "a Porterhouse": a thing, not a firm
        weight = 0.0
        if words[-1].casefold().strip(".,") in CORPORATE_SUFFIXES:
            weight += 2.0  # as strong as a gazetteer entry: "B. Dalton Bookstore"
        if next_word in CORPORATE_SUFFIXES or next_word in EMPLOYER_NOUNS:
            weight += 1.0
        if re.search(r"\b(at|from|with|for)\s+$", before):
            weight += 0.3
        hits.append((start, name, weight))
    return hits


def _aggregate(text: str) -> tuple[dict[str, float], dict[str, int]]:
    """Company name -> evidence score, and where each was first mentioned."""
    scores: dict[str, float] = {}
    first_seen: dict[str, int] = {}
    for position, name in _gazetteer_hits(text):
        scores[name] = scores.get(name, 0.0) + 2.0
        first_seen[name] = min(position, first_seen.get(name, position))
    heuristic = [
        hit
        for hit in _heuristic_hits(text)
        if not any(_key(hit[1]) in _gazetteer_keys(known) for known in scores)
    ]
    names = [name for _pos, name, _w in heuristic]
    for position, name, weight in heuristic:
        canonical = _canonical(name, names)
        repeat = 0.5 if canonical in scores else 0.0
        scores[canonical] = scores.get(canonical, 0.0) + weight + repeat
        first_seen[canonical] = min(position, first_seen.get(canonical, position))
    return {n: s for n, s in scores.items() if s >= 1.0}, first_seen


def detect_company(text: str) -> CompanyGuess:
    """The most likely company in ``text`` (most evidence, earliest mention on a tie)."""
    scores, first_seen = _aggregate(text)
    if scores:
        # The earliest mention breaks ties: articles introduce their subject first.
        best = max(scores, key=lambda n: (scores[n], -first_seen[n]))
        industry = GAZETTEER[best][1] if best in GAZETTEER else None
        return CompanyGuess(best, industry)
    provider = _PROVIDER.search(text.casefold())
    if provider:
        noun = provider.group(1)
        return CompanyGuess(
            f"Unnamed {noun}",
            PROVIDERS[noun],
            guessed=True,
            note=f"the text names no company; 'Unnamed {noun}' is a guess from the text",
        )
    return CompanyGuess(
        UNKNOWN_COMPANY, None, guessed=True, note="the text names no company we could detect"
    )


def _key(name: str) -> str:
    name = re.sub(r"\.(com|net|org|co\.uk|io)$", "", name.casefold())
    return re.sub(r"[^a-z0-9&]+", " ", name).strip()


def _gazetteer_keys(name: str) -> set[str]:
    aliases = GAZETTEER.get(name, ((), ""))[0]
    return {_key(alias) for alias in aliases} | {_key(name)}


def _canonical(name: str, all_names: list[str]) -> str:
    # "B. Dalton Bookstore" and "B. Dalton": keep the shortest form the others extend.
    key = _key(name)
    shorter = [n for n in all_names if key.startswith(_key(n)) and _key(n)]
    return min(shorter, key=len) if shorter else name


def mentions_company(text: str, company: str) -> bool:
    """Whether ``text`` mentions ``company`` (by name or a known alias)."""
    lowered = " " + _key(text) + " "
    return any(f" {key} " in lowered for key in _gazetteer_keys(company) if key)


def companies_in(text: str) -> list[str]:
    """Every company ``text`` gives evidence for, in order of first mention."""
    scores, first_seen = _aggregate(text)
    return sorted(scores, key=lambda n: first_seen[n])
