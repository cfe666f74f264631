"""All configuration: one typed object read from ``LEGENDS_*`` environment variables.

Each setting is declared once below, with its type, default, validation and the line
README's configuration table shows for it (``python -m corpus.settings`` prints that
table; a test checks that README holds it unchanged). Entry points (the CLI commands, the
web server) call :func:`get_settings` and pass the object down; code below them takes
``settings`` as an argument instead of reading the environment.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from platformdirs import user_cache_dir, user_data_dir
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

APP_NAME = "service-legends"
PACKAGED_LEGENDS = Path(__file__).parent / "legends"
PACKAGED_FRAMEWORKS = Path(__file__).parent / "frameworks"
ENV_PREFIX = "LEGENDS_"


class SettingsError(ValueError):
    """A ``LEGENDS_*`` variable has a value that cannot be used; the message names it."""


# Validators: each raises ValueError("must ...") so the message reads "LEGENDS_X must ...".


def _expand(path: Path) -> Path:
    return path.expanduser()


def _http_url(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http:// or https:// address such as http://127.0.0.1:8000")
    return value


def _rate_limit(value: str) -> str:
    """Checked with the ``limits`` parser that enforces it (imported only when set)."""
    from limits import parse_many

    try:
        items = parse_many(value)
    except ValueError:
        items = []
    if not items:
        raise ValueError("must look like '20/minute' or '5/hour;50/day'")
    return value


def _proxy_list(value: str) -> str:
    for item in (part.strip() for part in value.split(",")):
        if item == "*":
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ValueError(
                "must be '*' or comma-separated IP addresses or networks such as 10.0.0.2"
            ) from None
    return value


def _frame_sources(value: str) -> str:
    # One CSP directive's sources: a ";" or a line break would inject another directive
    # or header.
    if not value.strip() or any(c in value for c in ";,\r\n") or not value.isascii():
        raise ValueError("must be CSP sources such as * or 'self' https://intranet.example.org")
    return value.strip()


def _comma_separated(value: Any) -> Any:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


def _shown(default: str, *, secret: bool = False) -> dict[str, Any]:
    """Extra field information: README's default column, and whether to never echo it."""
    return {"readme_default": default, "secret": secret}


HttpUrl = Annotated[str | None, AfterValidator(_http_url)]
RateLimit = Annotated[str, AfterValidator(_rate_limit)]


