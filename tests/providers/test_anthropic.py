"""The Anthropic provider against the loopback Messages API server, over real sockets."""

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
from providers.vendors.anthropic import DEFAULT_MAX_TOKENS, Anthropic
from tests.servers.anthropic_server import AnthropicServer
from tests.servers.scenario import Error, Models, Stream

KEY = "test-key-123"
MESSAGES: list[Any] = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Hello there"},
]


@pytest.fixture(autouse=True)
def fresh_model_cache() -> Iterator[None]:
    """The live model list is cached on the class: no test may see another's."""
    Anthropic.models, Anthropic.models_fetched_at = [], 0.0
    yield
    Anthropic.models, Anthropic.models_fetched_at = [], 0.0


def collect(server: AnthropicServer, **kwargs: Any) -> tuple[list[Any], ProviderError | None]:
    """Every chunk until the end, or until an error (returned, with what came before it)."""
    kwargs.setdefault("api_key", KEY)
    messages = kwargs.pop("messages", MESSAGES)

    async def run() -> tuple[list[Any], ProviderError | None]:
        chunks: list[Any] = []
        generator = Anthropic.create_async_generator(
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


# ----- streaming -------------------------------------------------------------------------------
def test_streams_text_reasoning_finish_and_usage(anthropic_server: AnthropicServer) -> None:
    anthropic_server.push(Stream(text="Hi! Nice to meet you.", reasoning="The user greets me."))
    chunks, error = collect(anthropic_server, reasoning_effort="low")
    assert error is None
    assert text_of(chunks) == "Hi! Nice to meet you."
    thinking = [chunk for chunk in chunks if isinstance(chunk, Reasoning)]
    assert "".join(str(chunk) for chunk in thinking) == "The user greets me."
    assert chunks.index(thinking[-1]) < chunks.index("Hi!")
    assert one(chunks, FinishReason).reason == "stop"
    usage = one(chunks, Usage).get_dict()
    prompt_tokens = math.ceil(len("Be brief.Hello there") / 4)
    output = math.ceil(len("Hi! Nice to meet you.") / 4) + math.ceil(len("The user greets me.") / 4)
    assert usage == {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": output,
        "total_tokens": prompt_tokens + output,
    }
    assert isinstance(chunks[-1], Usage), "usage comes once, at the end"


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
    _, error = collect(anthropic_server, messages=messages)
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
        anthropic_server, model="claude-haiku-4-5", temperature=0.3, top_p=0.9, top_k=40,
        max_tokens=300, stop=["END", "STOP"],
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
    _, error = collect(anthropic_server, **options)
    assert error is None
    body = anthropic_server.last_request.body_dict  # type: ignore[union-attr]
    assert body["thinking"] == {"type": "enabled", "budget_tokens": budget}
    assert body["max_tokens"] == max_tokens


def test_reasoning_effort_none_sends_no_thinking(anthropic_server: AnthropicServer) -> None:
    _, error = collect(anthropic_server, reasoning_effort="none")
    assert error is None
    assert "thinking" not in anthropic_server.last_request.body_dict  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "options", [{"reasoning_effort": "high", "max_tokens": 4096}, {"reasoning_effort": "extreme"}]
)
def test_impossible_thinking_settings_fail_before_any_request(
    anthropic_server: AnthropicServer, options: dict[str, Any]
) -> None:
    chunks, error = collect(anthropic_server, **options)
    assert isinstance(error, ParameterError)
    assert ("max_tokens" in str(error)) or ("reasoning_effort" in str(error))
    assert chunks == [] and anthropic_server.requests == []


def test_length_finish_reason(anthropic_server: AnthropicServer) -> None:
    anthropic_server.push(Stream(text="cut sho", finish="length"))
    chunks, error = collect(anthropic_server)
    assert error is None
    assert one(chunks, FinishReason).reason == "length"


def test_complete_answer_without_streaming(anthropic_server: AnthropicServer) -> None:
    anthropic_server.push(Stream(text="Whole answer.", reasoning="Short thought."))
    chunks, error = collect(anthropic_server, stream=False, reasoning_effort="low")
    assert error is None
    assert anthropic_server.last_request.body_dict["stream"] is False  # type: ignore[union-attr]
    assert text_of(chunks) == "Whole answer."
    assert str(one(chunks, Reasoning)) == "Short thought."
    assert one(chunks, FinishReason).reason == "stop"
    assert one(chunks, Usage).get_dict()["completion_tokens"] > 0


