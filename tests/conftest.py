"""Shared test setup: every test gets its own user directories; vendor servers as fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["tests.servers.fixtures"]

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
