"""Issue 8, the network half: what a server can send must never leak a secret, crash a reader
or hold memory and time without bound. Real loopback sockets to tests/servers.
"""

from __future__ import annotations

import asyncio
import json
import resource
from typing import Any

import keyring.errors
import pytest
from keyring.backend import KeyringBackend

from app.params import parse_assignments
from providers import credentials, registry
from providers.errors import (
    MissingAuthError,
    ParameterError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeoutError,
    ResponseError,
    ResponseFormatError,
)
from providers.http import create_client, iter_sse, open_stream
from providers.response import Reasoning, Usage
from providers.sanitize import clean_text, excerpt, redact_url, redact_urls
from providers.vendors.anthropic import Anthropic
from providers.vendors.gemini import Gemini
from providers.vendors.ollama import Ollama
from providers.vendors.openai import OpenAI
from tests.providers.support import (
    ECHO,
    VENDORS,
    Vendor,
    collect,
    every_vendor,
    text_of,
)
from tests.servers import (
    AnthropicServer,
    Error,
    GeminiServer,
    MockServer,
    OllamaServer,
    OpenAIServer,
    Pour,
    Raw,
    Stream,
)
from tests.servers.hostile import HEAD, event

#: Shaped like a real key: long enough that a cut of it is still a usable fragment.
LONG_KEY = "test-key-Abc123Def456Ghi789Jkl012Mno345Pqr678Stu901Vwx"


def fragments(secret: str, size: int = 8) -> list[str]:
    return [secret[i : i + size] for i in range(len(secret) - size + 1)]


def leaks(text: str, secret: str) -> list[str]:
    return [piece for piece in fragments(secret) if piece in text]


# ----- text made printable at the boundary ---------------------------------------------------
def test_clean_text_replaces_only_lone_surrogates() -> None:
    assert clean_text("plain") == "plain"
    assert clean_text("naïve 🦊") == "naïve 🦊"
    assert clean_text("a\ud800b\udfffc") == "a\ufffdb\ufffdc"
    assert str(ProviderError("bad \udc80 text")) == "bad \ufffd text"


def test_surrogates_in_text_reasoning_and_error_are_replaced(openai_server: OpenAIServer) -> None:
    openai_server.push(
        Raw(
            200,
            HEAD
            + b'data: {"choices":[{"delta":{"reasoning_content":"think \\udbff"}}]}\n\n'
            + b'data: {"choices":[{"delta":{"content":"\\ud800!"}}]}\n\n'
            + b'data: {"error":{"message":"oops \\udfff"}}\n\n',
            content_type="text/event-stream",
        )
    )
    chunks, error = collect(OpenAI, openai_server)
    assert text_of(chunks) == "Hello world\ufffd!"
    reasoning = [c for c in chunks if isinstance(c, Reasoning)]
    assert [r.token for r in reasoning] == ["think \ufffd"]
    assert isinstance(error, ResponseError) and "oops \ufffd" in str(error)
    for piece in [text_of(chunks), str(error), *(r.token or "" for r in reasoning)]:
        piece.encode("utf-8")  # storable and printable


def test_ollama_surrogate_in_thinking_and_text(ollama_server: OllamaServer) -> None:
    ollama_server.push(
        Raw(
            200,
            b'{"message":{"role":"assistant","thinking":"hm \\ud800"},"done":false}\n'
            b'{"message":{"role":"assistant","content":"ok \\udc00"},"done":false}\n'
            b'{"message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"}\n',
            content_type="application/x-ndjson",
        )
    )
    chunks, error = collect(Ollama, ollama_server, think=True)
    assert error is None
    assert text_of(chunks) == "ok \ufffd"
    assert [c.token for c in chunks if isinstance(c, Reasoning)] == ["hm \ufffd"]


# ----- memory bounds -------------------------------------------------------------------------
@pytest.mark.parametrize("gzip", [False, True], ids=["plain", "gzip"])
def test_a_line_without_end_stops_at_the_bound_after_the_text(
    openai_server: OpenAIServer, gzip: bool
) -> None:
    openai_server.push(Pour(head=HEAD + b"data: ", body=bytes(1 << 20), times=64, gzip=gzip))
    chunks, error = collect(OpenAI, openai_server)
    assert text_of(chunks) == "Hello world"
    assert isinstance(error, ResponseError) and "more than 16 MB" in str(error)


