"""What every vendor's provider does alike, each against its own loopback server over real sockets:
reasoning, finish and usage chunks; complete answers; text split anywhere; a missing key and an
unreachable server; unknown models; error statuses and retries; broken and stalled streams;
cancellation.

The vendor-specific knowledge lives in the tables (which status means what, in whose words); how a
vendor builds its requests and reads its answers is tested in test_<vendor>.py.
"""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any

import pytest

from app.cli_common import error_text
from providers.advice import Remedy, remedy_of
from providers.errors import (
    BadRequestError,
    MissingAuthError,
    ModelNotFoundError,
    PaymentRequiredError,
    ProviderConnectionError,
    ProviderTimeoutError,
    RateLimitError,
    ResponseError,
    ServiceUnavailableError,
)
from providers.response import FinishReason, Reasoning, Usage
from tests.providers.support import (
    ANTHROPIC,
    GEMINI,
    KEY,
    MESSAGES,
    OLLAMA,
    OPENAI,
    Vendor,
    case,
    chats,
    collect,
    disconnected,
    every_keyed_vendor,
    every_vendor,
    one,
    only,
    text_of,
)
from tests.servers import Error, MockServer, Stream


# ----- answers -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("vendor", "usage_details"),
    [
        case(OPENAI, {
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 5, "audio_tokens": 0,
                                          "accepted_prediction_tokens": 0,
                                          "rejected_prediction_tokens": 0},
        }),
        case(ANTHROPIC, {}),
        case(GEMINI, {"reasoning_tokens": 5}),
        case(OLLAMA, {}),
    ],
)  # fmt: skip
def test_streams_reasoning_then_text_then_finish_and_usage(
    vendor: Vendor, server: MockServer, usage_details: dict[str, Any]
) -> None:
    server.push(Stream(text="Hi! Nice to meet you.", reasoning="The user greets me."))
    chunks, error = collect(vendor.provider, server, **vendor.thinking)
    assert error is None
    assert text_of(chunks) == "Hi! Nice to meet you."
    thinking = only(chunks, Reasoning)
    assert "".join(str(chunk) for chunk in thinking) == "The user greets me."
    first_text = next(i for i, chunk in enumerate(chunks) if isinstance(chunk, str))
    assert chunks.index(thinking[-1]) < first_text  # thinking comes before the answer
    assert one(chunks, FinishReason).reason == "stop"
    prompt_tokens = math.ceil(len("Be brief.Hello there") / 4)
    output = math.ceil(len("Hi! Nice to meet you.") / 4) + math.ceil(len("The user greets me.") / 4)
    assert one(chunks, Usage).get_dict() == {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": output,
        "total_tokens": prompt_tokens + output,
        **usage_details,
    }
    assert isinstance(chunks[-1], Usage), "usage comes once, at the end"


@pytest.mark.parametrize(
    ("vendor", "path", "body"),
    [
        case(OPENAI, "/v1/chat/completions", {"stream": False}),
        case(ANTHROPIC, "/v1/messages", {"stream": False}),
        case(GEMINI, "/v1beta/models/gemini-2.5-flash:generateContent", {}),
        case(OLLAMA, "/api/chat", {"stream": False}),
    ],
)
def test_complete_answer_without_streaming(
    vendor: Vendor, server: MockServer, path: str, body: dict[str, Any]
) -> None:
    server.push(Stream(text="Whole answer.", reasoning="Short thought."))
    chunks, error = collect(vendor.provider, server, stream=False, **vendor.thinking)
    assert error is None
    request = server.last_request
    assert request is not None and request.path == path
    assert {name: request.body_dict[name] for name in body} == body
    assert only(chunks, str) == ["Whole answer."]  # in one piece
    assert str(one(chunks, Reasoning)) == "Short thought."
    assert one(chunks, FinishReason).reason == "stop"
    usage = one(chunks, Usage).get_dict()
    assert usage["prompt_tokens"] > 0 and usage["completion_tokens"] > 0


@every_vendor
def test_length_finish_reason(vendor: Vendor, server: MockServer) -> None:
    server.push(Stream(text="cut sho", finish="length"))
    chunks, error = collect(vendor.provider, server)
    assert error is None
    assert [f.reason for f in only(chunks, FinishReason)] == ["length"]
    assert text_of(chunks) == "cut sho"


