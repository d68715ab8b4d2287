"""Google's Gemini API (generativelanguage, v1beta).

Wire format: ``POST {host}/v1beta/models/{model}:streamGenerateContent?alt=sse`` (each SSE event
is a whole ``GenerateContentResponse``) or ``:generateContent``; ``GET {host}/v1beta/models``
paged with ``nextPageToken``; the key in ``x-goog-api-key``. A bad key is a 400, not a 401.
"""

from __future__ import annotations

import json
import re
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
from ..http import HTTPStatusFailure, iter_sse
from ..media import ImageLimits, image_parts
from ..response import FinishReason, Reasoning, Usage
from ..sanitize import excerpt
from ..types import AsyncResult, MediaListType, Messages

API_VERSION = "v1beta"
#: ``thinkingBudget`` for the spec's ``reasoning_effort`` levels (0 turns thinking off).
EFFORT_BUDGETS = {"none": 0, "minimal": 512, "low": 1024, "medium": 8192, "high": 24576}
FINISH_REASONS = {"STOP": "stop", "MAX_TOKENS": "length", "MALFORMED_FUNCTION_CALL": "tool_calls"}
#: Finish reasons that mean the answer was withheld by a filter.
BLOCKED = frozenset({
    "SAFETY", "RECITATION", "LANGUAGE", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
})  # fmt: skip
_BAD_KEY = re.compile(r"API key (not valid|expired)|API_KEY_INVALID", re.IGNORECASE)
_DELAY = re.compile(r"^\s*([0-9.]+)s\s*$")