def test_many_data_lines_without_an_event_end_are_bounded(openai_server: OpenAIServer) -> None:
    openai_server.push(Pour(head=HEAD, body=b"data: x\n" * 65536, times=64))
    chunks, error = collect(OpenAI, openai_server)
    assert text_of(chunks) == "Hello world"
    assert isinstance(error, ResponseError) and "without ending an event" in str(error)


def test_a_huge_error_body_is_read_only_in_part(openai_server: OpenAIServer) -> None:
    """A 1 GB gzip error body: only its first megabyte is decoded; the status still speaks."""
    openai_server.push(
        Pour(status=500, body=bytes(1 << 20), times=1024, gzip=True, content_type="text/plain")
    )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    chunks, error = collect(OpenAI, openai_server)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert text_of(chunks) == ""
    assert error is not None and "500" in str(error) and len(str(error)) < 700
    assert grown_mb < 300  # reading it whole takes well over 1 GB


# ----- total deadline ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "pour",
    [
        Pour(head=HEAD, body=b":", times=None, delay=0.05),  # a byte at a time
        Pour(
            head=HEAD,
            body=event({"choices": [{"delta": {"content": "."}}]}),
            delay=0.02,
            times=None,
        ),  # fmt: skip
    ],
    ids=["trickle", "endless"],
)
def test_total_timeout_ends_an_answer_that_never_ends(
    openai_server: OpenAIServer, pour: Pour
) -> None:
    openai_server.push(pour)
    chunks, error = collect(OpenAI, openai_server, total_timeout=1.0, timeout=30)
    assert text_of(chunks).startswith("Hello world")
    assert isinstance(error, ProviderTimeoutError)
    assert "within 1 s" in str(error) and "total_timeout" in str(error)


def test_total_timeout_from_the_environment_covers_waiting_for_headers(
    openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.servers import Stall

    monkeypatch.setenv("ROUNDTABLE_TOTAL_TIMEOUT", "0.5")
    openai_server.push(Stall(seconds=10))
    chunks, error = collect(OpenAI, openai_server)
    assert text_of(chunks) == ""
    assert isinstance(error, ProviderTimeoutError) and "ROUNDTABLE_TOTAL_TIMEOUT" in str(error)


@pytest.mark.parametrize(
    "provider", sorted(set(registry.all_providers().values()), key=lambda p: p.__name__),
    ids=lambda p: p.__name__,
)  # fmt: skip
def test_total_timeout_is_a_form_parameter_of_every_http_provider(provider: Any) -> None:
    if not hasattr(provider, "chat") and provider.__name__ != "OpenWebUI":
        pytest.skip("not an HTTP chat provider")
    form = provider.get_parameters(as_json=True)
    assert form["total_timeout"] == 0.0  # 0: the default (1800 s, or ROUNDTABLE_TOTAL_TIMEOUT)
    assert "total_timeout" in provider.get_parameters()
    assert parse_assignments(provider, ["total_timeout=600"]) == {"total_timeout": 600.0}


# ----- masking before cutting ----------------------------------------------------------------
def test_a_key_near_the_cut_of_an_error_text_is_masked_whole(openai_server: OpenAIServer) -> None:
    openai_server.api_keys = {LONG_KEY}
    message = "x" * 270 + LONG_KEY + " is not a valid key."  # the key straddles the 300th char
    openai_server.push(Error(400, body=message))  # plain text: the body is the message
    chunks, error = collect(OpenAI, openai_server, api_key=LONG_KEY)
    assert error is not None
    assert leaks(str(error), LONG_KEY) == []


def test_excerpt_masks_then_cuts() -> None:
    text = "y" * 70 + LONG_KEY
    assert leaks(excerpt(text, 80, LONG_KEY), LONG_KEY) == []
    assert len(excerpt(text, 80, LONG_KEY)) <= 81


def test_ollama_non_json_line_never_shows_the_key(ollama_server: OllamaServer) -> None:
    ollama_server.api_keys = {LONG_KEY}
    ollama_server.push(
        Raw(200, f"upstream said: bad token {LONG_KEY}\n".encode(), "application/x-ndjson")
    )
    chunks, error = collect(Ollama, ollama_server, api_key=LONG_KEY)
    assert isinstance(error, ResponseFormatError) and "not JSON" in str(error)
    assert leaks(str(error), LONG_KEY) == []


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.provider.id)
def test_malformed_event_with_the_key_near_its_cut_is_masked(
    vendor: Vendor, request: pytest.FixtureRequest
) -> None:
    server: MockServer = request.getfixturevalue(vendor.server)
    server.api_keys = {LONG_KEY}
    noise = "z" * 60
    if vendor.provider is Ollama:
        body, kind = f"{noise}{LONG_KEY}\n".encode(), "application/x-ndjson"
    else:
        body, kind = f"data: {noise}{LONG_KEY}\n\n".encode(), "text/event-stream"
    server.push(Raw(200, body, content_type=kind, on="chat"))
    chunks, error = collect(vendor.provider, server, api_key=LONG_KEY, **vendor.thinking)
    assert isinstance(error, ProviderError)
    assert leaks(str(error), LONG_KEY) == []