class Settings(BaseSettings):
    """Resolved configuration for one process (immutable; build one per entry point)."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_ignore_empty=True,  # LEGENDS_X= (empty) means "not set", as before
        frozen=True,
        extra="forbid",
    )

    # --- Library and index -------------------------------------------------------------
    home: Annotated[Path, AfterValidator(_expand)] = Field(
        default_factory=lambda: Path(user_data_dir(APP_NAME, appauthor=False)),
        description="where the index and your own legends live",
        json_schema_extra=_shown(
            "the platform's user data directory (`~/.local/share/service-legends` on Linux)"
        ),
    )
    library_dir: Annotated[Path, AfterValidator(_expand)] = Field(
        default=PACKAGED_LEGENDS,
        description="use another folder of legend files instead of the packaged library",
        json_schema_extra=_shown("`corpus/legends`"),
    )
    embedding_model: str | None = Field(
        default=None,
        description="path to another sentence-transformers model (a change rebuilds the index)",
        json_schema_extra=_shown("the packaged all-MiniLM-L6-v2"),
    )
    embedding_backend: Literal["onnx", "torch"] = Field(
        default="onnx",
        description="`onnx` (the model exported once to ONNX, run by onnxruntime: fast start) "
        "or `torch` (sentence-transformers)",
    )
    cache_dir: Annotated[Path, AfterValidator(_expand)] = Field(
        default_factory=lambda: Path(user_cache_dir(APP_NAME, appauthor=False)),
        description="where the ONNX export of the model is kept",
        json_schema_extra=_shown("the platform's user cache directory"),
    )
    chroma_url: HttpUrl = Field(
        default=None,
        description="use a Chroma server (`http://HOST:PORT`, started with `chroma run`) "
        "instead of the embedded index",
        json_schema_extra=_shown("unset (embedded, under `LEGENDS_HOME/index`)"),
    )

    # --- Optional LLM back end ---------------------------------------------------------
    llm: str | None = Field(
        default=None,
        description="an LLM back end (see above); unset for the grounded composer",
    )
    llm_base_url: HttpUrl = Field(
        default=None,
        description="server address for `ollama:` / `openai:`",
        json_schema_extra=_shown("unset (`ollama:` uses `http://127.0.0.1:11434`)"),
    )
    llm_api_key: str | None = Field(
        default=None,
        repr=False,
        description="API key for `openai:`",
        json_schema_extra=_shown("unset", secret=True),
    )
    llm_max_tokens: int = Field(default=400, ge=1, description="longest LLM answer, in tokens")

    # --- The web app -------------------------------------------------------------------
    database_url: str = Field(
        default="",
        repr=False,  # may hold a password
        validate_default=True,
        description="where the web app stores feedback and shared stories (an SQLAlchemy URL; "
        "PostgreSQL works with its driver installed)",
        json_schema_extra=_shown("`sqlite:///$LEGENDS_HOME/legends.db`", secret=True),
    )
    web_queue_size: int = Field(
        default=20,
        ge=1,
        description='how many page events may wait in the queue; beyond it visitors see "busy"',
    )
    web_concurrency: int = Field(
        default=2, ge=1, description="how many page events (answers) run at once"
    )
    admin_password: str | None = Field(
        default=None,
        repr=False,
        description="the trainer password: with it, the Trainer tab (and the API's and MCP "
        "server's trainer tools) ask for it; without it, they work only for visitors on loopback",
        json_schema_extra=_shown("unset", secret=True),
    )
    web_rate_limit: RateLimit = Field(
        default="20/minute",
        description="answers (chat, `/chat`, `/api/v1/ask`, trainer packs) per visitor beyond "
        "loopback, in [limits](https://limits.readthedocs.io/en/stable/quickstart.html"
        "#rate-limit-string-notation) notation; `;` joins several",
    )
    web_share_limit: RateLimit = Field(
        default="5/hour", description="shared stories per visitor beyond loopback"
    )
    forwarded_allow_ips: Annotated[str, AfterValidator(_proxy_list)] = Field(
        default="127.0.0.1",
        description="proxies or load balancers whose `X-Forwarded-For` names the visitor "
        "(comma-separated addresses or networks, or `*`); the visitor is the rightmost "
        "address in the header that is not one of them. With `*` anyone may claim an "
        "address, and only the nearest hop's claim counts: use it only when the app is "
        "reachable through the proxy alone",
    )
    web_max_body_bytes: int = Field(
        default=2 * 1024 * 1024,
        ge=1024,
        description="largest request body the app accepts, in bytes (the chat history comes "
        "with each page event); larger ones get HTTP 413",
        json_schema_extra=_shown("2097152 (2 MB)"),
    )
    frame_ancestors: Annotated[str, AfterValidator(_frame_sources)] = Field(
        default="*",
        description="who may show the page in a frame (`Content-Security-Policy: "
        "frame-ancestors`), e.g. `'self' https://intranet.example.org`; inside a frame the "
        "trainer tools are hidden whatever this says",
        json_schema_extra=_shown("`*` (any site may embed the chat)"),
    )

    # --- The JSON API --------------------------------------------------------------------
    api_keys: Annotated[tuple[str, ...], NoDecode, BeforeValidator(_comma_separated)] = Field(
        default=(),
        repr=False,
        description="keys for trusted integrations (comma-separated), sent as "
        "`Authorization: Bearer KEY` or `X-API-Key: KEY`; they lift the per-visitor limits "
        "of the JSON API and MCP server",
        json_schema_extra=_shown("none", secret=True),
    )
    api_concurrency: int = Field(
        default=2,
        ge=1,
        description="how many JSON API and MCP answers are worked on at once (the rest wait)",
    )
    api_queue_size: int = Field(
        default=200,
        ge=1,
        description="how many JSON API answers may wait; beyond it callers get 503 with "
        "`Retry-After`",
    )
    api_conversation_limit: int = Field(
        default=1000,
        ge=1,
        description="most JSON API conversations kept at once (the least recently used goes first)",
    )
    api_conversation_ttl: int = Field(
        default=1800,
        ge=1,
        description="seconds an idle JSON API conversation is kept for follow-ups",
    )

    @field_validator("database_url", mode="after")
    @classmethod
    def _database_default(cls, value: str, info: ValidationInfo) -> str:
        if not value:
            home = info.data.get("home") or Path(user_data_dir(APP_NAME, appauthor=False))
            return f"sqlite:///{home / 'legends.db'}"
        if "://" not in value:
            raise ValueError("must be an SQLAlchemy URL such as postgresql://USER@HOST/DB")
        return value

    @property
    def user_corpus_dir(self) -> Path:
        """Legends added by ingestion or approved submissions live here."""
        return self.home / "corpus"

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def corpus_dirs(self) -> list[Path]:
        """Where legend files are read from: the packaged library, then the user's."""
        return [self.library_dir, self.user_corpus_dir]


