"""The OpenAI provider against the loopback OpenAI server, over real sockets.

What a user meets: streamed text, reasoning, usage and finish reason; the exact request body and
headers; model listing and model validation; every error status with a message that says what to
do and never shows the key; retries that honour Retry-After; broken, stalled and oddly framed
streams; cancellation; a proxy. Presets of the same code are tested in test_openai_compatible.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from providers import credentials
from providers.errors import (
    BadRequestError,
    MissingAuthError,
    ModelNotFoundError,
    ModelNotSupportedError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitError,
    ResponseError,
    ServiceUnavailableError,
)
from providers.response import FinishReason, ProviderInfo, Reasoning, Usage
from providers.vendors.openai import PROVIDERS, OpenAI
from tests.servers import DEFAULT_KEY, Drop, Error, OpenAIServer, Raw, Stall, Stream

KEY = DEFAULT_KEY  # "test-key-123": what the server accepts
MESSAGES = [{"role": "user", "content": "Say hello"}]
UNICODE = "Grüße, 世界! Ünïcödé — ok 🎉🙂 naïve café ß∂ƒ©˙∆˚¬ end"


# ----- helpers shared with test_openai_compatible.py ----------------------------------------------
@pytest.fixture(autouse=True)
def fresh_model_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no cached live model list (the cache lives on the class)."""
    for provider in PROVIDERS:
        monkeypatch.setattr(provider, "models", [])
        monkeypatch.setattr(provider, "models_fetched_at", 0.0)


@pytest.fixture(autouse=True)
def empty_secret_store() -> Iterator[None]:
    """A keyring service of this test alone, so no stored key is ever picked up."""
    credentials.set_default_store(credentials.SecretStore(f"roundtable-test-{uuid.uuid4().hex}"))
    yield
    credentials.set_default_store(None)


async def gather(generator: AsyncIterator[Any]) -> list[Any]:
    return [chunk async for chunk in generator]


def collect(provider: type[OpenAI], server: OpenAIServer, **kwargs: Any) -> list[Any]:
    """Every chunk of one request to ``server``."""
    kwargs.setdefault("base_url", server.base_url)
    kwargs.setdefault("api_key", KEY)
    model = kwargs.pop("model", provider.default_model or "gpt-4o-mini")
    messages = kwargs.pop("messages", MESSAGES)
    return asyncio.run(gather(provider.create_async_generator(model, messages, **kwargs)))


def collect_until_error(
    provider: type[OpenAI], server: OpenAIServer, **kwargs: Any
) -> tuple[list[Any], ProviderError]:
    """The chunks received before the error, and the error."""
    received: list[Any] = []

    async def run() -> None:
        kwargs.setdefault("base_url", server.base_url)
        kwargs.setdefault("api_key", KEY)
        model = kwargs.pop("model", provider.default_model or "gpt-4o-mini")
        async for chunk in provider.create_async_generator(model, MESSAGES, **kwargs):
            received.append(chunk)

    with pytest.raises(ProviderError) as caught:
        asyncio.run(run())
    return received, caught.value


def text_of(chunks: list[Any]) -> str:
    return "".join(chunk for chunk in chunks if isinstance(chunk, str))


def chats(server: OpenAIServer) -> int:
    return sum(1 for request in server.requests if request.kind == "chat")


def only(chunks: list[Any], kind: type) -> list[Any]:
    return [chunk for chunk in chunks if isinstance(chunk, kind)]


# ----- streaming ------------------------------------------------------------------------------
def test_streams_text_in_pieces(openai_server: OpenAIServer) -> None:
    openai_server.answer = "Hello there, how can I help you today?"
    chunks = collect(OpenAI, openai_server)
    texts = [chunk for chunk in chunks if isinstance(chunk, str)]
    assert "".join(texts) == "Hello there, how can I help you today?"
    assert len(texts) > 1  # streamed piece by piece, not as one block
    info = chunks[0]
    assert isinstance(info, ProviderInfo) and info.model == "gpt-4o-mini"


def test_echo_answer_reaches_the_caller(openai_server: OpenAIServer) -> None:
    chunks = collect(OpenAI, openai_server, messages=[{"role": "user", "content": UNICODE}])
    assert text_of(chunks) == f"You said: {UNICODE}"


