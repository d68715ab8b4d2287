"""ChatSession (app/core) over real loopback sockets: which proxy a request takes, and how a
hostile answer ends (a ProviderError the window shows with Retry, the text so far kept)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.core.session import ChatSession, RequestConfig, Turn
from providers.registry import get_provider
from tests.app.test_session import Recorder, answer
from tests.servers import DEFAULT_KEY, OpenAIServer
from tests.servers.hostile import SCENARIOS

#: Never resolved: a request for it only arrives if it went through the proxy.
REMOTE = "http://api.example.invalid/v1"


def session_through(
    settings_proxy: str | None, keyring_proxy: str | None
) -> tuple[ChatSession, Recorder]:
    async def secrets(provider: Any, provider_id: str) -> dict[str, str]:
        found = {"api_key": DEFAULT_KEY}
        if keyring_proxy:
            found["proxy"] = keyring_proxy
        return found

    recorder = Recorder()
    config = RequestConfig(
        provider=get_provider("openai"), provider_id="openai", model="gpt-4o-mini",
        base_url=REMOTE, proxy=settings_proxy,
    )  # fmt: skip
    return ChatSession(config, listener=recorder, secret_lookup=secrets), recorder


def run_once(session: ChatSession, recorder: Recorder) -> tuple[str, int, Turn]:
    async def run() -> tuple[str, int, Turn]:
        return await answer(session, recorder, lambda: session.send("hi"))

    return asyncio.run(run())


def test_a_proxy_chosen_in_the_settings_wins_over_the_keyrings() -> None:
    with OpenAIServer() as chosen, OpenAIServer() as stored:
        keyring_proxy = stored.url.replace("http://", "http://user:secret@")
        session, recorder = session_through(chosen.url, keyring_proxy)
        outcome, _, turn = run_once(session, recorder)
        assert outcome == "finished", turn.error
        assert [r.path for r in chosen.requests] == ["/v1/chat/completions"]
        assert stored.requests == []


def test_the_keyrings_proxy_is_used_when_the_settings_name_none() -> None:
    with OpenAIServer() as stored:
        session, recorder = session_through(None, stored.url)
        outcome, _, turn = run_once(session, recorder)
        assert outcome == "finished", turn.error
        assert [r.path for r in stored.requests] == ["/v1/chat/completions"]


HOSTILE = {s.name: s for s in SCENARIOS if s.vendor == "openai" and s.fails and not s.endless}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_answer_fails_as_a_provider_error_keeping_the_text(
    name: str, openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = HOSTILE[name]
    openai_server.push(scenario.behaviour)
    recorder = Recorder()
    config = RequestConfig(
        provider=get_provider("openai"), provider_id="openai", model="gpt-4o-mini",
        base_url=openai_server.base_url,
        params={"total_timeout": 2.0} if scenario.params else {},
    )  # fmt: skip

    async def secrets(provider: Any, provider_id: str) -> dict[str, str]:
        return {"api_key": DEFAULT_KEY}

    session = ChatSession(config, listener=recorder, secret_lookup=secrets)
    outcome, _, turn = run_once(session, recorder)
    assert outcome == "failed"
    assert turn.content == scenario.text
    assert turn.error is not None and scenario.says.lower() in turn.error.lower()
    assert "failed unexpectedly" not in turn.error  # a ProviderError, so the window offers Retry
    turn.error.encode("utf-8")
    turn.content.encode("utf-8")


def test_a_locked_keyring_during_chat_says_so(
    openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from providers import credentials
    from tests.providers.test_hardening import LockedBackend

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    credentials.set_default_store(credentials.SecretStore("rt-locked", backend=LockedBackend()))
    try:
        recorder = Recorder()
        config = RequestConfig(
            provider=get_provider("openai"), provider_id="openai", model="gpt-4o-mini",
            base_url=openai_server.base_url,
        )  # fmt: skip
        outcome, _, turn = run_once(ChatSession(config, listener=recorder), recorder)
    finally:
        credentials.set_default_store(None)
    assert outcome == "failed"
    assert turn.error is not None and "keyring is locked" in turn.error
    assert "No API key" not in turn.error
    assert openai_server.requests == []
