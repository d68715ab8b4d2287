"""OpenAI-compatible presets (the OpenAI code with other attributes) against the loopback server.

Every preset streams with its key variable set; compatible services get the classic
``max_tokens``; Azure uses deployment URLs, an ``api-key`` header and ``api-version``; local
servers work without a key and need (or default) a base URL.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from app.cli_common import error_text
from providers.advice import Remedy, remedy_of
from providers.errors import MissingAuthError, ModelNotFoundError, ProviderError
from providers.response import FinishReason, Usage
from providers.vendors import openai as presets
from providers.vendors.openai import PROVIDERS, AzureOpenAI, OpenAI
from tests.providers.support import ECHO, KEY, MESSAGES, answer, chats, collect, gather, text_of
from tests.servers import Error, OpenAIServer, RecordedRequest, Stream

pytestmark = pytest.mark.usefixtures("keyring_service")  # no stored key is ever picked up

LOCAL = [presets.LMStudio, presets.LlamaCpp, presets.VLLM, presets.CustomOpenAI]
COMPATIBLE = [p for p in PROVIDERS if p not in (OpenAI, AzureOpenAI)]


@pytest.fixture(autouse=True)
def no_preset_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """No key or base-URL variable of any preset leaks in from the shell."""
    for provider in PROVIDERS:
        for name in (*provider.api_key_env, *provider.base_url_env):
            monkeypatch.delenv(name, raising=False)


class KeylessServer(OpenAIServer):
    """What LM Studio, llama.cpp and vLLM are by default: OpenAI's wire format, no auth at all."""

    def check_auth(self, req: RecordedRequest) -> None:
        return None


@pytest.fixture
def keyless_server() -> Iterator[KeylessServer]:
    with KeylessServer() as server:
        yield server


def model_for(provider: type[OpenAI]) -> str:
    return provider.default_model or "local-model"


def base_url_for(provider: type[OpenAI], server: OpenAIServer) -> str:
    return server.azure_endpoint if provider is AzureOpenAI else server.base_url


# ----- every preset ---------------------------------------------------------------------------
@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.id)
def test_every_preset_streams_with_its_key_variable(
    provider: type[OpenAI], openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(provider.api_key_env[0], KEY)
    openai_server.answer = "Grüße from the server 🎉"
    chunks = asyncio.run(
        gather(
            provider.create_async_generator(
                model_for(provider), MESSAGES, base_url=base_url_for(provider, openai_server)
            )
        )
    )
    assert text_of(chunks) == "Grüße from the server 🎉"
    assert any(isinstance(c, FinishReason) and c.reason == "stop" for c in chunks)
    request = openai_server.last_request
    assert request is not None
    if provider is AzureOpenAI:
        assert request.header("api-key") == KEY
        assert request.header("authorization") is None
    else:
        assert request.path == "/v1/chat/completions"
        assert request.header("authorization") == f"Bearer {KEY}"
    assert request.body_dict["messages"] == MESSAGES
    assert request.body_dict["stream"] is True
    if provider.stream_usage:
        assert any(isinstance(c, Usage) for c in chunks)


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.id)
def test_every_preset_has_a_distinct_id_and_key_variable(provider: type[OpenAI]) -> None:
    others = [p for p in PROVIDERS if p is not provider]
    assert provider.id and provider.id not in {p.id for p in others}
    assert provider.api_key_env
    assert not set(provider.api_key_env) & {v for p in others for v in p.api_key_env}


@pytest.mark.parametrize("provider", COMPATIBLE, ids=lambda p: p.id)
def test_compatible_presets_send_classic_max_tokens(
    provider: type[OpenAI], openai_server: OpenAIServer
) -> None:
    answer(provider, openai_server, model=model_for(provider), max_tokens=50, temperature=0.2)
    body = openai_server.last_request.body_dict  # type: ignore[union-attr]
    assert body["max_tokens"] == 50
    assert "max_completion_tokens" not in body
    assert body["temperature"] == 0.2


def test_openai_sends_max_completion_tokens(openai_server: OpenAIServer) -> None:
    # OpenAI's own host, reached through the loopback server acting as a plain-HTTP proxy.
    answer(
        OpenAI, openai_server, model="o3-mini", max_tokens=50,
        base_url="http://api.openai.com/v1", proxy=openai_server.url,
    )  # fmt: skip
    request = openai_server.last_request
    assert request is not None and request.path == "/v1/chat/completions"
    assert request.body_dict["max_completion_tokens"] == 50
    assert "max_tokens" not in request.body_dict


