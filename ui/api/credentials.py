"""Who is calling the API: an integration with an API key, a trainer, or a visitor.

- An API key (``LEGENDS_API_KEYS``), sent as ``X-API-Key: KEY`` or
  ``Authorization: Bearer KEY``, lifts the per-visitor limits.
- The trainer password (``LEGENDS_ADMIN_PASSWORD``), sent as ``Authorization: Bearer
  PASSWORD`` or HTTP Basic (any user name), opens the trainer endpoints. Without a
  password set, they are open to loopback callers only, as on the page.
- Anyone else is a visitor: the page's per-address limits apply (loopback exempt).

Credentials are compared in constant time; wrong ones are limited per address like
sign-in guesses on the page, so they cannot be guessed quickly.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import math
import time
from dataclasses import dataclass

from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.requests import Request

from corpus.settings import Settings
from ui.api.problems import ApiProblem
from ui.web.access import SIGN_IN_LIMIT, Access, RateLimited, client_host

TRAINER_CHALLENGE = 'Basic realm="Service Legends trainer", charset="UTF-8"'


@dataclass(frozen=True)
class Caller:
    """What the request's credentials prove."""

    api_key: bool = False
    trainer: bool = False


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


class Credentials:
    """Checks API keys and the trainer password, and applies the visitor limits."""

    def __init__(self, settings: Settings, access: Access):
        self.keys = tuple(settings.api_keys)
        self.password = settings.admin_password
        self.access = access
        self._failures = MovingWindowRateLimiter(MemoryStorage())
        self._failure_limits = parse_many(SIGN_IN_LIMIT)

    def _is_key(self, token: str) -> bool:
        # Every key is compared, so the time taken does not tell which one nearly matched.
        return any([_same(token, key) for key in self.keys])

    def _is_password(self, token: str) -> bool:
        return bool(self.password) and _same(token, self.password or "")

    def _failed(self, request: Request, detail: str) -> ApiProblem:
        key = client_host(request) or "unknown"
        for item in self._failure_limits:
            if not self._failures.hit(item, "api-credential", key):
                reset = self._failures.get_window_stats(item, "api-credential", key).reset_time
                wait = max(1, math.ceil(reset - time.time()))
                return ApiProblem(
                    429,
                    f"Too many wrong credentials from your address. Try again in {wait} seconds.",
                    headers={"Retry-After": str(wait)},
                )
        return ApiProblem(
            401, detail, headers={"WWW-Authenticate": TRAINER_CHALLENGE}, kind="bad-credential"
        )

    def identify(self, request: Request) -> Caller:
        """The caller's credentials; a credential that is sent but wrong is a 401."""
        headers = request.headers
        api_key = False
        key = headers.get("x-api-key")
        if key is not None:
            if not self._is_key(key.strip()):
                raise self._failed(request, "The X-API-Key is not one of this server's API keys.")
            api_key = True
        authorization = headers.get("authorization")
        if not authorization:
            return Caller(api_key=api_key)
        scheme, _, value = authorization.partition(" ")
        scheme, value = scheme.casefold(), value.strip()
        if scheme == "bearer":
            if self._is_key(value):
                return Caller(api_key=True)
            if self._is_password(value):
                return Caller(api_key=api_key, trainer=True)
            raise self._failed(
                request, "The bearer token is neither an API key nor the trainer password."
            )
        if scheme == "basic":
            try:
                decoded = base64.b64decode(value, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                raise ApiProblem(401, "The Basic credentials are not valid base64.") from None
            _, _, password = decoded.partition(":")
            if self._is_password(password):
                return Caller(api_key=api_key, trainer=True)
            raise self._failed(request, "That trainer password is not right.")
        raise ApiProblem(401, f"Unsupported Authorization scheme {scheme!r}; use Bearer or Basic.")

    def count_answer(self, request: Request, caller: Caller) -> None:
        """Count one answer for a visitor (429 past the limit); API keys are not counted."""
        if caller.api_key:
            return
        try:
            self.access.check("answer", request)
        except RateLimited as error:
            raise ApiProblem(
                429, str(error), headers={"Retry-After": str(error.retry_after)}
            ) from None

    def require_trainer(self, request: Request, caller: Caller) -> None:
        """403 when the trainer tools are off for this caller, 401 without the password."""
        if caller.trainer:
            return
        state = self.access.trainer_state(request)
        if state == "open":
            return
        if state == "off":
            raise ApiProblem(
                403,
                "The trainer endpoints answer loopback callers only, and no trainer password "
                "is set; the person running the server can set LEGENDS_ADMIN_PASSWORD.",
            )
        raise ApiProblem(
            401,
            "The trainer endpoints need the trainer password (Authorization: Bearer PASSWORD, "
            "or HTTP Basic).",
            headers={"WWW-Authenticate": TRAINER_CHALLENGE},
        )