class Gemini(HttpChatProvider):
    """Gemini models through the Generative Language API (Google AI Studio keys)."""

    id = "gemini"
    label = "Google Gemini"
    url = "https://ai.google.dev"
    login_url = "https://aistudio.google.com/apikey"
    api_base = "https://generativelanguage.googleapis.com"
    base_url_env = ("GEMINI_BASE_URL",)
    api_key_env = ("GEMINI_API_KEY", "GOOGLE_API_KEY")
    default_model = "gemini-2.5-flash"
    fallback_models = [
        "gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.5-flash-lite", "gemini-2.0-flash",
    ]  # fmt: skip
    models_page_size: ClassVar[int] = 1000
    #: Inline data: the whole request at most 20 MB; larger sides are scaled to 3072 px anyway.
    image_limits = ImageLimits("Google Gemini", 20 * 1024 * 1024, 3072, 3072, 20 * 1024 * 1024)
    vision_models: ClassVar[list[str]] = list(fallback_models)

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
        thinking_budget: int | None = None,
        response_format: dict[str, Any] | None = None,
        media: MediaListType | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        proxy: str | None = None,
        **kwargs: Any,
    ) -> AsyncResult:
        budget = thinking_budget if thinking_budget is not None else effort_budget(reasoning_effort)
        config = filter_none(
            maxOutputTokens=max_tokens or None,  # 0: the form left it unset
            temperature=temperature,
            topP=top_p,
            topK=top_k,
            stopSequences=stop or None,
            seed=seed,
            presencePenalty=presence_penalty,
            frequencyPenalty=frequency_penalty,
        )
        if budget is not None:
            config["thinkingConfig"] = {"thinkingBudget": budget, "includeThoughts": budget != 0}
        config.update(json_output(response_format))
        async for chunk in cls.chat(
            model, messages, stream=stream, options=config,
            api_key=api_key, base_url=base_url, proxy=proxy, timeout=timeout, media=media,
            total_timeout=total_timeout,
        ):  # fmt: skip
            yield chunk

    @classmethod
    def normalize_base_url(cls, url: str) -> str:
        return super().normalize_base_url(url).removesuffix(f"/{API_VERSION}")

    @classmethod
    def match_model(cls, model: str) -> str:
        """``models/gemini-2.5-flash`` (as the service lists it) and ``gemini-2.5-flash`` alike."""
        return model.strip().removeprefix("models/")

    # ----- request ---------------------------------------------------------------------------
    @classmethod
    def headers(cls, api_key: str | None) -> dict[str, str]:
        return {"x-goog-api-key": api_key} if api_key else {}

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
        system, contents = to_contents(messages)
        body: dict[str, Any] = {"contents": contents}
        if system:
            body["systemInstruction"] = {"parts": [{"text": system}]}
        if options:
            body["generationConfig"] = options
        method = "streamGenerateContent?alt=sse" if stream else "generateContent"
        headers = {"Accept": "text/event-stream" if stream else "application/json"}
        headers.update(cls.headers(api_key))
        return f"{base_url}/{API_VERSION}/models/{model}:{method}", headers, body

    # ----- answer ----------------------------------------------------------------------------
    @classmethod
    async def parse_stream(
        cls, response: httpx.Response, api_key: str | None
    ) -> AsyncIterator[Any]:
        visible = False
        finished = False
        usage: Usage | None = None
        async for event in iter_sse(response, cls.label, api_key):
            if not event.data:
                continue
            try:
                data = json.loads(event.data)
            except ValueError:
                raise ResponseError(
                    f"{cls.label} sent a malformed event: {excerpt(event.data, 80, api_key)!r}"
                ) from None
            for item in cls.chunks_of(data, api_key, visible):
                if isinstance(item, Usage):
                    usage = item
                    continue
                visible = visible or isinstance(item, str)
                finished = finished or isinstance(item, FinishReason)
                yield item
        if not finished:
            raise ProviderConnectionError(
                f"The answer from {cls.label} ended before it was complete. Try again."
            )
        if usage is not None:
            yield usage

    @classmethod
    async def parse_complete(cls, data: Any, api_key: str | None) -> AsyncIterator[Any]:
        # ``streamGenerateContent`` without ``alt=sse`` answers a JSON array of responses.
        visible = False
        for response in data if isinstance(data, list) else [data]:
            for item in cls.chunks_of(response, api_key, visible):
                visible = visible or isinstance(item, str)
                yield item

    @classmethod
    def chunks_of(cls, data: Any, api_key: str | None, visible: bool) -> list[Any]:
        """Reasoning, text, finish reason and usage of one ``GenerateContentResponse``.

        ``visible`` says whether answer text came before; a filter that stops an answer with
        nothing shown is an error, one that cuts an answer short is a finish reason.
        """
        if not isinstance(data, dict):
            raise ResponseError(f"{cls.label} sent an answer in an unknown shape.")
        if data.get("error"):
            raise cls.stream_error(data["error"], api_key)
        blocked = (data.get("promptFeedback") or {}).get("blockReason")
        if blocked:
            raise ResponseError(
                f"{cls.label} refused the prompt ({excerpt(str(blocked), 60, api_key)}). "
                "Rephrase it and try again."
            )
        items: list[Any] = []
        for candidate in (data.get("candidates") or [])[:1]:
            for part in (candidate.get("content") or {}).get("parts") or []:
                text = part.get("text") if isinstance(part, dict) else None
                if text:
                    items.append(Reasoning(token=text) if part.get("thought") else text)
                    visible = visible or not part.get("thought")
            reason = candidate.get("finishReason")
            if reason:
                items.append(cls.finish_reason(str(reason), visible))
        usage = data.get("usageMetadata")
        if isinstance(usage, dict):
            items.append(usage_of(usage))
        return items

    @classmethod
    def finish_reason(cls, reason: str, visible: bool) -> FinishReason:
        if reason in BLOCKED:
            if not visible:
                raise ResponseError(
                    f"{cls.label} withheld the answer ({excerpt(reason, 60)}). "
                    "Rephrase the prompt and retry."
                )
            return FinishReason("content_filter")
        return FinishReason(FINISH_REASONS.get(reason, reason.lower()))

    @classmethod
    def stream_error(cls, error: Any, api_key: str | None) -> ProviderError:
        """An error object sent after a 200, as the exception its code stands for."""
        info = error if isinstance(error, dict) else {"message": error}
        code = info.get("code")
        message = excerpt(
            str(info.get("message") or info.get("status") or "unknown error"), 300, api_key
        )
        text = f"{cls.label} reported an error in the middle of the answer: {message}"
        if code == 429:
            return RateLimitError(f"{text} Wait a little and try again.", 429)
        if code in (500, 503, 504):
            return ServiceUnavailableError(f"{text} Try again in a moment.", code)
        return ResponseError(f"{text} Try again.")

    # ----- errors ----------------------------------------------------------------------------
    @classmethod
    def is_auth_error(cls, failure: HTTPStatusFailure, message: str) -> bool:
        return failure.status == 400 and bool(_BAD_KEY.search(failure.text))

    @classmethod
    def retry_after(cls, failure: HTTPStatusFailure) -> float | None:
        """Google sends the advice as ``google.rpc.RetryInfo`` in the body, not as a header."""
        data = failure.json()
        error = data.get("error") if isinstance(data, dict) else None
        details = error.get("details") if isinstance(error, dict) else None
        for detail in details if isinstance(details, list) else []:
            if isinstance(detail, dict) and str(detail.get("@type", "")).endswith("RetryInfo"):
                match = _DELAY.match(str(detail.get("retryDelay", "")))
                if match:
                    return float(match.group(1))
        return failure.retry_after

    # ----- models ----------------------------------------------------------------------------
    @classmethod
    async def list_models(
        cls, client: httpx.AsyncClient, base_url: str, api_key: str | None
    ) -> list[str]:
        """Chat models only: those that support ``generateContent`` (not embedding models)."""
        models: list[str] = []
        params = {"pageSize": str(cls.models_page_size)}
        url = f"{base_url}/{API_VERSION}/models"
        while True:
            data = await cls.fetch_json(client, url, cls.headers(api_key), api_key, params=params)
            entries = data.get("models", []) if isinstance(data, dict) else None
            if not isinstance(entries, list):
                raise ProviderError(f"{cls.label} sent a model list in an unknown shape.")
            for entry in entries:
                if not isinstance(entry, dict) or not entry.get("name"):
                    continue
                methods = entry.get("supportedGenerationMethods")
                if methods is None or "generateContent" in methods:
                    models.append(cls.match_model(str(entry["name"])))
            token = data.get("nextPageToken")
            if not token:
                return models
            params = {**params, "pageToken": str(token)}


