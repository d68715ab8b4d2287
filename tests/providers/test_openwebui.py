"""Open WebUI, the login-based provider: sign-in, the keyring cache, 401 handling, logout.

Real sockets to tests/servers' Open WebUI server and a real Secret Service
(scripts/with-keyring.sh). Each test gets its own keyring service (``keyring_service``), removed
afterwards.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from app.cli_common import error_text
from providers import credentials
from providers.base import stream_chunks
from providers.errors import MissingAuthError, ModelNotFoundError, ProviderError
from providers.response import AuthResult, ProviderInfo, RequestLogin
from providers.vendors.openwebui import OpenWebUI
from tests.keyring_support import requires_secret_service
from tests.providers.support import text_of
from tests.servers.openwebui_server import DEFAULT_USER, OpenWebUIServer

pytestmark = [
    pytest.mark.keyring,
    requires_secret_service,
    pytest.mark.usefixtures("keyring_service"),
]

EMAIL, PASSWORD = DEFAULT_USER
RECORD = "auth_OpenWebUI"
HI = [{"role": "user", "content": "hi"}]


def login(server: OpenWebUIServer, remember: bool = False, password: str = PASSWORD) -> str:
    return asyncio.run(
        OpenWebUI.login_async(
            email=EMAIL, password=password, base_url=server.url, remember_password=remember
        )
    )


def chat(model: str = "", **kwargs: Any) -> list[Any]:
    async def collect() -> list[Any]:
        return [chunk async for chunk in stream_chunks(OpenWebUI, model, HI, **kwargs)]

    return asyncio.run(collect())


def stored_login(store: credentials.SecretStore) -> dict[str, Any]:
    raw = store.get(RECORD)
    assert raw is not None, "no login record in the keyring"
    data = json.loads(raw)
    assert isinstance(data, dict)
    return data


def kinds(server: OpenWebUIServer) -> list[str]:
    return [request.kind for request in server.requests]


# --- sign-in and the keyring cache ----------------------------------------------------------------


def test_login_signs_in_and_caches_the_token_in_the_keyring(
    openwebui_server: OpenWebUIServer, secret_store: credentials.SecretStore
) -> None:
    assert login(openwebui_server) == EMAIL
    request = openwebui_server.requests[0]
    assert (request.method, request.path) == ("POST", "/api/v1/auths/signin")
    assert request.json == {"email": EMAIL, "password": PASSWORD}
    (token,) = openwebui_server.tokens
    record = stored_login(secret_store)
    assert record["token"] == token
    assert PASSWORD not in json.dumps(record)
    assert secret_store.get_field("openwebui", "email") == EMAIL
    assert secret_store.get_field("openwebui", "base_url") == openwebui_server.url
    assert secret_store.get_field("openwebui", credentials.PASSWORD) is None  # not remembered
    assert OpenWebUI.get_auth_result().get_dict()["token"] == token


def test_remember_password_keeps_it_and_a_later_login_without_forgets_it(
    openwebui_server: OpenWebUIServer, secret_store: credentials.SecretStore
) -> None:
    login(openwebui_server, remember=True)
    assert secret_store.get_field("openwebui", credentials.PASSWORD) == PASSWORD
    login(openwebui_server, remember=False)
    assert secret_store.get_field("openwebui", credentials.PASSWORD) is None


def test_wrong_password_is_a_clear_error_and_nothing_is_stored(
    openwebui_server: OpenWebUIServer, secret_store: credentials.SecretStore
) -> None:
    wrong = "wrong-password-for-test"
    with pytest.raises(MissingAuthError) as caught:
        login(openwebui_server, password=wrong)
    message = str(caught.value)
    assert "The email or password provided is incorrect" in message
    assert wrong not in message
    assert secret_store.names() == []


def test_a_server_that_is_not_open_webui_is_named(
    openai_server: Any, secret_store: credentials.SecretStore
) -> None:
    with pytest.raises(ProviderError, match="not an Open WebUI sign-in address"):
        asyncio.run(OpenWebUI.login_async(EMAIL, PASSWORD, base_url=openai_server.url))
    assert secret_store.names() == []


# --- chat -----------------------------------------------------------------------------------------


def test_chat_streams_with_the_bearer_token_from_the_stored_login(
    openwebui_server: OpenWebUIServer,
) -> None:
    login(openwebui_server)
    (token,) = openwebui_server.tokens
    openwebui_server.reset()
    chunks = chat()  # no base URL, no model: the login's server and its first model
    assert text_of(chunks) == "You said: hi"
    assert kinds(openwebui_server) == ["models", "chat"]
    request = openwebui_server.requests[-1]
    assert request.header("authorization") == f"Bearer {token}"
    assert request.body_dict["model"] == "llama3.2:latest"
    assert request.body_dict["stream"] is True
    (info,) = [chunk for chunk in chunks if isinstance(chunk, ProviderInfo)]
    assert info.get_dict() == {
        "name": "OpenWebUI",
        "label": "Open WebUI",
        "model": "llama3.2:latest",
    }


def test_chat_sends_the_chosen_model_and_parameters(openwebui_server: OpenWebUIServer) -> None:
    login(openwebui_server)
    openwebui_server.reset()
    assert text_of(chat("gpt-4o-mini", temperature=0.2, max_tokens=50, stream=False)) == (
        "You said: hi"
    )
    assert kinds(openwebui_server) == ["chat"]
    body = openwebui_server.requests[-1].body_dict
    assert (body["model"], body["temperature"], body["max_tokens"]) == ("gpt-4o-mini", 0.2, 50)
    assert body["stream"] is False


def test_unknown_model_names_the_models_of_the_account(openwebui_server: OpenWebUIServer) -> None:
    login(openwebui_server)
    openwebui_server.strict_models = True
    with pytest.raises(ModelNotFoundError, match="Valid models: llama3.2:latest, gpt-4o-mini"):
        chat("no-such-model")


def test_models_of_the_signed_in_account(openwebui_server: OpenWebUIServer) -> None:
    with pytest.raises(MissingAuthError, match="sign in again"):
        asyncio.run(OpenWebUI.get_models_async(strict=True))
    assert asyncio.run(OpenWebUI.get_models_async()) == []
    login(openwebui_server)
    assert asyncio.run(OpenWebUI.get_models_async(strict=True)) == [
        "llama3.2:latest",
        "gpt-4o-mini",
    ]
    assert OpenWebUI.get_models() == ["llama3.2:latest", "gpt-4o-mini"]


def test_parameters_come_from_create_authed() -> None:
    params = OpenWebUI.get_parameters(as_json=True)
    assert params["provider"] == "OpenWebUI"
    assert {"temperature", "max_tokens", "top_p", "stop", "seed"} <= set(params)
    assert "auth_result" not in params and "api_key" not in params


# --- expired sessions -----------------------------------------------------------------------------


def test_expired_token_with_remembered_password_signs_in_again_once(
    openwebui_server: OpenWebUIServer, secret_store: credentials.SecretStore
) -> None:
    login(openwebui_server, remember=True)
    old = stored_login(secret_store)["token"]
    openwebui_server.expire_tokens()
    openwebui_server.reset()
    chunks = chat("gpt-4o-mini")
    assert text_of(chunks) == "You said: hi"
    assert kinds(openwebui_server) == ["chat", "signin", "chat"]
    assert openwebui_server.requests[0].header("authorization") == f"Bearer {old}"
    (new,) = openwebui_server.tokens
    assert new != old
    assert openwebui_server.requests[-1].header("authorization") == f"Bearer {new}"
    assert stored_login(secret_store)["token"] == new
    assert not any(isinstance(chunk, RequestLogin) for chunk in chunks)
    # One ProviderInfo: the rejected attempt showed nothing.
    assert sum(isinstance(chunk, ProviderInfo) for chunk in chunks) == 1


def test_concurrent_requests_after_expiry_share_one_sign_in(
    openwebui_server: OpenWebUIServer,
) -> None:
    login(openwebui_server, remember=True)
    openwebui_server.expire_tokens()
    openwebui_server.reset()

    async def both() -> list[str]:
        async def one() -> str:
            return text_of([c async for c in stream_chunks(OpenWebUI, "gpt-4o-mini", HI)])

        return list(await asyncio.gather(one(), one()))

    assert asyncio.run(both()) == ["You said: hi", "You said: hi"]
    assert kinds(openwebui_server).count("signin") == 1


def test_expired_token_without_remembered_password_says_sign_in_again(
    openwebui_server: OpenWebUIServer, secret_store: credentials.SecretStore
) -> None:
    login(openwebui_server)
    openwebui_server.expire_tokens()
    openwebui_server.reset()
    seen: list[Any] = []

    async def run() -> None:
        async for chunk in stream_chunks(OpenWebUI, "gpt-4o-mini", HI):
            seen.append(chunk)

    with pytest.raises(MissingAuthError) as caught:
        asyncio.run(run())
    message = error_text(caught.value)  # the command line names the command that signs in
    assert "session expired: sign in again" in message
    assert f"roundtable login -p openwebui --base-url {openwebui_server.url} --user {EMAIL}" in (
        message
    )
    assert "roundtable" not in str(caught.value)  # the window words its own way
    assert kinds(openwebui_server) == ["chat"]  # no sign-in without a password
    (request_login,) = seen
    assert isinstance(request_login, RequestLogin)
    assert (request_login.label, request_login.login_url) == (
        "Open WebUI",
        f"{openwebui_server.url}/auth",
    )
    assert secret_store.get(RECORD) is None  # the rejected token is gone


def test_a_changed_password_ends_the_automatic_sign_in(
    openwebui_server: OpenWebUIServer, secret_store: credentials.SecretStore
) -> None:
    login(openwebui_server, remember=True)
    openwebui_server.users[EMAIL] = "changed-on-the-server"
    openwebui_server.expire_tokens()
    with pytest.raises(MissingAuthError, match="The email or password provided is incorrect"):
        chat("gpt-4o-mini")
    assert secret_store.get_field("openwebui", credentials.PASSWORD) is None
    with pytest.raises(MissingAuthError, match="session expired: sign in again"):
        chat("gpt-4o-mini")


def test_not_signed_in_at_all(
    openwebui_server: OpenWebUIServer, secret_store: credentials.SecretStore
) -> None:
    with pytest.raises(MissingAuthError, match="sign in again") as caught:
        chat("gpt-4o-mini", base_url=openwebui_server.url)
    assert "--user EMAIL" in error_text(caught.value)  # the command line says how
    assert openwebui_server.requests == []
    assert secret_store.names() == []


def test_explicit_credentials_sign_in_without_a_stored_login(
    openwebui_server: OpenWebUIServer, secret_store: credentials.SecretStore
) -> None:
    """What a GUI login form does: the request carries the credentials, the token is cached."""
    chunks = chat("gpt-4o-mini", base_url=openwebui_server.url, email=EMAIL, password=PASSWORD)
    assert text_of(chunks) == "You said: hi"
    assert kinds(openwebui_server) == ["signin", "chat"]
    assert stored_login(secret_store)["token"] in openwebui_server.tokens
    assert secret_store.get_field("openwebui", credentials.PASSWORD) is None


# --- logout and configuration ---------------------------------------------------------------------


def test_logout_deletes_the_token_and_the_remembered_password(
    openwebui_server: OpenWebUIServer, secret_store: credentials.SecretStore
) -> None:
    login(openwebui_server, remember=True)
    assert OpenWebUI.logout() is True
    assert secret_store.get(RECORD) is None
    assert secret_store.get_field("openwebui", credentials.PASSWORD) is None
    assert sorted(secret_store.names()) == ["openwebui:base_url", "openwebui:email"]
    assert OpenWebUI.logout() is False
    with pytest.raises(MissingAuthError, match="session expired: sign in again"):
        chat("gpt-4o-mini")


def test_base_url_order(
    monkeypatch: pytest.MonkeyPatch, secret_store: credentials.SecretStore
) -> None:
    assert OpenWebUI.resolve_base_url() == "http://localhost:3000"
    secret_store.set_field("openwebui", "base_url", "http://owui.lan:8080")
    assert OpenWebUI.resolve_base_url() == "http://owui.lan:8080"
    monkeypatch.setenv("OPENWEBUI_BASE_URL", "http://env.lan/")
    assert OpenWebUI.resolve_base_url() == "http://env.lan"
    assert OpenWebUI.resolve_base_url("chat.example.org/api/") == "http://chat.example.org"


def test_auth_result_and_record_never_show_the_token(
    openwebui_server: OpenWebUIServer,
) -> None:
    login(openwebui_server)
    (token,) = openwebui_server.tokens
    result = OpenWebUI.get_auth_result()
    assert isinstance(result, AuthResult)
    for shown in (repr(result), str(result), str(OpenWebUI.get_cache_file()), repr(OpenWebUI)):
        assert token not in shown


# --- a refused account is not an expired session (issue 8) ------------------------------------


@pytest.mark.parametrize("model", ["", "gpt-4o-mini"], ids=["first-model", "chosen-model"])
def test_a_pending_account_keeps_its_login_and_shows_the_servers_words(
    openwebui_server: OpenWebUIServer, secret_store: credentials.SecretStore, model: str
) -> None:
    openwebui_server.unapproved.add(EMAIL)
    login(openwebui_server)
    record = stored_login(secret_store)
    openwebui_server.reset()
    with pytest.raises(ProviderError) as caught:
        chat(model)
    message = str(caught.value)
    assert not isinstance(caught.value, MissingAuthError)
    assert "contact your administrator" in message
    assert "approve" in message and "sign in again" not in message.lower()
    assert ".." not in message
    assert "signin" not in kinds(openwebui_server)  # no pointless second sign-in
    assert stored_login(secret_store) == record  # the login just made is kept


def test_an_expired_session_hint_names_the_server_and_has_one_full_stop() -> None:
    from providers.http import HTTPStatusFailure
    from providers.vendors.openwebui import OpenWebUIAPI

    failure = HTTPStatusFailure(
        401, httpx.Headers(), b'{"detail":"Your session has expired. Please sign in again."}',
        "http://me:Pa55@10.0.0.5:8080/api/chat/completions",
    )  # fmt: skip
    message = error_text(OpenWebUIAPI.map_error(failure, "m", "tok"))  # as the CLI says it
    assert "again.." not in message and ". ." not in message
    assert "roundtable login -p openwebui --base-url http://***@10.0.0.5:8080 --user" in message
    assert "Pa55" not in message


def test_models_without_a_session_name_the_chosen_server(
    openwebui_server: OpenWebUIServer, secret_store: credentials.SecretStore
) -> None:
    with pytest.raises(MissingAuthError) as caught:
        asyncio.run(OpenWebUI.get_models_async(base_url=openwebui_server.url, strict=True))
    assert f"--base-url {openwebui_server.url} --user EMAIL" in error_text(caught.value)
