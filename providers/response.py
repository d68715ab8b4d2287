"""Typed chunks a provider yields beside plain ``str`` text (spec section 14).

Hidden chunks stringify to ``""`` so that joining a stream's chunks gives only the visible answer.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any
from urllib.parse import urlparse


class ResponseType(ABC):
    """Base of every typed chunk."""

    @abstractmethod
    def __str__(self) -> str: ...


class JsonMixin:
    """Keyword arguments become attributes; ``get_dict`` returns them."""

    def __init__(self, **kwargs: Any) -> None:
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("__")}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JsonMixin:
        return cls(**data)

    def reset(self) -> None:
        self.__dict__.clear()


class HiddenResponse(ResponseType):
    """A chunk that carries no visible text."""

    def __str__(self) -> str:
        return ""


class FinishReason(JsonMixin, HiddenResponse):
    """Why the answer ended: ``stop``, ``length``, ``tool_calls``, ..."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


_USAGE_ALIASES: tuple[tuple[str, str], ...] = (
    ("promptTokens", "prompt_tokens"),
    ("input_tokens", "prompt_tokens"),
    ("promptTokenCount", "prompt_tokens"),
    ("prompt", "prompt_tokens"),
    ("completionTokens", "completion_tokens"),
    ("output_tokens", "completion_tokens"),
    ("candidatesTokenCount", "completion_tokens"),
    ("completion", "completion_tokens"),
    ("totalTokenCount", "total_tokens"),
)


class Usage(JsonMixin, HiddenResponse):
    """Token counters, normalised to ``prompt_tokens``/``completion_tokens``/``total_tokens``."""

    def __init__(self, **kwargs: Any) -> None:
        details = kwargs.pop("output_tokens_details", None)
        for alias, name in _USAGE_ALIASES:
            if alias in kwargs:
                kwargs[name] = kwargs.pop(alias)
        if isinstance(details, dict):
            kwargs.update(details)
        if "total_tokens" not in kwargs:
            prompt, completion = kwargs.get("prompt_tokens"), kwargs.get("completion_tokens")
            if isinstance(prompt, int) and isinstance(completion, int):
                kwargs["total_tokens"] = prompt + completion
        super().__init__(**kwargs)


class ToolCalls(HiddenResponse):
    """Tool calls requested by the model."""

    def __init__(self, tool_calls: list[Any]) -> None:
        self.list = tool_calls

    def get_list(self) -> list[Any]:
        return self.list


class AuthResult(JsonMixin, HiddenResponse):
    """Credentials produced by a login; never shown, never logged."""

    def __repr__(self) -> str:
        # Names only: the values are secrets.
        return f"AuthResult({', '.join(sorted(self.get_dict()))})"


class BaseConversation(ResponseType):
    """Opaque per-chat state a provider hands back for the next turn."""

    def __str__(self) -> str:
        return ""


class JsonConversation(BaseConversation, JsonMixin):
    """Conversation state as plain attributes."""

    def __repr__(self) -> str:
        return f"JsonConversation({', '.join(sorted(self.get_dict()))})"


class TitleGeneration(HiddenResponse):
    def __init__(self, title: str) -> None:
        self.title = title


class SuggestedFollowups(HiddenResponse):
    def __init__(self, suggestions: list[str]) -> None:
        self.suggestions = suggestions


class RequestLogin(HiddenResponse):
    """Asks the user to log in; the UI shows a button and opens the URL only on click."""

    def __init__(self, label: str, login_url: str) -> None:
        self.label = label
        self.login_url = login_url

    def to_string(self) -> str:
        return f"[[Login to {self.label}]]({self.login_url})\n\n"


class ProviderInfo(JsonMixin, HiddenResponse):
    """Which provider and model actually answered."""


class DebugResponse(HiddenResponse):
    def __init__(self, log: str) -> None:
        self.log = log


class PreviewResponse(HiddenResponse):
    def __init__(self, data: Any) -> None:
        self.data = data

    def to_string(self) -> str:
        if isinstance(self.data, list):
            return "".join(str(item) for item in self.data)
        return str(self.data)


class SynthesizeData(JsonMixin, HiddenResponse):
    def __init__(self, provider: str, data: dict[str, Any]) -> None:
        self.provider = provider
        self.data = data


class Parameters(JsonMixin, HiddenResponse):
    """Parameters the provider actually used."""


class JsonResponse(JsonMixin, ResponseType):
    """A raw JSON object from the service (not content)."""

    def __str__(self) -> str:
        return str(self.get_dict())