def env_name(field: str) -> str:
    """The environment variable of a settings field: ``web_rate_limit`` -> ``LEGENDS_...``."""
    return f"{ENV_PREFIX}{field.upper()}"


def _is_secret(field: str) -> bool:
    extra = Settings.model_fields[field].json_schema_extra
    return isinstance(extra, dict) and bool(extra.get("secret"))


_PHRASES = {
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "greater_than_equal": "must be at least {ge}",
    "literal_error": "must be one of {expected}",
}


def _one_line(error: dict[str, Any]) -> str:
    """``LEGENDS_X must ..., not 'value'`` for the first problem pydantic found."""
    field = str(error["loc"][0]) if error.get("loc") else "?"
    kind = error.get("type", "")
    if kind in _PHRASES:
        phrase = _PHRASES[kind].format(**error.get("ctx", {}))
    else:
        message = str(error.get("msg", "is not valid"))
        phrase = message.removeprefix("Value error, ")
        if not phrase.startswith("must"):
            phrase = f"must be valid ({phrase})"
    shown = "" if _is_secret(field) else f", not {error.get('input')!r}"
    return f"{env_name(field)} {phrase}{shown}"


# What the settings are built from: the LEGENDS_* variables, and those platformdirs reads
# for the default folders.
_PLATFORM_VARIABLES = ("HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")
_KEY_VARIABLES = tuple(env_name(field) for field in Settings.model_fields) + _PLATFORM_VARIABLES
_last: tuple[tuple, Settings] | None = None


def _environment_key() -> tuple:
    return tuple(os.environ.get(name) for name in _KEY_VARIABLES)


def get_settings() -> Settings:
    """The settings for the environment as it is now.

    Building the object costs milliseconds, and code below the entry points may still ask
    for it per request, so the last one is reused while the variables it was read from are
    unchanged (a changed variable is seen at the next call, as before). Raises
    :class:`SettingsError` with one line naming the variable when a value cannot be used;
    the CLI prints it and exits with code 2.
    """
    global _last
    key = _environment_key()
    last = _last
    if last is not None and last[0] == key:
        return last[1]
    try:
        settings = Settings()
    except ValidationError as error:
        raise SettingsError(_one_line(error.errors()[0])) from None
    _last = (key, settings)
    return settings


def _default_text(field: str) -> str:
    info = Settings.model_fields[field]
    extra = info.json_schema_extra
    if isinstance(extra, dict) and "readme_default" in extra:
        return str(extra["readme_default"])
    if info.default is None:
        return "unset"
    if isinstance(info.default, str):
        return f"`{info.default}`"
    return str(info.default)


def markdown_table() -> str:
    """README's configuration table, one row per setting, in declaration order."""
    rows = ["| variable | meaning | default |", "|---|---|---|"]
    for field, info in Settings.model_fields.items():
        rows.append(f"| `{env_name(field)}` | {info.description} | {_default_text(field)} |")
    return "\n".join(rows)


if __name__ == "__main__":  # python -m corpus.settings: print the README table
    print(markdown_table())