def test_openai_with_another_servers_base_url_sends_classic_max_tokens(
    openai_server: OpenAIServer,
) -> None:
    """llama-cpp-python ignores ``max_completion_tokens``; LiteLLM passes it on: any server but
    OpenAI's own (or Azure) gets ``max_tokens``."""
    answer(OpenAI, openai_server, model="gpt-4o-mini", max_tokens=50)
    body = openai_server.last_request.body_dict  # type: ignore[union-attr]
    assert body["max_tokens"] == 50
    assert "max_completion_tokens" not in body


@pytest.mark.parametrize(
    ("base_url", "field"),
    [
        ("https://api.openai.com/v1", "max_completion_tokens"),
        ("https://my-resource.openai.azure.com", "max_completion_tokens"),
        ("http://127.0.0.1:8000/v1", "max_tokens"),
        ("https://litellm.example.com/v1", "max_tokens"),
        ("https://api.openai.com.evil.example/v1", "max_tokens"),
    ],
)
def test_tokens_field_by_host(base_url: str, field: str) -> None:
    assert OpenAI.tokens_field(base_url) == field


def test_preset_rejected_key_names_the_preset(openai_server: OpenAIServer) -> None:
    _, error = collect(presets.Groq, openai_server, api_key="test-key-000")
    assert isinstance(error, MissingAuthError)
    assert "Groq" in str(error) and "401" in str(error) and "API key" in str(error)
    assert "test-key-000" not in str(error)
    # What fixes it travels with the error; each front end says where (never "Settings").
    assert remedy_of(error) is not None and remedy_of(error)[:2] == (Remedy.API_KEY, "groq")
    assert "Settings" not in str(error) and "roundtable" not in str(error)


def test_missing_key_names_the_preset_variables(openai_server: OpenAIServer) -> None:
    with pytest.raises(MissingAuthError) as caught:
        answer(presets.Perplexity, openai_server, api_key=None)
    assert "PERPLEXITY_API_KEY or PPLX_API_KEY" in error_text(caught.value)
    assert openai_server.requests == []


def test_preset_model_listing(openai_server: OpenAIServer) -> None:
    openai_server.models = ["llama-3.3-70b-versatile", "mixtral"]
    models = asyncio.run(
        presets.Groq.get_models_async(api_key=KEY, base_url=openai_server.base_url)
    )
    assert models == ["llama-3.3-70b-versatile", "mixtral"]
    assert OpenAI.models == []  # each preset caches its own list


def test_openrouter_reasoning_field(openai_server: OpenAIServer) -> None:
    openai_server.reasoning_field = "reasoning"  # OpenRouter's name for it
    openai_server.push(Stream(text="42", reasoning="Let me think."))
    chunks = answer(presets.OpenRouter, openai_server)
    assert "".join(str(c) for c in chunks if type(c).__name__ == "Reasoning") == "Let me think."
    assert text_of(chunks) == "42"


# ----- Azure -------------------------------------------------------------------------------------
def test_azure_deployment_url_key_header_and_api_version(openai_server: OpenAIServer) -> None:
    chunks = answer(
        AzureOpenAI, openai_server, model="my-gpt4o", base_url=openai_server.azure_endpoint
    )
    assert text_of(chunks) == ECHO
    request = openai_server.last_request
    assert request is not None
    assert request.path == "/openai/deployments/my-gpt4o/chat/completions"
    assert request.query == {"api-version": AzureOpenAI.api_version}
    assert request.header("api-key") == KEY
    assert request.header("authorization") is None