class RawResponse(JsonMixin, HiddenResponse):
    """A raw, undecoded response (not content)."""


class Reasoning(ResponseType):
    """Reasoning/thinking text or a status line, shown apart from the answer."""

    def __init__(
        self,
        token: str | None = None,
        label: str | None = None,
        status: str | None = None,
        is_thinking: str | None = None,
    ) -> None:
        self.token = token
        self.label = label
        self.status = status
        self.is_thinking = is_thinking

    def __str__(self) -> str:
        if self.is_thinking is not None:
            return self.is_thinking
        if self.token is not None:
            return self.token
        if self.status is not None:
            return (
                f"{self.label}: {self.status}\n" if self.label is not None else f"{self.status}\n"
            )
        return ""

    def get_dict(self) -> dict[str, Any]:
        if self.label is not None:
            return {"label": self.label, "status": self.status}
        if self.is_thinking is None:
            if self.status is None:
                return {"token": self.token}
            return {"token": self.token, "status": self.status}
        return {"token": self.token, "status": self.status, "is_thinking": self.is_thinking}


_UTM = re.compile(r"[?&]utm_source=.*$")


class Sources(ResponseType):
    """A list of cited sources, rendered as a quoted citation block."""

    def __init__(self, sources: list[dict[str, str] | str]) -> None:
        self.list: list[dict[str, str]] = []
        for source in sources:
            self.add_source(source)

    def add_source(self, source: dict[str, str] | str) -> None:
        entry = {"url": source} if isinstance(source, str) else dict(source)
        url = entry.get("url") or entry.get("link")
        if not url:
            return
        entry["url"] = _UTM.sub("", url)
        self.list.append(entry)

    @staticmethod
    def _title(source: dict[str, str]) -> str:
        title = source.get("title") or source.get("name")
        if title:
            return title
        parsed = urlparse(source["url"])
        return (parsed.netloc + parsed.path).rstrip("/") or source["url"]

    def __str__(self) -> str:
        if not self.list:
            return ""
        lines = [f"> [{i}] [{self._title(s)}]({s['url']})" for i, s in enumerate(self.list)]
        return "\n\n\n\n" + "\n>\n".join(lines)


class SourceLink(ResponseType):
    """An inline citation."""

    def __init__(self, title: str, url: str) -> None:
        self.title = title
        self.url = url

    def __str__(self) -> str:
        return f" [{self.title}]({self.url})"


class MediaResponse(ResponseType):
    """Generated media. The app never fetches remote URLs from it."""

    def __init__(
        self,
        urls: str | list[str],
        alt: str,
        options: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.urls = kwargs.get("images", urls)
        self.alt = alt
        self.options = dict(options or {})

    def get(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)

    def get_list(self) -> list[str]:
        return [self.urls] if isinstance(self.urls, str) else list(self.urls)

    def __str__(self) -> str:
        return ""


class ImageResponse(MediaResponse):
    """Generated images, rendered as markdown image links."""

    def __str__(self) -> str:
        urls = self.get_list()
        preview = self.get("preview")

        def shown(url: str) -> str:
            return preview.replace("{image}", url) if isinstance(preview, str) else url

        if len(urls) == 1:
            return f"[![{self.alt}]({shown(urls[0])})]({urls[0]})"
        return "\n".join(
            f"[![#{i + 1} {self.alt}]({shown(url)})]({url})" for i, url in enumerate(urls)
        )


class ImagePreview(ImageResponse):
    """A transient preview, replaced by the final ``ImageResponse``."""

    def __str__(self) -> str:
        return ""


class VideoResponse(MediaResponse):
    """Generated video; shown only as a local or ``data:`` player, never as HTML."""


class AudioResponse(ResponseType):
    """Generated audio; shown only as a local or ``data:`` player, never as HTML."""

    def __init__(self, data: bytes | str, transcript: str | None = None, **options: Any) -> None:
        self.data = data
        self.transcript = transcript
        self.options = options

    def __str__(self) -> str:
        return ""


class YouTubeResponse(HiddenResponse):
    def __init__(self, ids: list[str], add_links: bool = False) -> None:
        self.ids = ids
        self.add_links = add_links


def is_content(chunk: object) -> bool:
    """True for chunks that are part of the answer the user sees."""
    if isinstance(chunk, (str, MediaResponse, AudioResponse, ToolCalls)):
        return True
    if isinstance(chunk, Reasoning):
        return bool(chunk.token or chunk.is_thinking)
    return False
