"""Open WebUI: a self-hosted chat front end whose users sign in with email and password.

Wire format (Open WebUI's API docs): ``POST {root}/api/v1/auths/signin`` with ``{email, password}``
answers ``{token, token_type, expires_at, email, name, ...}``; chat and the model list are the
OpenAI format under ``{root}/api`` (``/api/chat/completions`` streamed as SSE, ``/api/models``) with
``Authorization: Bearer <token>``. A rejected or expired token is a 401.

So the requests and streams are the OpenAI preset's (``OpenWebUIAPI``, the token as its key); this
module adds only the login. What it keeps, all in the keyring (``credentials.default_store()``):
the login result (record ``auth_OpenWebUI``, through ``AuthFileMixin``), the account email (field
``email``), the server it signed in to (field ``base_url``, not secret but kept beside the login),
and the password (field ``password``) only when the user chose to remember it, so that an expired
session can be renewed without asking.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
from collections.abc import AsyncIterator
from typing import Any, ClassVar

import httpx

from .. import credentials
from ..advice import Remedy, advise
from ..authed import AsyncAuthedProvider
from ..chat import ERROR_TEXT_LIMIT, as_sentence
from ..errors import (
    MissingAuthError,
    ModelNotFoundError,
    ProviderError,
    ResponseError,
    ResponseStatusError,
)
from ..http import (
    MAX_BODY,
    Deadline,
    HTTPStatusFailure,
    create_client,
    open_stream,
    read_body,
)
from ..http import total_timeout as total_seconds
from ..mixins import ProviderModelMixin, RaiseErrorMixin
from ..response import AuthResult, ProviderInfo, RequestLogin
from ..sanitize import excerpt, redact_url
from ..types import AsyncResult, MediaListType, Messages
from .openai import OpenAI

log = logging.getLogger(__name__)

PROVIDER_ID = "openwebui"
LABEL = "Open WebUI"
DEFAULT_BASE_URL = "http://localhost:3000"
EMAIL_FIELD = "email"
BASE_URL_FIELD = "base_url"


#: 401 texts that refuse the account itself (e.g. not yet approved), not the session: signing
#: in again cannot help, so the login is kept and the server's words are shown.
_ACCOUNT_REFUSED = re.compile(r"administrator|permission|pending|approv|prohibited", re.IGNORECASE)


def sign_in_hint(email: str | None = None, base_url: str | None = None) -> str:
    """What to run to get a new session (on the server the session was for)."""
    server = ""
    if base_url and base_url.rstrip("/") != DEFAULT_BASE_URL:
        server = f" --base-url {redact_url(base_url.rstrip('/'))}"
    return f"roundtable login -p {PROVIDER_ID}{server} --user {email or 'EMAIL'}"


def server_root(url: str) -> str:
    """The host root of an Open WebUI address (``{root}/api/...`` → ``{root}``)."""
    root, sep, _ = url.partition("/api/")
    return root if sep else url.removesuffix("/api")


class OpenWebUIAPI(OpenAI):
    """Open WebUI's OpenAI-compatible endpoints (base URL ``{root}/api``) with a session token.

    Not registered: ``OpenWebUI`` uses it for every request once it holds a token.
    """

    id = PROVIDER_ID
    label = LABEL
    url = "https://openwebui.com"
    api_base = ""
    base_url_env = ()
    api_key_env = ()
    default_model = None
    fallback_models: ClassVar[list[str]] = []
    max_tokens_field = "max_tokens"

    @classmethod
    def map_error(
        cls, failure: HTTPStatusFailure, model: str | None, api_key: str | None
    ) -> Exception:
        message = as_sentence(excerpt(cls.error_message(failure), ERROR_TEXT_LIMIT, api_key))
        status = failure.status
        if status == 401 and _ACCOUNT_REFUSED.search(message):
            # Not a MissingAuthError: that would drop the fresh login and sign in again in vain.
            return ResponseStatusError(
                f"{LABEL} refused this account (401): {message} You are signed in; ask the "
                "Open WebUI administrator to approve or enable the account, then try again.",
                status,
            )
        # FastAPI answers 403 "Not authenticated" when the bearer is missing; 401 is a bad token.
        if status == 401 or (status == 403 and "not authenticated" in message.lower()):
            return advise(
                MissingAuthError(
                    f"{LABEL} did not accept the session ({status}): {message} "
                    "The session expired: sign in again."
                ),
                Remedy.SIGN_IN, provider_id=PROVIDER_ID,
                command=sign_in_hint(base_url=server_root(failure.url)),
            )  # fmt: skip
        if status == 403:
            return ResponseStatusError(
                f"{LABEL} refused the request (403): {message} "
                "Ask your Open WebUI administrator for access.",
                status,
            )
        return super().map_error(failure, model, api_key)


class OpenWebUI(AsyncAuthedProvider, ProviderModelMixin, RaiseErrorMixin):
    """Open WebUI, signed in with email and password; the session token lives in the keyring."""

    id: ClassVar[str] = PROVIDER_ID
    label: ClassVar[str] = LABEL
    url = "https://openwebui.com"
    api_base: ClassVar[str] = DEFAULT_BASE_URL
    base_url_env: ClassVar[tuple[str, ...]] = ("OPENWEBUI_BASE_URL",)
    working = True
    needs_auth = True
    supports_message_history = True
    supports_system_message = True
    default_model = None
    models: ClassVar[list[str]] = []
    model_aliases: ClassVar[dict[str, str | list[str]]] = {}

    # ----- configuration ---------------------------------------------------------------------
    @classmethod
    def resolve_base_url(cls, base_url: str | None = None) -> str:
        """The host root: explicit, else OPENWEBUI_BASE_URL, else the last login's, else local.

        May read the keyring (it can block on D-Bus): call it off the event loop.
        """
        for candidate in (base_url, *(os.environ.get(name) for name in cls.base_url_env)):
            if candidate:
                return cls.normalize_base_url(candidate)
        stored = credentials.default_store().get_field(cls.id, BASE_URL_FIELD)
        return cls.normalize_base_url(stored or cls.api_base)

    @classmethod
    def normalize_base_url(cls, url: str) -> str:
        """The host root, also when the user pasted the API address (``.../api``)."""
        return OpenWebUIAPI.normalize_base_url(url).removesuffix("/api")

    # ----- login -----------------------------------------------------------------------------
    @classmethod
    async def sign_in(
        cls,
        email: str,
        password: str,
        base_url: str,
        proxy: str | None = None,
        timeout: float | None = None,
    ) -> AuthResult:
        """Exchange email and password for a session token (nothing is stored here)."""
        url = f"{base_url}/api/v1/auths/signin"
        async with (
            create_client(proxy=proxy, timeout=timeout) as client,
            open_stream(
                client,
                "POST",
                url,
                json={"email": email, "password": password},
                on_error=lambda failure: cls.sign_in_error(failure, password),
                label=cls.label,
                deadline=Deadline.after(total_seconds(None), cls.label),
            ) as response,
        ):
            body = await read_body(response, MAX_BODY, cls.label)
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            data = None
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("token"), str)
            or not data["token"]
        ):
            raise ResponseError(
                f"{redact_url(base_url)} answered the sign-in without a session token: is it "
                "Open WebUI? Check the base URL (the address you open Open WebUI at)."
            )
        return AuthResult(
            token=data["token"],
            token_type=data.get("token_type") or "Bearer",
            expires_at=data.get("expires_at"),
            email=data.get("email") or email,
            name=data.get("name"),
        )

    @classmethod
    def sign_in_error(cls, failure: HTTPStatusFailure, password: str) -> Exception:
        """A refused sign-in as the error the user sees, with the server's own words."""
        message = as_sentence(
            excerpt(OpenWebUIAPI.error_message(failure), ERROR_TEXT_LIMIT, password)
        )
        if failure.status in (400, 401, 403):
            return MissingAuthError(
                f"{cls.label} did not sign you in ({failure.status}): {message}"
            )
        if failure.status in (404, 405):
            return ProviderError(
                f"{redact_url(failure.url)} is not an Open WebUI sign-in address "
                f"({failure.status}). Check "
                f"the base URL: the address you open Open WebUI at, e.g. {DEFAULT_BASE_URL}."
            )
        return OpenWebUIAPI.map_error(failure, None, password)

    @classmethod
    async def on_auth_async(  # type: ignore[override]
        cls,
        email: str | None = None,
        password: str | None = None,
        base_url: str | None = None,
        proxy: str | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[Any]:
        """Sign in with the given credentials, else the remembered ones; else ask for a login."""
        base = await asyncio.to_thread(cls.resolve_base_url, base_url)
        store = credentials.default_store()
        stored_email = await asyncio.to_thread(store.get_field, cls.id, EMAIL_FIELD)
        email = email or stored_email
        remembered = False
        if not password and email and email == stored_email:
            password = await asyncio.to_thread(store.get_field, cls.id, credentials.PASSWORD)
            remembered = password is not None
        if not email or not password:
            yield RequestLogin(cls.label, f"{redact_url(base)}/auth")
            raise advise(
                MissingAuthError(
                    f"Not signed in to {cls.label} or the session expired: sign in again."
                ),
                Remedy.SIGN_IN, provider_id=cls.id, command=sign_in_hint(email, base),
            )  # fmt: skip
        try:
            result = await cls.sign_in(email, password, base, proxy, timeout)
        except MissingAuthError as error:
            if not remembered:
                raise
            # The remembered password no longer works: forget it, so the next try asks.
            await asyncio.to_thread(store.delete_field, cls.id, credentials.PASSWORD)
            raise advise(
                MissingAuthError(
                    f"{str(error).rstrip('.')}. The remembered password was removed: sign in again."
                ),
                Remedy.SIGN_IN, provider_id=cls.id, command=sign_in_hint(email, base),
            ) from None  # fmt: skip
        log.debug("signed in to %s at %s", cls.label, redact_url(base))
        yield result

    @classmethod
    async def login_async(
        cls,
        email: str,
        password: str,
        base_url: str | None = None,
        remember_password: bool = False,
        proxy: str | None = None,
        timeout: float | None = None,
    ) -> str:
        """Sign in and keep the session in the keyring; returns the account's email.

        With ``remember_password`` the password is kept too, to renew an expired session;
        without it any previously remembered password is forgotten.
        """
        store = credentials.default_store()
        # A keyring that cannot store the session should fail before the password is sent.
        await asyncio.to_thread(store.check)
        base = await asyncio.to_thread(cls.resolve_base_url, base_url)
        result = await cls.sign_in(email, password, base, proxy, timeout)
        account = str(getattr(result, "email", "") or email)

        def remember() -> None:
            cls.write_cache_file(cls.get_cache_file(), result)
            store.set_field(cls.id, EMAIL_FIELD, account)
            store.set_field(cls.id, BASE_URL_FIELD, base)
            if remember_password:
                store.set_field(cls.id, credentials.PASSWORD, password)
            else:
                store.delete_field(cls.id, credentials.PASSWORD)

        await asyncio.to_thread(remember)
        return account

    @classmethod
    def logout(cls) -> bool:
        """Forget the session and the remembered password; True if anything was stored.

        The email and the server stay: they are the defaults of the next login, not secrets.
        """
        removed = credentials.default_store().delete(cls.get_cache_file().key)
        return credentials.default_store().delete_field(cls.id, credentials.PASSWORD) or removed

    # ----- chat ------------------------------------------------------------------------------
    @classmethod
    async def create_authed(  # type: ignore[override]
        cls,
        model: str,
        messages: Messages,
        auth_result: AuthResult,
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
        base_url: str | None = None,
        proxy: str | None = None,
        **kwargs: Any,
    ) -> AsyncResult:
        token = _token(auth_result)
        api = await cls.api_url(base_url)
        if not model:
            model = await cls.first_model(token, api, proxy, timeout)
        info: ProviderInfo | None = None
        async for chunk in OpenWebUIAPI.create_async_generator(
            model, messages, stream=stream, timeout=timeout, total_timeout=total_timeout,
            temperature=temperature,
            top_p=top_p, max_tokens=max_tokens, stop=stop, seed=seed,
            presence_penalty=presence_penalty, frequency_penalty=frequency_penalty,
            reasoning_effort=reasoning_effort, response_format=response_format,
            media=media, api_key=token, base_url=api, proxy=proxy,
        ):  # fmt: skip
            if isinstance(chunk, ProviderInfo):
                # Held back until the server accepts the token: the framework stores a fresh
                # login on the first chunk, so nothing may come before the answer does.
                info = ProviderInfo(**{**chunk.get_dict(), "name": cls.__name__})
                continue
            if info is not None:
                yield info
                info = None
            yield chunk

    @classmethod
    async def api_url(cls, base_url: str | None) -> str:
        return await asyncio.to_thread(cls.resolve_base_url, base_url) + "/api"

    @classmethod
    async def first_model(
        cls, token: str, api: str, proxy: str | None, timeout: float | None
    ) -> str:
        """Open WebUI has no fixed default model: take the first one the account may use."""
        models = await OpenWebUIAPI.get_models_async(
            api_key=token, base_url=api, proxy=proxy, timeout=timeout, strict=True
        )
        cls.models = list(models)
        if not models:
            raise ModelNotFoundError(
                f"{cls.label} offers no model to this account. Add a connection or a model in "
                "Open WebUI's admin settings, or ask its administrator."
            )
        return models[0]

    # ----- models ----------------------------------------------------------------------------
    @classmethod
    async def list_models(
        cls, client: httpx.AsyncClient, base_url: str, api_key: str | None
    ) -> list[str]:
        """``GET {root}/api/models`` with ``api_key`` as the session token (the same hook as
        ``HttpChatProvider.list_models``, so a probe can ask every server alike)."""
        api = cls.normalize_base_url(base_url) + "/api"
        return await OpenWebUIAPI.list_models(client, api, api_key)

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
        """The models the signed-in account may use (``GET /api/models``).

        Without a usable session: the last list (or a ``MissingAuthError`` with ``strict``).
        """
        try:
            token = _token(await asyncio.to_thread(cls.get_auth_result))
            models = await OpenWebUIAPI.get_models_async(
                api_key=token, base_url=await cls.api_url(base_url), proxy=proxy,
                timeout=timeout, strict=True,
            )  # fmt: skip
        except MissingAuthError as error:
            if strict:
                root: str | None = base_url
                with contextlib.suppress(ProviderError):
                    root = await asyncio.to_thread(cls.resolve_base_url, base_url)
                raise advise(
                    MissingAuthError(
                        f"Not signed in to {cls.label} or the session expired: sign in again."
                    ),
                    Remedy.SIGN_IN, provider_id=cls.id, command=sign_in_hint(base_url=root),
                ) from error  # fmt: skip
            return list(cls.models)
        except ProviderError:
            if strict:
                raise
            log.info("listing models of %s failed; showing the last list", cls.label)
            return list(cls.models)
        cls.models = list(models)
        return list(models)


def _token(auth_result: AuthResult) -> str:
    token = getattr(auth_result, "token", None)
    if not isinstance(token, str) or not token:
        raise MissingAuthError(f"The stored {LABEL} login has no session token.")
    return token


PROVIDERS = [OpenWebUI]