def effort_budget(effort: str | None) -> int | None:
    if not effort:
        return None
    if effort not in EFFORT_BUDGETS:
        raise ParameterError(
            f"reasoning_effort must be one of {', '.join(EFFORT_BUDGETS)}, not {effort!r}."
        )
    return EFFORT_BUDGETS[effort]


def json_output(response_format: dict[str, Any] | None) -> dict[str, Any]:
    """The spec's ``response_format`` as Gemini's ``responseMimeType`` (+ schema)."""
    kind = (response_format or {}).get("type")
    if kind == "json_object":
        return {"responseMimeType": "application/json"}
    if kind == "json_schema":
        schema = (response_format or {}).get("json_schema") or {}
        return filter_none(
            responseMimeType="application/json", responseJsonSchema=schema.get("schema")
        )
    return {}


def to_contents(messages: Messages) -> tuple[str, list[dict[str, Any]]]:
    """``systemInstruction`` text and the ``contents`` turns (assistant is role ``model``).

    Empty turns are dropped: the API rejects a turn without parts.
    """
    system: list[str] = []
    contents: list[dict[str, Any]] = []
    for message in messages:
        role = message.get("role")
        text = to_string(message.get("content"))
        images = image_parts(message.get("content"))
        if not text.strip() and not images:
            continue
        if role in ("system", "developer"):
            system.append(text)
        else:
            speaker = "model" if role == "assistant" else "user"
            parts: list[dict[str, Any]] = [
                {"inline_data": {"mime_type": mime, "data": data}} for mime, data in images
            ]
            if text.strip():
                parts.append({"text": text})
            contents.append({"role": speaker, "parts": parts})
    return "\n\n".join(system), contents


def _count(value: Any) -> int:
    """A token counter (int64 counters come as JSON strings); anything else counts as 0."""
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def usage_of(metadata: dict[str, Any]) -> Usage:
    """``usageMetadata`` as a ``Usage``; thinking tokens count as output, as they are billed."""
    prompt = _count(metadata.get("promptTokenCount"))
    thoughts = _count(metadata.get("thoughtsTokenCount"))
    completion = _count(metadata.get("candidatesTokenCount")) + thoughts
    total = _count(metadata.get("totalTokenCount")) or prompt + completion
    counters = {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": total}
    if thoughts:
        counters["reasoning_tokens"] = thoughts
    return Usage(**counters)


PROVIDERS: list[type[Gemini]] = [Gemini]
