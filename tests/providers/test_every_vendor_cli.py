"""``roundtable`` on every vendor, in-process against the vendor's loopback server: ``chat`` set up
through the vendor's own variables, with the answer alone on stdout; a rejected key is an error that
never shows the key; ``models`` lists the live models, and the built-in ones when listing fails."""

from __future__ import annotations

from typing import Any

import pytest

from tests.providers.support import (
    ANTHROPIC,
    GEMINI,
    KEY,
    OLLAMA,
    OPENAI,
    Roundtable,
    Vendor,
    case,
)
from tests.servers import Error, MockServer, Models, Stream


@pytest.mark.parametrize(
    ("vendor", "variables", "args", "path", "body"),
    [
        case(ANTHROPIC, {"ANTHROPIC_API_KEY": KEY, "ANTHROPIC_BASE_URL": "{url}/v1"},
             ["--param", "temperature=1", "--param", "stop=END"], "/v1/messages",
             {"system": "Be brief.", "stop_sequences": ["END"], "temperature": 1}),
        case(GEMINI, {"GOOGLE_API_KEY": KEY, "GEMINI_BASE_URL": "{url}/v1beta"},
             ["-m", "models/gemini-2.5-pro", "--param", "max_tokens=500"],
             "/v1beta/models/gemini-2.5-pro:streamGenerateContent",
             {"systemInstruction": {"parts": [{"text": "Be brief."}]},
              "generationConfig": {"maxOutputTokens": 500, "thinkingConfig": {
                  "thinkingBudget": 1024, "includeThoughts": True}}}),
        case(OLLAMA, {"OLLAMA_HOST": "0.0.0.0:{port}"},
             ["-m", "qwen3:0.6b", "--param", "max_tokens=500"], "/api/chat",
             {"options": {"num_predict": 500}, "think": True}),
    ],
)  # fmt: skip
def test_chat_through_the_vendors_variables(
    vendor: Vendor,
    server: MockServer,
    monkeypatch: pytest.MonkeyPatch,
    roundtable: Roundtable,
    variables: dict[str, str],
    args: list[str],
    path: str,
    body: dict[str, Any],
) -> None:
    """The thoughts and the usage go to stderr; what the request carries is the vendor's."""
    for name, value in variables.items():
        monkeypatch.setenv(name, value.format(url=server.url, port=server.port))
    server.push(Stream(text="Bonjour ✓", reasoning="French it is."))
    run = roundtable(
        "chat", "-p", vendor.provider.id, "--system", "Be brief.", "--param",
        "reasoning_effort=low", *args, "Salut",
    )  # fmt: skip
    assert run.code == 0, run.err
    assert run.out == "Bonjour ✓\n"
    assert "French it is." in run.err
    assert "[usage] input=" in run.err
    request = server.last_request
    assert request is not None and request.path == path
    assert {name: request.body_dict[name] for name in body} == body


@pytest.mark.parametrize(
    ("vendor", "secret"),
    [
        case(OPENAI, "test-key-wrong-5566778899"),
        case(ANTHROPIC, "test-anthropic-wrong-5566778899"),
        case(GEMINI, "AIzaSyWRONG-key-abcdef123456"),
    ],
)
def test_rejected_key_fails_without_showing_the_key(
    vendor: Vendor,
    server: MockServer,
    monkeypatch: pytest.MonkeyPatch,
    roundtable: Roundtable,
    secret: str,
) -> None:
    monkeypatch.setenv(vendor.provider.api_key_env[0], secret)
    run = roundtable("chat", "-p", vendor.provider.id, "--base-url", server.base_url, "Hi")
    assert run.code == 1
    assert run.out == ""
    label = vendor.provider.label
    assert run.err.startswith(f"roundtable: error: The API key for {label} was rejected")
    assert secret not in run.err + run.out


def _models(vendor: Vendor, server: MockServer, monkeypatch: pytest.MonkeyPatch) -> tuple[str, ...]:
    """``roundtable models`` for the vendor's server, with its key where it needs one."""
    if vendor.provider.needs_auth:
        monkeypatch.setenv(vendor.provider.api_key_env[0], KEY)
    return ("models", "-p", vendor.provider.id, "--base-url", server.base_url)


@pytest.mark.parametrize(
    ("vendor", "live", "listed"),
    [
        case(ANTHROPIC, ["claude-x-20250101", "claude-y-20250202"],
             ["claude-x-20250101", "claude-y-20250202"]),
        case(GEMINI, ["gemini-x", "text-embedding-004", "gemini-2.5-flash"],
             ["gemini-x", "gemini-2.5-flash  (default)"]),  # chat models only
        case(OLLAMA, ["llama3.2:latest", "gemma3:4b"],
             ["llama3.2:latest  (default)", "gemma3:4b"]),  # the default as the service spells it
    ],
)  # fmt: skip
def test_models_lists_the_live_models(
    vendor: Vendor,
    server: MockServer,
    monkeypatch: pytest.MonkeyPatch,
    roundtable: Roundtable,
    live: list[str],
    listed: list[str],
) -> None:
    server.push(Models(live))
    run = roundtable(*_models(vendor, server, monkeypatch))
    assert run.code == 0
    assert run.out.splitlines() == listed


@pytest.mark.parametrize(
    ("vendor", "failures", "built_in"),
    [
        case(ANTHROPIC, [Error(503, retry_after=0, on="models")] * 3,
             "claude-sonnet-4-5  (default)"),
        case(GEMINI, [Error(403, on="models")], "gemini-2.5-pro"),
        case(OLLAMA, [Error(500, on="models")], "llama3.2  (default)"),
    ],
)  # fmt: skip
def test_models_falls_back_to_the_built_in_list(
    vendor: Vendor,
    server: MockServer,
    monkeypatch: pytest.MonkeyPatch,
    roundtable: Roundtable,
    failures: list[Error],
    built_in: str,
) -> None:
    server.push(*failures)
    run = roundtable(*_models(vendor, server, monkeypatch))
    assert run.code == 0
    assert built_in in run.out.splitlines()
    assert "could not list live models" in run.err
