"""The Anthropic provider against the loopback Messages API server, over real sockets: the
Messages request (system on top, headers, parameters, thinking budgets), paged model listing and
dated aliases, and a rejected key that is never shown. What every vendor does alike (answers,
error statuses, retries, broken streams, cancellation, the CLI) is in test_every_vendor*.py.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from providers.advice import Remedy, remedy_of
from providers.errors import MissingAuthError, ParameterError
from providers.vendors.anthropic import DEFAULT_MAX_TOKENS, Anthropic
from tests.providers.support import KEY, collect
from tests.servers.anthropic_server import AnthropicServer
from tests.servers.scenario import Error


# ----- requests --------------------------------------------------------------------------------
def test_request_places_system_on_top_and_sends_the_headers(
    anthropic_server: AnthropicServer,
) -> None:
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": ""},  # a failed earlier answer: dropped
        {"role": "assistant", "content": [{"type": "text", "text": "Hi."}]},
        {"role": "developer", "content": "Answer in English."},
        {"role": "user", "content": "How are you?"},
    ]
    _, error = collect(Anthropic, anthropic_server, messages=messages)
    assert error is None
    request = anthropic_server.last_request
    assert request is not None
    assert request.path == "/v1/messages"
    assert request.header("x-api-key") == KEY
    assert request.header("anthropic-version") == "2023-06-01"
    body = request.body_dict
    assert body["system"] == "Be brief.\n\nAnswer in English."
    assert body["messages"] == [
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Hi."},
        {"role": "user", "content": "How are you?"},
    ]
    assert body["model"] == "claude-sonnet-4-5"
    assert body["max_tokens"] == DEFAULT_MAX_TOKENS
    assert body["stream"] is True
    assert "thinking" not in body


def test_parameters_map_to_the_messages_api(anthropic_server: AnthropicServer) -> None:
    _, error = collect(
        Anthropic, anthropic_server, model="claude-haiku-4-5", temperature=0.3, top_p=0.9,
        top_k=40, max_tokens=300, stop=["END", "STOP"],
    )  # fmt: skip
    assert error is None
    body = anthropic_server.last_request.body_dict  # type: ignore[union-attr]
    assert body["model"] == "claude-haiku-4-5"
    assert (body["temperature"], body["top_p"], body["top_k"]) == (0.3, 0.9, 40)
    assert body["max_tokens"] == 300
    assert body["stop_sequences"] == ["END", "STOP"]
    assert "stop" not in body


@pytest.mark.parametrize(
    ("options", "budget", "max_tokens"),
    [
        ({"reasoning_effort": "low"}, 1024, 1024 + DEFAULT_MAX_TOKENS),
        ({"reasoning_effort": "high"}, 16384, 16384 + DEFAULT_MAX_TOKENS),
        ({"thinking_budget": 2000, "max_tokens": 3000}, 2000, 3000),
        ({"reasoning_effort": "high", "thinking_budget": 1500}, 1500, 1500 + DEFAULT_MAX_TOKENS),
    ],
)
def test_thinking_budget(
    anthropic_server: AnthropicServer, options: dict[str, Any], budget: int, max_tokens: int
) -> None:
    _, error = collect(Anthropic, anthropic_server, **options)
    assert error is None
    body = anthropic_server.last_request.body_dict  # type: ignore[union-attr]
    assert body["thinking"] == {"type": "enabled", "budget_tokens": budget}
    assert body["max_tokens"] == max_tokens


def test_reasoning_effort_none_sends_no_thinking(anthropic_server: AnthropicServer) -> None:
    _, error = collect(Anthropic, anthropic_server, reasoning_effort="none")
    assert error is None
    assert "thinking" not in anthropic_server.last_request.body_dict  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "options", [{"reasoning_effort": "high", "max_tokens": 4096}, {"reasoning_effort": "extreme"}]
)
def test_impossible_thinking_settings_fail_before_any_request(
    anthropic_server: AnthropicServer, options: dict[str, Any]
) -> None:
    chunks, error = collect(Anthropic, anthropic_server, **options)
    assert isinstance(error, ParameterError)
    assert ("max_tokens" in str(error)) or ("reasoning_effort" in str(error))
    assert chunks == [] and anthropic_server.requests == []


# ----- models ----------------------------------------------------------------------------------
def test_models_are_listed_page_by_page(
    anthropic_server: AnthropicServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = [f"claude-test-{i}-20250101" for i in range(5)]
    anthropic_server.models = list(names)
    monkeypatch.setattr(Anthropic, "models_page_size", 2)
    models = asyncio.run(
        Anthropic.get_models_async(api_key=KEY, base_url=anthropic_server.url, strict=True)
    )
    assert models == names
    pages = [r for r in anthropic_server.requests if r.kind == "models"]
    assert [r.query.get("after_id") for r in pages] == [None, names[1], names[3]]
    assert all(r.header("x-api-key") == KEY for r in pages)
    assert Anthropic.models == names


def test_an_alias_is_sent_as_the_listed_dated_model(anthropic_server: AnthropicServer) -> None:
    asyncio.run(Anthropic.get_models_async(api_key=KEY, base_url=anthropic_server.url))
    assert Anthropic.get_model("claude-sonnet-4-5") == "claude-sonnet-4-5-20250929"
    assert Anthropic.get_model("claude-opus-4-1-20250805") == "claude-opus-4-1-20250805"
    _, error = collect(Anthropic, anthropic_server)  # the default model is an alias
    assert error is None
    assert anthropic_server.last_request.body_dict["model"] == "claude-sonnet-4-5-20250929"  # type: ignore[union-attr]


def test_listing_failure_falls_back_to_the_built_in_list(
    anthropic_server: AnthropicServer,
) -> None:
    anthropic_server.push(Error(500, on="models"))
    models = asyncio.run(Anthropic.get_models_async(api_key=KEY, base_url=anthropic_server.url))
    assert models == Anthropic.fallback_models
    assert Anthropic.default_model in models
    anthropic_server.push(Error(401, on="models"))
    with pytest.raises(MissingAuthError):
        asyncio.run(
            Anthropic.get_models_async(api_key=KEY, base_url=anthropic_server.url, strict=True)
        )


# ----- errors ----------------------------------------------------------------------------------
def test_a_rejected_key_is_never_shown(anthropic_server: AnthropicServer) -> None:
    secret = "test-anthropic-SECRETSECRET-000111222"
    anthropic_server.push(Error(401, message=f"invalid x-api-key: {secret}"))
    _, error = collect(Anthropic, anthropic_server, api_key=secret)
    assert isinstance(error, MissingAuthError)
    assert secret not in str(error) and secret[:-4] not in str(error)
    # What fixes it travels with the error; each front end says where (never "Settings").
    assert remedy_of(error) is not None and remedy_of(error)[:2] == (Remedy.API_KEY, "anthropic")
    assert "Settings" not in str(error) and "roundtable" not in str(error)