@pytest.mark.parametrize("suffix", ["", "/", "/openai", "/openai/"])
def test_azure_endpoint_forms(
    openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", openai_server.azure_endpoint + suffix)
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", KEY)
    chunks = asyncio.run(gather(AzureOpenAI.create_async_generator("dep", MESSAGES)))
    assert text_of(chunks) == ECHO
    assert openai_server.last_request.path == "/openai/deployments/dep/chat/completions"  # type: ignore[union-attr]


def test_azure_without_endpoint_is_a_clear_error() -> None:
    with pytest.raises(ProviderError, match="needs a base URL") as caught:
        asyncio.run(gather(AzureOpenAI.create_async_generator("dep", MESSAGES, api_key=KEY)))
    assert "AZURE_OPENAI_ENDPOINT" in error_text(caught.value)


def test_azure_without_deployment_is_a_clear_error(openai_server: OpenAIServer) -> None:
    with pytest.raises(ModelNotFoundError, match="deployment name"):
        answer(AzureOpenAI, openai_server, model=None, base_url=openai_server.azure_endpoint)
    assert openai_server.requests == []


def test_azure_unknown_deployment(openai_server: OpenAIServer) -> None:
    openai_server.azure_deployments = {"prod-gpt4o"}
    _, error = collect(
        AzureOpenAI, openai_server, model="typo", base_url=openai_server.azure_endpoint
    )
    assert isinstance(error, ModelNotFoundError)
    assert "typo" in str(error) and "404" in str(error)


def test_azure_rejected_key(openai_server: OpenAIServer) -> None:
    _, error = collect(
        AzureOpenAI, openai_server, model="dep", base_url=openai_server.azure_endpoint,
        api_key="test-key-777",
    )  # fmt: skip
    assert isinstance(error, MissingAuthError)
    assert "401" in str(error) and "API key" in str(error)
    assert "test-key-777" not in str(error)


def test_azure_rate_limit_is_retried(openai_server: OpenAIServer) -> None:
    openai_server.push(Error(429, retry_after=0.05))
    chunks = answer(AzureOpenAI, openai_server, model="dep", base_url=openai_server.azure_endpoint)
    assert text_of(chunks) == ECHO
    assert chats(openai_server) == 2


# ----- local servers --------------------------------------------------------------------------
@pytest.mark.parametrize("provider", LOCAL, ids=lambda p: p.id)
def test_local_presets_work_without_a_key(
    provider: type[OpenAI], keyless_server: KeylessServer
) -> None:
    chunks = answer(provider, keyless_server, api_key=None, model="qwen2.5-7b-instruct")
    assert text_of(chunks) == ECHO
    request = keyless_server.last_request
    assert request.header("authorization") is None  # type: ignore[union-attr]
    assert request.body_dict["model"] == "qwen2.5-7b-instruct"  # type: ignore[union-attr]


@pytest.mark.parametrize("provider", LOCAL, ids=lambda p: p.id)
def test_local_presets_list_models_without_a_key(
    provider: type[OpenAI], keyless_server: KeylessServer
) -> None:
    keyless_server.models = ["qwen2.5-7b-instruct", "llama-3.2-3b"]
    models = asyncio.run(provider.get_models_async(base_url=keyless_server.base_url, strict=True))
    assert models == ["qwen2.5-7b-instruct", "llama-3.2-3b"]


@pytest.mark.parametrize("provider", LOCAL, ids=lambda p: p.id)
def test_local_presets_take_a_key_when_the_server_wants_one(
    provider: type[OpenAI], openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(provider.api_key_env[0], KEY)
    chunks = answer(provider, openai_server, api_key=None, model="m")
    assert text_of(chunks) == ECHO
    assert openai_server.last_request.header("authorization") == f"Bearer {KEY}"  # type: ignore[union-attr]


@pytest.mark.parametrize("provider", LOCAL, ids=lambda p: p.id)
def test_local_presets_base_url_variable_and_bare_host(
    provider: type[OpenAI], keyless_server: KeylessServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = keyless_server.base_url.removeprefix("http://")  # "127.0.0.1:PORT/v1"
    monkeypatch.setenv(provider.base_url_env[0], bare)
    chunks = asyncio.run(gather(provider.create_async_generator("m", MESSAGES)))
    assert text_of(chunks) == ECHO


@pytest.mark.parametrize(
    "provider", [presets.LMStudio, presets.LlamaCpp, presets.VLLM], ids=lambda p: p.id
)
def test_local_presets_default_to_localhost(provider: type[OpenAI]) -> None:
    assert provider.resolve_base_url().startswith("http://localhost:")


def test_custom_without_base_url_is_a_clear_error() -> None:
    with pytest.raises(ProviderError) as caught:
        asyncio.run(gather(presets.CustomOpenAI.create_async_generator("m", MESSAGES)))
    assert "needs a base URL" in str(caught.value) and "--base-url" not in str(caught.value)
    message = error_text(caught.value)  # the command line's words
    assert "--base-url" in message and "CUSTOM_OPENAI_BASE_URL" in message


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/v1", "http:///v1", "://"])
def test_custom_with_a_bad_base_url(url: str) -> None:
    with pytest.raises(ProviderError, match="Not a valid base URL"):
        generator = presets.CustomOpenAI.create_async_generator("m", MESSAGES, base_url=url)
        asyncio.run(gather(generator))


def test_local_server_not_running_is_a_connection_error(keyless_server: KeylessServer) -> None:
    url = keyless_server.base_url
    keyless_server.stop()
    with pytest.raises(ProviderError) as caught:
        asyncio.run(gather(presets.LMStudio.create_async_generator("m", MESSAGES, base_url=url)))
    assert type(caught.value).__name__ == "ProviderConnectionError"
    assert "Could not connect to LM Studio" in str(caught.value)


def test_local_model_rejected_lists_the_loaded_models(keyless_server: KeylessServer) -> None:
    keyless_server.strict_models = True
    keyless_server.models = ["qwen2.5-7b-instruct"]
    _, error = collect(presets.VLLM, keyless_server, api_key=None, model="gpt-4o")
    assert isinstance(error, ModelNotFoundError)
    assert "Valid models: qwen2.5-7b-instruct" in str(error)
