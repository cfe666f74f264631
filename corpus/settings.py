"""All configuration, read from ``LEGENDS_*`` environment variables in one place.

Every layer (corpus, index, assistant, ui) asks :func:`get_settings` instead of
reading the environment itself, so the README's configuration table is complete.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_cache_dir, user_data_dir

APP_NAME = "service-legends"
PACKAGED_LEGENDS = Path(__file__).parent / "legends"
PACKAGED_FRAMEWORKS = Path(__file__).parent / "frameworks"


@dataclass(frozen=True)
class Settings:
    """Resolved configuration for one process."""

    home: Path
    library_dir: Path
    cache_dir: Path
    chroma_url: str | None
    embedding_model: str | None
    embedding_backend: str
    llm: str | None
    llm_base_url: str | None
    llm_api_key: str | None
    llm_max_tokens: int
    # The web app's store for feedback and shared stories (an SQLAlchemy URL).
    database_url: str = ""
    # Public-page limits: events waiting in the queue, and events running at once.
    web_queue_size: int = 20
    web_concurrency: int = 2
    # Trainer sign-in; without it the trainer tools answer loopback visitors only.
    admin_password: str | None = None
    # Per-client limits for visitors from beyond loopback ("limits" notation).
    web_rate_limit: str = "20/minute"
    web_share_limit: str = "5/hour"
    # Proxies (load balancers) whose X-Forwarded-For names the real visitor.
    forwarded_allow_ips: str = "127.0.0.1"

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


class SettingsError(ValueError):
    """A ``LEGENDS_*`` variable has a value that cannot be used; the message names it."""


def _positive_int(name: str, default: int) -> int:
    """An integer setting of at least 1; a bad value names the variable."""
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise SettingsError(f"{name} must be at least 1, not {value}")
    return value


def get_settings() -> Settings:
    """Read the ``LEGENDS_*`` environment variables (read afresh on each call)."""
    home = Path(
        os.environ.get("LEGENDS_HOME") or user_data_dir(APP_NAME, appauthor=False)
    ).expanduser()
    return Settings(
        home=home,
        library_dir=Path(os.environ.get("LEGENDS_LIBRARY_DIR") or PACKAGED_LEGENDS).expanduser(),
        cache_dir=Path(
            os.environ.get("LEGENDS_CACHE_DIR") or user_cache_dir(APP_NAME, appauthor=False)
        ).expanduser(),
        chroma_url=os.environ.get("LEGENDS_CHROMA_URL") or None,
        embedding_model=os.environ.get("LEGENDS_EMBEDDING_MODEL") or None,
        embedding_backend=os.environ.get("LEGENDS_EMBEDDING_BACKEND") or "onnx",
        llm=os.environ.get("LEGENDS_LLM") or None,
        llm_base_url=os.environ.get("LEGENDS_LLM_BASE_URL") or None,
        llm_api_key=os.environ.get("LEGENDS_LLM_API_KEY") or None,
        llm_max_tokens=_positive_int("LEGENDS_LLM_MAX_TOKENS", 400),
        database_url=os.environ.get("LEGENDS_DATABASE_URL") or f"sqlite:///{home / 'legends.db'}",
        web_queue_size=_positive_int("LEGENDS_WEB_QUEUE_SIZE", 20),
        web_concurrency=_positive_int("LEGENDS_WEB_CONCURRENCY", 2),
        admin_password=os.environ.get("LEGENDS_ADMIN_PASSWORD") or None,
        web_rate_limit=os.environ.get("LEGENDS_WEB_RATE_LIMIT") or "20/minute",
        web_share_limit=os.environ.get("LEGENDS_WEB_SHARE_LIMIT") or "5/hour",
        forwarded_allow_ips=os.environ.get("LEGENDS_FORWARDED_ALLOW_IPS") or "127.0.0.1",
    )