def test_reasoning_content_becomes_reasoning_chunks(openai_server: OpenAIServer) -> None:
    openai_server.push(Stream(text="The answer is 4.", reasoning="Two plus two makes four."))
    chunks = collect(OpenAI, openai_server)
    reasoning = only(chunks, Reasoning)
    assert "".join(str(r) for r in reasoning) == "Two plus two makes four."
    assert text_of(chunks) == "The answer is 4."
    first_text = next(i for i, c in enumerate(chunks) if isinstance(c, str))
    assert chunks.index(reasoning[-1]) < first_text  # thinking comes before the answer


def test_usage_chunk_becomes_usage(openai_server: OpenAIServer) -> None:
    openai_server.answer = "abcdefgh"  # 8 chars: 2 tokens by the server's count
    (usage,) = only(collect(OpenAI, openai_server), Usage)
    counts = usage.get_dict()
    assert counts["completion_tokens"] == 2
    assert counts["prompt_tokens"] >= 1
    assert counts["total_tokens"] == counts["prompt_tokens"] + 2


def test_finish_reason_is_reported(openai_server: OpenAIServer) -> None:
    openai_server.push(Stream(text="cut sh", finish="length"))
    chunks = collect(OpenAI, openai_server)
    assert [f.reason for f in only(chunks, FinishReason)] == ["length"]
    assert text_of(chunks) == "cut sh"


def test_request_body_and_headers(openai_server: OpenAIServer) -> None:
    messages = [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Hi"},
    ]
    collect(
        OpenAI, openai_server, messages=messages, model="gpt-4o", temperature=0.3, top_p=0.9,
        max_tokens=64, stop=["END", "STOP"], seed=7, presence_penalty=0.5,
        frequency_penalty=-0.5, reasoning_effort="low", response_format={"type": "json_object"},
    )  # fmt: skip
    request = openai_server.last_request
    assert request is not None
    assert (request.method, request.path) == ("POST", "/v1/chat/completions")
    assert request.header("authorization") == f"Bearer {KEY}"
    assert request.header("content-type") == "application/json"
    assert request.header("accept") == "text/event-stream"
    assert request.body_dict == {
        "model": "gpt-4o",
        "messages": messages,
        "stream": True,
        "stream_options": {"include_usage": True},
        "temperature": 0.3,
        "top_p": 0.9,
        "max_completion_tokens": 64,
        "stop": ["END", "STOP"],
        "seed": 7,
        "presence_penalty": 0.5,
        "frequency_penalty": -0.5,
        "reasoning_effort": "low",
        "response_format": {"type": "json_object"},
    }


def test_unset_parameters_are_not_sent(openai_server: OpenAIServer) -> None:
    collect(OpenAI, openai_server, stop=[], reasoning_effort="", response_format={})
    body = openai_server.last_request.body_dict  # type: ignore[union-attr]
    assert set(body) == {"model", "messages", "stream", "stream_options"}


def test_key_from_the_environment(
    openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.base_url)
    chunks = asyncio.run(gather(OpenAI.create_async_generator("gpt-4o-mini", MESSAGES)))
    assert text_of(chunks) == "You said: Say hello"
    assert openai_server.last_request.header("authorization") == f"Bearer {KEY}"  # type: ignore[union-attr]


def test_no_key_anywhere_is_a_clear_error_without_a_request(
    openai_server: OpenAIServer,
) -> None:
    with pytest.raises(MissingAuthError, match="OPENAI_API_KEY"):
        collect(OpenAI, openai_server, api_key=None)
    assert openai_server.requests == []


def test_non_stream_mode(openai_server: OpenAIServer) -> None:
    openai_server.push(Stream(text="Whole answer at once.", reasoning="Thought."))
    chunks = collect(OpenAI, openai_server, stream=False)
    assert text_of(chunks) == "Whole answer at once."
    assert only(chunks, str) == ["Whole answer at once."]
    assert str(only(chunks, Reasoning)[0]) == "Thought."
    assert [f.reason for f in only(chunks, FinishReason)] == ["stop"]
    assert only(chunks, Usage)[0].get_dict()["completion_tokens"] > 0
    request = openai_server.last_request
    assert request.body_dict["stream"] is False  # type: ignore[union-attr]
    assert "stream_options" not in request.body_dict  # type: ignore[union-attr]
    assert request.header("accept") == "application/json"  # type: ignore[union-attr]


