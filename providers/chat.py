"""The shared machinery of every HTTP chat provider: base URL, key lookup, model listing, streaming.

A vendor module only says what differs: how to build its request, how to read its stream, how
its error bodies look and how it lists models.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
import logging
import os
import re
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any, ClassVar

import httpx

from . import credentials
from . import media as media_module
from .advice import Remedy, advise, carry_advice
from .base import AsyncGeneratorProvider
from .errors import (
    BadRequestError,
    MissingAuthError,
    ModelNotFoundError,
    NoKeyringError,
    PaymentRequiredError,
    ProviderError,
    RateLimitError,
    ResponseFormatError,
    ResponseStatusError,
    SecretStoreError,
    ServiceUnavailableError,
)
from .helpers import get_running_loop
from .http import (
    MAX_BODY,
    Deadline,
    HTTPStatusFailure,
    RetryPolicy,
    create_client,
    open_stream,
    read_body,
)
from .http import total_timeout as total_timeout_seconds
from .i18n import _
from .mixins import ProviderModelMixin, RaiseErrorMixin
from .response import FinishReason, ProviderInfo, Reasoning, ResponseType
from .sanitize import clean_text, excerpt, redact, redact_url
from .types import AsyncResult, Messages

log = logging.getLogger(__name__)

#: Keywords that configure the connection rather than the request (spec 8, "Connection settings").
CONNECTION_KEYS = ("api_key", "base_url", "proxy", "timeout", "total_timeout")
#: Python errors a vendor's parser raises on JSON of an unexpected shape (``choices`` a string,
#: ``usage`` a list, nesting too deep for the decoder, ...): all mean "not the vendor's format".
SHAPE_ERRORS = (AttributeError, KeyError, IndexError, TypeError, ValueError, RecursionError)
#: How much of a server's error text is shown (after masking).
ERROR_TEXT_LIMIT = 300


def as_sentence(text: str) -> str:
    """``text`` ending with one full stop (vendor messages come with or without one)."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) or not text else text + "."


__all__ = ["CONNECTION_KEYS", "HttpChatProvider", "as_sentence", "redact"]

_TITLE = re.compile(r"<title[^>]*>([^<]{1,200})", re.IGNORECASE)


async def _read_start(response: httpx.Response, limit: int = 64 * 1024) -> bytes:
    """The first ``limit`` decoded bytes of a body (enough for a web page's title)."""
    parts: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        parts.append(chunk)
        size += len(chunk)
        if size >= limit:
            break
    return b"".join(parts)[:limit]