@every_vendor
def test_split_writes_inside_utf8_and_crlf_reassemble_exactly(
    vendor: Vendor, server: MockServer
) -> None:
    text = "Grüße aus Köln — 東京 👋🏽 ✓\nzweite Zeile"
    server.push(
        Stream(text=text, split_writes=True, split_delay=0, line_ending="\r\n", comments=True)
    )
    chunks, error = collect(vendor.provider, server)
    assert error is None
    assert text_of(chunks) == text


@every_vendor
def test_close_delimited_stream(vendor: Vendor, server: MockServer) -> None:
    server.push(Stream(text="No chunked encoding here.", chunked=False))
    chunks, error = collect(vendor.provider, server)
    assert error is None
    assert text_of(chunks) == "No chunked encoding here."


# ----- no connection -------------------------------------------------------------------------
@every_keyed_vendor
def test_no_key_anywhere_is_a_clear_error_without_a_request(
    vendor: Vendor, server: MockServer
) -> None:
    _, error = collect(vendor.provider, server, api_key=None)
    assert isinstance(error, MissingAuthError)
    advice = remedy_of(error)  # what fixes it; the CLI and the window each say where
    assert advice is not None and advice[0] is Remedy.API_KEY
    assert vendor.provider.api_key_env[0] in advice[2]
    assert vendor.provider.api_key_env[0] in error_text(error)
    assert server.requests == []


@every_vendor
def test_unreachable_server(vendor: Vendor) -> None:
    async def run() -> None:
        async for _ in vendor.provider.create_async_generator(
            "", MESSAGES, api_key=KEY, base_url="http://127.0.0.1:9"
        ):
            pass

    with pytest.raises(
        ProviderConnectionError, match=f"Could not connect to {vendor.provider.label}"
    ):
        asyncio.run(run())


# ----- unknown models ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("vendor", "model", "words"),
    [
        case(OPENAI, "gpt-nope", ("404", "Valid models: gpt-4o-mini, gpt-4o, o3-mini")),
        case(ANTHROPIC, "claude-nonexistent", ("roundtable models -p anthropic",)),
        case(GEMINI, "gemini-9-ultra", ("gemini-2.5-flash",)),
        case(OLLAMA, "mistral", ("ollama pull mistral", "llama3.2:latest")),
    ],
)
def test_model_the_service_rejects_is_named_with_what_to_do(
    vendor: Vendor, server: MockServer, model: str, words: tuple[str, ...]
) -> None:
    """The service's 404 for a model it does not have names the model, and the models it has or
    how to get one."""
    server.strict_models = True
    chunks, error = collect(vendor.provider, server, model=model)
    assert isinstance(error, ModelNotFoundError)
    assert model in str(error)
    for word in words:
        assert word in error_text(error)  # the command line's words (the window has its own)
    assert remedy_of(error) is not None and remedy_of(error)[0] is Remedy.MODEL  # type: ignore[index]
    assert KEY not in str(error)
    assert text_of(chunks) == ""


# ----- error statuses ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("vendor", "failure", "expected", "words"),
    [
        case(OPENAI, Error(400, code="context_length_exceeded"), BadRequestError,
             "maximum context length", name="400-context-length"),
        case(OPENAI, Error(500), ServiceUnavailableError, "500", name="500"),
        case(ANTHROPIC, Error(401), MissingAuthError, "rejected", name="401"),
        case(ANTHROPIC, Error(403), MissingAuthError, "permission", name="403"),
        case(ANTHROPIC, Error(400, message="prompt is too long: 210000 tokens > 200000 maximum"),
             BadRequestError, "prompt is too long", name="400-prompt-too-long"),
        case(ANTHROPIC, Error(413), BadRequestError, "maximum allowed number of bytes", name="413"),
        case(ANTHROPIC, Error(500), ServiceUnavailableError, "Try again", name="500"),
        case(ANTHROPIC, Error(402, message="Your credit balance is too low"), PaymentRequiredError,
             "credit", name="402"),
        case(GEMINI, Error(400, code="API_KEY_INVALID"), MissingAuthError, "API key not valid",
             name="400-api-key-invalid"),
        case(GEMINI, Error(403), MissingAuthError, "rejected", name="403"),
        case(GEMINI, Error(401), MissingAuthError, "rejected", name="401"),
        case(GEMINI, Error(400, message="The input token count (1200000) exceeds the maximum "
                                        "number of tokens allowed (1048576)."),
             BadRequestError, "exceeds the maximum", name="400-too-many-tokens"),
        case(GEMINI, Error(500), ServiceUnavailableError, "Try again", name="500"),
        case(OLLAMA, Error(400, message="prompt is too long for the context window"),
             BadRequestError, "prompt is too long", name="400-prompt-too-long"),
        case(OLLAMA, Error(500), ServiceUnavailableError,
             "error was encountered while running the model", name="500"),
        case(OLLAMA, Error(401), MissingAuthError, "rejected", name="401"),
    ],
)  # fmt: skip
def test_error_status_is_reported_and_not_retried(
    vendor: Vendor, server: MockServer, failure: Error, expected: type, words: str
) -> None:
    server.push(failure)
    chunks, error = collect(vendor.provider, server)
    assert type(error) is expected, error
    assert words in str(error)
    assert getattr(error, "status", failure.status) == failure.status
    assert text_of(chunks) == ""
    assert len(server.requests) == 1, "not retried"