# ----- models ---------------------------------------------------------------------------------
def test_live_model_list(openai_server: OpenAIServer) -> None:
    openai_server.models = ["gpt-live-1", "gpt-live-2"]
    models = asyncio.run(OpenAI.get_models_async(api_key=KEY, base_url=openai_server.base_url))
    assert models == ["gpt-live-1", "gpt-live-2"]
    request = openai_server.last_request
    assert (request.method, request.path) == ("GET", "/v1/models")  # type: ignore[union-attr]
    assert request.header("authorization") == f"Bearer {KEY}"  # type: ignore[union-attr]
    assert OpenAI.models == ["gpt-live-1", "gpt-live-2"]  # cached for the picker


@pytest.mark.parametrize(
    "failure",
    [
        Error(401, on="models"),
        Error(500, on="models"),
        Raw(200, b"<html>", "text/html", on="models"),
    ],
    ids=["401", "500", "not-json"],
)
def test_fallback_list_when_listing_fails(openai_server: OpenAIServer, failure: Any) -> None:
    openai_server.push(failure)
    models = asyncio.run(OpenAI.get_models_async(api_key=KEY, base_url=openai_server.base_url))
    assert models == OpenAI.fallback_models
    assert OpenAI.models == []  # a built-in list is never taken for the live one


def test_strict_listing_says_why(openai_server: OpenAIServer) -> None:
    openai_server.push(Error(401, on="models"))
    with pytest.raises(MissingAuthError, match="401"):
        asyncio.run(
            OpenAI.get_models_async(api_key=KEY, base_url=openai_server.base_url, strict=True)
        )


def test_get_model_refuses_unknown_only_with_a_live_list(openai_server: OpenAIServer) -> None:
    async def scenario() -> None:
        # No live list yet: any name goes to the service, which knows best.
        assert OpenAI.get_model("ft:my-fine-tune") == "ft:my-fine-tune"
        await OpenAI.get_models_async(api_key=KEY, base_url=openai_server.base_url)
        assert OpenAI.get_model("gpt-4o") == "gpt-4o"
        with pytest.raises(ModelNotSupportedError) as caught:
            OpenAI.get_model("ft:my-fine-tune")
        assert "ft:my-fine-tune" in str(caught.value)
        for model in ("gpt-4o-mini", "gpt-4o", "o3-mini"):
            assert model in str(caught.value)

    asyncio.run(scenario())


def test_unknown_model_with_a_live_list_is_refused_before_sending(
    openai_server: OpenAIServer,
) -> None:
    asyncio.run(OpenAI.get_models_async(api_key=KEY, base_url=openai_server.base_url))
    with pytest.raises(ModelNotSupportedError):
        collect(OpenAI, openai_server, model="no-such-model")
    assert chats(openai_server) == 0


def test_failed_listing_never_refuses_a_model_the_service_offers(
    openai_server: OpenAIServer,
) -> None:
    openai_server.push(Error(500, on="models"))
    asyncio.run(OpenAI.get_models_async(api_key=KEY, base_url=openai_server.base_url))
    chunks = collect(OpenAI, openai_server, model="gpt-5-preview-not-built-in")
    assert text_of(chunks) == "You said: Say hello"


def test_model_the_service_rejects_names_the_valid_models(openai_server: OpenAIServer) -> None:
    openai_server.strict_models = True
    openai_server.models = ["gpt-4o-mini", "gpt-4o"]
    received, error = collect_until_error(OpenAI, openai_server, model="gpt-nope")
    assert isinstance(error, ModelNotFoundError)
    message = str(error)
    assert "gpt-nope" in message and "404" in message
    assert "Valid models: gpt-4o-mini, gpt-4o" in message
    assert KEY not in message
    assert text_of(received) == ""


def test_model_rejected_and_listing_fails_still_says_model_not_found(
    openai_server: OpenAIServer,
) -> None:
    openai_server.strict_models = True
    openai_server.push(Error(500, on="models"))
    _, error = collect_until_error(OpenAI, openai_server, model="gpt-nope")
    assert isinstance(error, ModelNotFoundError)
    assert "gpt-nope" in str(error)
    assert "Valid models" not in str(error)  # never the built-in list


# ----- error statuses -------------------------------------------------------------------------
def test_rejected_key_says_status_and_api_key_never_the_key(openai_server: OpenAIServer) -> None:
    echo = f"Incorrect API key provided: {KEY}. You can find your API key at https://x/keys."
    openai_server.push(Error(401, message=echo, code="invalid_api_key"))
    _, error = collect_until_error(OpenAI, openai_server)
    assert isinstance(error, MissingAuthError)
    message = str(error)
    assert "401" in message and "API key" in message
    assert KEY not in message
    assert KEY[:-4] not in message  # not even its long prefix
    assert chats(openai_server) == 1  # a bad key is never retried


