"""The Gemini provider against the loopback Generative Language API server, over real sockets:
contents and generationConfig, safety stops and blocked prompts, paged model listing and both
spellings of a model name, and a bad key that is never shown. What every vendor does alike
(answers, error statuses, retries, broken streams, cancellation, the CLI) is in
test_every_vendor*.py.
"""

from __future__ import annotations

import asyncio

import pytest

from providers.advice import Remedy, remedy_of
from providers.errors import MissingAuthError, ParameterError, ResponseError
from providers.response import FinishReason
from providers.vendors.gemini import Gemini
from tests.providers.support import KEY, collect, last_body, one, text_of
from tests.servers.gemini_server import GeminiServer
from tests.servers.scenario import Error, Raw, Stream


# ----- requests --------------------------------------------------------------------------------
def test_request_shape(gemini_server: GeminiServer) -> None:
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Hi."},
        {"role": "assistant", "content": ""},  # a failed earlier answer: dropped
        {"role": "user", "content": [{"type": "text", "text": "How are you?"}]},
    ]
    _, error = collect(Gemini, gemini_server, messages=messages)
    assert error is None
    request = gemini_server.last_request
    assert request is not None
    assert request.path == "/v1beta/models/gemini-2.5-flash:streamGenerateContent"
    assert request.query == {"alt": "sse"}, "the key travels in a header, never in the URL"
    assert request.header("x-goog-api-key") == KEY
    assert request.body_dict == {
        "contents": [
            {"role": "user", "parts": [{"text": "Hello"}]},
            {"role": "model", "parts": [{"text": "Hi."}]},
            {"role": "user", "parts": [{"text": "How are you?"}]},
        ],
        "systemInstruction": {"parts": [{"text": "Be brief."}]},
    }


def test_parameters_map_to_generation_config(gemini_server: GeminiServer) -> None:
    _, error = collect(
        Gemini, gemini_server, temperature=0.3, top_p=0.9, top_k=40, max_tokens=300, stop=["END"],
        seed=7, presence_penalty=0.5, frequency_penalty=0.25, thinking_budget=2048,
        response_format={"type": "json_object"},
    )  # fmt: skip
    assert error is None
    assert last_body(gemini_server)["generationConfig"] == {
        "maxOutputTokens": 300,
        "temperature": 0.3,
        "topP": 0.9,
        "topK": 40,
        "stopSequences": ["END"],
        "seed": 7,
        "presencePenalty": 0.5,
        "frequencyPenalty": 0.25,
        "thinkingConfig": {"thinkingBudget": 2048, "includeThoughts": True},
        "responseMimeType": "application/json",
    }


def test_json_schema_and_thinking_off(gemini_server: GeminiServer) -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    _, error = collect(
        Gemini,
        gemini_server,
        reasoning_effort="none",
        response_format={"type": "json_schema", "json_schema": {"name": "n", "schema": schema}},
    )
    assert error is None
    assert last_body(gemini_server)["generationConfig"] == {
        "thinkingConfig": {"thinkingBudget": 0, "includeThoughts": False},
        "responseMimeType": "application/json",
        "responseJsonSchema": schema,
    }


def test_unknown_reasoning_effort(gemini_server: GeminiServer) -> None:
    _, error = collect(Gemini, gemini_server, reasoning_effort="extreme")
    assert isinstance(error, ParameterError) and "reasoning_effort" in str(error)
    assert gemini_server.requests == []


def test_safety_stop_after_text_is_a_finish_reason(gemini_server: GeminiServer) -> None:
    gemini_server.push(Stream(text="Part of an answer", finish="SAFETY"))
    chunks, error = collect(Gemini, gemini_server)
    assert error is None
    assert text_of(chunks) == "Part of an answer"
    assert one(chunks, FinishReason).reason == "content_filter"


def test_safety_stop_before_any_text_is_an_error(gemini_server: GeminiServer) -> None:
    gemini_server.push(Stream(text="", finish="SAFETY"))
    _, error = collect(Gemini, gemini_server)
    assert isinstance(error, ResponseError)
    assert "withheld the answer (SAFETY)" in str(error) and "Rephrase" in str(error)


def test_blocked_prompt(gemini_server: GeminiServer) -> None:
    blocked = b'data: {"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}}\r\n\r\n'
    gemini_server.push(Raw(body=blocked, content_type="text/event-stream"))
    _, error = collect(Gemini, gemini_server)
    assert isinstance(error, ResponseError)
    assert "refused the prompt (PROHIBITED_CONTENT)" in str(error)


# ----- models ----------------------------------------------------------------------------------
def test_models_listed_across_pages_chat_models_only(
    gemini_server: GeminiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Gemini, "models_page_size", 2)
    models = asyncio.run(
        Gemini.get_models_async(api_key=KEY, base_url=gemini_server.url, strict=True)
    )
    assert models == ["gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.0-flash"]  # no embedding
    pages = [r for r in gemini_server.requests if r.kind == "models"]
    assert len(pages) == 2 and "pageToken" in pages[1].query
    assert all(r.header("x-goog-api-key") == KEY for r in pages)


@pytest.mark.parametrize("typed", ["gemini-2.5-pro", "models/gemini-2.5-pro"])
def test_either_spelling_of_a_model_name(gemini_server: GeminiServer, typed: str) -> None:
    asyncio.run(Gemini.get_models_async(api_key=KEY, base_url=gemini_server.url))
    assert Gemini.get_model(typed) == "gemini-2.5-pro"
    _, error = collect(Gemini, gemini_server, model=typed)
    assert error is None
    request = gemini_server.last_request
    assert request is not None and request.path.startswith("/v1beta/models/gemini-2.5-pro:")


def test_listing_failure_falls_back_to_the_built_in_list(gemini_server: GeminiServer) -> None:
    gemini_server.push(Error(500, on="models"))
    models = asyncio.run(Gemini.get_models_async(api_key=KEY, base_url=gemini_server.url))
    assert models == Gemini.fallback_models


# ----- errors ----------------------------------------------------------------------------------
def test_a_bad_key_is_an_auth_error_and_never_shown(gemini_server: GeminiServer) -> None:
    secret = "test-gemini-WRONG-wrong-0123456789"
    _, error = collect(Gemini, gemini_server, api_key=secret)
    assert isinstance(error, MissingAuthError)
    # What fixes it travels with the error; each front end says where (never "Settings").
    assert remedy_of(error) is not None and remedy_of(error)[:2] == (Remedy.API_KEY, "gemini")
    assert "Settings" not in str(error) and "roundtable" not in str(error)
    assert secret not in str(error) and secret[:-4] not in str(error)
    gemini_server.push(Error(400, message=f"API key not valid: {secret}", code="API_KEY_INVALID"))
    _, error = collect(Gemini, gemini_server, api_key=KEY + "x")
    assert isinstance(error, MissingAuthError)
    assert (KEY + "x") not in str(error)