@pytest.mark.parametrize(
    ("vendor", "failure", "least", "most"),
    [
        # retry-after: 1, retry-after-ms: 300: the precise retry-after-ms wins
        case(OPENAI, Error(429, retry_after=0.3), 0.3, 0.9, name="retry-after-ms"),
        case(OPENAI, Error(429, headers={"retry-after": "1"}), 1.0, 1.7, name="retry-after"),
        case(ANTHROPIC, Error(429, retry_after=1), 0.9, 5.0, name="retry-after"),
        case(GEMINI, Error(429, retry_after=0.3), 0.25, 3.0, name="retry-info"),
    ],
)
def test_rate_limit_waits_as_advised_then_succeeds(
    vendor: Vendor, server: MockServer, failure: Error, least: float, most: float
) -> None:
    server.push(failure, Stream(text="after the wait"))
    started = time.monotonic()
    chunks, error = collect(vendor.provider, server)
    elapsed = time.monotonic() - started
    assert error is None
    assert text_of(chunks) == "after the wait"
    assert [request.kind for request in server.requests] == ["chat", "chat"]
    assert least <= elapsed < most, elapsed


@pytest.mark.parametrize(
    ("vendor", "retry_after", "words"),
    [
        case(OPENAI, 0.05, ("Rate limit reached", "Try again in")),
        case(ANTHROPIC, 0.0, ("rate limit",)),
        case(GEMINI, 0.05, ("quota", "Try again in 0.05 s")),
        case(OLLAMA, 0.0, ()),
    ],
)
def test_rate_limit_exhausted(
    vendor: Vendor, server: MockServer, retry_after: float, words: tuple[str, ...]
) -> None:
    attempts = 1 + vendor.provider.retry.max_retries
    server.push(*[Error(429, retry_after=retry_after)] * attempts)
    _, error = collect(vendor.provider, server)
    assert isinstance(error, RateLimitError)
    assert error.status == 429
    assert error.retry_after == pytest.approx(retry_after)
    for word in words:
        assert word in str(error)
    assert [request.kind for request in server.requests] == ["chat"] * attempts


@pytest.mark.parametrize(
    ("vendor", "status", "words"),
    [
        case(OPENAI, 503, "overloaded"),
        case(ANTHROPIC, 529, "Overloaded"),
        case(GEMINI, 503, "overloaded"),
        case(OLLAMA, 503, "overloaded"),
    ],
)
def test_overloaded_is_retried_then_reported(
    vendor: Vendor, server: MockServer, status: int, words: str
) -> None:
    server.push(Error(status, retry_after=0), Stream(text="back again"))
    chunks, error = collect(vendor.provider, server)
    assert error is None and text_of(chunks) == "back again"
    assert chats(server) == 2
    server.reset()
    attempts = 1 + vendor.provider.retry.max_retries
    server.push(*[Error(status, retry_after=0)] * attempts)
    _, error = collect(vendor.provider, server)
    assert isinstance(error, ServiceUnavailableError)
    assert error.status == status and words in str(error)
    assert chats(server) == attempts