def test_wrong_key_as_the_server_redacts_it(openai_server: OpenAIServer) -> None:
    _, error = collect_until_error(OpenAI, openai_server, api_key="test-key-999")
    assert isinstance(error, MissingAuthError)
    assert "401" in str(error) and "API key" in str(error)
    assert "test-key-999" not in str(error)


def test_forbidden(openai_server: OpenAIServer) -> None:
    openai_server.push(Error(403))
    _, error = collect_until_error(OpenAI, openai_server)
    assert isinstance(error, MissingAuthError)
    assert "403" in str(error) and "Country, region, or territory not supported" in str(error)


def test_context_length_exceeded(openai_server: OpenAIServer) -> None:
    openai_server.push(Error(400, code="context_length_exceeded"))
    _, error = collect_until_error(OpenAI, openai_server)
    assert isinstance(error, BadRequestError)
    assert error.status == 400
    assert "maximum context length" in str(error)
    assert chats(openai_server) == 1


def test_rate_limit_retry_after_ms_is_honoured(openai_server: OpenAIServer) -> None:
    openai_server.push(Error(429, retry_after=0.3))  # retry-after: 1, retry-after-ms: 300
    started = time.monotonic()
    chunks = collect(OpenAI, openai_server)
    elapsed = time.monotonic() - started
    assert text_of(chunks) == "You said: Say hello"
    assert chats(openai_server) == 2
    assert 0.3 <= elapsed < 0.9  # the precise retry-after-ms wins over the rounded seconds


def test_rate_limit_retry_after_seconds_is_honoured(openai_server: OpenAIServer) -> None:
    openai_server.push(Error(429, headers={"retry-after": "1"}))
    started = time.monotonic()
    chunks = collect(OpenAI, openai_server)
    elapsed = time.monotonic() - started
    assert text_of(chunks) == "You said: Say hello"
    assert chats(openai_server) == 2
    assert 1.0 <= elapsed < 1.7


def test_rate_limit_exhausted(openai_server: OpenAIServer) -> None:
    openai_server.push(*[Error(429, retry_after=0.05) for _ in range(5)])
    _, error = collect_until_error(OpenAI, openai_server)
    assert isinstance(error, RateLimitError)
    assert error.status == 429
    assert error.retry_after == pytest.approx(0.05)
    assert "Rate limit reached" in str(error) and "Try again in" in str(error)
    assert chats(openai_server) == 1 + OpenAI.retry.max_retries


def test_server_error_is_not_retried(openai_server: OpenAIServer) -> None:
    openai_server.push(Error(500))
    _, error = collect_until_error(OpenAI, openai_server)
    assert isinstance(error, ServiceUnavailableError)
    assert error.status == 500
    assert "500" in str(error)
    assert chats(openai_server) == 1


def test_overloaded_is_retried_then_reported(openai_server: OpenAIServer) -> None:
    openai_server.push(*[Error(503, retry_after=0.01) for _ in range(5)])
    _, error = collect_until_error(OpenAI, openai_server)
    assert isinstance(error, ServiceUnavailableError)
    assert error.status == 503
    assert "overloaded" in str(error)
    assert chats(openai_server) == 1 + OpenAI.retry.max_retries


def test_overloaded_once_then_success(openai_server: OpenAIServer) -> None:
    openai_server.push(Error(503, retry_after=0.01))
    assert text_of(collect(OpenAI, openai_server)) == "You said: Say hello"
    assert chats(openai_server) == 2


def test_html_error_page_from_a_proxy(openai_server: OpenAIServer) -> None:
    page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    openai_server.push(*[Raw(502, page, "text/html", {"retry-after": "0"}) for _ in range(3)])
    _, error = collect_until_error(OpenAI, openai_server)
    assert isinstance(error, ServiceUnavailableError)
    assert "502" in str(error) and "Bad Gateway" in str(error)
    assert "<html" not in str(error)


# ----- broken streams -------------------------------------------------------------------------
def test_error_event_in_the_middle_of_a_stream(openai_server: OpenAIServer) -> None:
    openai_server.push(Stream(text="one two three four five", error_after=3))
    received, error = collect_until_error(OpenAI, openai_server)
    assert text_of(received) == "one two"  # events: role, "one", " two", then the error
    assert isinstance(error, ResponseError)
    assert "The server had an error" in str(error)


