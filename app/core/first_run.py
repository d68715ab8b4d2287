"""First run: what can answer right now, found off the GUI thread within a second.

A new user without a key should not face "needs key" and nothing else. ``detect()`` looks, all
at once and each with a short timeout, for: the local starter model (provider id ``local``, if
one is registered), local servers answering on their default ports (their model-list endpoints,
asked through the providers' own ``list_models`` hooks and HTTP layer), keys in the environment
variables the providers read, and keys already saved (keyring, or memory for this run).
``preselect()`` picks the provider the window starts on. Qt-free: the welcome screen
(``app.ui.welcome``) only shows the result.
"""

from __future__ import annotations

import enum
import logging
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit, urlunsplit

from providers.errors import MissingAuthError, ProviderError, SecretStoreError
from providers.lazy import lazy_module
from providers.registry import all_providers, provider_label
from providers.types import BaseProvider

from . import secrets

if TYPE_CHECKING:
    import asyncio

    from providers import http
else:  # the loop and the network stack when a scan runs (after the window's first paint)
    asyncio = lazy_module("asyncio")
    http = lazy_module("providers.http")

log = logging.getLogger(__name__)

LOCAL_MODEL_ID: Final = "local"
#: Providers of local servers, probed on their default ports (from each one's ``api_base``):
#: Ollama 11434, LM Studio 1234, llama.cpp 8080, vLLM 8000, Open WebUI 3000.
LOCAL_SERVERS: Final = ("ollama", "lmstudio", "llamacpp", "vllm", "openwebui")
#: Connect and read timeout of one probe: a local server answers its model list in milliseconds.
PROBE_TIMEOUT: Final = 0.4
#: The whole scan never takes longer than this, whatever hangs.
SCAN_BOUND: Final = 0.9

Providers = Mapping[str, type[BaseProvider]]


class Kind(enum.Enum):
    """Where an option was found."""

    LOCAL_MODEL = "local"  # the bundled starter model
    SERVER = "server"  # a local server answering on its port
    SAVED = "saved"  # a key (or sign-in) in the keyring, or kept in memory for this run
    ENVIRONMENT = "environment"  # a key in a conventional environment variable


class Action(enum.Enum):
    """What the option's one button does."""

    CHAT = "chat"  # it can answer now
    CREDENTIALS = "credentials"  # it needs a key or a sign-in first
    NONE = "none"  # found, but nothing to click (e.g. a server without models)


@dataclass(frozen=True)
class Server:
    """A server to probe: the provider that speaks its API and the base URL to ask."""

    provider_id: str
    base_url: str


@dataclass(frozen=True)
class Option:
    """One thing the user can start a chat with. Holds no secret: only where a key is."""

    kind: Kind
    provider_id: str
    label: str
    action: Action
    model: str | None = None
    models: tuple[str, ...] = ()
    base_url: str | None = None
    variable: str | None = None  # ENVIRONMENT: the variable holding the key
    session_only: bool = False  # SAVED: kept in memory for this run (no keyring)


@dataclass(frozen=True)
class Detection:
    options: tuple[Option, ...] = ()
    seconds: float = 0.0
    keyring_error: str | None = None

    def ready(self) -> list[Option]:
        return [option for option in self.options if option.action is Action.CHAT]

    def for_provider(self, provider_id: str) -> Option | None:
        return next((o for o in self.ready() if o.provider_id == provider_id), None)


@dataclass
class _Scan:
    providers: Providers
    servers: Sequence[Server]
    timeout: float
    keyring_error: str | None = None
    found: list[Option] = field(default_factory=list)


# ----- candidates ---------------------------------------------------------------------------------