# ----- passwords in URLs ---------------------------------------------------------------------
def test_redact_url_hides_user_and_password() -> None:
    assert redact_url("http://user:S3cret@host:8/v1") == "http://***@host:8/v1"
    assert redact_url("https://host/v1") == "https://host/v1"
    assert (
        redact_urls("see http://a:b@c/ and https://d/e@f") == "see http://***@c/ and https://d/e@f"
    )


def test_a_password_in_the_base_url_never_reaches_a_connection_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "test-key-123")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://user:Pa55word@127.0.0.1:9/v1")

    async def run() -> None:
        question = [{"role": "user", "content": "q"}]
        async for _ in OpenAI.create_async_generator("gpt-4o-mini", question):
            pass

    with pytest.raises(ProviderConnectionError) as caught:
        asyncio.run(run())
    assert "Pa55word" not in str(caught.value) and "user:" not in str(caught.value)
    assert "127.0.0.1:9" in str(caught.value)


def test_a_password_in_the_base_url_never_reaches_a_web_page_error(
    openai_server: OpenAIServer,
) -> None:
    openai_server.push(Raw(200, b"<html><title>Portal</title></html>", content_type="text/html"))
    base = openai_server.base_url.replace("http://", "http://me:Pa55word@")
    chunks, error = collect(OpenAI, openai_server, base_url=base)
    assert isinstance(error, ResponseFormatError) and "web page titled 'Portal'" in str(error)
    assert "Pa55word" not in str(error)


def test_invalid_base_url_message_hides_the_password() -> None:
    with pytest.raises(ProviderError) as caught:
        OpenAI.normalize_base_url("ftp://me:Pa55word@host/")
    assert "Pa55word" not in str(caught.value)


# ----- what the server really answered -------------------------------------------------------
@every_vendor
def test_a_stream_labelled_text_plain_arrives_whole(vendor: Vendor, server: MockServer) -> None:
    server.push(Stream(content_type="text/plain; charset=utf-8"))
    chunks, error = collect(vendor.provider, server)
    assert error is None
    assert text_of(chunks) == ECHO


def test_gemini_json_array_instead_of_a_stream_yields_the_text(gemini_server: GeminiServer) -> None:
    answer = [
        {"candidates": [{"content": {"role": "model", "parts": [{"text": "Hello"}]}}]},
        {"candidates": [{"content": {"role": "model", "parts": [{"text": " world"}]},
                         "finishReason": "STOP"}]},
    ]  # fmt: skip
    gemini_server.push(Raw(200, json.dumps(answer), content_type="application/json", on="chat"))
    chunks, error = collect(Gemini, gemini_server)
    assert error is None and text_of(chunks) == "Hello world"


def test_sse_labelled_as_json_is_still_read_as_a_stream(openai_server: OpenAIServer) -> None:
    openai_server.push(Stream(content_type="application/json"))
    chunks, error = collect(OpenAI, openai_server)
    assert error is None and text_of(chunks) == ECHO


