"""First-run detection (app/core/first_run.py) against real loopback servers on free ports.

No Qt here: detection is plain asyncio. Silent and garbage servers are raw sockets, so what
they do is exactly what a stuck or foreign program on a default port would do.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

from app.core import first_run, secrets
from app.core.first_run import Action, Detection, Kind, Option, Server
from providers import credentials
from providers.registry import all_providers
from providers.types import BaseProvider
from tests.keyring_support import requires_secret_service
from tests.servers import OllamaServer, OpenAIServer, OpenWebUIServer, Raw

#: Generous: the scan's own bound is 0.9 s; a missing bound would hang for the probe timeout.
SLACK = 2.0


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


@pytest.fixture
def garbage_port() -> Iterator[int]:
    """A port that answers every connection with bytes that are not HTTP, then closes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            with connection:
                connection.sendall(b"\x00\xff\xfeSSH-2.0-not-a-model-server\r\n\r\n\x07")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        listener.close()


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def detect(**kwargs: Any) -> Detection:
    """Detection with a generous bound unless a test is about the bound (the machine is shared:
    a first keyring call in a worker thread can take a while)."""
    kwargs.setdefault("providers", without_local())
    kwargs.setdefault("bound", 10.0)
    return asyncio.run(first_run.detect(**kwargs))


def by_provider(detection: Detection) -> dict[str, Option]:
    return {option.provider_id: option for option in detection.options}


def test_default_servers_are_the_providers_default_ports() -> None:
    servers = {s.provider_id: s.base_url for s in first_run.default_servers()}
    assert servers == {
        "ollama": "http://localhost:11434",
        "lmstudio": "http://localhost:1234/v1",
        "llamacpp": "http://localhost:8080/v1",
        "vllm": "http://localhost:8000/v1",
        "openwebui": "http://localhost:3000",
    }
    moved = first_run.default_servers(ports={"vllm": 4321}, host="127.0.0.1")
    assert Server("vllm", "http://127.0.0.1:4321/v1") in moved


def test_a_servers_variable_moves_its_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_HOST", "0.0.0.0:9999")
    servers = {s.provider_id: s.base_url for s in first_run.default_servers()}
    assert servers["ollama"] == "http://127.0.0.1:9999"


def test_servers_on_their_ports_are_found_and_silent_or_garbage_ones_are_not(
    ollama_server: OllamaServer,
    openai_server: OpenAIServer,
    openwebui_server: OpenWebUIServer,
    silent_port: int,
    garbage_port: int,
    no_keyring: None,
) -> None:
    openai_server.key_required = False  # as LM Studio runs
    ports = {
        "ollama": ollama_server.port,
        "lmstudio": openai_server.port,  # LM Studio speaks the OpenAI format under /v1
        "llamacpp": silent_port,
        "vllm": garbage_port,
        "openwebui": openwebui_server.port,
    }
    started = time.monotonic()
    servers = first_run.default_servers(ports=ports, host="127.0.0.1")
    detection = detect(servers=servers, bound=first_run.SCAN_BOUND)
    elapsed = time.monotonic() - started
    found = by_provider(detection)
    assert set(found) == {"ollama", "lmstudio", "openwebui"}

    ollama = found["ollama"]
    assert (ollama.kind, ollama.action) == (Kind.SERVER, Action.CHAT)
    assert ollama.models and ollama.models == tuple(ollama_server.models)
    assert ollama.model == ollama.models[0]
    assert ollama.base_url == f"http://127.0.0.1:{ollama_server.port}"
    assert [r.path for r in ollama_server.requests] == ["/api/tags"]

    lmstudio = found["lmstudio"]
    assert lmstudio.action is Action.CHAT and lmstudio.label == "LM Studio"
    assert lmstudio.models == ("gpt-4o-mini", "gpt-4o", "o3-mini")
    assert openai_server.last_request is not None
    assert openai_server.last_request.path == "/v1/models"
    assert openai_server.last_request.header("authorization") is None  # no key sent anywhere

    # Open WebUI answers only a signed-in user: found, and its button opens the sign-in.
    assert found["openwebui"].action is Action.CREDENTIALS
    assert openwebui_server.last_request is not None
    assert openwebui_server.last_request.path == "/api/models"

    # The silent port did not hold the scan past its bound.
    assert detection.seconds < first_run.SCAN_BOUND + SLACK
    assert elapsed < first_run.SCAN_BOUND + SLACK