# ----- broken streams ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("vendor", "expected", "words", "event"),
    [
        case(OPENAI, ResponseError, "The server had an error", None),
        case(ANTHROPIC, ServiceUnavailableError, "overloaded_error",
             Error(529, code="overloaded_error"), name="overloaded_error"),
        case(ANTHROPIC, ResponseError, "api_error", Error(529, code="api_error"), name="api_error"),
        case(GEMINI, ServiceUnavailableError, "overloaded", Error(503), name="503"),
        case(GEMINI, RateLimitError, "quota", Error(429), name="429"),
        case(GEMINI, ResponseError, "", Error(400), name="400"),
        case(OLLAMA, ResponseError, "error was encountered while running the model", None),
    ],
)  # fmt: skip
def test_error_event_mid_stream_keeps_the_text(
    vendor: Vendor, server: MockServer, expected: type, words: str, event: Error | None
) -> None:
    """``event``: the error the server sends (None: its vendor's usual one)."""
    server.push(Stream(text="one two three four", error_after=vendor.preamble + 2, error=event))
    chunks, error = collect(vendor.provider, server)
    assert type(error) is expected, error
    assert "middle of the answer" in str(error) and words in str(error)
    assert text_of(chunks) == "one two"
    assert only(chunks, FinishReason) == []


@every_vendor
def test_dropped_connection_mid_stream(vendor: Vendor, server: MockServer) -> None:
    server.push(Stream(text="one two three four", drop_after=vendor.preamble + 2))
    chunks, error = collect(vendor.provider, server)
    assert isinstance(error, ProviderConnectionError)
    assert text_of(chunks) == "one two"


@every_vendor
def test_stream_that_ends_before_it_is_complete(vendor: Vendor, server: MockServer) -> None:
    """A close-delimited answer cut short looks like a clean end: no finish, no final event."""
    server.push(Stream(text="one two three four", drop_after=vendor.preamble + 2, chunked=False))
    chunks, error = collect(vendor.provider, server)
    assert isinstance(error, ProviderConnectionError)
    assert "ended before it was complete" in str(error)
    assert text_of(chunks) == "one two"


@every_vendor
def test_stalled_stream_times_out_quickly(vendor: Vendor, server: MockServer) -> None:
    server.push(
        Stream(text="one two three four", stall_after=vendor.preamble + 2, stall_seconds=30)
    )
    started = time.monotonic()
    chunks, error = collect(vendor.provider, server, timeout=0.3)
    elapsed = time.monotonic() - started
    assert isinstance(error, ProviderTimeoutError)
    assert 0.3 <= elapsed < 2.0
    assert "more time" in str(error) and remedy_of(error)[0] is Remedy.TIMEOUT  # type: ignore[index]
    assert "--param timeout=SECONDS" in error_text(error)
    assert text_of(chunks) == "one two"


# ----- cancellation --------------------------------------------------------------------------
def _generator(vendor: Vendor, server: MockServer) -> Any:
    api_key = KEY if KEY in server.api_keys else None
    return vendor.provider.create_async_generator(
        "", MESSAGES, api_key=api_key, base_url=server.base_url
    )


@every_vendor
def test_closing_the_generator_closes_the_response(vendor: Vendor, server: MockServer) -> None:
    server.push(Stream(text="word " * 400, delay=0.02))  # 8 s if read to the end

    async def scenario() -> float:
        generator = _generator(vendor, server)
        async for chunk in generator:
            if isinstance(chunk, str) and chunk:
                break
        assert server.open_connections == 1
        started = time.monotonic()
        await generator.aclose()
        return time.monotonic() - started

    assert asyncio.run(scenario()) < 0.5
    # The server notices within a few of its 20 ms writes, long before the answer ends.
    assert disconnected(server), "the server still streams to nobody"
    assert chats(server) == 1


@every_vendor
def test_cancelling_the_task_disconnects(vendor: Vendor, server: MockServer) -> None:
    server.push(Stream(text="word " * 400, delay=0.02))
    first = asyncio.Event()

    async def consume() -> None:
        async for chunk in _generator(vendor, server):
            if isinstance(chunk, str) and chunk:
                first.set()

    async def scenario() -> None:
        task = asyncio.create_task(consume())
        await asyncio.wait_for(first.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    assert disconnected(server), "the server still streams to nobody"
    assert chats(server) == 1
