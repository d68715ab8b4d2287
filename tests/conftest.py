"""Shared test setup: every test gets its own user directories and empty model caches; vendor
servers and a private keyring service as fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from providers import registry
from providers.chat import HttpChatProvider

pytest_plugins = ["tests.servers.fixtures", "tests.keyring_support"]

_CREDENTIAL_VARIABLES = (
    "OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL",
    "GEMINI_API_KEY", "GOOGLE_API_KEY", "OLLAMA_HOST", "OPENROUTER_API_KEY", "GROQ_API_KEY",
    "DEEPSEEK_API_KEY", "MISTRAL_API_KEY", "TOGETHER_API_KEY", "XAI_API_KEY",
    "PERPLEXITY_API_KEY", "PPLX_API_KEY", "GITHUB_TOKEN", "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_ENDPOINT", "ROUNDTABLE_READ_TIMEOUT", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
    "http_proxy", "https_proxy", "all_proxy",
)  # fmt: skip


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private data/config/cache dir per test, and no credentials leaking in from the shell."""
    for name in _CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for variable, sub in (
        ("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
    ):  # fmt: skip
        path = tmp_path / "xdg" / sub
        path.mkdir(parents=True)
        monkeypatch.setenv(variable, str(path))
    return tmp_path


_MODEL_CACHE = (("models", list), ("models_fetched_at", float), ("models_base_url", str))


def _model_caching_providers() -> list[type]:
    """Every registered provider and the built-in HTTP ones behind them (e.g. Open WebUI's)."""
    found = list(registry.all_providers().values())
    pending: list[type] = [HttpChatProvider]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("providers.") and cls not in found:
            found.append(cls)
    return found


@pytest.fixture(autouse=True)
def fresh_model_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees a live model list another one fetched: the cache lives on the class."""
    for provider in _model_caching_providers():
        for name, empty in _MODEL_CACHE:
            if name in vars(provider):
                monkeypatch.setattr(provider, name, empty())


@pytest.fixture(autouse=True)
def no_session_keys() -> Iterator[None]:
    """Keys kept in memory for one run (no keyring) never outlive the test that kept them."""
    from app.core.session_keys import SESSION_KEYS

    SESSION_KEYS.clear()
    yield
    SESSION_KEYS.clear()


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """keyring configured with its "no backend" backend, as on a desktop without one."""
    import keyring
    from keyring.backends import fail

    from providers import credentials

    saved = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    credentials.set_default_store(None)
    try:
        yield
    finally:
        keyring.set_keyring(saved)
        credentials.set_default_store(None)