def test_split_writes_inside_utf8_and_crlf_reassemble_exactly(
    anthropic_server: AnthropicServer,
) -> None:
    text = "Grüße aus Köln — 東京 👋🏽 ✓\nzweite Zeile"
    anthropic_server.push(
        Stream(text=text, split_writes=True, split_delay=0, line_ending="\r\n", comments=True)
    )
    chunks, error = collect(anthropic_server)
    assert error is None
    assert text_of(chunks) == text


def test_close_delimited_stream(anthropic_server: AnthropicServer) -> None:
    anthropic_server.push(Stream(text="No chunked encoding here.", chunked=False))
    chunks, error = collect(anthropic_server)
    assert error is None
    assert text_of(chunks) == "No chunked encoding here."


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
    _, error = collect(anthropic_server)  # the default model is an alias
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
@pytest.mark.parametrize(
    ("error", "expected", "words"),
    [
        (Error(401), MissingAuthError, "rejected"),
        (Error(403), MissingAuthError, "permission"),
        (Error(400, message="prompt is too long: 210000 tokens > 200000 maximum"),
         BadRequestError, "prompt is too long"),
        (Error(413), BadRequestError, "maximum allowed number of bytes"),
        (Error(500), ServiceUnavailableError, "Try again"),
        (Error(402, message="Your credit balance is too low"), ProviderError, "credit"),
    ],
)  # fmt: skip
def test_error_statuses(
    anthropic_server: AnthropicServer, error: Error, expected: type, words: str
) -> None:
    anthropic_server.push(error)
    chunks, raised = collect(anthropic_server)
    assert isinstance(raised, expected), raised
    assert words in str(raised)
    assert text_of(chunks) == ""
    assert len(anthropic_server.requests) == 1, "not retried"


def test_unknown_model(anthropic_server: AnthropicServer) -> None:
    anthropic_server.strict_models = True
    _, error = collect(anthropic_server, model="claude-nonexistent")
    assert isinstance(error, ModelNotFoundError)
    assert "claude-nonexistent" in str(error)
    assert "roundtable models -p anthropic" in str(error)


def test_a_rejected_key_is_never_shown(anthropic_server: AnthropicServer) -> None:
    secret = "sk-ant-api03-SECRETSECRETSECRET-000111222"
    anthropic_server.push(Error(401, message=f"invalid x-api-key: {secret}"))
    _, error = collect(anthropic_server, api_key=secret)
    assert isinstance(error, MissingAuthError)
    assert secret not in str(error) and secret[:-4] not in str(error)
    assert "roundtable keys set -p anthropic" in str(error)


def test_no_key_anywhere(anthropic_server: AnthropicServer) -> None:
    _, error = collect(anthropic_server, api_key=None)
    assert isinstance(error, MissingAuthError)
    assert "ANTHROPIC_API_KEY" in str(error)
    assert anthropic_server.requests == []


def test_rate_limit_honours_retry_after_then_succeeds(anthropic_server: AnthropicServer) -> None:
    anthropic_server.push(Error(429, retry_after=1), Stream(text="after the wait"))
    started = time.monotonic()
    chunks, error = collect(anthropic_server)
    elapsed = time.monotonic() - started
    assert error is None
    assert text_of(chunks) == "after the wait"
    assert len(anthropic_server.requests) == 2
    assert 0.9 <= elapsed < 5, elapsed


def test_rate_limit_exhausted(anthropic_server: AnthropicServer) -> None:
    anthropic_server.push(*[Error(429, retry_after=0)] * 3)
    _, error = collect(anthropic_server)
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 0
    assert error.status == 429
    assert "rate limit" in str(error)
    assert len(anthropic_server.requests) == 3, "two retries, then the error"


def test_overloaded_529_is_retried(anthropic_server: AnthropicServer) -> None:
    anthropic_server.push(Error(529, retry_after=0), Stream(text="back again"))
    chunks, error = collect(anthropic_server)
    assert error is None and text_of(chunks) == "back again"
    anthropic_server.push(*[Error(529, retry_after=0)] * 3)
    _, error = collect(anthropic_server)
    assert isinstance(error, ServiceUnavailableError)
    assert error.status == 529 and "Overloaded" in str(error)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("overloaded_error", ServiceUnavailableError), ("api_error", ResponseError)],
)
def test_error_event_mid_stream_keeps_the_text(
    anthropic_server: AnthropicServer, kind: str, expected: type
) -> None:
    # events: message_start, content_block_start, ping, then one delta per word
    anthropic_server.push(
        Stream(text="one two three four", error_after=5, error=Error(529, code=kind))
    )
    chunks, error = collect(anthropic_server)
    assert type(error) is expected
    assert kind in str(error) and "middle of the answer" in str(error)
    assert text_of(chunks) == "one two"
    assert not any(isinstance(chunk, FinishReason) for chunk in chunks)


