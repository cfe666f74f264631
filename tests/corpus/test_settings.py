"""The typed settings object: defaults, validation with one-line errors, README's table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from corpus.settings import (
    PACKAGED_LEGENDS,
    Settings,
    SettingsError,
    env_name,
    get_settings,
    markdown_table,
)

README = Path(__file__).resolve().parents[2] / "README.md"
TABLE = re.compile(r"<!-- settings-table:[^>]*-->\n(.*?)\n<!-- /settings-table -->", re.S)


def test_readme_table_is_the_generated_one():
    """README lists exactly the declared settings, with their defaults and meanings."""
    found = TABLE.search(README.read_text(encoding="utf-8"))
    assert found, "README lost its settings-table markers"
    assert found.group(1) == markdown_table(), (
        "README's configuration table is out of date: paste `python -m corpus.settings`"
    )
    listed = re.findall(r"^\| `(LEGENDS_[A-Z_]+)`", found.group(1), re.M)
    assert listed == [env_name(field) for field in Settings.model_fields]


def test_every_setting_is_described():
    for field, info in Settings.model_fields.items():
        assert info.description, f"{env_name(field)} has no description"


def test_defaults(legends_home, monkeypatch):
    for field in Settings.model_fields:
        if field != "home":
            monkeypatch.delenv(env_name(field), raising=False)
    settings = get_settings()
    assert settings.home == legends_home
    assert settings.library_dir == PACKAGED_LEGENDS
    assert settings.corpus_dirs == [PACKAGED_LEGENDS, legends_home / "corpus"]
    assert settings.index_dir == legends_home / "index"
    assert settings.database_url == f"sqlite:///{legends_home / 'legends.db'}"
    assert settings.web_rate_limit == "20/minute" and settings.web_concurrency == 2
    assert settings.embedding_backend == "onnx" and settings.llm is None
    assert settings.api_keys == ()


def test_values_are_read_and_typed(monkeypatch, tmp_path):
    monkeypatch.setenv("LEGENDS_WEB_CONCURRENCY", "4")
    monkeypatch.setenv("LEGENDS_WEB_RATE_LIMIT", "5/second;100/hour")
    monkeypatch.setenv("LEGENDS_API_KEYS", " one , two,,")
    monkeypatch.setenv("LEGENDS_CHROMA_URL", "http://127.0.0.1:8000")
    monkeypatch.setenv("LEGENDS_FORWARDED_ALLOW_IPS", "10.0.0.2, 10.1.0.0/16")
    monkeypatch.setenv("LEGENDS_LIBRARY_DIR", "")  # empty means unset
    settings = get_settings()
    assert settings.web_concurrency == 4
    assert settings.web_rate_limit == "5/second;100/hour"
    assert settings.api_keys == ("one", "two")
    assert settings.chroma_url == "http://127.0.0.1:8000"
    assert settings.library_dir == PACKAGED_LEGENDS


def test_settings_can_be_built_explicitly(tmp_path):
    """Code below the entry points takes a Settings argument; tests build one directly."""
    settings = Settings(home=tmp_path, web_concurrency=3)
    assert settings.user_corpus_dir == tmp_path / "corpus"
    assert settings.database_url == f"sqlite:///{tmp_path / 'legends.db'}"
    with pytest.raises(ValidationError):  # frozen: one process, one configuration
        settings.web_concurrency = 5  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("LEGENDS_WEB_CONCURRENCY", "x", "LEGENDS_WEB_CONCURRENCY must be a whole number, not 'x'"),
        ("LEGENDS_WEB_QUEUE_SIZE", "0", "LEGENDS_WEB_QUEUE_SIZE must be at least 1"),
        ("LEGENDS_LLM_MAX_TOKENS", "1.5", "LEGENDS_LLM_MAX_TOKENS must be a whole number"),
        ("LEGENDS_WEB_RATE_LIMIT", "lots", "LEGENDS_WEB_RATE_LIMIT must look like '20/minute'"),
        ("LEGENDS_WEB_SHARE_LIMIT", "5 per fortnight", "LEGENDS_WEB_SHARE_LIMIT must look like"),
        ("LEGENDS_EMBEDDING_BACKEND", "gpu", "LEGENDS_EMBEDDING_BACKEND must be one of"),
        ("LEGENDS_CHROMA_URL", "localhost:8000", "LEGENDS_CHROMA_URL must be an http://"),
        ("LEGENDS_LLM_BASE_URL", "ftp://x", "LEGENDS_LLM_BASE_URL must be an http://"),
        ("LEGENDS_FORWARDED_ALLOW_IPS", "lb.example", "LEGENDS_FORWARDED_ALLOW_IPS must be '*'"),
        ("LEGENDS_API_CONVERSATION_TTL", "-1", "LEGENDS_API_CONVERSATION_TTL must be at least 1"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        get_settings()
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_secrets_are_never_echoed(monkeypatch):
    monkeypatch.setenv("LEGENDS_DATABASE_URL", "hunter2-no-scheme")
    with pytest.raises(SettingsError) as raised:
        get_settings()
    assert "LEGENDS_DATABASE_URL" in str(raised.value) and "hunter2" not in str(raised.value)
    monkeypatch.delenv("LEGENDS_DATABASE_URL")
    monkeypatch.setenv("LEGENDS_ADMIN_PASSWORD", "hunter2")
    monkeypatch.setenv("LEGENDS_API_KEYS", "hunter2")
    assert "hunter2" not in repr(get_settings())


def test_reused_while_the_environment_is_unchanged(monkeypatch):
    """Building the object costs milliseconds; a changed variable is still seen at once."""
    first = get_settings()
    assert get_settings() is first
    monkeypatch.setenv("LEGENDS_WEB_QUEUE_SIZE", "7")
    changed = get_settings()
    assert changed is not first and changed.web_queue_size == 7
    monkeypatch.setenv("LEGENDS_WEB_QUEUE_SIZE", "x")
    with pytest.raises(SettingsError):
        get_settings()
