"""Themes, industry and principles for an ingested story, by keyword rules.

Every theme comes from :data:`corpus.schema.THEMES`; the rules are plain word
patterns so a trainer can read why a story got a theme. The lessons and
"try this" lines are per-theme templates: generic, but honest (they claim
nothing about the story that the themes do not already say).
"""

from __future__ import annotations

import re

from corpus.schema import INDUSTRIES, THEMES

MAX_THEMES = 4

THEME_RULES: dict[str, tuple[str, ...]] = {
    "lost-item": (
        r"\blost\b",
        r"\bleft (it |them )?behind\b",
        r"\bforg[oe]t\b",
        r"\bmisplaced\b",
        r"\bmissing\b",
        r"\bfound (it|the|her|his)\b",
    ),
    "late-delivery": (
        r"\blate deliver",
        r"\bdelivery\b.*\b(late|delay)",
        r"\bdelay(ed|s)?\b",
        r"\bnever arrived\b",
        r"\b\d+[- ]weeks?\b.*\b(wait|order)",
        r"\bwait(ed)? (weeks|days|months)\b",
        r"\b\d+[- ]weeks? wait\b",
        r"\bshipp?(ed|ing)\b.*\b(late|never)\b",
    ),
    "returns": (r"\breturn(ed|s|ing)?\b", r"\brefund", r"\bexchang"),
    "bereavement": (
        r"\bdied\b",
        r"\bdeath\b",
        r"\bto death\b",
        r"\bpassed away\b",
        r"\bfuneral\b",
        r"\bgrie(f|ving)\b",
        r"\blife support\b",
    ),
    "child": (
        r"\bchild(ren)?\b",
        r"\bkids?\b",
        r"\btoddler\b",
        r"\bbaby\b",
        r"\bgrandchild\b",
        r"\b(little|young) (boy|girl)\b",
        r"\bson\b",
        r"\b\w+-year[- ]old\b",
    ),
    "travel": (
        r"\bflights?\b",
        r"\bplane\b",
        r"\bairport\b",
        r"\bhotel\b",
        r"\btravel",
        r"\bluggage\b",
        r"\btrip\b",
        r"\bgate\b",
        r"\bboarded\b",
    ),
    "health": (
        r"\bpain",
        r"\bhospital\b",
        r"\bdoctor\b",
        r"\bdentist\b",
        r"\bsick\b",
        r"\billness\b",
        r"\bhealth\b",
        r"\bprescription\b",
        r"\bsurgery\b",
        r"\bfoot\b|\bfeet\b",
        r"\bfillings?\b",
    ),
    "social-media": (
        r"\btweet",
        r"\btwitter\b",
        r"\bfacebook\b",
        r"\binstagram\b",
        r"\bviral\b",
        r"\bsocial media\b",
        r"\byoutube\b",
    ),
    "recovery": (
        r"\bapologi[sz]",
        r"\bsorry\b",
        r"\bmistake\b",
        r"\binconvenience\b",
        r"\bour (error|fault)\b",
        r"\bmade it right\b",
        r"\bfrustrated\b",
    ),
    "personal-touch": (
        r"\bflowers?\b",
        r"\bbouquet\b",
        r"\bhandwritten\b",
        r"\b(personal(i[sz]ed)?|thank-you) (note|card|touch)\b",
        r"\bcard\b",
        r"\bphoto album\b",
        r"\bphotos?\b",
        r"\bsticker",
        r"\bgift\b",
        r"\bvip\b",
    ),
    "empowerment": (
        r"\bwithout (question|asking)\b",
        r"\bempower",
        r"\btook matters into\b",
        r"\bpolicy\b",
        r"\bdoesn['’]t (even )?sell\b",
        r"\bon (his|her|their) own\b",
        r"\bcompetitor\b",
    ),
    "listening": (
        r"\blisten",
        r"\bconversation\b",
        r"\btalk(ed|ing)?\b",
        r"\bconnected\b",
        r"\brapport\b",
        r"\bunderstood\b",
        r"\bfriendly\b",
    ),
    "speed": (
        r"\bimmediately\b",
        r"\bquickly\b",
        r"\bright away\b",
        r"\bsame day\b",
        r"\bwithin (minutes|hours|a few days)\b",
        r"\bsprint",
        r"\brushed\b",
        r"\bfollowed up\b",
        r"\bcredit\b",
    ),
    "going-the-extra-mile": (
        r"\bextra mile\b",
        r"\babove and beyond\b",
        r"\bout of (their|his|her|its) way\b",
        r"\bhands and knees\b",
        r"\bnot only\b",
        r"\bwaiting for him\b",
        r"\bheld the (plane|flight)\b|\bholding a plane\b",
        r"\bpersonal (time|money)\b",
    ),
}

INDUSTRY_RULES: dict[str, tuple[str, ...]] = {
    "airlines": (r"\bairlines?\b", r"\bflights?\b", r"\bplane\b", r"\bpilot\b", r"\bgate\b"),
    "hotels": (r"\bhotel\b", r"\bresort\b", r"\bconcierge\b", r"\bguest room\b"),
    "restaurants": (r"\brestaurant\b", r"\bsteak", r"\bcoffee\b", r"\bpizza\b", r"\bwaiter\b"),
    "health-care": (r"\bdentist\b", r"\bdoctor\b", r"\bhospital\b", r"\bclinic\b", r"\bnurse\b"),
    "e-commerce": (r"\bonline\b", r"\.com\b", r"\bordered? online\b", r"\bwebsite\b"),
    "telecom": (r"\bphone (company|service|line)\b", r"\bmobile network\b", r"\badapter\b"),
    "banking": (r"\bbank\b", r"\baccount\b.*\bbranch\b"),
    "insurance": (r"\binsurance\b", r"\bclaim\b", r"\bpolicyholder\b"),
    "technology": (r"\biphone\b", r"\bsoftware\b", r"\blaptop\b", r"\bapp\b"),
    "retail": (r"\bstore\b", r"\bshop\b", r"\bretailer\b", r"\bbookstore\b", r"\bshoes\b"),
    "automotive": (r"\bcar dealer", r"\bdealership\b", r"\bmechanic\b"),
}

