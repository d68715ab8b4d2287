"""The Ollama provider against the loopback Ollama server, over real sockets: options and
``think``, OLLAMA_HOST as Ollama reads it, ``:latest`` tags, an optional key, a busy server, and
the CLI without a server. What every vendor does alike (answers, error statuses, retries, broken
streams, cancellation, the CLI) is in test_every_vendor*.py.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from providers.errors import MissingAuthError, ParameterError, ProviderError
from providers.vendors.ollama import Ollama
from tests.providers.support import MESSAGES, Roundtable, collect, last_body, text_of
from tests.servers.ollama_server import OllamaServer
from tests.servers.scenario import Error, Stream


# ----- requests --------------------------------------------------------------------------------
def test_request_shape_and_options(ollama_server: OllamaServer) -> None:
    messages = [*MESSAGES, {"role": "developer", "content": [{"type": "text", "text": "Terse."}]}]
    _, error = collect(
        Ollama, ollama_server, messages=messages, temperature=0.3, top_p=0.9, top_k=40,
        max_tokens=300, stop=["END"], seed=7, presence_penalty=0.5, frequency_penalty=0.25,
        num_ctx=8192, response_format={"type": "json_object"},
    )  # fmt: skip
    assert error is None
    request = ollama_server.last_request
    assert request is not None and request.path == "/api/chat"
    assert request.header("authorization") is None, "a local Ollama needs no key"
    body = request.body_dict
    assert body["model"] == "llama3.2"
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hello there"},
        {"role": "system", "content": "Terse."},
    ]
    assert body["options"] == {
        "num_predict": 300, "num_ctx": 8192, "temperature": 0.3, "top_p": 0.9, "top_k": 40,
        "seed": 7, "stop": ["END"], "presence_penalty": 0.5, "frequency_penalty": 0.25,
    }  # fmt: skip
    assert body["format"] == "json"
    assert "think" not in body


@pytest.mark.parametrize(
    ("model", "options", "think"),
    [
        ("gpt-oss:20b", {"reasoning_effort": "medium"}, "medium"),
        ("gpt-oss:20b", {"reasoning_effort": "minimal"}, "low"),
        ("qwen3:0.6b", {"reasoning_effort": "low"}, True),
        ("qwen3:0.6b", {"reasoning_effort": "high"}, True),
        ("qwen3:0.6b", {"reasoning_effort": "none"}, False),
        ("qwen3:0.6b", {"reasoning_effort": "high", "think": False}, False),
    ],
)
def test_think(
    ollama_server: OllamaServer, model: str, options: dict[str, Any], think: Any
) -> None:
    _, error = collect(Ollama, ollama_server, model=model, **options)
    assert error is None
    body = last_body(ollama_server)
    assert body["think"] == think
    assert body["model"] == model
    assert body["stream"] is True


def test_json_schema_format_and_bad_effort(ollama_server: OllamaServer) -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    fmt = {"type": "json_schema", "json_schema": {"name": "n", "schema": schema}}
    _, error = collect(Ollama, ollama_server, response_format=fmt)
    assert error is None and last_body(ollama_server)["format"] == schema
    ollama_server.reset()
    _, error = collect(Ollama, ollama_server, reasoning_effort="extreme")
    assert isinstance(error, ParameterError) and ollama_server.requests == []


# ----- base URL ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1:5555", "http://127.0.0.1:5555"),
        ("0.0.0.0", "http://127.0.0.1:11434"),
        ("0.0.0.0:5555", "http://127.0.0.1:5555"),
        (":5555", "http://127.0.0.1:5555"),
        ("[::]:5555", "http://[::1]:5555"),
        ("localhost", "http://localhost:11434"),
        ("http://gpu-box:8080/", "http://gpu-box:8080"),
        ("https://ollama.example.com", "https://ollama.example.com"),
        ("http://127.0.0.1:5555/api", "http://127.0.0.1:5555"),
    ],
)
def test_ollama_host_as_ollama_reads_it(
    monkeypatch: pytest.MonkeyPatch, host: str, url: str
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", host)
    assert Ollama.resolve_base_url() == url
    assert Ollama.resolve_base_url(host) == url


def test_default_base_url() -> None:
    assert Ollama.resolve_base_url() == "http://localhost:11434"


def test_bad_ollama_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_HOST", "localhost:port")
    with pytest.raises(ProviderError, match="OLLAMA_HOST"):
        Ollama.resolve_base_url()


# ----- models ----------------------------------------------------------------------------------
def test_models_and_the_latest_tag(ollama_server: OllamaServer) -> None:
    models = asyncio.run(Ollama.get_models_async(base_url=ollama_server.url, strict=True))
    assert models == ["llama3.2:latest", "qwen3:0.6b"]
    assert Ollama.get_model("llama3.2") == "llama3.2:latest"
    assert Ollama.get_model("qwen3:0.6b") == "qwen3:0.6b"
    _, error = collect(Ollama, ollama_server)  # the default model, llama3.2
    assert error is None
    assert last_body(ollama_server)["model"] == "llama3.2:latest"


def test_listing_failure_falls_back_to_the_built_in_list(ollama_server: OllamaServer) -> None:
    ollama_server.push(Error(500, on="models"))
    models = asyncio.run(Ollama.get_models_async(base_url=ollama_server.url))
    assert models == Ollama.fallback_models
    assert asyncio.run(Ollama.get_models_async(base_url="http://127.0.0.1:9")) == models


# ----- errors ----------------------------------------------------------------------------------
def test_a_server_behind_a_key(
    ollama_server: OllamaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "ollama-secret-key-0123456789"
    ollama_server.api_keys = {secret}
    monkeypatch.setenv("OLLAMA_API_KEY", secret)
    _, error = collect(Ollama, ollama_server)
    assert error is None
    assert ollama_server.last_request.header("authorization") == f"Bearer {secret}"  # type: ignore[union-attr]
    ollama_server.push(Error(401, message=f"unauthorized: {secret}"))
    _, error = collect(Ollama, ollama_server)
    assert isinstance(error, MissingAuthError)
    assert secret not in str(error) and secret[:-4] not in str(error)


def test_busy_server_is_retried(ollama_server: OllamaServer) -> None:
    ollama_server.push(Error(503, retry_after=0), Error(429, retry_after=0), Stream(text="ok"))
    chunks, error = collect(Ollama, ollama_server)
    assert error is None and text_of(chunks) == "ok"
    assert len(ollama_server.requests) == 3


# ----- command line ----------------------------------------------------------------------------
def test_cli_unreachable_and_models_fallback(
    monkeypatch: pytest.MonkeyPatch, roundtable: Roundtable
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", "127.0.0.1:9")
    run = roundtable("chat", "-p", "ollama", "Hi")
    assert run.code == 1
    assert run.err.startswith(
        "roundtable: error: Could not connect to Ollama at http://127.0.0.1:9/"
    )
    run = roundtable("models", "-p", "ollama")
    assert run.code == 0
    assert "llama3.2  (default)" in run.out.splitlines()
    assert "could not list live models" in run.err