def test_dropped_connection_mid_stream(openai_server: OpenAIServer) -> None:
    openai_server.push(Stream(text="one two three four five", drop_after=3))
    received, error = collect_until_error(OpenAI, openai_server)
    assert text_of(received) == "one two"
    assert isinstance(error, ProviderConnectionError)


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "close-delimited"])
def test_dropped_connection_after_a_few_events(openai_server: OpenAIServer, chunked: bool) -> None:
    openai_server.push(Stream(text="a b c d e f g", drop_after=2, chunked=chunked))
    received, error = collect_until_error(OpenAI, openai_server)
    assert text_of(received) == "a"
    assert isinstance(error, ProviderConnectionError)


def test_connection_dropped_before_any_answer(openai_server: OpenAIServer) -> None:
    openai_server.push(Drop(), Drop(), Drop())
    _, error = collect_until_error(OpenAI, openai_server)
    assert isinstance(error, ProviderConnectionError)


def test_stream_closed_cleanly_without_done_or_finish(openai_server: OpenAIServer) -> None:
    event = '{"choices":[{"index":0,"delta":{"content":"partial"},"finish_reason":null}]}'
    openai_server.push(Raw(200, f"data: {event}\n\n", "text/event-stream"))
    received, error = collect_until_error(OpenAI, openai_server)
    assert text_of(received) == "partial"
    assert isinstance(error, ProviderConnectionError)
    assert "ended before it was complete" in str(error)


def test_malformed_event(openai_server: OpenAIServer) -> None:
    openai_server.push(Raw(200, "data: {not json\n\n", "text/event-stream"))
    _, error = collect_until_error(OpenAI, openai_server)
    assert isinstance(error, ResponseError)
    assert "malformed" in str(error)


def test_stalled_stream_times_out_quickly(openai_server: OpenAIServer) -> None:
    openai_server.push(Stream(text="one two three four", stall_after=2))
    started = time.monotonic()
    received, error = collect_until_error(OpenAI, openai_server, timeout=0.5)
    elapsed = time.monotonic() - started
    assert isinstance(error, ProviderTimeoutError)
    assert text_of(received) == "one"
    assert 0.5 <= elapsed < 2.0
    assert "timeout" in str(error)  # says how to allow more time


def test_server_that_never_answers_times_out(openai_server: OpenAIServer) -> None:
    openai_server.push(Stall())
    started = time.monotonic()
    _, error = collect_until_error(OpenAI, openai_server, timeout=0.5)
    assert isinstance(error, ProviderTimeoutError)
    assert time.monotonic() - started < 2.0