def test_dropped_connection_mid_stream(anthropic_server: AnthropicServer) -> None:
    anthropic_server.push(Stream(text="one two three four", drop_after=5))
    chunks, error = collect(anthropic_server)
    assert isinstance(error, ProviderConnectionError)
    assert text_of(chunks) == "one two"


def test_stream_that_ends_without_message_stop(anthropic_server: AnthropicServer) -> None:
    anthropic_server.push(Stream(text="one two three four", drop_after=5, chunked=False))
    chunks, error = collect(anthropic_server)
    assert isinstance(error, ProviderConnectionError)
    assert "ended before it was complete" in str(error)
    assert text_of(chunks) == "one two"


def test_stalled_stream_times_out_quickly(anthropic_server: AnthropicServer) -> None:
    anthropic_server.push(Stream(text="one two three four", stall_after=5, stall_seconds=30))
    started = time.monotonic()
    chunks, error = collect(anthropic_server, timeout=0.3)
    assert isinstance(error, ProviderTimeoutError)
    assert time.monotonic() - started < 3
    assert "timeout" in str(error)
    assert text_of(chunks) == "one two"


def test_unreachable_server() -> None:
    async def run() -> None:
        async for _ in Anthropic.create_async_generator(
            "", MESSAGES, api_key=KEY, base_url="http://127.0.0.1:9"
        ):
            pass

    with pytest.raises(ProviderConnectionError, match="Could not connect to Anthropic"):
        asyncio.run(run())


# ----- cancellation ----------------------------------------------------------------------------
def open_connections(server: AnthropicServer) -> int:
    """Client sockets the server still serves (its handler ends when the client goes away)."""
    return len(server._httpd._conns)


def test_closing_the_generator_closes_the_response(anthropic_server: AnthropicServer) -> None:
    anthropic_server.push(Stream(text="word " * 200, delay=0.02))  # ~4 s if read to the end

    async def run() -> float:
        generator = cast(
            AsyncGenerator[Any, None],
            Anthropic.create_async_generator(
                "", MESSAGES, api_key=KEY, base_url=anthropic_server.url
            ),
        )
        async for chunk in generator:
            if isinstance(chunk, str):
                break
        assert open_connections(anthropic_server) == 1
        started = time.monotonic()
        await generator.aclose()
        return time.monotonic() - started

    assert asyncio.run(run()) < 0.5
    deadline = time.monotonic() + 1.0
    while open_connections(anthropic_server) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert open_connections(anthropic_server) == 0, "the server still streams to nobody"


# ----- command line ----------------------------------------------------------------------------
def test_cli_chat(
    anthropic_server: AnthropicServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", anthropic_server.url + "/v1")
    anthropic_server.push(Stream(text="Bonjour ✓", reasoning="French it is."))
    out = io.StringIO()
    code = cli.run(
        ["chat", "-p", "anthropic", "--system", "Be brief.", "--param", "reasoning_effort=low",
         "--param", "temperature=1", "--param", "stop=END", "Salut"],
        out=out,
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert out.getvalue() == "Bonjour ✓\n"
    assert "French it is." in captured.err
    assert "[usage] input=" in captured.err
    body = anthropic_server.last_request.body_dict  # type: ignore[union-attr]
    assert body["system"] == "Be brief."
    assert body["stop_sequences"] == ["END"] and body["temperature"] == 1


def test_cli_chat_error_exit_code_and_no_key(
    anthropic_server: AnthropicServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    secret = "sk-ant-wrong-key-5566778899"
    monkeypatch.setenv("ANTHROPIC_API_KEY", secret)
    out = io.StringIO()
    code = cli.run(["chat", "-p", "anthropic", "--base-url", anthropic_server.url, "Hi"], out=out)
    captured = capsys.readouterr()
    assert code == 1
    assert out.getvalue() == ""
    assert captured.err.startswith("roundtable: error: The API key for Anthropic was rejected")
    assert secret not in captured.err + captured.out


def test_cli_models_live_and_fallback(
    anthropic_server: AnthropicServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    out = io.StringIO()
    anthropic_server.push(Models(["claude-x-20250101", "claude-y-20250202"]))
    assert cli.run(["models", "-p", "anthropic", "--base-url", anthropic_server.url], out=out) == 0
    assert out.getvalue().split() == ["claude-x-20250101", "claude-y-20250202"]
    anthropic_server.push(*[Error(503, retry_after=0, on="models")] * 3)
    out = io.StringIO()
    assert cli.run(["models", "-p", "anthropic", "--base-url", anthropic_server.url], out=out) == 0
    assert "claude-sonnet-4-5  (default)" in out.getvalue().splitlines()
    assert "could not list live models" in capsys.readouterr().err