THEME_PRINCIPLES: dict[str, tuple[str, ...]] = {
    "lost-item": ("sees-it-through",),
    "late-delivery": ("take-swift-action", "responsiveness"),
    "returns": ("empowered", "adaptable"),
    "bereavement": ("empathetic", "empathy"),
    "child": ("personalization",),
    "travel": ("adaptable",),
    "health": ("empathetic",),
    "social-media": ("responsiveness",),
    "recovery": ("take-swift-action", "empathy"),
    "personal-touch": ("personalize-the-service", "personalization"),
    "empowerment": ("empowered",),
    "listening": ("empathetic", "clear-communicator"),
    "speed": ("take-swift-action", "responsiveness"),
    "going-the-extra-mile": ("go-the-extra-yard",),
}

LESSONS: dict[str, str] = {
    "lost-item": (
        "When a customer loses something, the effort to find it matters as much as the item."
    ),
    "late-delivery": (
        "A late delivery is a chance to show the customer they matter more than the process."
    ),
    "returns": "A fair, easy return can earn more loyalty than the original sale.",
    "bereavement": "In a time of loss, kindness and flexibility count for more than any rule.",
    "child": "Care shown to a child is remembered by the whole family.",
    "travel": "Travel goes wrong fast; staff who can bend the plan make the difference.",
    "health": "A customer in pain or poor health needs a person, not a procedure.",
    "social-media": "A public message deserves a quick, human answer; others are watching.",
    "recovery": "After a mistake, a sincere apology plus a concrete fix wins customers back.",
    "personal-touch": (
        "A small personal touch turns a transaction into a story the customer retells."
    ),
    "empowerment": "Front-line staff who are free to act can solve what a rule book cannot.",
    "listening": "Listening to the person, not just the request, shows what they really need.",
    "speed": "Acting quickly shows the customer their problem is taken seriously.",
    "going-the-extra-mile": "Going beyond what is expected is what customers remember and repeat.",
}

TRY_THIS: dict[str, str] = {
    "lost-item": (
        "When a customer reports a lost item, say exactly what you will check and when "
        "you will call back."
    ),
    "late-delivery": (
        "When an order is late, tell the customer what you will do now rather than why it is late."
    ),
    "returns": (
        "Before refusing a return, ask one question about the customer's situation and "
        "look for a fair way to help."
    ),
    "bereavement": (
        "When a customer mentions a loss, pause the script, acknowledge it, and ask what "
        "would help most."
    ),
    "child": (
        "When a child is involved, add one small gesture aimed at the child, not only the parent."
    ),
    "travel": "When a trip goes wrong, offer the next concrete step before explaining the policy.",
    "health": (
        "When a customer mentions pain or illness, ask what would make today easier and "
        "do that first."
    ),
    "social-media": "Answer a public complaint within the hour with a name and a next step.",
    "recovery": (
        "After a mistake, apologise once, say what you are doing to fix it, and follow up"
        " when it is done."
    ),
    "personal-touch": (
        "Add one personal line to your next reply that shows you heard this customer's story."
    ),
    "empowerment": (
        "Decide one thing you may do for a customer today without asking permission, and use it."
    ),
    "listening": (
        "On your next call, ask one open question and let the customer finish before you answer."
    ),
    "speed": (
        "Pick the one thing you can do for the customer right now and do it before the call ends."
    ),
    "going-the-extra-mile": (
        "Look for one small thing beyond the request that you could do for your next customer."
    ),
}


def _hits(text: str, patterns: tuple[str, ...]) -> int:
    return sum(1 for pattern in patterns if re.search(pattern, text, flags=re.IGNORECASE))


def infer_themes(text: str, limit: int = MAX_THEMES) -> list[str]:
    """Up to ``limit`` themes from the vocabulary, strongest first (never empty)."""
    counts = {theme: _hits(text, THEME_RULES[theme]) for theme in THEMES}
    ranked = sorted((t for t in THEMES if counts[t]), key=lambda t: (-counts[t], THEMES.index(t)))
    # Every story here is, at heart, someone doing more than they had to.
    return ranked[:limit] or ["going-the-extra-mile"]


def infer_industry(text: str, known: str | None = None) -> str:
    """The company's industry when known, else the best keyword match, else "other"."""
    if known in INDUSTRIES:
        return known
    counts = {name: _hits(text, patterns) for name, patterns in INDUSTRY_RULES.items()}
    best = max(counts, key=lambda name: counts[name])
    return best if counts[best] else "other"


def principles_for(themes: list[str], limit: int = 4) -> list[str]:
    """Framework principles suggested by the themes (at most ``limit``, no repeats)."""
    out: list[str] = []
    for theme in themes:
        for principle in THEME_PRINCIPLES.get(theme, ()):
            if principle not in out:
                out.append(principle)
    return out[:limit]


def lessons_for(themes: list[str], limit: int = 2) -> list[str]:
    """One templated lesson per leading theme."""
    return [LESSONS[theme] for theme in themes[:limit]]


def try_this_for(themes: list[str]) -> str:
    """The templated "try this" line of the leading theme."""
    return TRY_THIS[themes[0]]
