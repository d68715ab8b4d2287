"""Ollama's native API: a local model server, no key needed.

Wire format: ``POST {host}/api/chat`` streamed as NDJSON (one JSON object a line, the last one
with ``"done": true`` and the token counts); ``GET {host}/api/tags`` lists the pulled models.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any, ClassVar

import httpx

from ..advice import carry_advice
from ..chat import HttpChatProvider, as_sentence
from ..errors import (
    ModelNotFoundError,
    ParameterError,
    ProviderConnectionError,
    ProviderError,
    ResponseError,
    ResponseFormatError,
)
from ..helpers import filter_none, to_string
from ..http import HTTPStatusFailure, create_client, iter_ndjson, open_stream
from ..media import ImageLimits, image_parts
from ..response import FinishReason, Reasoning, Usage
from ..sanitize import excerpt
from ..types import AsyncResult, MediaListType, Messages

log = logging.getLogger(__name__)

DEFAULT_PORT = 11434
#: Addresses a server listens on that a client cannot connect to as such.
_ANY_ADDRESS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}  # noqa: S104
EFFORTS = ("none", "minimal", "low", "medium", "high")


class Ollama(HttpChatProvider):
    """Models served by a local (or remote) Ollama."""

    id = "ollama"
    label = "Ollama"
    url = "https://ollama.com"
    api_base = f"http://localhost:{DEFAULT_PORT}"
    base_url_env = ("OLLAMA_HOST",)
    #: Only for a server behind authentication (ollama.com's API); a local one needs none.
    api_key_env = ("OLLAMA_API_KEY",)
    needs_auth = False
    default_model = "llama3.2"
    fallback_models = ["llama3.2", "qwen3", "gemma3", "gpt-oss", "deepseek-r1", "mistral"]
    #: No documented limit: a sane cap (vision encoders work at 336-1344 px).
    image_limits = ImageLimits("Ollama", 20 * 1024 * 1024, 2048, 2048)
    vision_models: ClassVar[list[str]] = [
        "gemma3", "gemma3:latest", "llava", "llava:latest", "llama3.2-vision",
        "llama3.2-vision:latest", "qwen2.5vl", "qwen2.5vl:latest", "minicpm-v", "moondream",
    ]  # fmt: skip
    text_only_models = (
        "llama3.2", "llama3.2:*", "qwen3", "qwen3:*", "gpt-oss*", "deepseek-r1*", "mistral",
        "mistral:*", "gemma3:1b*",
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
        top_k: int | None = None,
        max_tokens: int | None = None,
        stop: list[str] | None = None,
        seed: int | None = None,
        presence_penalty: float | None = None,
        frequency_penalty: float | None = None,
        reasoning_effort: str | None = None,
        response_format: dict[str, Any] | None = None,
        num_ctx: int | None = None,
        think: bool | None = None,
        media: MediaListType | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        proxy: str | None = None,
        **kwargs: Any,
    ) -> AsyncResult:
        runtime = filter_none(
            num_predict=max_tokens or None,  # 0: the form left it unset
            num_ctx=num_ctx,
            temperature=temperature,
            top_p=top_p,
            top_k=top_k,
            seed=seed,
            stop=stop or None,
            presence_penalty=presence_penalty,
            frequency_penalty=frequency_penalty,
        )
        options = filter_none(
            options=runtime or None,
            think=think if think is not None else think_value(reasoning_effort, model),
            format=json_format(response_format),
        )
        async for chunk in cls.chat(
            model, messages, stream=stream, options=options,
            api_key=api_key, base_url=base_url, proxy=proxy, timeout=timeout, media=media,
            total_timeout=total_timeout,
        ):  # fmt: skip
            yield chunk

    @classmethod
    def normalize_base_url(cls, url: str) -> str:
        """``OLLAMA_HOST`` as Ollama reads it: ``host``, ``host:port`` or a URL; ``0.0.0.0``
        (where a server listens) becomes the loopback address a client can reach."""
        text = url.strip().rstrip("/")
        scheme, sep, rest = text.partition("://")
        if not sep:
            scheme, rest = "http", text
        hostport, slash, path = rest.partition("/")
        host, port = split_host_port(hostport)
        host = _ANY_ADDRESS.get(host, host)
        if port is None and not sep:
            port = DEFAULT_PORT
        netloc = f"[{host}]" if ":" in host else host
        if port is not None:
            netloc += f":{port}"
        base = f"{scheme}://{netloc}{slash}{path}"
        return super().normalize_base_url(base).removesuffix("/api")

    @classmethod
    def match_model(cls, model: str) -> str:
        """``llama3.2`` is the ``llama3.2:latest`` that Ollama lists."""
        if ":" not in model and f"{model}:latest" in cls.models:
            return f"{model}:latest"
        return model

    # ----- request ---------------------------------------------------------------------------
    @classmethod
    def headers(cls, api_key: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {api_key}"} if api_key else {}

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
        turns: list[dict[str, Any]] = [
            {"role": "system" if m.get("role") == "developer" else m.get("role", "user"),
             "content": to_string(m.get("content"))}
            for m in messages
        ]  # fmt: skip
        for turn, message in zip(turns, messages, strict=True):
            images = image_parts(message.get("content"))
            if images:  # Ollama wants the bare base64 of each image beside the text
                turn["images"] = [data for _, data in images]
        body: dict[str, Any] = {"model": model, "messages": turns, "stream": stream, **options}
        headers = {"Accept": "application/x-ndjson" if stream else "application/json"}
        headers.update(cls.headers(api_key))
        return f"{base_url}/api/chat", headers, body

    # ----- answer ----------------------------------------------------------------------------
    @classmethod
    async def parse_stream(
        cls, response: httpx.Response, api_key: str | None
    ) -> AsyncIterator[Any]:
        shown = False
        async for line in iter_ndjson(response, cls.label, api_key):
            for item in cls.chunks_of(line, api_key):
                shown = shown or isinstance(item, str | Reasoning)
                yield item
            if isinstance(line, dict) and line.get("done"):
                if not shown:
                    raise cls.empty_answer_error()
                return
        raise ProviderConnectionError(
            f"The answer from {cls.label} ended before it was complete. Try again."
        )

    @classmethod
    async def parse_complete(cls, data: Any, api_key: str | None) -> AsyncIterator[Any]:
        items = cls.chunks_of(data, api_key)
        if not any(isinstance(item, str | Reasoning) for item in items):
            raise cls.empty_answer_error()
        for item in items:
            yield item

    @classmethod
    def empty_answer_error(cls) -> ResponseFormatError:
        """The server said "done" without any text: an empty answer or another API's format."""
        return ResponseFormatError(
            f"The answer from {cls.label} was empty or not in Ollama's format (no message "
            "text). Try again or another model; if it persists, check that the base URL is an "
            "Ollama server."
        )

    @classmethod
    def chunks_of(cls, line: Any, api_key: str | None) -> list[Any]:
        """Reasoning and text of one line; the final line adds the finish reason and usage."""
        if not isinstance(line, dict):
            raise ResponseError(f"{cls.label} sent an answer in an unknown shape.")
        if line.get("error"):
            raise ResponseError(
                f"{cls.label} reported an error in the middle of the answer: "
                f"{as_sentence(excerpt(str(line['error']), 300, api_key))} Try again."
            )
        items: list[Any] = []
        message = line.get("message") or {}
        if not isinstance(message, dict):
            raise ResponseFormatError(f"{cls.label} sent a message in an unknown shape.")
        if message.get("thinking"):
            items.append(Reasoning(token=str(message["thinking"])))
        if message.get("content"):
            items.append(str(message["content"]))
        if line.get("done"):
            items.append(FinishReason(str(line.get("done_reason") or "stop")))
            counts = filter_none(
                prompt_tokens=line.get("prompt_eval_count"),
                completion_tokens=line.get("eval_count"),
            )
            if counts:
                items.append(Usage(**counts))
        return items

    # ----- images ----------------------------------------------------------------------------
    @classmethod
    async def takes_images(
        cls,
        model: str,
        api_key: str | None = None,
        base_url: str | None = None,
        proxy: str | None = None,
        timeout: float | None = None,
        **connection: Any,
    ) -> bool | None:
        """What the server says (``POST /api/show`` lists ``vision`` among a model's
        capabilities); an older server without capabilities: what the class knows."""
        url = f"{base_url or cls.resolve_base_url()}/api/show"
        try:
            async with (
                create_client(proxy=proxy, timeout=timeout or 30) as client,
                open_stream(
                    client, "POST", url, json={"model": model}, headers=cls.headers(api_key),
                    on_error=lambda failure: cls.map_error(failure, model, api_key),
                    label=cls.label,
                ) as response,
            ):  # fmt: skip
                await response.aread()
            capabilities = response.json().get("capabilities")
        except (ProviderError, ValueError, AttributeError) as error:
            # The chat request itself will say what is wrong (an unknown model lists the others).
            log.debug("%s: /api/show for %s failed: %s", cls.label, model, error)
            capabilities = None
        if isinstance(capabilities, list):
            return "vision" in capabilities
        return cls.accepts_images(model)

    # ----- errors ----------------------------------------------------------------------------
    @classmethod
    def map_error(
        cls, failure: HTTPStatusFailure, model: str | None, api_key: str | None
    ) -> Exception:
        error = super().map_error(failure, model, api_key)
        if isinstance(error, ModelNotFoundError) and model:
            return carry_advice(
                error, type(error)(f"{error} Or download it with `ollama pull {model}`.")
            )
        return error

    # ----- models ----------------------------------------------------------------------------
    @classmethod
    async def list_models(
        cls, client: httpx.AsyncClient, base_url: str, api_key: str | None
    ) -> list[str]:
        data = await cls.fetch_json(client, f"{base_url}/api/tags", cls.headers(api_key), api_key)
        entries = data.get("models") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise ProviderError(f"{cls.label} sent a model list in an unknown shape.")
        names = (e.get("name") or e.get("model") for e in entries if isinstance(e, dict))
        return [str(name) for name in names if name]


