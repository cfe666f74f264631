"""Who may do what on the page: per-client rate limits and the trainer sign-in.

Visitors are told apart by their address. uvicorn rewrites it from ``X-Forwarded-For``
when the request comes through a trusted proxy (``LEGENDS_FORWARDED_ALLOW_IPS``), so
behind a load balancer each visitor is still counted on their own.

Loopback visitors (the person running ``legends serve`` on their own machine) are not
rate limited, and may use the trainer tools without signing in unless
``LEGENDS_ADMIN_PASSWORD`` is set. Everyone else is limited, and gets the trainer
tools only after signing in with that password.
"""

from __future__ import annotations

import hmac
import ipaddress
import math
import time
from dataclasses import dataclass

import gradio as gr
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from corpus.settings import Settings, SettingsError, get_settings

# Fixed limits: a sign-in guess and a rating are cheap to send and worth capping.
SIGN_IN_LIMIT = "5/minute"
RATING_LIMIT = "60/minute"


class RateLimited(Exception):
    """The client has used its allowance for an action; ``retry_after`` is in seconds."""

    def __init__(self, action: str, retry_after: int):
        self.action = action
        self.retry_after = retry_after
        super().__init__(
            f"Too many {action} from your address. Please try again in {_wait(retry_after)}."
        )


def _wait(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``; unknown or malformed hosts are not."""
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def client_host(request: gr.Request | None) -> str | None:
    """The visitor's address as the server sees it (after trusted proxy headers)."""
    client = getattr(request, "client", None)
    return getattr(client, "host", None)


def _limit(name: str, value: str) -> list[RateLimitItem]:
    try:
        items = parse_many(value)
    except ValueError:
        raise SettingsError(
            f"{name} must look like '20/minute' or '5/hour;50/day', not {value!r}"
        ) from None
    if not items:
        raise SettingsError(f"{name} is empty")
    return items


@dataclass
class _Action:
    label: str  # "messages", as in "Too many messages from your address"
    items: list[RateLimitItem]


class Access:
    """The page's gatekeeper, one per process (its counters live in memory)."""

    def __init__(self, settings: Settings | None = None):
        settings = settings or get_settings()
        self.password = settings.admin_password
        self._actions = {
            "answer": _Action(
                "messages", _limit("LEGENDS_WEB_RATE_LIMIT", settings.web_rate_limit)
            ),
            "share": _Action(
                "shared stories", _limit("LEGENDS_WEB_SHARE_LIMIT", settings.web_share_limit)
            ),
            "rating": _Action("ratings", parse_many(RATING_LIMIT)),
            "sign-in": _Action("sign-in attempts", parse_many(SIGN_IN_LIMIT)),
        }
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def _hit(self, action: str, host: str | None) -> None:
        spec = self._actions[action]
        key = host or "unknown"  # no address at all: everyone without one shares a bucket
        for item in spec.items:
            if not self._limiter.hit(item, action, key):
                reset = self._limiter.get_window_stats(item, action, key).reset_time
                raise RateLimited(spec.label, max(1, math.ceil(reset - time.time())))

    def check(self, action: str, request: gr.Request | None) -> None:
        """Count one ``action`` for the visitor; raise :class:`RateLimited` past the limit.

        Loopback visitors are not counted: the page is theirs.
        """
        host = client_host(request)
        if not is_loopback(host):
            self._hit(action, host)

    # The trainer tools -------------------------------------------------------------

    def trainer_state(self, request: gr.Request | None) -> str:
        """``open`` (no sign-in needed), ``sign-in`` (password set) or ``off``."""
        if self.password:
            return "sign-in"
        return "open" if is_loopback(client_host(request)) else "off"

    def trainer_allowed(self, signed_in: bool, request: gr.Request | None) -> bool:
        """May this session use the trainer tools now?"""
        state = self.trainer_state(request)
        return state == "open" or (state == "sign-in" and bool(signed_in))

    def sign_in(self, password: str, request: gr.Request | None) -> bool:
        """Check a password (attempts are limited per client, loopback included)."""
        if not self.password:
            return False
        self._hit("sign-in", client_host(request))
        given = (password or "").encode("utf-8")
        return hmac.compare_digest(given, self.password.encode("utf-8"))
