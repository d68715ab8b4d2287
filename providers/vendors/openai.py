"""OpenAI Chat Completions, and every OpenAI-compatible service as a preset of the same code.

Wire format: ``POST {base}/chat/completions`` streamed as SSE ``data:`` chunks ending with
``data: [DONE]``; ``GET {base}/models``; ``Authorization: Bearer <key>``.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any, ClassVar

import httpx

from ..advice import Remedy, advise
from ..chat import HttpChatProvider, as_sentence
from ..errors import (
    ModelNotFoundError,
    ProviderConnectionError,
    ProviderError,
    ResponseError,
)
from ..helpers import filter_none
from ..http import HTTPStatusFailure, iter_sse
from ..media import ImageLimits
from ..response import FinishReason, Reasoning, Usage
from ..sanitize import excerpt
from ..types import AsyncResult, MediaListType, Messages


class OpenAI(HttpChatProvider):
    """OpenAI's own API; the compatible services below change only their class attributes."""

    id = "openai"
    label = "OpenAI"
    url = "https://platform.openai.com"
    login_url: ClassVar[str | None] = "https://platform.openai.com/api-keys"
    api_base = "https://api.openai.com/v1"
    base_url_env: ClassVar[tuple[str, ...]] = ("OPENAI_BASE_URL",)
    api_key_env: ClassVar[tuple[str, ...]] = ("OPENAI_API_KEY",)
    default_model: ClassVar[str | None] = "gpt-4o-mini"
    fallback_models = ["gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-4.1-mini", "o4-mini", "o3"]
    #: The body field for the answer length (OpenAI's newer name; compatible services use the old).
    max_tokens_field: ClassVar[str] = "max_completion_tokens"
    #: Hosts that take ``max_completion_tokens``; any other server behind ``-p openai``
    #: (llama-cpp-python, LiteLLM, ...) gets the classic ``max_tokens`` it understands.
    native_hosts: ClassVar[tuple[str, ...]] = ("api.openai.com", ".openai.azure.com", ".azure.com")
    #: Ask for a final usage chunk (``stream_options.include_usage``).
    stream_usage: ClassVar[bool] = True
    #: "Up to 20MB per image"; larger sides are scaled to fit 2048 × 2048 by the API anyway.
    image_limits = ImageLimits("OpenAI", 20 * 1024 * 1024, 2048, 2048)
    vision_models = ["gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-4.1-mini", "o4-mini", "o3"]
    text_only_models: ClassVar[tuple[str, ...]] = (
        "gpt-3.5*", "o1-mini*", "o3-mini*", "*-instruct*",
    )  # fmt: skip

    @classmethod
    async def create_async_generator(  # type: ignore[override]
        cls,
        model: str,
        messages: Messages,
        stream: bool = True,
        timeout: float | None = None,
        total_timeout: float | None = None,
        temperature: float | None = None,
        top_p: float | None = None,
        max_tokens: int | None = None,
        stop: list[str] | None = None,
        seed: int | None = None,
        presence_penalty: float | None = None,
        frequency_penalty: float | None = None,
        reasoning_effort: str | None = None,
        response_format: dict[str, Any] | None = None,
        media: MediaListType | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        proxy: str | None = None,
        **kwargs: Any,
    ) -> AsyncResult:
        options = filter_none(
            temperature=temperature,
            top_p=top_p,
            max_tokens=max_tokens,
            stop=stop or None,
            seed=seed,
            presence_penalty=presence_penalty,
            frequency_penalty=frequency_penalty,
            reasoning_effort=reasoning_effort or None,
            response_format=response_format or None,
        )
        async for chunk in cls.chat(
            model, messages, stream=stream, options=options,
            api_key=api_key, base_url=base_url, proxy=proxy, timeout=timeout, media=media,
            total_timeout=total_timeout,
        ):  # fmt: skip
            yield chunk

    # ----- request ---------------------------------------------------------------------------
    @classmethod
    def auth_headers(cls, api_key: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {api_key}"} if api_key else {}

    @classmethod
    def chat_url(cls, base_url: str, model: str) -> str:
        return f"{base_url}/chat/completions"

    @classmethod
    def build_request(
        cls,
        model: str,
        messages: Messages,
        options: dict[str, Any],
        base_url: str,
        api_key: str | None,
        stream: bool,
    ) -> tuple[str, dict[str, str], dict[str, Any]]:
        body: dict[str, Any] = {"model": model, "messages": list(messages), "stream": stream}
        if stream and cls.stream_usage:
            body["stream_options"] = {"include_usage": True}
        tokens_field = cls.tokens_field(base_url)
        for name, value in options.items():
            body[tokens_field if name == "max_tokens" else name] = value
        headers = {"Accept": "text/event-stream" if stream else "application/json"}
        headers.update(cls.auth_headers(api_key))
        return cls.chat_url(base_url, model), headers, body

    @classmethod
    def tokens_field(cls, base_url: str) -> str:
        """``max_completion_tokens`` for OpenAI's and Azure's own hosts, else ``max_tokens``."""
        if cls.max_tokens_field == "max_tokens":
            return "max_tokens"
        host = (httpx.URL(base_url).host or "").lower()
        native = any(
            host == name or (name.startswith(".") and host.endswith(name))
            for name in cls.native_hosts
        )
        return cls.max_tokens_field if native else "max_tokens"

    # ----- answer ----------------------------------------------------------------------------
    @classmethod
    async def parse_stream(
        cls, response: httpx.Response, api_key: str | None
    ) -> AsyncIterator[Any]:
        finished = False
        loads = json.loads
        async with contextlib.aclosing(iter_sse(response, cls.label, api_key)) as events:
            async for event in events:
                data = event.data
                if not data:
                    continue
                if data == "[DONE]":
                    return
                try:
                    chunk = loads(data)
                except ValueError:
                    raise ResponseError(
                        f"{cls.label} sent a malformed event: {excerpt(data, 80, api_key)!r}"
                    ) from None
                if not isinstance(chunk, dict):
                    continue
                # Fast path for nearly every event: one choice with a text delta, nothing else
                # (was most of the per-event cost of this provider, see tests/bench/README.md).
                choices = chunk.get("choices")
                if (
                    choices
                    and len(choices) == 1
                    and not chunk.get("usage")
                    and "error" not in chunk
                ):
                    choice = choices[0]
                    delta = choice.get("delta")
                    if (
                        delta
                        and not choice.get("finish_reason")
                        and not delta.get("reasoning_content")
                        and not delta.get("reasoning")
                    ):
                        content = delta.get("content")
                        if content:
                            yield content
                        continue
                if chunk.get("error"):
                    raise cls.stream_error(chunk["error"], api_key)
                for item in cls.chunks_of(chunk):
                    if isinstance(item, FinishReason):
                        finished = True
                    yield item
        if not finished:
            raise ProviderConnectionError(
                f"The answer from {cls.label} ended before it was complete. Try again."
            )

    @classmethod
    def chunks_of(cls, chunk: dict[str, Any]) -> list[Any]:
        """Typed chunks of one ``chat.completion.chunk`` (or of a whole ``chat.completion``)."""
        items: list[Any] = []
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta") or choice.get("message") or {}
            reasoning = delta.get("reasoning_content") or delta.get("reasoning")
            if reasoning:
                items.append(Reasoning(token=reasoning))
            content = delta.get("content")
            if content:
                items.append(content)
            if choice.get("finish_reason"):
                items.append(FinishReason(choice["finish_reason"]))
        usage = chunk.get("usage")
        if isinstance(usage, dict):
            items.append(Usage(**usage))
        return items

    @classmethod
    async def parse_complete(cls, data: Any, api_key: str | None) -> AsyncIterator[Any]:
        if isinstance(data, dict) and data.get("error"):
            raise cls.stream_error(data["error"], api_key)
        for item in cls.chunks_of(data if isinstance(data, dict) else {}):
            yield item

    @classmethod
    def stream_error(cls, error: Any, api_key: str | None) -> ProviderError:
        message = error.get("message", error) if isinstance(error, dict) else error
        return ResponseError(
            f"{cls.label} reported an error in the middle of the answer: "
            f"{as_sentence(excerpt(str(message), 300, api_key))} Try again."
        )

    # ----- models ----------------------------------------------------------------------------
    @classmethod
    async def list_models(
        cls, client: httpx.AsyncClient, base_url: str, api_key: str | None
    ) -> list[str]:
        url = f"{base_url}/models"
        data = await cls.fetch_json(client, url, cls.auth_headers(api_key), api_key)
        entries = data.get("data", []) if isinstance(data, dict) else data
        if not isinstance(entries, list):
            raise ProviderError(f"{cls.label} sent a model list in an unknown shape.")
        return [str(e["id"]) for e in entries if isinstance(e, dict) and e.get("id")]


class _Compatible(OpenAI):
    """An OpenAI-compatible service: the classic ``max_tokens`` field."""

    base_url_env: ClassVar[tuple[str, ...]] = ()
    max_tokens_field = "max_tokens"
    vision_models: ClassVar[list[str]] = []  # OpenAI's names mean nothing here
    text_only_models: ClassVar[tuple[str, ...]] = ()


class OpenRouter(_Compatible):
    id = "openrouter"
    label = "OpenRouter"
    url = "https://openrouter.ai"
    login_url = "https://openrouter.ai/keys"
    api_base = "https://openrouter.ai/api/v1"
    api_key_env = ("OPENROUTER_API_KEY",)
    default_model = "openai/gpt-4o-mini"
    fallback_models = ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4", "google/gemini-2.5-flash"]


class Groq(_Compatible):
    id = "groq"
    label = "Groq"
    url = "https://groq.com"
    login_url = "https://console.groq.com/keys"
    api_base = "https://api.groq.com/openai/v1"
    api_key_env = ("GROQ_API_KEY",)
    default_model = "llama-3.3-70b-versatile"
    fallback_models = ["llama-3.3-70b-versatile", "llama-3.1-8b-instant"]
    vision_models: ClassVar[list[str]] = ["meta-llama/llama-4-scout-17b-16e-instruct"]
    text_only_models = ("llama-3.3-*", "llama-3.1-*", "llama3-*")


class DeepSeek(_Compatible):
    id = "deepseek"
    label = "DeepSeek"
    url = "https://www.deepseek.com"
    login_url = "https://platform.deepseek.com/api_keys"
    api_base = "https://api.deepseek.com/v1"
    api_key_env = ("DEEPSEEK_API_KEY",)
    default_model = "deepseek-chat"
    fallback_models = ["deepseek-chat", "deepseek-reasoner"]
    vision_models: ClassVar[list[str]] = []
    text_only_models = ("deepseek-*",)  # the API takes text only


class Mistral(_Compatible):
    id = "mistral"
    label = "Mistral"
    url = "https://mistral.ai"
    login_url = "https://console.mistral.ai/api-keys"
    api_base = "https://api.mistral.ai/v1"
    api_key_env = ("MISTRAL_API_KEY",)
    default_model = "mistral-small-latest"
    fallback_models = ["mistral-small-latest", "mistral-large-latest", "codestral-latest"]
    vision_models: ClassVar[list[str]] = ["mistral-small-latest", "mistral-medium-latest"]
    text_only_models = ("codestral*",)
    stream_usage = False


class Together(_Compatible):
    id = "together"
    label = "Together AI"
    url = "https://www.together.ai"
    login_url = "https://api.together.ai/settings/api-keys"
    api_base = "https://api.together.xyz/v1"
    api_key_env = ("TOGETHER_API_KEY",)
    default_model = "meta-llama/Llama-3.3-70B-Instruct-Turbo"
    fallback_models = ["meta-llama/Llama-3.3-70B-Instruct-Turbo"]


class XAI(_Compatible):
    id = "xai"
    label = "xAI"
    url = "https://x.ai"
    login_url = "https://console.x.ai"
    api_base = "https://api.x.ai/v1"
    api_key_env = ("XAI_API_KEY",)
    default_model = "grok-3-mini"
    fallback_models = ["grok-3-mini", "grok-3", "grok-4"]


class Perplexity(_Compatible):
    id = "perplexity"
    label = "Perplexity"
    url = "https://www.perplexity.ai"
    login_url = "https://www.perplexity.ai/settings/api"
    api_base = "https://api.perplexity.ai"
    api_key_env = ("PERPLEXITY_API_KEY", "PPLX_API_KEY")
    default_model = "sonar"
    fallback_models = ["sonar", "sonar-pro", "sonar-reasoning"]


class GitHubModels(_Compatible):
    id = "github"
    label = "GitHub Models"
    url = "https://github.com/marketplace/models"
    login_url = "https://github.com/settings/tokens"
    api_base = "https://models.github.ai/inference"
    api_key_env = ("GITHUB_TOKEN",)
    default_model = "openai/gpt-4.1-mini"
    fallback_models = ["openai/gpt-4.1-mini", "openai/gpt-4.1", "meta/Llama-3.3-70B-Instruct"]


class AzureOpenAI(OpenAI):
    """Azure OpenAI: deployments in the URL, an ``api-key`` header and an ``api-version``."""

    id = "azure"
    label = "Azure OpenAI"
    url = "https://azure.microsoft.com/products/ai-services/openai-service"
    login_url = "https://portal.azure.com"
    api_base = ""  # each resource has its own endpoint: https://NAME.openai.azure.com
    base_url_env = ("AZURE_OPENAI_ENDPOINT",)
    api_key_env = ("AZURE_OPENAI_API_KEY",)
    api_version: ClassVar[str] = "2024-10-21"
    default_model = None  # the deployment name, which the user chose in Azure
    fallback_models: ClassVar[list[str]] = []
    vision_models: ClassVar[list[str]] = []  # deployment names say nothing about the model
    text_only_models: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def auth_headers(cls, api_key: str | None) -> dict[str, str]:
        return {"api-key": api_key} if api_key else {}

    @classmethod
    def chat_url(cls, base_url: str, model: str) -> str:
        if not model:
            raise advise(
                ModelNotFoundError(f"{cls.label} needs the deployment name as the model."),
                Remedy.DEPLOYMENT, provider_id=cls.id,
            )  # fmt: skip
        root = base_url.removesuffix("/openai")
        return f"{root}/openai/deployments/{model}/chat/completions?api-version={cls.api_version}"

    @classmethod
    def is_model_not_found(cls, failure: HTTPStatusFailure, message: str) -> bool:
        """Azure names the model a deployment (``DeploymentNotFound``)."""
        lowered = message.lower()
        return failure.status == 404 and ("deployment" in lowered or "model" in lowered)

    @classmethod
    async def list_models(
        cls, client: httpx.AsyncClient, base_url: str, api_key: str | None
    ) -> list[str]:
        root = base_url.removesuffix("/openai")
        data = await cls.fetch_json(
            client, f"{root}/openai/deployments", cls.auth_headers(api_key), api_key,
            params={"api-version": "2022-12-01"},
        )  # fmt: skip
        entries = data.get("data", []) if isinstance(data, dict) else []
        return [str(e["id"]) for e in entries if isinstance(e, dict) and e.get("id")]


class _LocalServer(_Compatible):
    """A local OpenAI-compatible server: no key needed, the base URL is usually localhost."""

    needs_auth = False
    default_model = None
    fallback_models: ClassVar[list[str]] = []
    login_url = None  # no key page of its own (not OpenAI's)


class LMStudio(_LocalServer):
    id = "lmstudio"
    label = "LM Studio"
    url = "https://lmstudio.ai"
    api_base = "http://localhost:1234/v1"
    base_url_env = ("LMSTUDIO_BASE_URL",)
    api_key_env = ("LMSTUDIO_API_KEY",)


class LlamaCpp(_LocalServer):
    id = "llamacpp"
    label = "llama.cpp server"
    url = "https://github.com/ggml-org/llama.cpp"
    api_base = "http://localhost:8080/v1"
    base_url_env = ("LLAMACPP_BASE_URL",)
    api_key_env = ("LLAMACPP_API_KEY",)


class VLLM(_LocalServer):
    id = "vllm"
    label = "vLLM"
    url = "https://docs.vllm.ai"
    api_base = "http://localhost:8000/v1"
    base_url_env = ("VLLM_BASE_URL",)
    api_key_env = ("VLLM_API_KEY",)


class CustomOpenAI(_LocalServer):
    """Any other OpenAI-compatible endpoint; the user gives the base URL (and a key if needed)."""

    id = "custom"
    label = "Custom OpenAI-compatible endpoint"
    api_base = ""
    base_url_env = ("CUSTOM_OPENAI_BASE_URL",)
    api_key_env = ("CUSTOM_OPENAI_API_KEY",)


PROVIDERS: list[type[OpenAI]] = [
    OpenAI, OpenRouter, Groq, DeepSeek, Mistral, Together, XAI, Perplexity, GitHubModels,
    AzureOpenAI, LMStudio, LlamaCpp, VLLM, CustomOpenAI,
]  # fmt: skip