def test_the_bound_holds_even_with_a_long_probe_timeout(silent_port: int, no_keyring: None) -> None:
    """Every candidate hangs and each probe would wait 30 s: the scan still ends at its bound."""
    servers = [Server(pid, f"http://127.0.0.1:{silent_port}") for pid in first_run.LOCAL_SERVERS]
    started = time.monotonic()
    detection = detect(servers=servers, timeout=30.0, bound=0.5)
    assert time.monotonic() - started < 0.5 + SLACK
    assert [o for o in detection.options if o.kind is Kind.SERVER] == []


def test_a_server_that_wants_a_key_offers_the_credentials(
    openai_server: OpenAIServer, no_keyring: None
) -> None:
    (found,) = detect(servers=[Server("vllm", openai_server.base_url)]).options
    assert (found.provider_id, found.action) == ("vllm", Action.CREDENTIALS)


def test_html_or_refused_is_nothing_found(
    openai_server: OpenAIServer, closed_port: int, no_keyring: None
) -> None:
    openai_server.push(Raw(200, "<html><body>Router login</body></html>", "text/html"))
    servers = [
        Server("vllm", openai_server.base_url),
        Server("llamacpp", f"http://127.0.0.1:{closed_port}/v1"),
    ]
    assert [o for o in detect(servers=servers).options if o.kind is Kind.SERVER] == []


def test_a_server_without_models_is_shown_without_a_chat_button(
    ollama_server: OllamaServer, no_keyring: None
) -> None:
    ollama_server.models = []
    detection = detect(servers=[Server("ollama", ollama_server.base_url)])
    (option,) = detection.options
    assert (option.kind, option.action, option.models) == (Kind.SERVER, Action.NONE, ())


def test_keys_in_environment_variables_are_found_by_name_only(
    monkeypatch: pytest.MonkeyPatch, no_keyring: None
) -> None:
    secret = "test-key-environment-0042"
    monkeypatch.setenv("ANTHROPIC_API_KEY", secret)
    monkeypatch.setenv("PPLX_API_KEY", "pplx-test-key-0043")  # Perplexity's second variable
    detection = detect(servers=[])
    found = by_provider(detection)
    assert found["anthropic"].kind is Kind.ENVIRONMENT
    assert found["anthropic"].variable == "ANTHROPIC_API_KEY"
    assert found["anthropic"].model == all_providers()["anthropic"].default_model
    assert found["anthropic"].action is Action.CHAT
    assert found["perplexity"].variable == "PPLX_API_KEY"
    assert "openai" not in found
    assert secret not in repr(detection) and "0043" not in repr(detection)
    assert detection.keyring_error and "keyring" in detection.keyring_error


def test_a_key_kept_for_this_run_counts_as_saved(no_keyring: None) -> None:
    secrets.keep_for_session("groq", secrets.API_KEY, "test-key-session-0044")
    found = by_provider(detect(servers=[]))
    assert found["groq"].kind is Kind.SAVED and found["groq"].session_only
    assert found["groq"].action is Action.CHAT


def test_a_slow_keyring_neither_delays_the_scan_nor_hides_session_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def stuck() -> set[str]:
        await asyncio.sleep(30)  # D-Bus activation that never ends
        return set()

    monkeypatch.setattr(secrets, "stored_names", stuck)
    secrets.keep_for_session("groq", secrets.API_KEY, "test-key-session-0048")
    started = time.monotonic()
    found = by_provider(detect(servers=[], bound=0.5))
    assert time.monotonic() - started < 0.5 + SLACK
    assert found["groq"].kind is Kind.SAVED and found["groq"].session_only