def test_odd_usage_counters_are_ignored_not_a_crash(gemini_server: GeminiServer) -> None:
    body = {"candidates": [{"content": {"parts": [{"text": "Hi"}]}, "finishReason": "STOP"}],
            "usageMetadata": {"promptTokenCount": "many"}}  # fmt: skip
    gemini_server.push(
        Raw(200, b"data: " + json.dumps(body).encode() + b"\r\n\r\n", "text/event-stream")
    )
    chunks, error = collect(Gemini, gemini_server)
    assert error is None and text_of(chunks) == "Hi"
    (usage,) = [c for c in chunks if isinstance(c, Usage)]
    assert usage.get_dict()["prompt_tokens"] == 0


def test_a_deeply_nested_error_body_is_still_a_status_error(
    anthropic_server: AnthropicServer,
) -> None:
    anthropic_server.push(Error(500, body=b"[" * 100_000 + b"]" * 100_000))
    chunks, error = collect(Anthropic, anthropic_server)
    assert error is not None and "500" in str(error)


# ----- keyring locked vs no key --------------------------------------------------------------
class LockedBackend(KeyringBackend):
    """What keyring's Secret Service backend raises when the unlock prompt is dismissed."""

    priority = 5  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")


KeyringBackend._classes.discard(LockedBackend)  # type: ignore[attr-defined]


def test_a_locked_keyring_is_named_instead_of_no_api_key(
    monkeypatch: pytest.MonkeyPatch, openai_server: OpenAIServer
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    locked = credentials.SecretStore("roundtable-locked", backend=LockedBackend())
    credentials.set_default_store(locked)
    try:
        chunks, error = collect(OpenAI, openai_server, api_key=None)
    finally:
        credentials.set_default_store(None)
    assert isinstance(error, MissingAuthError)
    assert "keyring is locked" in str(error) and "Unlock it" in str(error)
    assert "OPENAI_API_KEY" in str(error)
    assert not str(error).startswith("No API key")


# ----- parameters ----------------------------------------------------------------------------
def test_unknown_parameter_error_does_not_offer_api_key() -> None:
    with pytest.raises(ParameterError) as caught:
        parse_assignments(OpenAI, ["nonsense=1"])
    assert "api_key" not in str(caught.value)
    assert "temperature" in str(caught.value) and "total_timeout" in str(caught.value)


# ----- the readers on their own --------------------------------------------------------------
def test_iter_sse_keeps_the_framing_of_httpx_sse(openai_server: OpenAIServer) -> None:
    """CR, LF and CRLF endings, comments and multi-line data, split into tiny writes."""
    body = b": hi\r\ndata: a\rdata: b\r\n\r\nevent: x\ndata: c\n\n"
    openai_server.push(Raw(200, body, content_type="text/event-stream", on="models"))

    async def run() -> list[tuple[str, str]]:
        async with create_client() as client, open_stream(
            client, "GET", openai_server.base_url + "/models", on_error=lambda f: ProviderError(),
            label="t",
        ) as response:  # fmt: skip
            return [(e.event, e.data) async for e in iter_sse(response)]

    assert asyncio.run(run()) == [("message", "a\nb"), ("x", "c")]


def test_ollama_one_json_body_instead_of_a_stream_yields_the_text(
    ollama_server: OllamaServer,
) -> None:
    body = {
        "model": "llama3.2", "message": {"role": "assistant", "content": "Hello world"},
        "done": True, "done_reason": "stop", "prompt_eval_count": 3, "eval_count": 2,
    }  # fmt: skip
    ollama_server.push(Raw(200, json.dumps(body, indent=2), content_type="application/json"))
    chunks, error = collect(Ollama, ollama_server)
    assert error is None and text_of(chunks) == "Hello world"


def test_gemini_one_json_object_instead_of_a_stream_yields_the_text(
    gemini_server: GeminiServer,
) -> None:
    body = {"candidates": [{"content": {"parts": [{"text": "Hello world"}]},
                            "finishReason": "STOP"}]}  # fmt: skip
    gemini_server.push(Raw(200, json.dumps(body), content_type="application/json", on="chat"))
    chunks, error = collect(Gemini, gemini_server)
    assert error is None and text_of(chunks) == "Hello world"