def split_host_port(hostport: str) -> tuple[str, int | None]:
    """``host:port``, ``[v6]:port``, a bare host or a bare IPv6 address."""
    if hostport.startswith("["):
        host, _, tail = hostport[1:].partition("]")
        port = tail.removeprefix(":")
    elif hostport.count(":") == 1:
        host, _, port = hostport.partition(":")
    else:
        host, port = hostport, ""
    if not port:
        return host, None
    if not port.isdigit():
        raise ProviderError(f"Not a valid Ollama address (OLLAMA_HOST or base URL): {hostport!r}")
    return host, int(port)


def think_value(effort: str | None, model: str | None) -> bool | str | None:
    """``think`` for a ``reasoning_effort``: gpt-oss takes a level, other models a switch."""
    if not effort:
        return None
    if effort not in EFFORTS:
        raise ParameterError(
            f"reasoning_effort must be one of {', '.join(EFFORTS)}, not {effort!r}."
        )
    if effort == "none":
        return False
    if (model or "").startswith("gpt-oss"):
        return "low" if effort == "minimal" else effort
    return True


def json_format(response_format: dict[str, Any] | None) -> str | dict[str, Any] | None:
    """The spec's ``response_format`` as Ollama's ``format``: ``"json"`` or a JSON schema."""
    kind = (response_format or {}).get("type")
    if kind == "json_object":
        return "json"
    if kind == "json_schema":
        schema = ((response_format or {}).get("json_schema") or {}).get("schema")
        return schema if isinstance(schema, dict) else "json"
    return None


PROVIDERS: list[type[Ollama]] = [Ollama]