def test_read_timeout_from_the_environment(
    openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROUNDTABLE_READ_TIMEOUT", "0.4")
    openai_server.push(Stream(text="one two", stall_after=1))
    started = time.monotonic()
    _, error = collect_until_error(OpenAI, openai_server)
    assert isinstance(error, ProviderTimeoutError)
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("line_ending", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_awkward_framing_reassembles_exactly(
    openai_server: OpenAIServer, line_ending: str, seed: int
) -> None:
    """Comments, any line ending, writes of 1-6 bytes cutting inside UTF-8 characters and CRLF."""
    openai_server.push(
        Stream(
            text=UNICODE, reasoning="Déjà vu — 考え中 🤔", chunk_count=12, line_ending=line_ending,
            comments=True, split_writes=True, split_delay=0, seed=seed,
        )
    )  # fmt: skip
    chunks = collect(OpenAI, openai_server)
    assert text_of(chunks) == UNICODE
    assert "".join(str(r) for r in only(chunks, Reasoning)) == "Déjà vu — 考え中 🤔"
    assert [f.reason for f in only(chunks, FinishReason)] == ["stop"]


def test_no_retry_after_text_was_streamed(openai_server: OpenAIServer) -> None:
    openai_server.push(Stream(text="one two three", drop_after=2), Stream(text="second try"))
    received, error = collect_until_error(OpenAI, openai_server)
    assert isinstance(error, ProviderConnectionError)
    assert text_of(received) == "one"
    assert chats(openai_server) == 1  # a retry would repeat (or mix) what the user already has


# ----- cancellation ---------------------------------------------------------------------------
def open_connections(server: OpenAIServer) -> int:
    """Client connections the server still serves (its handler has not finished)."""
    return len(server._httpd._conns)


def test_closing_the_generator_disconnects_at_once(openai_server: OpenAIServer) -> None:
    openai_server.push(Stream(text="word " * 400, delay=0.02))

    async def scenario() -> float:
        generator = OpenAI.create_async_generator(
            "gpt-4o-mini", MESSAGES, api_key=KEY, base_url=openai_server.base_url
        )
        async for chunk in generator:
            if isinstance(chunk, str) and chunk:
                break
        assert open_connections(openai_server) == 1
        started = time.monotonic()
        await generator.aclose()
        return time.monotonic() - started

    closing = asyncio.run(scenario())
    assert closing < 0.5
    # The server notices within a few of its 20 ms writes, long before the 8 s answer ends.
    deadline = time.monotonic() + 2.0
    while open_connections(openai_server) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert open_connections(openai_server) == 0
    assert chats(openai_server) == 1


def test_cancelling_the_task_disconnects(openai_server: OpenAIServer) -> None:
    openai_server.push(Stream(text="word " * 400, delay=0.02))
    first = asyncio.Event()

    async def consume() -> None:
        async for chunk in OpenAI.create_async_generator(
            "gpt-4o-mini", MESSAGES, api_key=KEY, base_url=openai_server.base_url
        ):
            if isinstance(chunk, str) and chunk:
                first.set()

    async def scenario() -> None:
        task = asyncio.create_task(consume())
        await asyncio.wait_for(first.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    deadline = time.monotonic() + 2.0
    while open_connections(openai_server) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert open_connections(openai_server) == 0


# ----- proxy ----------------------------------------------------------------------------------
class ForwardProxy:
    """A minimal plain-HTTP forward proxy on loopback that records the request lines it relays."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.request_lines: list[str] = []
        self.thread = threading.Thread(target=self.serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def __enter__(self) -> ForwardProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.listener.close()

    def serve(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                client, _ = self.listener.accept()
                threading.Thread(target=self.relay, args=(client,), daemon=True).start()

    def relay(self, client: socket.socket) -> None:
        with client, contextlib.suppress(OSError):
            reader = client.makefile("rb")
            request_line = reader.readline().decode("latin-1").rstrip("\r\n")
            self.request_lines.append(request_line)
            method, target, version = request_line.split(" ")
            url = target.removeprefix("http://")
            authority, _, path = url.partition("/")
            host, _, port = authority.partition(":")
            headers: list[bytes] = []
            length = 0
            while (line := reader.readline()) not in (b"\r\n", b"\n", b""):
                name = line.split(b":", 1)[0].strip().lower()
                if name == b"content-length":
                    length = int(line.split(b":", 1)[1])
                if name not in (b"connection", b"proxy-connection", b"keep-alive"):
                    headers.append(line)
            body = reader.read(length)
            with socket.create_connection((host, int(port or 80))) as upstream:
                head = f"{method} /{path} {version}\r\n".encode() + b"".join(headers)
                upstream.sendall(head + b"Connection: close\r\n\r\n" + body)
                while data := upstream.recv(65536):
                    client.sendall(data)


def test_proxy_carries_the_request(openai_server: OpenAIServer) -> None:
    with ForwardProxy() as proxy:
        chunks = collect(OpenAI, openai_server, proxy=proxy.url)
    assert text_of(chunks) == "You said: Say hello"
    assert proxy.request_lines == [f"POST {openai_server.base_url}/chat/completions HTTP/1.1"]
    assert chats(openai_server) == 1


def test_proxy_carries_the_model_listing(openai_server: OpenAIServer) -> None:
    with ForwardProxy() as proxy:
        models = asyncio.run(
            OpenAI.get_models_async(
                api_key=KEY, base_url=openai_server.base_url, proxy=proxy.url, strict=True
            )
        )
    assert models == ["gpt-4o-mini", "gpt-4o", "o3-mini"]
    assert proxy.request_lines == [f"GET {openai_server.base_url}/models HTTP/1.1"]


def test_unreachable_proxy_is_a_connection_error(openai_server: OpenAIServer) -> None:
    with socket.create_server(("127.0.0.1", 0)) as placeholder:
        dead = f"http://127.0.0.1:{placeholder.getsockname()[1]}"
    _, error = collect_until_error(OpenAI, openai_server, proxy=dead)
    assert isinstance(error, ProviderConnectionError)
    assert chats(openai_server) == 0
