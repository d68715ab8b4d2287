"""Anthropic's Messages API.

Wire format: ``POST {host}/v1/messages`` streamed as named SSE events (``message_start``,
``content_block_delta``, ``message_delta``, ``message_stop``, ``error``); ``GET {host}/v1/models``
paged with ``has_more``/``after_id``; ``x-api-key`` and ``anthropic-version`` headers.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any, ClassVar

import httpx

from ..chat import HttpChatProvider
from ..errors import (
    ParameterError,
    ProviderConnectionError,
    ProviderError,
    RateLimitError,
    ResponseError,
    ServiceUnavailableError,
)
from ..helpers import filter_none, to_string
from ..http import iter_sse
from ..media import ImageLimits, image_parts
from ..response import FinishReason, Reasoning, Usage
from ..sanitize import excerpt
from ..types import AsyncResult, MediaListType, Messages

API_VERSION = "2023-06-01"
#: ``max_tokens`` is required by the API; this is the answer length when the user sets none.
DEFAULT_MAX_TOKENS = 4096
#: Thinking budgets for the spec's ``reasoning_effort`` levels (the API's minimum is 1024).
EFFORT_BUDGETS: dict[str, int | None] = {
    "none": None, "minimal": 1024, "low": 1024, "medium": 4096, "high": 16384,
}  # fmt: skip
STOP_REASONS = {
    "end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length",
    "tool_use": "tool_calls", "refusal": "content_filter",
}  # fmt: skip


class Anthropic(HttpChatProvider):
    """Claude models through the Messages API."""

    id = "anthropic"
    label = "Anthropic"
    url = "https://www.anthropic.com"
    login_url = "https://console.anthropic.com/settings/keys"
    api_base = "https://api.anthropic.com"
    base_url_env = ("ANTHROPIC_BASE_URL",)
    api_key_env = ("ANTHROPIC_API_KEY",)
    default_model = "claude-sonnet-4-5"
    fallback_models = [
        "claude-sonnet-4-5", "claude-opus-4-1", "claude-haiku-4-5", "claude-sonnet-4-0",
        "claude-3-7-sonnet-latest", "claude-3-5-haiku-latest",
    ]  # fmt: skip
    models_page_size: ClassVar[int] = 1000
    #: 5 MB per image and 8000 px per side; above 1568 px the API downscales anyway.
    image_limits = ImageLimits("Anthropic", 5 * 1024 * 1024, 8000, 1568)
    vision_models: ClassVar[list[str]] = list(fallback_models)
    text_only_models = ("claude-2*", "claude-instant*")

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
        reasoning_effort: str | None = None,
        thinking_budget: int | None = None,
        media: MediaListType | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        proxy: str | None = None,
        **kwargs: Any,
    ) -> AsyncResult:
        budget = thinking_budget if thinking_budget is not None else effort_budget(reasoning_effort)
        options = filter_none(
            temperature=temperature,
            top_p=top_p,
            top_k=top_k,
            stop_sequences=stop or None,
            **thinking_options(budget, max_tokens or None),  # 0: unset
        )
        async for chunk in cls.chat(
            model, messages, stream=stream, options=options,
            api_key=api_key, base_url=base_url, proxy=proxy, timeout=timeout, media=media,
            total_timeout=total_timeout,
        ):  # fmt: skip
            yield chunk

    @classmethod
    def normalize_base_url(cls, url: str) -> str:
        # Users paste the SDK-style ``.../v1`` as often as the host root.
        return super().normalize_base_url(url).removesuffix("/v1")

    # ----- request ---------------------------------------------------------------------------
    @classmethod
    def headers(cls, api_key: str | None) -> dict[str, str]:
        headers = {"anthropic-version": API_VERSION}
        if api_key:
            headers["x-api-key"] = api_key
        return headers

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
        system, turns = split_system(messages)
        body: dict[str, Any] = {"model": model, "messages": turns, "stream": stream}
        if system:
            body["system"] = system
        body.update(options)
        body.setdefault("max_tokens", DEFAULT_MAX_TOKENS)
        headers = {"Accept": "text/event-stream" if stream else "application/json"}
        headers.update(cls.headers(api_key))
        return f"{base_url}/v1/messages", headers, body

    # ----- answer ----------------------------------------------------------------------------
    @classmethod
    async def parse_stream(
        cls, response: httpx.Response, api_key: str | None
    ) -> AsyncIterator[Any]:
        usage: dict[str, int] = {}
        async for event in iter_sse(response, cls.label, api_key):
            if not event.data:
                continue
            try:
                data = json.loads(event.data)
            except ValueError:
                raise ResponseError(
                    f"{cls.label} sent a malformed event: {excerpt(event.data, 80, api_key)!r}"
                ) from None
            if not isinstance(data, dict):
                continue
            kind = data.get("type") or event.event
            if kind == "error":
                raise cls.stream_error(data.get("error"), api_key)
            if kind == "message_start":
                usage.update(counters((data.get("message") or {}).get("usage")))
            elif kind == "content_block_delta":
                chunk = delta_chunk(data.get("delta") or {})
                if chunk:
                    yield chunk
            elif kind == "message_delta":
                usage.update(counters(data.get("usage")))
                reason = (data.get("delta") or {}).get("stop_reason")
                if reason:
                    yield FinishReason(STOP_REASONS.get(reason, reason))
            elif kind == "message_stop":
                if usage:
                    yield Usage(**usage)
                return
        raise ProviderConnectionError(
            f"The answer from {cls.label} ended before it was complete. Try again."
        )

    @classmethod
    async def parse_complete(cls, data: Any, api_key: str | None) -> AsyncIterator[Any]:
        if not isinstance(data, dict):
            raise ResponseError(f"{cls.label} sent an answer in an unknown shape.")
        if data.get("type") == "error":
            raise cls.stream_error(data.get("error"), api_key)
        for block in data.get("content") or []:
            if not isinstance(block, dict):
                continue
            if block.get("type") == "thinking" and block.get("thinking"):
                yield Reasoning(token=block["thinking"])
            elif block.get("type") == "text" and block.get("text"):
                yield block["text"]
        reason = str(data.get("stop_reason") or "")
        if reason:
            yield FinishReason(STOP_REASONS.get(reason, reason))
        usage = counters(data.get("usage"))
        if usage:
            yield Usage(**usage)

    @classmethod
    def stream_error(cls, error: Any, api_key: str | None) -> ProviderError:
        """An ``error`` event (sent after a 200, so no status) as the matching exception."""
        info = error if isinstance(error, dict) else {"message": error}
        kind = excerpt(str(info.get("type") or "error"), 60, api_key)
        message = excerpt(str(info.get("message") or kind), 300, api_key)
        text = f"{cls.label} reported an error in the middle of the answer ({kind}): {message}."
        if kind == "overloaded_error":
            return ServiceUnavailableError(f"{text} Try again in a moment.", 529)
        if kind == "rate_limit_error":
            return RateLimitError(f"{text} Wait a little and try again.", 429)
        return ResponseError(f"{text} Try again.")

    # ----- models ----------------------------------------------------------------------------
    @classmethod
    async def list_models(
        cls, client: httpx.AsyncClient, base_url: str, api_key: str | None
    ) -> list[str]:
        models: list[str] = []
        params = {"limit": str(cls.models_page_size)}
        while True:
            data = await cls.fetch_json(
                client, f"{base_url}/v1/models", cls.headers(api_key), api_key, params=params
            )
            entries = data.get("data") if isinstance(data, dict) else None
            if not isinstance(entries, list):
                raise ProviderError(f"{cls.label} sent a model list in an unknown shape.")
            page = [str(e["id"]) for e in entries if isinstance(e, dict) and e.get("id")]
            models += page
            if not data.get("has_more") or not page:
                return models
            params = {**params, "after_id": str(data.get("last_id") or page[-1])}

    @classmethod
    def match_model(cls, model: str) -> str:
        """An alias (``claude-sonnet-4-5``, ``...-latest``) as the newest dated id listed for it."""
        if not cls.models or model in cls.models:
            return model
        stem = model.removesuffix("-latest") + "-"
        dated = [
            name for name in cls.models if name.startswith(stem) and name[len(stem) :].isdigit()
        ]
        return max(dated) if dated else model


def effort_budget(effort: str | None) -> int | None:
    """The thinking budget for a ``reasoning_effort`` level; ``None`` means no thinking."""
    if not effort:
        return None
    if effort not in EFFORT_BUDGETS:
        raise ParameterError(
            f"reasoning_effort must be one of {', '.join(EFFORT_BUDGETS)}, not {effort!r}."
        )
    return EFFORT_BUDGETS[effort]


def thinking_options(budget: int | None, max_tokens: int | None) -> dict[str, Any]:
    """``max_tokens`` and ``thinking``; the API wants ``max_tokens`` above the thinking budget."""
    if not budget:
        return filter_none(max_tokens=max_tokens)
    if max_tokens is None:
        max_tokens = budget + DEFAULT_MAX_TOKENS
    elif max_tokens <= budget:
        raise ParameterError(
            f"max_tokens ({max_tokens}) must be larger than the thinking budget ({budget}), "
            f"which it includes: raise max_tokens to at least {budget + 1024} or think less "
            "(a lower reasoning_effort or thinking_budget)."
        )
    return {"max_tokens": max_tokens, "thinking": {"type": "enabled", "budget_tokens": budget}}


def split_system(messages: Messages) -> tuple[str, list[dict[str, Any]]]:
    """The top-level ``system`` text and the user/assistant turns the API accepts.

    Empty turns are dropped (the API rejects them, and a failed earlier answer leaves one);
    other roles (``tool``) are sent as the user's words.
    """
    system: list[str] = []
    turns: list[dict[str, Any]] = []
    for message in messages:
        role = message.get("role")
        text = to_string(message.get("content"))
        if role in ("system", "developer"):
            if text.strip():
                system.append(text)
        elif images := image_parts(message.get("content")):
            # Image blocks first, then the text, as Anthropic's vision guide advises.
            blocks: list[dict[str, Any]] = [
                {"type": "image", "source": {"type": "base64", "media_type": mime, "data": data}}
                for mime, data in images
            ]
            if text.strip():
                blocks.append({"type": "text", "text": text})
            speaker = "assistant" if role == "assistant" else "user"
            turns.append({"role": speaker, "content": blocks})
        elif text.strip():
            turns.append({"role": "assistant" if role == "assistant" else "user", "content": text})
    return "\n\n".join(system), turns


def counters(usage: Any) -> dict[str, int]:
    """The token counters of a ``usage`` object (the API repeats and updates them)."""
    if not isinstance(usage, dict):
        return {}
    return {
        k: v
        for k, v in usage.items()
        if k in ("input_tokens", "output_tokens") and isinstance(v, int)
    }


def delta_chunk(delta: dict[str, Any]) -> str | Reasoning | None:
    if delta.get("type") == "text_delta":
        return str(delta.get("text") or "") or None
    if delta.get("type") == "thinking_delta" and delta.get("thinking"):
        return Reasoning(token=str(delta["thinking"]))
    return None


PROVIDERS: list[type[Anthropic]] = [Anthropic]
