"""The Gemini provider against the loopback Generative Language API server, over real sockets."""

from __future__ import annotations

import asyncio
import io
import math
import time
from collections.abc import AsyncGenerator, Iterator
from typing import Any, cast

import pytest

from app import cli
from providers.errors import (
    BadRequestError,
    MissingAuthError,
    ModelNotFoundError,
    ParameterError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitError,
    ResponseError,
    ServiceUnavailableError,
)
from providers.response import FinishReason, Reasoning, Usage
from providers.vendors.gemini import Gemini
from tests.servers.gemini_server import GeminiServer
from tests.servers.scenario import Error, Models, Raw, Stream

KEY = "test-key-123"
MESSAGES: list[Any] = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Hello there"},
]


@pytest.fixture(autouse=True)
def fresh_model_cache() -> Iterator[None]:
    """The live model list is cached on the class: no test may see another's."""
    Gemini.models, Gemini.models_fetched_at = [], 0.0
    yield
    Gemini.models, Gemini.models_fetched_at = [], 0.0


def collect(server: GeminiServer, **kwargs: Any) -> tuple[list[Any], ProviderError | None]:
    """Every chunk until the end, or until an error (returned, with what came before it)."""
    kwargs.setdefault("api_key", KEY)
    messages = kwargs.pop("messages", MESSAGES)

    async def run() -> tuple[list[Any], ProviderError | None]:
        chunks: list[Any] = []
        generator = Gemini.create_async_generator(
            kwargs.pop("model", ""), messages, base_url=server.url, **kwargs
        )
        try:
            async for chunk in generator:
                chunks.append(chunk)
        except ProviderError as error:
            return chunks, error
        return chunks, None

    return asyncio.run(run())


def text_of(chunks: list[Any]) -> str:
    return "".join(chunk for chunk in chunks if isinstance(chunk, str))


def one(chunks: list[Any], kind: type) -> Any:
    found = [chunk for chunk in chunks if isinstance(chunk, kind)]
    assert len(found) == 1, chunks
    return found[0]


def last_body(server: GeminiServer) -> dict[str, Any]:
    assert server.last_request is not None
    return server.last_request.body_dict


# ----- streaming -------------------------------------------------------------------------------
def test_streams_thoughts_text_finish_and_usage(gemini_server: GeminiServer) -> None:
    gemini_server.push(Stream(text="Hi! Nice to meet you.", reasoning="The user greets me."))
    chunks, error = collect(gemini_server, reasoning_effort="low")
    assert error is None
    assert text_of(chunks) == "Hi! Nice to meet you."
    thoughts = [chunk for chunk in chunks if isinstance(chunk, Reasoning)]
    assert "".join(str(chunk) for chunk in thoughts) == "The user greets me."
    assert chunks.index(thoughts[-1]) < chunks.index("Hi!")
    assert one(chunks, FinishReason).reason == "stop"
    usage = one(chunks, Usage).get_dict()
    prompt_tokens = math.ceil(len("Be brief.Hello there") / 4)
    answer, thinking = math.ceil(21 / 4), math.ceil(19 / 4)
    assert usage == {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": answer + thinking,
        "reasoning_tokens": thinking,
        "total_tokens": prompt_tokens + answer + thinking,
    }
    assert isinstance(chunks[-1], Usage), "usage comes once, at the end"


def test_request_shape(gemini_server: GeminiServer) -> None:
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Hi."},
        {"role": "assistant", "content": ""},  # a failed earlier answer: dropped
        {"role": "user", "content": [{"type": "text", "text": "How are you?"}]},
    ]
    _, error = collect(gemini_server, messages=messages)
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
        gemini_server, temperature=0.3, top_p=0.9, top_k=40, max_tokens=300, stop=["END"],
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
    _, error = collect(gemini_server, reasoning_effort="extreme")
    assert isinstance(error, ParameterError) and "reasoning_effort" in str(error)
    assert gemini_server.requests == []


def test_length_finish_reason(gemini_server: GeminiServer) -> None:
    gemini_server.push(Stream(text="cut sho", finish="length"))
    chunks, error = collect(gemini_server)
    assert error is None
    assert one(chunks, FinishReason).reason == "length"


def test_safety_stop_after_text_is_a_finish_reason(gemini_server: GeminiServer) -> None:
    gemini_server.push(Stream(text="Part of an answer", finish="SAFETY"))
    chunks, error = collect(gemini_server)
    assert error is None
    assert text_of(chunks) == "Part of an answer"
    assert one(chunks, FinishReason).reason == "content_filter"


def test_safety_stop_before_any_text_is_an_error(gemini_server: GeminiServer) -> None:
    gemini_server.push(Stream(text="", finish="SAFETY"))
    _, error = collect(gemini_server)
    assert isinstance(error, ResponseError)
    assert "withheld the answer (SAFETY)" in str(error) and "Rephrase" in str(error)


