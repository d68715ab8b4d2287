"""The OpenAI provider against the loopback OpenAI server, over real sockets.

What a user meets: text streamed in pieces and its usage; the exact request body and headers;
model listing and model validation; a rejected key never shown; HTML error pages; dropped, oddly
framed and silent streams; a proxy. Presets of the same code are tested in
test_openai_compatible.py; what every vendor does alike (reasoning, finish and usage, error
statuses and retries, broken and stalled streams, cancellation) in test_every_vendor.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from typing import Any

import pytest

from providers.errors import (
    MissingAuthError,
    ModelNotFoundError,
    ModelNotSupportedError,
    ProviderConnectionError,
    ProviderTimeoutError,
    ResponseError,
    ServiceUnavailableError,
)
from providers.response import FinishReason, ProviderInfo, Reasoning, Usage
from providers.vendors.openai import OpenAI
from tests.providers.support import (
    ECHO,
    KEY,
    MESSAGES,
    answer,
    chats,
    collect,
    gather,
    only,
    text_of,
)
from tests.servers import Drop, Error, OpenAIServer, Raw, Stall, Stream

pytestmark = pytest.mark.usefixtures("keyring_service")  # no stored key is ever picked up

UNICODE = "Grüße, 世界! Ünïcödé — ok 🎉🙂 naïve café ß∂ƒ©˙∆˚¬ end"


# ----- requests -------------------------------------------------------------------------------
def test_streams_text_in_pieces(openai_server: OpenAIServer) -> None:
    openai_server.answer = "Hello there, how can I help you today?"
    chunks = answer(OpenAI, openai_server)
    texts = [chunk for chunk in chunks if isinstance(chunk, str)]
    assert "".join(texts) == "Hello there, how can I help you today?"
    assert len(texts) > 1  # streamed piece by piece, not as one block
    info = chunks[0]
    assert isinstance(info, ProviderInfo) and info.model == "gpt-4o-mini"


def test_echo_answer_reaches_the_caller(openai_server: OpenAIServer) -> None:
    chunks = answer(OpenAI, openai_server, messages=[{"role": "user", "content": UNICODE}])
    assert text_of(chunks) == f"You said: {UNICODE}"


def test_usage_chunk_becomes_usage(openai_server: OpenAIServer) -> None:
    openai_server.answer = "abcdefgh"  # 8 chars: 2 tokens by the server's count
    (usage,) = only(answer(OpenAI, openai_server), Usage)
    counts = usage.get_dict()
    assert counts["completion_tokens"] == 2
    assert counts["prompt_tokens"] >= 1
    assert counts["total_tokens"] == counts["prompt_tokens"] + 2


def test_request_body_and_headers(openai_server: OpenAIServer) -> None:
    messages = [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Hi"},
    ]
    answer(
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
        "max_tokens": 64,  # a loopback server is not OpenAI's own: the classic field
        "stop": ["END", "STOP"],
        "seed": 7,
        "presence_penalty": 0.5,
        "frequency_penalty": -0.5,
        "reasoning_effort": "low",
        "response_format": {"type": "json_object"},
    }


def test_unset_parameters_are_not_sent(openai_server: OpenAIServer) -> None:
    answer(OpenAI, openai_server, stop=[], reasoning_effort="", response_format={})
    body = openai_server.last_request.body_dict  # type: ignore[union-attr]
    assert set(body) == {"model", "messages", "stream", "stream_options"}


def test_key_from_the_environment(
    openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.base_url)
    chunks = asyncio.run(gather(OpenAI.create_async_generator("gpt-4o-mini", MESSAGES)))
    assert text_of(chunks) == ECHO
    assert openai_server.last_request.header("authorization") == f"Bearer {KEY}"  # type: ignore[union-attr]


def test_non_stream_mode_asks_for_json_without_stream_options(openai_server: OpenAIServer) -> None:
    answer(OpenAI, openai_server, stream=False)
    request = openai_server.last_request
    assert request is not None
    assert request.body_dict["stream"] is False
    assert "stream_options" not in request.body_dict
    assert request.header("accept") == "application/json"


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
        answer(OpenAI, openai_server, model="no-such-model")
    assert chats(openai_server) == 0


def test_failed_listing_never_refuses_a_model_the_service_offers(
    openai_server: OpenAIServer,
) -> None:
    openai_server.push(Error(500, on="models"))
    asyncio.run(OpenAI.get_models_async(api_key=KEY, base_url=openai_server.base_url))
    chunks = answer(OpenAI, openai_server, model="gpt-5-preview-not-built-in")
    assert text_of(chunks) == ECHO


def test_model_rejected_and_listing_fails_still_says_model_not_found(
    openai_server: OpenAIServer,
) -> None:
    openai_server.strict_models = True
    openai_server.push(Error(500, on="models"))
    _, error = collect(OpenAI, openai_server, model="gpt-nope")
    assert isinstance(error, ModelNotFoundError)
    assert "gpt-nope" in str(error)
    assert "Valid models" not in str(error)  # never the built-in list


# ----- error statuses -------------------------------------------------------------------------
def test_rejected_key_says_status_and_api_key_never_the_key(openai_server: OpenAIServer) -> None:
    echo = f"Incorrect API key provided: {KEY}. You can find your API key at https://x/keys."
    openai_server.push(Error(401, message=echo, code="invalid_api_key"))
    _, error = collect(OpenAI, openai_server)
    assert isinstance(error, MissingAuthError)
    message = str(error)
    assert "401" in message and "API key" in message
    assert KEY not in message
    assert KEY[:-4] not in message  # not even its long prefix
    assert chats(openai_server) == 1  # a bad key is never retried


def test_wrong_key_as_the_server_redacts_it(openai_server: OpenAIServer) -> None:
    _, error = collect(OpenAI, openai_server, api_key="test-key-999")
    assert isinstance(error, MissingAuthError)
    assert "401" in str(error) and "API key" in str(error)
    assert "test-key-999" not in str(error)


def test_forbidden(openai_server: OpenAIServer) -> None:
    openai_server.push(Error(403))
    _, error = collect(OpenAI, openai_server)
    assert isinstance(error, MissingAuthError)
    assert "403" in str(error) and "Country, region, or territory not supported" in str(error)


def test_html_error_page_from_a_proxy(openai_server: OpenAIServer) -> None:
    page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    openai_server.push(*[Raw(502, page, "text/html", {"retry-after": "0"}) for _ in range(3)])
    _, error = collect(OpenAI, openai_server)
    assert isinstance(error, ServiceUnavailableError)
    assert "502" in str(error) and "Bad Gateway" in str(error)
    assert "<html" not in str(error)


# ----- broken streams -------------------------------------------------------------------------
@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "close-delimited"])
def test_dropped_connection_after_a_few_events(openai_server: OpenAIServer, chunked: bool) -> None:
    openai_server.push(Stream(text="a b c d e f g", drop_after=2, chunked=chunked))
    received, error = collect(OpenAI, openai_server)
    assert text_of(received) == "a"
    assert isinstance(error, ProviderConnectionError)


def test_connection_dropped_before_any_answer(openai_server: OpenAIServer) -> None:
    openai_server.push(Drop(), Drop(), Drop())
    _, error = collect(OpenAI, openai_server)
    assert isinstance(error, ProviderConnectionError)


def test_stream_closed_cleanly_without_done_or_finish(openai_server: OpenAIServer) -> None:
    event = '{"choices":[{"index":0,"delta":{"content":"partial"},"finish_reason":null}]}'
    openai_server.push(Raw(200, f"data: {event}\n\n", "text/event-stream"))
    received, error = collect(OpenAI, openai_server)
    assert text_of(received) == "partial"
    assert isinstance(error, ProviderConnectionError)
    assert "ended before it was complete" in str(error)


def test_malformed_event(openai_server: OpenAIServer) -> None:
    openai_server.push(Raw(200, "data: {not json\n\n", "text/event-stream"))
    _, error = collect(OpenAI, openai_server)
    assert isinstance(error, ResponseError)
    assert "malformed" in str(error)


def test_server_that_never_answers_times_out(openai_server: OpenAIServer) -> None:
    openai_server.push(Stall())
    started = time.monotonic()
    _, error = collect(OpenAI, openai_server, timeout=0.5)
    assert isinstance(error, ProviderTimeoutError)
    assert time.monotonic() - started < 2.0


def test_read_timeout_from_the_environment(
    openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROUNDTABLE_READ_TIMEOUT", "0.4")
    openai_server.push(Stream(text="one two", stall_after=1))
    started = time.monotonic()
    _, error = collect(OpenAI, openai_server)
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
    chunks = answer(OpenAI, openai_server)
    assert text_of(chunks) == UNICODE
    assert "".join(str(r) for r in only(chunks, Reasoning)) == "Déjà vu — 考え中 🤔"
    assert [f.reason for f in only(chunks, FinishReason)] == ["stop"]


def test_no_retry_after_text_was_streamed(openai_server: OpenAIServer) -> None:
    openai_server.push(Stream(text="one two three", drop_after=2), Stream(text="second try"))
    received, error = collect(OpenAI, openai_server)
    assert isinstance(error, ProviderConnectionError)
    assert text_of(received) == "one"
    assert chats(openai_server) == 1  # a retry would repeat (or mix) what the user already has


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
        chunks = answer(OpenAI, openai_server, proxy=proxy.url)
    assert text_of(chunks) == ECHO
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
    _, error = collect(OpenAI, openai_server, proxy=dead)
    assert isinstance(error, ProviderConnectionError)
    assert chats(openai_server) == 0