def default_servers(
    providers: Providers | None = None,
    *,
    ports: Mapping[str, int] | None = None,
    host: str | None = None,
) -> list[Server]:
    """The local servers to probe: each provider's default address (its ``api_base``), or the
    address its variable names (e.g. ``OLLAMA_HOST``). ``ports``/``host`` replace the default
    port and host (tests run servers on free loopback ports)."""
    providers = all_providers() if providers is None else providers
    servers: list[Server] = []
    for pid in LOCAL_SERVERS:
        provider = providers.get(pid)
        base = str(getattr(provider, "api_base", "") or "")
        if provider is None or not base:
            continue
        if ports and pid in ports:
            base = _with_address(base, host or "127.0.0.1", ports[pid])
        else:
            variables = getattr(provider, "base_url_env", ()) or ()
            chosen = next((os.environ[n] for n in variables if os.environ.get(n)), None)
            if chosen:
                try:
                    base = provider.normalize_base_url(chosen)  # type: ignore[attr-defined]
                except (AttributeError, ProviderError):
                    log.info("%s's base URL variable is not a URL; probing its default", pid)
            if host:
                base = _with_address(base, host, urlsplit(base).port)
        servers.append(Server(pid, base))
    return servers


def _with_address(url: str, host: str, port: int | None) -> str:
    parts = urlsplit(url)
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return urlunsplit(parts._replace(netloc=netloc))


# ----- detection ----------------------------------------------------------------------------------


async def detect(
    providers: Providers | None = None,
    servers: Sequence[Server] | None = None,
    *,
    timeout: float = PROBE_TIMEOUT,
    bound: float = SCAN_BOUND,
) -> Detection:
    """Everything that can answer now, looked for concurrently; never longer than ``bound``.

    A probe that has not answered by then (a port that accepts and stays silent) counts as
    nothing found; one that answers something else than a model list (garbage, an HTML page)
    too.
    """
    started = time.monotonic()
    providers = dict(all_providers() if providers is None else providers)
    scan = _Scan(
        providers=providers,
        servers=default_servers(providers) if servers is None else servers,
        timeout=timeout,
    )
    jobs: list[Any] = [_probe(scan, server) for server in scan.servers]
    local = providers.get(LOCAL_MODEL_ID)
    jobs.append(_local_model(local))
    jobs.append(_saved_keys(scan, bound * 0.9))
    results = await asyncio.gather(*(_bounded(job, bound) for job in jobs))
    local_option, servers_found = results[-2], results[:-2]
    saved = results[-1] or []
    options: list[Option] = []
    if isinstance(local_option, Option):
        options.append(local_option)
    options.extend(option for option in servers_found if isinstance(option, Option))
    options.extend(saved)
    options.extend(_environment_keys(scan, {o.provider_id for o in saved}))
    return Detection(tuple(options), time.monotonic() - started, scan.keyring_error)


async def _bounded(job: Any, bound: float) -> Any:
    try:
        return await asyncio.wait_for(job, bound)
    except TimeoutError:
        return None
    except Exception:  # a broken (plugin) provider must not break the welcome screen
        log.warning("a first-run check failed", exc_info=True)
        return None


async def _probe(scan: _Scan, server: Server) -> Option | None:
    """Ask one server for its model list with the provider's own request (no key)."""
    provider = scan.providers.get(server.provider_id)
    lister = getattr(provider, "list_models", None)
    if provider is None or not callable(lister):
        return None
    label, pid, base = provider_label(provider), server.provider_id, server.base_url
    try:
        async with http.create_client(timeout=scan.timeout) as client:
            models = [str(m) for m in await lister(client, server.base_url, None)]
    except MissingAuthError:
        # It answers, but only to a signed-in user (Open WebUI) or with a key.
        return Option(Kind.SERVER, pid, label, Action.CREDENTIALS, base_url=base)
    except (ProviderError, NotImplementedError, ValueError) as error:
        log.debug("no %s at %s: %s", label, server.base_url, error)
        return None
    action = Action.CHAT if models else Action.NONE
    return Option(
        Kind.SERVER, pid, label, action, model=_first(models), models=tuple(models), base_url=base
    )


def _first(models: Sequence[str]) -> str | None:
    return models[0] if models else None