def test_blocked_prompt(gemini_server: GeminiServer) -> None:
    blocked = b'data: {"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}}\r\n\r\n'
    gemini_server.push(Raw(body=blocked, content_type="text/event-stream"))
    _, error = collect(gemini_server)
    assert isinstance(error, ResponseError)
    assert "refused the prompt (PROHIBITED_CONTENT)" in str(error)


def test_complete_answer_without_streaming(gemini_server: GeminiServer) -> None:
    gemini_server.push(Stream(text="Whole answer.", reasoning="Short thought."))
    chunks, error = collect(gemini_server, stream=False, reasoning_effort="medium")
    assert error is None
    assert gemini_server.last_request.path.endswith(":generateContent")  # type: ignore[union-attr]
    assert text_of(chunks) == "Whole answer."
    assert str(one(chunks, Reasoning)) == "Short thought."
    assert one(chunks, FinishReason).reason == "stop"
    assert one(chunks, Usage).get_dict()["prompt_tokens"] > 0


def test_split_writes_inside_utf8_and_crlf_reassemble_exactly(gemini_server: GeminiServer) -> None:
    text = "Grüße aus Köln — 東京 👋🏽 ✓\nzweite Zeile"
    gemini_server.push(Stream(text=text, split_writes=True, split_delay=0, comments=True))
    chunks, error = collect(gemini_server)
    assert error is None
    assert text_of(chunks) == text


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
    _, error = collect(gemini_server, model=typed)
    assert error is None
    request = gemini_server.last_request
    assert request is not None and request.path.startswith("/v1beta/models/gemini-2.5-pro:")


def test_listing_failure_falls_back_to_the_built_in_list(gemini_server: GeminiServer) -> None:
    gemini_server.push(Error(500, on="models"))
    models = asyncio.run(Gemini.get_models_async(api_key=KEY, base_url=gemini_server.url))
    assert models == Gemini.fallback_models


# ----- errors ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("error", "expected", "words"),
    [
        (Error(400, code="API_KEY_INVALID"), MissingAuthError, "API key not valid"),
        (Error(403), MissingAuthError, "rejected"),
        (Error(401), MissingAuthError, "rejected"),
        (Error(400, message="The input token count (1200000) exceeds the maximum number of "
                            "tokens allowed (1048576)."), BadRequestError, "exceeds the maximum"),
        (Error(500), ServiceUnavailableError, "Try again"),
    ],
)  # fmt: skip
def test_error_statuses(
    gemini_server: GeminiServer, error: Error, expected: type, words: str
) -> None:
    gemini_server.push(error)
    chunks, raised = collect(gemini_server)
    assert type(raised) is expected, raised
    assert words in str(raised)
    assert text_of(chunks) == ""
    assert len(gemini_server.requests) == 1, "not retried"


def test_a_bad_key_is_an_auth_error_and_never_shown(gemini_server: GeminiServer) -> None:
    secret = "AIzaSyWRONG-wrong-wrong-0123456789"
    _, error = collect(gemini_server, api_key=secret)
    assert isinstance(error, MissingAuthError)
    assert "roundtable keys set -p gemini" in str(error)
    assert secret not in str(error) and secret[:-4] not in str(error)
    gemini_server.push(Error(400, message=f"API key not valid: {secret}", code="API_KEY_INVALID"))
    _, error = collect(gemini_server, api_key=KEY + "x")
    assert isinstance(error, MissingAuthError)
    assert (KEY + "x") not in str(error)


def test_unknown_model_names_the_available_ones(gemini_server: GeminiServer) -> None:
    gemini_server.strict_models = True
    _, error = collect(gemini_server, model="gemini-9-ultra")
    assert isinstance(error, ModelNotFoundError)
    assert "gemini-9-ultra" in str(error)
    assert "gemini-2.5-flash" in str(error)


def test_rate_limit_honours_retry_info_then_succeeds(gemini_server: GeminiServer) -> None:
    gemini_server.push(Error(429, retry_after=0.3), Stream(text="after the wait"))
    started = time.monotonic()
    chunks, error = collect(gemini_server)
    elapsed = time.monotonic() - started
    assert error is None and text_of(chunks) == "after the wait"
    assert len(gemini_server.requests) == 2
    assert 0.25 <= elapsed < 3, elapsed


def test_rate_limit_exhausted(gemini_server: GeminiServer) -> None:
    gemini_server.push(*[Error(429, retry_after=0.05)] * 3)
    _, error = collect(gemini_server)
    assert isinstance(error, RateLimitError)
    assert error.retry_after == pytest.approx(0.05)
    assert "quota" in str(error) and "Try again in 0.05 s" in str(error)
    assert len(gemini_server.requests) == 3


def test_overloaded_503_is_retried(gemini_server: GeminiServer) -> None:
    gemini_server.push(Error(503, retry_after=0), Stream(text="back again"))
    chunks, error = collect(gemini_server)
    assert error is None and text_of(chunks) == "back again"
    gemini_server.push(*[Error(503, retry_after=0)] * 3)
    _, error = collect(gemini_server)
    assert isinstance(error, ServiceUnavailableError)
    assert error.status == 503 and "overloaded" in str(error)