class HttpChatProvider(AsyncGeneratorProvider, ProviderModelMixin, RaiseErrorMixin):
    """Base of the vendor providers: a chat endpoint reached over HTTP with httpx.

    Each vendor spells out ``create_async_generator``'s full signature although the bodies look
    alike: the signature *is* the provider's parameter list (``get_parameters`` inspects it and
    the settings form is generated from it), so it must name exactly what that API accepts.
    """

    id: ClassVar[str] = ""
    label: ClassVar[str] = ""
    api_base: ClassVar[str] = ""
    base_url_editable: ClassVar[bool] = True
    base_url_env: ClassVar[tuple[str, ...]] = ()
    api_key_env: ClassVar[tuple[str, ...]] = ()
    login_url: ClassVar[str | None] = None
    working = True
    needs_auth = True
    supports_message_history = True
    supports_system_message = True
    fallback_models: ClassVar[list[str]] = []
    models_ttl: ClassVar[float] = 600.0
    models_fetched_at: ClassVar[float] = 0.0
    #: The server the cached ``models`` came from: another server's list never refuses a model.
    models_base_url: ClassVar[str] = ""
    retry: ClassVar[RetryPolicy] = RetryPolicy()
    #: The vendor's documented limits for inline images (``providers.media``).
    image_limits: ClassVar[media_module.ImageLimits] = media_module.DEFAULT_LIMITS
    #: ``fnmatch`` patterns of models known to take no images (refused before sending).
    text_only_models: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Each provider caches its own live list; never read a parent's.
        cls.models = list(cls.__dict__.get("models", []))
        cls.model_aliases = dict(cls.__dict__.get("model_aliases", {}))
        cls.models_fetched_at = 0.0
        cls.models_base_url = ""

    # ----- configuration -------------------------------------------------------------------
    @classmethod
    def resolve_base_url(cls, base_url: str | None = None) -> str:
        """The explicit base URL, else the vendor's variable, else the built-in default."""
        for candidate in (base_url, *(os.environ.get(name) for name in cls.base_url_env)):
            if candidate:
                return cls.normalize_base_url(candidate)
        if not cls.api_base:
            raise advise(
                ProviderError(f"{cls.label} needs a base URL: the address of its server."),
                Remedy.BASE_URL, provider_id=cls.id, variables=cls.base_url_env,
            )  # fmt: skip
        return cls.normalize_base_url(cls.api_base)

    @classmethod
    def normalize_base_url(cls, url: str) -> str:
        url = url.strip()
        if "://" not in url:
            url = "http://" + url
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL:
            shown = redact_url(url)
            raise ProviderError(f"Not a valid base URL for {cls.label}: {shown!r}") from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise ProviderError(f"Not a valid base URL for {cls.label}: {redact_url(url)!r}")
        return url.rstrip("/")

    @classmethod
    def resolve_api_key(cls, api_key: str | None = None) -> str | None:
        """Explicit key, else the conventional variable, else the keyring (if one works)."""
        return cls.lookup_api_key(api_key)[0]

    @classmethod
    def lookup_api_key(
        cls, api_key: str | None = None
    ) -> tuple[str | None, SecretStoreError | None]:
        """The key as ``resolve_api_key`` finds it, and why the keyring could not be read.

        "No key stored" and "keyring locked" need different advice.
        """
        if api_key:
            return api_key, None
        for name in cls.api_key_env:
            if os.environ.get(name):
                return os.environ[name], None
        if not cls.id:
            return None, None
        try:
            return credentials.default_store().get_field(cls.id, credentials.API_KEY), None
        except SecretStoreError as error:
            log.debug("keyring unavailable for %s: %s", cls.id, error)
            return None, error

    @classmethod
    def missing_key_error(cls, keyring_error: SecretStoreError | None = None) -> MissingAuthError:
        if keyring_error is not None and not isinstance(keyring_error, NoKeyringError):
            # A keyring that exists but cannot be read (locked, refused): storing a key would
            # not help; the message says how to unlock it, and which variable works meanwhile.
            variables = " or ".join(cls.api_key_env)
            instead = (
                " " + _("Or set {variables} for this run.").format(variables=variables)
                if variables
                else ""
            )
            return MissingAuthError(
                _(
                    "The API key for {label} could not be read from the system keyring: {error}"
                ).format(label=cls.label, error=as_sentence(str(keyring_error)))
                + instead
            )
        # Without any keyring nothing was "not read": the key is simply missing (the window can
        # still keep one for this run; the variables always work).
        message = (
            _("No API key for {label} (there is no system keyring here to store one).")
            if keyring_error
            else _("No API key for {label}.")
        )
        return advise(
            MissingAuthError(message.format(label=cls.label)),
            Remedy.API_KEY, provider_id=cls.id, variables=cls.api_key_env,
        )  # fmt: skip

    @classmethod
    async def api_key_for_request(cls, api_key: str | None) -> str | None:
        if api_key:
            return api_key
        # Keyring look-ups may block on D-Bus: keep them off the event loop.
        key, keyring_error = await asyncio.to_thread(cls.lookup_api_key, None)
        if key is None and cls.needs_auth:
            raise cls.missing_key_error(keyring_error)
        return key

    # ----- models ---------------------------------------------------------------------------
    @classmethod
    def get_models(cls, api_key: str | None = None, **kwargs: Any) -> list[str]:
        """Cached live list; on the CLI path (no running loop) fetch it first."""
        fresh = cls.models and time.monotonic() - cls.models_fetched_at < cls.models_ttl
        if not fresh and get_running_loop(check_nested=False) is None:
            return asyncio.run(cls.get_models_async(api_key=api_key, **kwargs))
        return list(cls.models) or list(cls.fallback_models) or super().get_models()

    @classmethod
    async def get_models_async(
        cls,
        api_key: str | None = None,
        base_url: str | None = None,
        proxy: str | None = None,
        timeout: float | None = None,
        strict: bool = False,
        **kwargs: Any,
    ) -> list[str]:
        """The live model list (cached on the class); the fallback list when listing fails.

        With ``strict`` a failure is raised instead, so a UI can say why it shows the fallback.
        """
        try:
            key = api_key or await asyncio.to_thread(cls.resolve_api_key, None)
            url = cls.resolve_base_url(base_url)
            async with create_client(proxy=proxy, timeout=timeout or 30) as client:
                models = await cls.list_models(client, url, key)
        except ProviderError:
            if strict:
                raise
            log.info("listing models of %s failed; using the built-in list", cls.label)
            return list(cls.models) or list(cls.fallback_models) or super().get_models()
        cls.models = models
        cls.models_fetched_at = time.monotonic()
        cls.models_base_url = url
        return list(models)

    @classmethod
    async def list_models(
        cls, client: httpx.AsyncClient, base_url: str, api_key: str | None
    ) -> list[str]:
        """Vendor hook: GET the model list."""
        raise NotImplementedError(f"{cls.__name__} cannot list models")

    @classmethod
    async def fetch_json(
        cls,
        client: httpx.AsyncClient,
        url: str,
        headers: Mapping[str, str],
        api_key: str | None,
        params: Mapping[str, str] | None = None,
    ) -> Any:
        """GET a JSON document, mapping failures like a chat request."""
        async with open_stream(
            client,
            "GET",
            url,
            headers=dict(headers),
            params=params,
            on_error=lambda failure: cls.map_error(failure, None, api_key),
            label=cls.label,
            retry=cls.retry,
            advice=cls.retry_after,
            deadline=Deadline.after(total_timeout_seconds(None), cls.label),
        ) as response:
            body = await read_body(response, MAX_BODY, cls.label)
        try:
            return json.loads(body)
        except (ValueError, RecursionError):
            raise ResponseFormatError(
                f"{cls.label} answered {redact_url(url)} with something that is not JSON."
            ) from None

    @classmethod
    def match_model(cls, model: str) -> str:
        """The vendor's spelling of a model name (e.g. Ollama's ``name:latest``)."""
        return model

    @classmethod
    def get_model(cls, model: str | None, base_url: str | None = None, **kwargs: Any) -> str:
        """Spell the name the vendor's way first, so ``llama3.2`` passes the live-list check.

        With ``base_url`` of a server other than the one the cached list came from, the name is
        not checked: that server decides (and a 404 then lists its own models).
        """
        name = model or cls.default_model
        name = cls.match_model(name) if name else name
        other_server = base_url is not None and base_url != cls.models_base_url
        if name and other_server and cls.models and name not in cls.model_aliases:
            cls.last_model = name
            return name
        return super().get_model(name, **kwargs)

    # ----- chat ------------------------------------------------------------------------------
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
        """Vendor hook: (url, headers, JSON body) of a chat request."""
        raise NotImplementedError

    @classmethod
    def parse_stream(cls, response: httpx.Response, api_key: str | None) -> AsyncResult:
        """Vendor hook: chunks of a streamed answer."""
        raise NotImplementedError

    @classmethod
    def parse_complete(cls, data: Any, api_key: str | None) -> AsyncResult:
        """Vendor hook: chunks of a non-streamed answer (JSON body)."""
        raise NotImplementedError

    @classmethod
    async def chat(
        cls,
        model: str | None,
        messages: Messages,
        *,
        stream: bool = True,
        options: dict[str, Any],
        api_key: str | None = None,
        base_url: str | None = None,
        proxy: str | None = None,
        timeout: float | None = None,
        media: Any = None,
        total_timeout: float | None = None,
    ) -> AsyncIterator[Any]:
        """The one request flow every vendor shares: resolve, send, retry, stream, map errors.

        Whatever the server sends, the text received so far is yielded and then one
        ``ProviderError`` says what went wrong: text is made printable (no lone surrogates),
        answers of an unexpected shape become ``ResponseFormatError``, and the whole answer
        must be complete within ``total_timeout`` seconds.
        """
        if not messages:
            raise BadRequestError("There is no message to send.")
        key = await cls.api_key_for_request(api_key)
        url_base = cls.resolve_base_url(base_url)
        name = cls.match_model(cls.get_model(model, base_url=url_base))
        messages, images = await cls.with_media(
            messages, media, name, api_key=key, base_url=url_base, proxy=proxy, timeout=timeout
        )
        url, headers, body = cls.build_request(name, messages, options, url_base, key, stream)
        yield ProviderInfo(name=cls.__name__, label=cls.label, model=name)
        deadline = Deadline.after(total_timeout_seconds(total_timeout), cls.label)
        answering = False
        try:
            async with (
                create_client(proxy=proxy, timeout=timeout) as client,
                open_stream(
                    client,
                    "POST",
                    url,
                    json=body,
                    headers=headers,
                    on_error=lambda failure: cls.image_hint(
                        cls.map_error(failure, name, key), images
                    ),
                    label=cls.label,
                    retry=cls.retry,
                    advice=cls.retry_after,
                    deadline=deadline,
                ) as response,
            ):
                answering = True
                chunks = await cls.answer_of(response, key, stream, url_base)
                shown = finished = False
                try:
                    async for chunk in chunks:
                        if type(chunk) is str:
                            if not chunk.isascii():
                                chunk = clean_text(chunk)
                            shown = True
                        elif isinstance(chunk, Reasoning):
                            chunk = cls.checked_reasoning(chunk)
                            shown = True
                        elif isinstance(chunk, FinishReason):
                            finished = True
                        elif not isinstance(chunk, ResponseType):
                            raise ResponseFormatError(cls.format_message(type(chunk).__name__))
                        yield chunk
                except ProviderError:
                    raise
                except SHAPE_ERRORS as error:
                    raise ResponseFormatError(cls.format_message(type(error).__name__)) from None
                except httpx.DecodingError:
                    raise ResponseFormatError(
                        f"{cls.label} sent a compressed answer that could not be decoded. "
                        "Try again; if it persists, check the base URL and any proxy."
                    ) from None
                finally:
                    # Closed here, on the loop, when the caller stops early: never left to
                    # the garbage collector, which may run when no loop is left to close on.
                    close = getattr(chunks, "aclose", None)
                    if close is not None:
                        await close()
                if not shown and not finished:
                    raise ResponseFormatError(
                        f"The answer from {cls.label} was empty or not in {cls.label}'s format. "
                        f"Try again; if it persists, check that {redact_url(url_base)} is "
                        f"{cls.label}'s API."
                    )
        except ModelNotFoundError as error:
            if answering:
                raise
            # The service said no before any text: name what it offers (its live list).
            live = {"api_key": key, "base_url": url_base, "proxy": proxy, "timeout": timeout}
            raise await cls.with_valid_models(error, **live) from None

    # ----- attachments -----------------------------------------------------------------------
    @classmethod
    def accepts_images(cls, model: str) -> bool | None:
        """Whether ``model`` takes images: ``True``/``False`` where the provider knows, else
        ``None`` (the server decides, and a rejection says why)."""
        if model in cls.vision_models:
            return True
        if any(fnmatch.fnmatchcase(model, pattern) for pattern in cls.text_only_models):
            return False
        return None

    @classmethod
    async def with_media(
        cls, messages: Messages, media: Any, model: str, **connection: Any
    ) -> tuple[Messages, bool]:
        """``messages`` ready to send with ``media`` attached, and whether they carry images.

        Files are read and images re-encoded off the loop, so a window stays responsive; an
        image for a model that takes none is refused here, before anything is sent.
        """
        if not media and not any(isinstance(m.get("content"), list) for m in messages):
            return messages, False
        parts = await asyncio.to_thread(media_module.load, media or ())
        images = media_module.has_images(messages) or any(p.kind == "image" for p in parts)
        if images and await cls.takes_images(model, **connection) is False:
            raise cls.no_images_error(model)
        return await asyncio.to_thread(cls.prepare_media, messages, parts), images

    @classmethod
    async def takes_images(cls, model: str, **connection: Any) -> bool | None:
        """Vendor hook: ask the service whether ``model`` takes images (Ollama can tell);
        by default what the class knows (``accepts_images``)."""
        return cls.accepts_images(model)

    @classmethod
    def no_images_error(cls, model: str) -> media_module.MediaError:
        known = ", ".join(cls.vision_models[:3])
        example = f" (for example {known})" if known else ""
        return media_module.MediaError(
            f"The {cls.label} model {model!r} does not take images. Pick a model that "
            f"does{example}, or send the text without the image."
        )

    @classmethod
    def prepare_media(cls, messages: Messages, parts: list[media_module.MediaPart]) -> Messages:
        """``messages`` with ``parts`` attached to the last user turn and every image fitted to
        this vendor's limits; a ``MediaError`` (before sending) when one cannot be."""
        limits = cls.image_limits
        parts = [media_module.fit_image(p, limits) if p.kind == "image" else p for p in parts]
        messages = media_module.attach(messages, parts)
        if not media_module.has_images(messages):
            return messages
        return media_module.fit_messages(messages, limits)

    @classmethod
    def image_hint(cls, error: Exception, images: bool) -> Exception:
        """A rejected request that carried images: say the model may not take them."""
        if images and isinstance(error, BadRequestError):
            return BadRequestError(
                f"{error} The request carried images: if this model does not take images, "
                "pick one that does or send the text alone.",
                error.status,
            )
        return error

    @classmethod
    async def answer_of(
        cls, response: httpx.Response, api_key: str | None, stream: bool, base_url: str
    ) -> AsyncIterator[Any]:
        """The chunks of a successful response, by what it really is, not by what was asked.

        A web page is a captive portal or a wrong base URL; one JSON body where a stream was
        asked for (LiteLLM's Anthropic mock does this) is read as the vendor's whole answer.
        """
        kind = response.headers.get("content-type", "").partition(";")[0].strip().lower()
        if kind in ("text/html", "application/xhtml+xml"):
            raise await cls.web_page_error(response, kind, base_url)
        if stream and kind != "application/json":
            return cls.parse_stream(response, api_key)
        try:
            raw = await read_body(response, MAX_BODY, cls.label)
        except httpx.DecodingError:
            raise ResponseFormatError(
                f"{cls.label} sent a compressed answer that could not be decoded."
            ) from None
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            if stream:  # a stream labelled as JSON: read it as the stream it is
                relabelled = httpx.Response(200, content=raw)
                return cls.parse_stream(relabelled, api_key)
            start = excerpt(raw.decode("utf-8", "replace"), 80, api_key)
            raise ResponseFormatError(
                f"{cls.label} sent an answer that is not JSON ({kind or 'no content type'}): "
                f"{start!r}"
            ) from None
        return cls.parse_complete(data, api_key)

    @classmethod
    async def web_page_error(
        cls, response: httpx.Response, kind: str, base_url: str
    ) -> ResponseFormatError:
        page = (await _read_start(response)).decode("utf-8", "replace")
        match = _TITLE.search(page)
        title = (
            " " + _("titled {title}").format(title=repr(excerpt(match.group(1).strip(), 80)))
            if match
            else ""
        )
        return ResponseFormatError(
            _(
                "{label} answered with a web page{title} ({kind}) instead of the API. Check the "
                "base URL ({url}); if this network needs a sign-in page (hotel, airport or office "
                "Wi-Fi) or a proxy, sign in with a browser first."
            ).format(label=cls.label, title=title, kind=kind, url=redact_url(base_url))
        )

    @classmethod
    def checked_reasoning(cls, chunk: Reasoning) -> Reasoning:
        """Reasoning text that can be printed and stored; a non-text token is a format error."""
        token = chunk.token
        if token is None or type(token) is str:
            if token is not None and not token.isascii():
                chunk.token = clean_text(token)
            return chunk
        raise ResponseFormatError(cls.format_message(f"reasoning as {type(token).__name__}"))

    @classmethod
    def format_message(cls, detail: str) -> str:
        return (
            f"{cls.label} sent an answer that is not in the expected format ({detail}). "
            f"Check that the base URL is that of {cls.label}'s API, then try again."
        )

    @classmethod
    async def with_valid_models(
        cls, error: ModelNotFoundError, **connection: Any
    ) -> ModelNotFoundError:
        """``error`` naming the models the service offers (its live list, never a built-in one)."""
        try:
            models = await cls.get_models_async(strict=True, **connection)
        except ProviderError as failure:
            log.info("listing models of %s after a 404 failed: %s", cls.label, failure)
            return error
        if not models:
            return error
        return carry_advice(error, type(error)(f"{error} Valid models: {', '.join(models)}."))

    # ----- errors ----------------------------------------------------------------------------
    @classmethod
    def error_message(cls, failure: HTTPStatusFailure) -> str:
        """Vendor hook: the human message in an error body."""
        data = failure.json()
        if isinstance(data, dict):
            error = data.get("error", data.get("detail"))
            if isinstance(error, dict):
                return str(error.get("message") or error)
            if error:
                return str(error)
        text = failure.text.strip()
        if text.startswith("<"):  # an HTML error page (often from a proxy): its status says more
            text = ""
        return text or httpx.codes.get_reason_phrase(failure.status)

    @classmethod
    def is_model_not_found(cls, failure: HTTPStatusFailure, message: str) -> bool:
        return failure.status == 404 and "model" in message.lower()

    @classmethod
    def map_error(
        cls, failure: HTTPStatusFailure, model: str | None, api_key: str | None
    ) -> Exception:
        """An error status as the exception the user sees, with what to do next."""
        message = as_sentence(excerpt(cls.error_message(failure), ERROR_TEXT_LIMIT, api_key))
        status = failure.status
        where = f"{cls.label} ({status})"
        if status in (401, 403) or cls.is_auth_error(failure, message):
            return advise(
                MissingAuthError(
                    _("The API key for {label} was rejected ({status}): {message}").format(
                        label=cls.label, status=status, message=message
                    )
                ),
                Remedy.API_KEY, provider_id=cls.id, variables=cls.api_key_env,
            )  # fmt: skip
        if status == 402:
            return PaymentRequiredError(f"{where}: {message} Check the account's credit or plan.")
        if cls.is_model_not_found(failure, message) and model is None:  # listing the models
            return advise(
                ResponseStatusError(f"{where} has no model list at this address: {message}"),
                Remedy.BASE_URL, provider_id=cls.id, variables=cls.base_url_env,
            )  # fmt: skip
        if cls.is_model_not_found(failure, message):
            return advise(
                ModelNotFoundError(
                    _("{label} does not know the model {model} ({status}): {message}").format(
                        label=cls.label, model=repr(model), status=status, message=message
                    )
                ),
                Remedy.MODEL, provider_id=cls.id,
            )  # fmt: skip
        if status == 429:
            retry_after = cls.retry_after(failure)
            wait = (
                " " + _("Try again in {seconds} s.").format(seconds=f"{retry_after:g}")
                if retry_after is not None
                else ""
            )
            return RateLimitError(
                _("{where} is rate limiting requests: {message}").format(
                    where=where, message=message
                )
                + wait,
                status,
                retry_after,
            )
        if status in (500, 502, 503, 504, 529):
            return ServiceUnavailableError(
                _("{where} is overloaded or unavailable: {message} Try again in a moment.").format(
                    where=where, message=message
                ),
                status,
            )
        if status in (400, 413, 422):
            return BadRequestError(f"{where} rejected the request: {message}", status)
        return ResponseStatusError(f"{where}: {message}", status)

    @classmethod
    def retry_after(cls, failure: HTTPStatusFailure) -> float | None:
        """Vendor hook: the server's advice in seconds (headers here; Gemini: in the body)."""
        return failure.retry_after

    @classmethod
    def is_auth_error(cls, failure: HTTPStatusFailure, message: str) -> bool:
        """Vendor hook: statuses other than 401/403 that mean a bad key (Gemini uses 400)."""
        return False