@pytest.mark.keyring
@requires_secret_service
def test_a_key_in_the_keyring_counts_as_saved(secret_store: credentials.SecretStore) -> None:
    secret_store.set_field("mistral", credentials.API_KEY, "test-mistral-key-0045")
    detection = detect(servers=[])
    found = by_provider(detection)
    assert found["mistral"].kind is Kind.SAVED and not found["mistral"].session_only
    assert detection.keyring_error is None


class StarterModel(BaseProvider):
    """Stands in for the local provider another branch adds: registered as ``local``."""

    id = "local"
    label = "Local model"
    needs_auth = False
    working = True
    default_model: ClassVar[str] = "starter-1b-q4"


def test_the_local_starter_model_is_ready_and_preselected_when_nothing_else_is(
    no_keyring: None,
) -> None:
    providers = {**all_providers(), "local": StarterModel}
    detection = detect(providers=providers, servers=[])
    local = detection.options[0]
    assert (local.kind, local.action) == (Kind.LOCAL_MODEL, Action.CHAT)
    assert local.model == "starter-1b-q4"
    assert first_run.preselect(detection) == local


class BrokenStarter(StarterModel):
    @classmethod
    async def get_models_async(cls) -> list[str]:
        raise RuntimeError("a plugin bug")


def test_a_broken_provider_does_not_break_detection(
    ollama_server: OllamaServer, no_keyring: None, caplog: pytest.LogCaptureFixture
) -> None:
    providers = {**without_local(), "local": BrokenStarter}
    detection = detect(providers=providers, servers=[Server("ollama", ollama_server.base_url)])
    assert [o.provider_id for o in detection.options] == ["ollama"]
    assert "a first-run check failed" in caplog.text


def test_no_local_provider_no_local_option(no_keyring: None) -> None:
    assert detect(providers=without_local(), servers=[]).options == ()


def without_local() -> dict[str, type[BaseProvider]]:
    """The registry as it is before the local provider lands (another branch adds it)."""
    return {pid: p for pid, p in all_providers().items() if pid != first_run.LOCAL_MODEL_ID}


def option(kind: Kind, pid: str, action: Action = Action.CHAT) -> Option:
    return Option(kind, pid, pid.title(), action, model="m")


def test_preselect_prefers_what_can_answer_now() -> None:
    local = option(Kind.LOCAL_MODEL, "local")
    ollama = option(Kind.SERVER, "ollama")
    webui = option(Kind.SERVER, "openwebui", Action.CREDENTIALS)
    saved = option(Kind.SAVED, "groq")
    env = option(Kind.ENVIRONMENT, "anthropic")
    everything = Detection((local, webui, ollama, saved, env))
    assert first_run.preselect(everything, "ollama") == ollama  # the saved choice, if it can
    assert first_run.preselect(everything, "openai") == saved  # it cannot: a configured key
    assert first_run.preselect(everything, "openwebui") == saved  # needs a sign-in first
    assert first_run.preselect(Detection((local, ollama, env))) == env
    assert first_run.preselect(Detection((local, webui, ollama))) == ollama
    assert first_run.preselect(Detection((local, webui))) == local
    assert first_run.preselect(Detection((webui,))) is None
    assert first_run.preselect(Detection()) is None


def test_needs_welcome_only_without_conversation_and_configuration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    providers = all_providers()
    assert first_run.needs_welcome(False, providers, set(), None)
    assert first_run.needs_welcome(False, providers, set(), "openai")
    assert not first_run.needs_welcome(True, providers, set(), None)
    assert not first_run.needs_welcome(False, providers, {"gemini:api_key"}, None)
    assert not first_run.needs_welcome(False, providers, set(), "ollama")
    secrets.keep_for_session("openai", secrets.API_KEY, "test-key-session-0046")
    assert not first_run.needs_welcome(False, providers, set(), None)
    secrets.forget_for_session("openai", secrets.API_KEY)
    monkeypatch.setenv("XAI_API_KEY", "xai-test-0047")
    assert not first_run.needs_welcome(False, providers, set(), None)