@pytest.mark.parametrize(
    ("status", "expected"),
    [(503, ServiceUnavailableError), (429, RateLimitError), (400, ResponseError)],
)
def test_error_mid_stream_keeps_the_text(
    gemini_server: GeminiServer, status: int, expected: type
) -> None:
    gemini_server.push(Stream(text="one two three four", error_after=2, error=Error(status)))
    chunks, error = collect(gemini_server)
    assert type(error) is expected
    assert "middle of the answer" in str(error)
    assert text_of(chunks) == "one two"


def test_dropped_connection_mid_stream(gemini_server: GeminiServer) -> None:
    gemini_server.push(Stream(text="one two three four", drop_after=2))
    chunks, error = collect(gemini_server)
    assert isinstance(error, ProviderConnectionError)
    assert text_of(chunks) == "one two"


def test_stream_that_ends_without_a_finish_reason(gemini_server: GeminiServer) -> None:
    gemini_server.push(Stream(text="one two three four", drop_after=2, chunked=False))
    chunks, error = collect(gemini_server)
    assert isinstance(error, ProviderConnectionError)
    assert "ended before it was complete" in str(error)
    assert text_of(chunks) == "one two"


def test_stalled_stream_times_out_quickly(gemini_server: GeminiServer) -> None:
    gemini_server.push(Stream(text="one two three four", stall_after=2, stall_seconds=30))
    started = time.monotonic()
    chunks, error = collect(gemini_server, timeout=0.3)
    assert isinstance(error, ProviderTimeoutError)
    assert time.monotonic() - started < 3
    assert text_of(chunks) == "one two"


# ----- cancellation ----------------------------------------------------------------------------
def open_connections(server: GeminiServer) -> int:
    """Client sockets the server still serves (its handler ends when the client goes away)."""
    return len(server._httpd._conns)


def test_closing_the_generator_closes_the_response(gemini_server: GeminiServer) -> None:
    gemini_server.push(Stream(text="word " * 200, delay=0.02))  # ~4 s if read to the end

    async def run() -> float:
        generator = cast(
            AsyncGenerator[Any, None],
            Gemini.create_async_generator("", MESSAGES, api_key=KEY, base_url=gemini_server.url),
        )
        async for chunk in generator:
            if isinstance(chunk, str):
                break
        assert open_connections(gemini_server) == 1
        started = time.monotonic()
        await generator.aclose()
        return time.monotonic() - started

    assert asyncio.run(run()) < 0.5
    deadline = time.monotonic() + 1.0
    while open_connections(gemini_server) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert open_connections(gemini_server) == 0, "the server still streams to nobody"


# ----- command line ----------------------------------------------------------------------------
def test_cli_chat_with_google_api_key(
    gemini_server: GeminiServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GOOGLE_API_KEY", KEY)
    monkeypatch.setenv("GEMINI_BASE_URL", gemini_server.url + "/v1beta")
    gemini_server.push(Stream(text="Bonjour ✓", reasoning="French it is."))
    out = io.StringIO()
    code = cli.run(
        ["chat", "-p", "gemini", "-m", "models/gemini-2.5-pro", "--system", "Be brief.",
         "--param", "reasoning_effort=low", "--param", "max_tokens=500", "Salut"],
        out=out,
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert out.getvalue() == "Bonjour ✓\n"
    assert "French it is." in captured.err and "[usage] input=" in captured.err
    body = last_body(gemini_server)
    assert body["systemInstruction"] == {"parts": [{"text": "Be brief."}]}
    assert body["generationConfig"]["maxOutputTokens"] == 500
    assert gemini_server.last_request.path.startswith("/v1beta/models/gemini-2.5-pro:")  # type: ignore[union-attr]


def test_cli_bad_key(
    gemini_server: GeminiServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    secret = "AIzaSyWRONG-key-abcdef123456"
    monkeypatch.setenv("GEMINI_API_KEY", secret)
    out = io.StringIO()
    code = cli.run(["chat", "-p", "gemini", "--base-url", gemini_server.url, "Hi"], out=out)
    captured = capsys.readouterr()
    assert code == 1 and out.getvalue() == ""
    assert captured.err.startswith("roundtable: error: The API key for Google Gemini was rejected")
    assert secret not in captured.err + captured.out


def test_cli_models(
    gemini_server: GeminiServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", KEY)
    gemini_server.push(Models(["gemini-x", "text-embedding-004", "gemini-2.5-flash"]))
    out = io.StringIO()
    assert cli.run(["models", "-p", "gemini", "--base-url", gemini_server.url], out=out) == 0
    assert out.getvalue().splitlines() == ["gemini-x", "gemini-2.5-flash  (default)"]
    gemini_server.push(Error(403, on="models"))
    out = io.StringIO()
    assert cli.run(["models", "-p", "gemini", "--base-url", gemini_server.url], out=out) == 0
    assert "gemini-2.5-pro" in out.getvalue().splitlines()
    assert "could not list live models" in capsys.readouterr().err