async def _local_model(provider: type[BaseProvider] | None) -> Option | None:
    """The bundled starter model, if a ``local`` provider is installed and can run."""
    if provider is None:
        return None
    label = provider_label(provider)
    available = getattr(provider, "runtime_available", None)
    if callable(available) and not await asyncio.to_thread(available):
        return Option(Kind.LOCAL_MODEL, LOCAL_MODEL_ID, label, Action.NONE)
    models: list[str] = []
    lister = getattr(provider, "get_models_async", None)
    if callable(lister):
        try:
            models = [str(m) for m in await lister()]
        except (ProviderError, NotImplementedError) as error:
            log.info("the local model provider cannot list its models: %s", error)
    model = getattr(provider, "default_model", None) or _first(models)
    action = Action.CHAT if model else Action.NONE
    return Option(
        Kind.LOCAL_MODEL, LOCAL_MODEL_ID, label, action, model=model, models=tuple(models)
    )


async def _saved_keys(scan: _Scan, bound: float) -> list[Option]:
    """Providers needing a key or sign-in that already have one (one keyring round trip).

    A keyring slower than ``bound`` (D-Bus activation) counts as empty; keys kept for this run
    are listed all the same.
    """
    try:
        names = await asyncio.wait_for(secrets.stored_names(), bound)
    except SecretStoreError as error:
        scan.keyring_error = str(error)
        names = set()
    except TimeoutError:
        log.info("the keyring did not answer within %.1f s; saved keys are not listed", bound)
        names = set()
    found: list[Option] = []
    for pid, provider in scan.providers.items():
        if not getattr(provider, "needs_auth", False) or secrets.env_key_names(provider):
            continue
        if secrets.credential_status(provider, pid, names):
            found.append(
                Option(
                    Kind.SAVED, pid, provider_label(provider), Action.CHAT,
                    model=_default_model(provider), session_only=secrets.is_session_only(pid),
                )
            )  # fmt: skip
    return found


def _environment_keys(scan: _Scan, skip: Iterable[str]) -> list[Option]:
    """Keys in the variables each provider reads (its ``api_key_env``); names only."""
    skipped = set(skip)
    found: list[Option] = []
    for pid, provider in scan.providers.items():
        if pid in skipped or not getattr(provider, "needs_auth", False):
            continue
        names = secrets.env_key_names(provider)
        if names:
            found.append(
                Option(
                    Kind.ENVIRONMENT, pid, provider_label(provider), Action.CHAT,
                    model=_default_model(provider), variable=names[0],
                )
            )  # fmt: skip
    return found


def _default_model(provider: type[BaseProvider]) -> str | None:
    model = getattr(provider, "default_model", None)
    return str(model) if model else None


# ----- choosing -----------------------------------------------------------------------------------


def preselect(detection: Detection, saved_provider: str | None = None) -> Option | None:
    """The option the window starts on: one that can answer now.

    The saved choice if it can; else a key the user configured (saved, then environment); else
    a local server that answers with models; else the local starter model (first when nothing
    else is configured); None when nothing can answer.
    """
    ready = detection.ready()
    if saved_provider:
        for option in ready:
            if option.provider_id == saved_provider:
                return option
    for kinds in ((Kind.SAVED, Kind.ENVIRONMENT), (Kind.SERVER,), (Kind.LOCAL_MODEL,)):
        for option in ready:
            if option.kind in kinds:
                return option
    return None


def needs_welcome(
    has_conversation: bool,
    providers: Providers,
    stored_names: set[str],
    saved_provider: str | None,
) -> bool:
    """Whether to show the welcome screen instead of an empty chat: no conversation yet, and
    nothing configured (no key or sign-in for any provider, no provider chosen before)."""
    if has_conversation:
        return False
    chosen = providers.get(saved_provider or "")
    if chosen is not None and not getattr(chosen, "needs_auth", False):
        return False  # e.g. Ollama, chosen on purpose before
    return not any(
        getattr(provider, "needs_auth", False)
        and secrets.credential_status(provider, pid, stored_names)
        for pid, provider in providers.items()
    )
