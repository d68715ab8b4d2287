"""Conformance tests: one test per item of the checklist in section 18 of the provider spec.

The spec (``shared/spec/base_provider.md``) is the contract for ``providers/``; every test below is
named after its checklist item and quotes the item in its docstring. The fixture providers ``GenP``,
``SyncP``, ``AsyP``, ``M`` and ``Auth`` are the ones section 18 defines.

This module MUST keep ``from __future__ import annotations``: items 8, 12 and 14 check how
postponed (string) annotations are resolved and rendered.

Items 35-47 use the real Secret Service (``scripts/with-keyring.sh`` starts a private D-Bus session
with an unlocked gnome-keyring); they are skipped only when ``DBUS_SESSION_BUS_ADDRESS`` is unset.
Each of them installs a ``SecretStore`` with a unique service name as the process-wide default store
and removes every entry it created afterwards.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import json
import os
import shutil
import stat
import subprocess
import sys
import sysconfig
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Optional

import pytest

from providers.base_provider import (
    BASIC_PARAMETERS,
    PARAMETER_EXAMPLES,
    SAFE_PARAMETERS,
    AbstractProvider,
    AsyncAuthedProvider,
    AsyncGeneratorProvider,
    AsyncProvider,
    AsyncResult,
    AuthResult,
    BadRequestError,
    CloudflareError,
    CreateResult,
    FinishReason,
    JsonConversation,
    JsonResponse,
    Messages,
    MissingAuthError,
    MissingRequirementsError,
    ModelNotFoundError,
    ModelNotSupportedError,
    NestAsyncioError,
    PaymentRequiredError,
    ProviderError,
    ProviderModelMixin,
    ProviderTimeoutError,
    RaiseErrorMixin,
    RateLimitError,
    Reasoning,
    RequestLogin,
    ResponseError,
    ResponseStatusError,
    Sources,
    Usage,
    concat_chunks,
    format_prompt,
    get_running_loop,
    to_async_iterator,
    to_sync_generator,
)

# --------------------------------------------------------------------------------------------------
# Fixture providers of section 18
# --------------------------------------------------------------------------------------------------


class GenP(AsyncGeneratorProvider, ProviderModelMixin):
    default_model = "m1"
    supports_system_message = True

    @classmethod
    async def create_async_generator(
        cls, model, messages, proxy=None, temperature=None, foo=1, stream=True, **kwargs
    ) -> AsyncResult:
        yield "a"
        yield "b"


class SyncP(AbstractProvider):
    @classmethod
    def create_completion(
        cls, model: str, messages: Messages, stream: bool, n: int = 2, **kwargs
    ) -> CreateResult:
        yield "s"


class AsyP(AsyncProvider):
    @classmethod
    async def create_async(cls, model, messages, **kwargs) -> str:
        return f"async:{model}:{sorted(kwargs)}"


class M(ProviderModelMixin):
    default_model = "d"
    models = ["d", "x"]
    model_aliases = {"al": "x", "lst": ["x", "d"]}


class Auth(AsyncAuthedProvider):
    """Login-based fixture provider.

    Counts logins (``auth_calls``) and requests (``authed_calls``).
    """

    auth_calls = 0
    authed_calls = 0

    @classmethod
    async def on_auth_async(cls, **kwargs) -> AsyncIterator:
        cls.auth_calls += 1
        yield RequestLogin("Auth", "http://127.0.0.1/login")
        # A real login waits for the user; the pause lets a concurrent request (item 43) reach the
        # auth flow while this login is still in progress.
        await asyncio.sleep(0.02)
        yield AuthResult(token="fresh")

    @classmethod
    async def create_authed(
        cls, model, messages, auth_result, temperature: float = None, **kwargs
    ) -> AsyncResult:
        cls.authed_calls += 1
        if auth_result.token == "expired":
            raise MissingAuthError("expired")
        yield "hello"
        yield " world"


# --------------------------------------------------------------------------------------------------
# Further providers used by single items
# --------------------------------------------------------------------------------------------------


class GenPNoSystem(GenP):
    """Item 6."""

    supports_system_message = False


class TypedP(AbstractProvider):
    """Item 8 / 14: one parameter per annotation kind, all with a ``None`` default."""

    @classmethod
    def create_completion(
        cls,
        model: str,
        messages: Messages,
        stream: bool = False,
        max_tokens: int = None,
        web_search: bool = None,
        negative_prompt: str = None,
        guidance_scale: float = None,
        stop: list[str] = None,
        n: Optional[int] = None,  # noqa: UP045 - the checklist's spelling, must resolve to int
        safe=None,
        **kwargs,
    ) -> CreateResult:
        yield "t"


class KeyP(AbstractProvider):
    """Item 9: a signature default holding a (fake) key must never be reported."""

    @classmethod
    def create_completion(
        cls,
        model: str,
        messages: Messages,
        stream: bool = False,
        api_key: str = "sk-test-123",
        **kwargs,
    ) -> CreateResult:
        yield "k"


class SlowSync(AbstractProvider):
    """Item 20: a sync provider that sleeps before its first chunk."""

    @classmethod
    def create_completion(cls, model, messages, stream=False, **kwargs) -> CreateResult:
        time.sleep(0.3)
        yield "late"


class ChunkP(AsyncGeneratorProvider):
    """Item 21: mixed typed chunks; records the thread and loop the generator ran on."""

    seen: dict[str, Any] = {}

    @classmethod
    async def create_async_generator(cls, model, messages, stream=True, **kwargs) -> AsyncResult:
        cls.seen["thread"] = threading.get_ident()
        cls.seen["loop"] = asyncio.get_running_loop()
        yield Reasoning(token="t ")
        yield "a"
        yield FinishReason("stop")
        yield Usage(prompt_tokens=1)
        yield ""
        yield "b"
        yield JsonConversation(id="c")


class FinallyP(AsyncGeneratorProvider):
    """Item 23: sets ``finalised`` in a ``finally`` block."""

    finalised = False

    @classmethod
    async def create_async_generator(cls, model, messages, stream=True, **kwargs) -> AsyncResult:
        try:
            yield "a"
            yield "b"
        finally:
            cls.finalised = True


class Only(ProviderModelMixin):
    """Item 30: only a default model, no model list."""

    default_model = "only"


class Family(Auth):
    """Item 35: a family member sharing the login of ``parent``."""

    parent = "Family"


class Partial(AsyncAuthedProvider):
    """Item 40: fails with ``MissingAuthError`` after a partial answer for the stored record."""

    auth_calls = 0

    @classmethod
    async def on_auth_async(cls, **kwargs) -> AsyncIterator:
        cls.auth_calls += 1
        yield AuthResult(token="relogged")

    @classmethod
    async def create_authed(cls, model, messages, auth_result, **kwargs) -> AsyncResult:
        if auth_result.token == "stored":
            yield "partial-"
            raise MissingAuthError("expired mid-stream")
        yield "hello"


class NoCred(AsyncAuthedProvider):
    """Item 41: a login that never yields an ``AuthResult``."""

    auth_calls = 0

    @classmethod
    async def on_auth_async(cls, **kwargs) -> AsyncIterator:
        cls.auth_calls += 1
        yield RequestLogin("NoCred", "http://127.0.0.1/login")

    @classmethod
    async def create_authed(cls, model, messages, auth_result, **kwargs) -> AsyncResult:
        yield "unreachable"


class AlwaysFail(AsyncAuthedProvider):
    """Item 42: the service rejects every credential before the first chunk."""

    auth_calls = 0
    authed_calls = 0

    @classmethod
    async def on_auth_async(cls, **kwargs) -> AsyncIterator:
        cls.auth_calls += 1
        yield AuthResult(token="new-credential")

    @classmethod
    async def create_authed(cls, model, messages, auth_result, **kwargs) -> AsyncResult:
        cls.authed_calls += 1
        raise MissingAuthError("rejected")
        yield "unreachable"  # makes this an async generator


class NoOverride(AsyncAuthedProvider):
    """Item 44: uses the default ``on_auth_async``; records the ``auth_result`` it receives."""

    received: list[Any] = []

    @classmethod
    async def create_authed(cls, model, messages, auth_result, **kwargs) -> AsyncResult:
        cls.received.append(auth_result)
        yield "ok"


AUTH_CLASSES = (Auth, Family, Partial, NoCred, AlwaysFail, NoOverride)

# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------


async def _collect(aiter: Any) -> list[Any]:
    return [chunk async for chunk in aiter]


def _run_collect(aiter: Any) -> list[Any]:
    return asyncio.run(_collect(aiter))


def _shape(chunks: list[Any]) -> list[Any]:
    """Strings as they are, ``RequestLogin`` chunks as the class (for readable comparisons)."""
    return [RequestLogin if isinstance(c, RequestLogin) else c for c in chunks]


# --------------------------------------------------------------------------------------------------
# Keyring fixture (items 35-47)
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def store(secret_store: Any) -> Any:
    """The default ``SecretStore``, on a keyring service of this test's own (``keyring_service``,
    swept clean afterwards); the fixture providers' counters start at zero."""
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        pytest.skip(
            "needs a real Secret Service: DBUS_SESSION_BUS_ADDRESS is unset "
            "(run under scripts/with-keyring.sh)"
        )
    for cls in AUTH_CLASSES:
        for counter in ("auth_calls", "authed_calls"):
            if counter in cls.__dict__:
                setattr(cls, counter, 0)
    NoOverride.received = []
    return secret_store


# --------------------------------------------------------------------------------------------------
# 1-3: module constants
# --------------------------------------------------------------------------------------------------

SAFE_35 = [
    "model", "messages", "stream", "timeout", "media", "response_format", "prompt",
    "negative_prompt", "tools", "conversation", "history_disabled", "temperature", "top_k",
    "top_p", "frequency_penalty", "presence_penalty", "max_tokens", "stop", "api_key", "seed",
    "width", "height", "max_retries", "web_search", "cache", "guidance_scale",
    "num_inference_steps", "randomize_seed", "safe", "enhance", "private", "aspect_ratio", "n",
    "transparent", "reasoning_effort",
]  # fmt: skip


def test_item_01_safe_parameters_exact_list() -> None:
    """1. `SAFE_PARAMETERS` equals the 35-name list of 3.1, in order; `"proxy"`, `"api_base"`,
    `"base_url"` are absent."""
    assert len(SAFE_35) == 35
    assert list(SAFE_PARAMETERS) == SAFE_35
    for name in ("proxy", "api_base", "base_url"):
        assert name not in SAFE_PARAMETERS


def test_item_02_basic_parameters_exact_dict_and_order() -> None:
    """2. `BASIC_PARAMETERS` equals the dict of 3.2 including key order."""
    expected = {
        "provider": None,
        "model": "",
        "messages": [],
        "stream": False,
        "timeout": 0,
        "response_format": None,
        "max_tokens": 4096,
        "stop": ["stop1", "stop2"],
    }
    assert expected == BASIC_PARAMETERS
    assert list(BASIC_PARAMETERS) == list(expected)


def test_item_03_parameter_examples_exact_dict_and_order() -> None:
    """3. `PARAMETER_EXAMPLES` equals the dict of 3.3 including key order (16 keys)."""
    expected = {
        "proxy": "http://user:password@127.0.0.1:3128",
        "temperature": 1,
        "top_k": 1,
        "top_p": 1,
        "frequency_penalty": 1,
        "presence_penalty": 1,
        "messages": [{"role": "system", "content": ""}, {"role": "user", "content": ""}],
        "media": [["data:image/jpeg;base64,...", "filename.jpg"]],
        "response_format": {"type": "json_object"},
        "conversation": {
            "conversation_id": "550e8400-e29b-11d4-a716-...",
            "message_id": "550e8400-e29b-11d4-a716-...",
        },
        "seed": 42,
        "tools": [],
        "width": 1024,
        "height": 1024,
        "reasoning_effort": "medium",
        "aspect_ratio": "1:1",
    }
    assert len(expected) == 16
    assert expected == PARAMETER_EXAMPLES
    assert list(PARAMETER_EXAMPLES) == list(expected)


# --------------------------------------------------------------------------------------------------
# 4-14: parameter discovery, as_json template, params, parameter types
# --------------------------------------------------------------------------------------------------


def test_item_04_genp_get_parameters_names_and_types() -> None:
    """4. `list(GenP.get_parameters()) == ["model", "messages", "temperature", "stream"]` and every
    value is an `inspect.Parameter`."""
    params = GenP.get_parameters()
    assert list(params) == ["model", "messages", "temperature", "stream"]
    for value in params.values():
        assert isinstance(value, inspect.Parameter)


def test_item_05_genp_as_json_exact_template_and_order() -> None:
    """5. `GenP.get_parameters(as_json=True) == {"provider": "GenP", "model": "m1", "messages":
    [{"role": "system", "content": ""}, {"role": "user", "content": ""}], "stream": True,
    "timeout": 0, "response_format": None, "max_tokens": 4096, "stop": ["stop1", "stop2"],
    "temperature": 1}` and its key order is exactly that."""
    expected = {
        "provider": "GenP",
        "model": "m1",
        "messages": [{"role": "system", "content": ""}, {"role": "user", "content": ""}],
        "stream": True,
        "timeout": 0,
        "response_format": None,
        "max_tokens": 4096,
        "stop": ["stop1", "stop2"],
        "temperature": 1,
    }
    as_json = GenP.get_parameters(as_json=True)
    assert as_json == expected
    assert list(as_json) == list(expected)


def test_item_06_messages_example_without_system_message() -> None:
    """6. With `supports_system_message = False` on a subclass of `GenP`,
    `as_json["messages"] == [{"role": "user", "content": ""}]`."""
    assert GenPNoSystem.get_parameters(as_json=True)["messages"] == [
        {"role": "user", "content": ""}
    ]


def test_item_07_syncp_parameters_and_as_json() -> None:
    """7. `list(SyncP.get_parameters()) == ["model", "messages", "n"]` (`stream` dropped because
    `supports_stream` is False); `SyncP.get_parameters(as_json=True)` has `"stream": False`,
    `"model": ""`, `"n": 2`."""
    assert list(SyncP.get_parameters()) == ["model", "messages", "n"]
    as_json = SyncP.get_parameters(as_json=True)
    assert as_json["stream"] is False
    assert as_json["model"] == ""
    assert as_json["n"] == 2


def test_item_08_as_json_values_from_string_annotations() -> None:
    """8. A provider whose source method has `max_tokens: int = None, web_search: bool = None,
    negative_prompt: str = None, guidance_scale: float = None, stop: list[str] = None,
    n: Optional[int] = None, safe=None` yields in `as_json`: `0`, `False`, `""`, `0.0`, `[]`, `0`,
    `None` respectively."""
    as_json = TypedP.get_parameters(as_json=True)
    expected = {
        "max_tokens": 0,
        "web_search": False,
        "negative_prompt": "",
        "guidance_scale": 0.0,
        "stop": [],
        "n": 0,
        "safe": None,
    }
    got = {name: as_json[name] for name in expected}
    assert got == expected
    # Equality alone would accept 0 for False and 0 for 0.0: check the types too.
    assert {name: type(value) for name, value in got.items()} == {
        name: type(value) for name, value in expected.items()
    }


def test_item_09_api_key_default_never_reported() -> None:
    """9. `api_key: str = "sk-test-123"` in a source method yields `as_json["api_key"] is None`, and
    `"sk-test-123"` appears nowhere in `json.dumps(as_json)` nor in `P.params`."""
    as_json = KeyP.get_parameters(as_json=True)
    assert "api_key" in as_json
    assert as_json["api_key"] is None
    assert "sk-test-123" not in json.dumps(as_json)
    assert "sk-test-123" not in KeyP.params


def test_item_10_as_json_values_are_deep_copies() -> None:
    """10. Mutating `as_json["stop"]` and `as_json["messages"]` leaves
    `BASIC_PARAMETERS["stop"] == ["stop1", "stop2"]` and `PARAMETER_EXAMPLES["messages"]`
    unchanged."""
    examples_before = copy.deepcopy(PARAMETER_EXAMPLES["messages"])
    as_json = GenP.get_parameters(as_json=True)
    as_json["stop"].append("mutated")
    as_json["stop"][0] = "changed"
    as_json["messages"].append({"role": "user", "content": "mutated"})
    as_json["messages"][0]["content"] = "changed"
    assert BASIC_PARAMETERS["stop"] == ["stop1", "stop2"]
    assert PARAMETER_EXAMPLES["messages"] == examples_before
    assert PARAMETER_EXAMPLES["messages"] == [
        {"role": "system", "content": ""},
        {"role": "user", "content": ""},
    ]


def test_item_11_as_json_serialisable_for_every_registered_provider() -> None:
    """11. `json.dumps(P.get_parameters(as_json=True))` succeeds for every registered provider."""
    from providers import registry

    registered = registry.all_providers()
    assert isinstance(registered, dict)
    assert registered, "registry.all_providers() is empty: no registered provider to check"
    fixtures = {cls.__name__: cls for cls in (GenP, SyncP, AsyP, Auth, TypedP, KeyP, ChunkP)}
    failures = {}
    for name, provider in {**registered, **fixtures}.items():
        try:
            json.dumps(provider.get_parameters(as_json=True))
        except Exception as exc:  # report every provider, not only the first
            failures[name] = f"{type(exc).__name__}: {exc}"
    assert failures == {}


SYNCP_PARAMS = (
    "providers.SyncP supports: (\n    model: str,\n    messages: Messages,\n    n: int = 2,\n)"
)


def test_item_12_params_string() -> None:
    """12. `SyncP.params == "providers.SyncP supports: (\\n    model: str,\\n    messages: Messages,
    \\n    n: int = 2,\\n)"` and `isinstance(SyncP.params, str)` (also on Python 3.13; see the next
    test for the 3.13 run)."""
    assert isinstance(SyncP.params, str)
    assert SyncP.params == SYNCP_PARAMS


_PY313_SCRIPT = """
from __future__ import annotations
import sys
try:
    from providers.base_provider import AbstractProvider, Messages
except ImportError as exc:
    print("SKIP", type(exc).__name__, exc)
    sys.exit(0)

class SyncP(AbstractProvider):
    @classmethod
    def create_completion(cls, model: str, messages: Messages, stream: bool, n: int = 2, **kwargs):
        yield "s"

print("TYPE", type(SyncP.params).__name__)
print("VALUE", repr(SyncP.params))
"""


def _python313() -> str | None:
    """A Python 3.13 interpreter: a sibling of this one (pyenv layout) or one on PATH."""
    candidates = sorted(Path(sys.base_prefix).parent.glob("3.13*/bin/python3.13"))
    candidates += [Path(found) for found in [shutil.which("python3.13")] if found]
    for path in candidates:
        try:
            proc = subprocess.run(
                [str(path), "-c", "import sys; print(sys.version_info[:2] == (3, 13))"],
                capture_output=True,
                text=True,
                timeout=30,
            )
        except OSError:
            continue
        if proc.stdout.strip() == "True":  # a pyenv shim may exist without a usable 3.13
            return str(path)
    return None


def test_item_12_params_string_on_python_313() -> None:
    """12 (Python 3.13 part). `SyncP.params` is the same `str` when the framework runs on Python
    3.13, where `@classmethod @property` no longer works."""
    if sys.version_info >= (3, 13):
        pytest.skip("this interpreter is already 3.13+: covered by test_item_12_params_string")
    python = _python313()
    if python is None:
        pytest.skip("no Python 3.13 interpreter found (beside this one, or python3.13 on PATH)")
    # The framework is pure Python; its dependencies are taken from this venv when they are pure
    # Python too. A compiled dependency fails to import under 3.13 -> skip, not fail.
    paths = [str(Path(__file__).resolve().parents[2]), sysconfig.get_paths()["purelib"]]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run(
        [python, "-c", _PY313_SCRIPT], capture_output=True, text=True, env=env, timeout=60
    )
    if proc.stdout.startswith("SKIP"):
        pytest.skip(f"providers does not import under Python 3.13 here: {proc.stdout.strip()}")
    assert proc.returncode == 0, proc.stderr
    assert f"TYPE str\nVALUE {SYNCP_PARAMS!r}\n" == proc.stdout


def test_item_13_authed_provider_inspects_create_authed() -> None:
    """13. `list(Auth.get_parameters()) == ["model", "messages", "temperature"]` (inspects
    `create_authed`; `auth_result` not reported)."""
    assert list(Auth.get_parameters()) == ["model", "messages", "temperature"]


def test_item_14_parameter_types() -> None:
    """14. `SyncP.get_parameter_types()["n"] is int`; for item 8's provider the `n` entry is `int`
    and the `safe` entry is `None`."""
    assert SyncP.get_parameter_types()["n"] is int
    types = TypedP.get_parameter_types()
    assert types["n"] is int
    assert "safe" in types
    assert types["safe"] is None


# --------------------------------------------------------------------------------------------------
# 15-26: create functions, sync/async bridges, helpers
# --------------------------------------------------------------------------------------------------


def test_item_15_create_functions() -> None:
    """15. `GenP.get_create_function() == GenP.create_completion`,
    `GenP.get_async_create_function() == GenP.create_async_generator`,
    `AsyP.get_async_create_function() == AsyP.create_async`,
    `SyncP.get_async_create_function() == SyncP.create_async`."""
    assert GenP.get_create_function() == GenP.create_completion
    assert GenP.get_async_create_function() == GenP.create_async_generator
    assert AsyP.get_async_create_function() == AsyP.create_async
    assert SyncP.get_async_create_function() == SyncP.create_async


def test_item_16_genp_create_completion_without_loop() -> None:
    """16. `list(GenP.create_completion("m", []))` and
    `list(GenP.create_completion("m", [], stream=False))` both equal `["a", "b"]` when no loop is
    running."""
    assert get_running_loop(check_nested=False) is None
    assert list(GenP.create_completion("m", [])) == ["a", "b"]
    assert list(GenP.create_completion("m", [], stream=False)) == ["a", "b"]


def test_item_17_sync_bridge_inside_running_loop_raises() -> None:
    """17. Iterating `GenP.create_completion("m", [])` inside a running event loop raises
    `NestAsyncioError`, which is an instance of `RuntimeError` and of `MissingRequirementsError`."""

    async def check() -> BaseException:
        gen = GenP.create_completion("m", [])
        with pytest.raises(NestAsyncioError) as info:
            next(gen)
        return info.value

    error = asyncio.run(check())
    assert isinstance(error, NestAsyncioError)
    assert isinstance(error, RuntimeError)
    assert isinstance(error, MissingRequirementsError)


def test_item_18_async_provider_create_completion() -> None:
    """18. `AsyP.create_completion("m", [], stream=True, temperature=1)` is a generator; `list()` of
    it is `["async:m:['temperature']"]`."""
    gen = AsyP.create_completion("m", [], stream=True, temperature=1)
    assert inspect.isgenerator(gen)
    assert list(gen) == ["async:m:['temperature']"]


def test_item_19_sync_provider_create_async() -> None:
    """19. `asyncio.run(SyncP.create_async("m", []))` returns `"s"`."""
    assert asyncio.run(SyncP.create_async("m", [])) == "s"


def test_item_20_create_async_timeout() -> None:
    """20. A sync provider sleeping 0.3 s before its first chunk, called as
    `create_async("m", [], timeout=0.05)`, raises `ProviderTimeoutError` (also
    `isinstance(e, TimeoutError)`) with message
    `The operation timed out after 0.05 seconds in <ClassName>`."""
    with pytest.raises(ProviderTimeoutError) as info:
        asyncio.run(SlowSync.create_async("m", [], timeout=0.05))
    assert isinstance(info.value, TimeoutError)
    assert str(info.value) == "The operation timed out after 0.05 seconds in SlowSync"


def test_item_21_async_generator_create_async_on_callers_loop() -> None:
    """21. An `AsyncGeneratorProvider` yielding `Reasoning(token="t ")`, `"a"`,
    `FinishReason("stop")`, `Usage(prompt_tokens=1)`, `""`, `"b"`, `JsonConversation(id="c")` gives
    `await P.create_async("m", []) == "t ab"`, and `create_async_generator` ran in the caller's
    thread (no worker thread)."""
    ChunkP.seen.clear()

    async def call() -> tuple[str, int, asyncio.AbstractEventLoop]:
        result = await ChunkP.create_async("m", [])
        return result, threading.get_ident(), asyncio.get_running_loop()

    result, caller_thread, caller_loop = asyncio.run(call())
    assert result == "t ab"
    assert ChunkP.seen["thread"] == caller_thread
    assert ChunkP.seen["loop"] is caller_loop  # no second event loop either


def test_item_22_concat_chunks() -> None:
    """22. `concat_chunks(["x", None, "", FinishReason("s"), ValueError("e"), JsonResponse(a=1)])
    == "x"`."""
    chunks = ["x", None, "", FinishReason("s"), ValueError("e"), JsonResponse(a=1)]
    assert concat_chunks(chunks) == "x"


def test_item_23_close_runs_finally_and_unsets_loop() -> None:
    """23. For an `AsyncGeneratorProvider` whose generator yields `"a"`, `"b"` inside
    `try`/`finally` (the `finally` sets a flag): taking one item from `create_completion("m", [])`
    and calling `close()` on the iterator sets the flag before `close()` returns, and leaves no
    event loop set for the thread."""
    # Run in a fresh thread: outside the main thread the event-loop policy never creates a loop
    # on demand, so `get_event_loop()` raising RuntimeError proves that none is left set.
    state: dict[str, Any] = {}

    def scenario() -> None:
        try:
            FinallyP.finalised = False
            it = FinallyP.create_completion("m", [])
            state["first"] = next(it)
            state["flag_before_close"] = FinallyP.finalised
            it.close()
            state["flag_after_close"] = FinallyP.finalised
            try:
                loop = asyncio.get_event_loop_policy().get_event_loop()
            except RuntimeError:
                loop = None
            state["left_loop"] = None if loop is None else f"{loop!r} closed={loop.is_closed()}"
        except BaseException as exc:  # reported below, in the test's thread
            state["error"] = exc

    worker = threading.Thread(target=scenario)
    worker.start()
    worker.join(5)
    assert not worker.is_alive()
    assert "error" not in state, state.get("error")
    assert state["first"] == "a"
    assert state["flag_before_close"] is False
    assert state["flag_after_close"] is True
    assert state["left_loop"] is None


def test_item_24_to_sync_generator_timeout() -> None:
    """24. `to_sync_generator(agen, timeout=0.05)` over an async generator that sleeps 1 s raises
    `ProviderTimeoutError`."""

    async def sleepy() -> AsyncIterator[str]:
        await asyncio.sleep(1)
        yield "late"

    started = time.monotonic()
    with pytest.raises(ProviderTimeoutError):
        list(to_sync_generator(sleepy(), timeout=0.05))
    assert time.monotonic() - started < 0.9  # the timeout fired, not the end of the sleep


def test_item_25_to_async_iterator() -> None:
    """25. `to_async_iterator("abc")` yields `["abc"]`; over a coroutine returning 5 yields `[5]`;
    over `iter([1, 2])` yields `[1, 2]`."""

    async def five() -> int:
        return 5

    assert _run_collect(to_async_iterator("abc")) == ["abc"]
    assert _run_collect(to_async_iterator(five())) == [5]
    assert _run_collect(to_async_iterator(iter([1, 2]))) == [1, 2]


def test_item_26_get_running_loop() -> None:
    """26. `get_running_loop(check_nested=False)` returns `None` outside a loop and the running loop
    inside one; `get_running_loop(check_nested=True)` inside a loop raises `NestAsyncioError`; no
    loop class gains a `_nest_patched` attribute."""
    assert get_running_loop(check_nested=False) is None

    async def inside() -> tuple[bool, asyncio.AbstractEventLoop]:
        loop = asyncio.get_running_loop()
        same = get_running_loop(check_nested=False) is loop
        with pytest.raises(NestAsyncioError):
            get_running_loop(check_nested=True)
        return same, loop

    same, loop = asyncio.run(inside())
    assert same
    patched = [
        cls.__name__
        for cls in {type(loop), asyncio.BaseEventLoop, asyncio.SelectorEventLoop,
                    asyncio.AbstractEventLoop, *type(loop).__mro__}
        if hasattr(cls, "_nest_patched")
    ]  # fmt: skip
    assert patched == []
    assert not hasattr(loop, "_nest_patched")


# --------------------------------------------------------------------------------------------------
# 27-30: ProviderModelMixin
# --------------------------------------------------------------------------------------------------


def test_item_27_get_model_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """27. `M.get_model("") == "d"` and `M.get_model(None) == "d"`, and `M.last_model == "d"`
    afterwards."""
    monkeypatch.setattr(M, "last_model", None)
    assert M.get_model("") == "d"
    M.last_model = None
    assert M.get_model(None) == "d"
    assert M.last_model == "d"


def test_item_28_get_model_aliases() -> None:
    """28. `M.get_model("al") == "x"`; `M.get_model("lst") in ("x", "d")` over 20 calls and never
    returns a list."""
    assert M.get_model("al") == "x"
    for _ in range(20):
        chosen = M.get_model("lst")
        assert not isinstance(chosen, list)
        assert chosen in ("x", "d")


def test_item_29_get_model_unknown() -> None:
    """29. `M.get_model("zzz")` raises `ModelNotSupportedError` (also a `ModelNotFoundError`) with
    message `Model is not supported: zzz in: M Valid models: ['d', 'x']`."""
    with pytest.raises(ModelNotSupportedError) as info:
        M.get_model("zzz")
    assert isinstance(info.value, ModelNotFoundError)
    assert str(info.value) == "Model is not supported: zzz in: M Valid models: ['d', 'x']"


def test_item_30_default_model_only_and_shared_defaults_untouched() -> None:
    """30. A mixin class with `default_model = "only"` and no `models`: `get_models() == ["only"]`,
    its `models` attribute stays `[]`, and `get_model("other") == "other"`;
    `ProviderModelMixin.models == []` and `ProviderModelMixin.model_aliases == {}` after all model
    tests."""
    assert Only.get_models() == ["only"]
    assert Only.models == []
    assert Only.get_model("other") == "other"
    assert Only.models == []
    # Exercise the other model paths again so this item holds whatever the test order.
    M.get_model("")
    M.get_model("al")
    M.get_model("lst")
    with pytest.raises(ModelNotSupportedError):
        M.get_model("zzz")
    GenP.get_models()
    GenP.get_model(None)
    assert ProviderModelMixin.models == []
    assert ProviderModelMixin.model_aliases == {}


# --------------------------------------------------------------------------------------------------
# 31-34: RaiseErrorMixin, error hierarchy
# --------------------------------------------------------------------------------------------------


def test_item_31_raise_error_status_mapping() -> None:
    """31. `raise_error({"error": "bad"}, 401)` raises `MissingAuthError("Error 401: bad")`; with
    402 `PaymentRequiredError("Error 402: bad")`; with 400 `BadRequestError`; with 429
    `RateLimitError`; with 500 `ResponseError("Error 500: bad")`."""
    with pytest.raises(MissingAuthError) as info:
        RaiseErrorMixin.raise_error({"error": "bad"}, 401)
    assert str(info.value) == "Error 401: bad"
    with pytest.raises(PaymentRequiredError) as info:
        RaiseErrorMixin.raise_error({"error": "bad"}, 402)
    assert str(info.value) == "Error 402: bad"
    with pytest.raises(BadRequestError):
        RaiseErrorMixin.raise_error({"error": "bad"}, 400)
    with pytest.raises(RateLimitError):
        RaiseErrorMixin.raise_error({"error": "bad"}, 429)
    with pytest.raises(ResponseError) as info:
        RaiseErrorMixin.raise_error({"error": "bad"}, 500)
    assert str(info.value) == "Error 500: bad"


def test_item_32_raise_error_message_shapes() -> None:
    """32. `raise_error({"error": {"code": 42, "message": "m", "failed_generation": "fg"}})` raises
    `ResponseError("Error: Error 42: m\\nfg")`;
    `raise_error({"error": {"code": 0, "message": "m"}})` raises `ResponseError("Error: m")`;
    `raise_error({"error_message": "boom"}, 401)` raises `MissingAuthError("Error 401: boom")`;
    `raise_error({"error": True})` raises `ResponseError("Error: {'error': True}")`."""
    with pytest.raises(ResponseError) as info:
        RaiseErrorMixin.raise_error(
            {"error": {"code": 42, "message": "m", "failed_generation": "fg"}}
        )
    assert str(info.value) == "Error: Error 42: m\nfg"
    with pytest.raises(ResponseError) as info:
        RaiseErrorMixin.raise_error({"error": {"code": 0, "message": "m"}})
    assert str(info.value) == "Error: m"
    with pytest.raises(MissingAuthError) as info:
        RaiseErrorMixin.raise_error({"error_message": "boom"}, 401)
    assert str(info.value) == "Error 401: boom"
    with pytest.raises(ResponseError) as info:
        RaiseErrorMixin.raise_error({"error": True})
    assert str(info.value) == "Error: {'error': True}"


def test_item_33_raise_error_no_error() -> None:
    """33. `raise_error({"error": None})`, `raise_error({"error": False})`, `raise_error({})`,
    `raise_error({"choices": []})` all return `None`."""
    assert RaiseErrorMixin.raise_error({"error": None}) is None
    assert RaiseErrorMixin.raise_error({"error": False}) is None
    assert RaiseErrorMixin.raise_error({}) is None
    assert RaiseErrorMixin.raise_error({"choices": []}) is None


SECTION_13_ERRORS = [
    "ProviderError", "ProviderNotFoundError", "ProviderNotWorkingError", "StreamNotSupportedError",
    "ModelNotFoundError", "ModelNotSupportedError", "ModelNotAllowedError", "RetryProviderError",
    "RetryNoProviderError", "VersionNotFoundError", "MissingRequirementsError", "NestAsyncioError",
    "MissingAuthError", "PaymentRequiredError", "NoMediaResponseError", "NoValidHarFileError",
    "ConversationLimitError", "ProviderException", "ResponseError", "ResponseStatusError",
    "CloudflareError", "BadRequestError", "RateLimitError", "ProviderTimeoutError",
    "SecretStoreError",
]  # fmt: skip


def test_item_34_error_hierarchy() -> None:
    """34. `BadRequestError`, `RateLimitError`, `CloudflareError` are subclasses of
    `ResponseStatusError` and `ResponseError`; every class of section 13 derives from
    `ProviderError`."""
    import providers.base_provider as facade

    for cls in (BadRequestError, RateLimitError, CloudflareError):
        assert issubclass(cls, ResponseStatusError)
        assert issubclass(cls, ResponseError)
    missing = [name for name in SECTION_13_ERRORS if not hasattr(facade, name)]
    assert missing == [], "section 13 errors not exported by providers.base_provider"
    not_derived = [
        name for name in SECTION_13_ERRORS if not issubclass(getattr(facade, name), ProviderError)
    ]
    assert not_derived == []


# --------------------------------------------------------------------------------------------------
# 35-47: AuthFileMixin / AsyncAuthedProvider on the real Secret Service
# --------------------------------------------------------------------------------------------------


@pytest.mark.keyring
def test_item_35_cache_entry_names(store: Any) -> None:
    """35. `Auth.get_cache_file().name == "auth_Auth.json"`; for a subclass with `parent = "Family"`
    it is `"auth_Family.json"`; `str(Auth.get_cache_file())` starts with `keyring://`."""
    assert Auth.get_cache_file().name == "auth_Auth.json"
    assert Family.get_cache_file().name == "auth_Family.json"
    assert str(Auth.get_cache_file()).startswith("keyring://")


# Directory names never searched for the token: VCS data, virtualenvs and installed packages, and
# caches of compiled sources / tool results (``__pycache__`` holds the compiled constants of this
# module, which contain the token as test data).
_SKIP_DIRS = {
    ".git", ".venv", "venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache",
    "node_modules", "site-packages", ".pyenv",
}  # fmt: skip
_MAX_SCAN_BYTES = 5 * 1024 * 1024


def _scan_roots() -> tuple[list[Path], Path]:
    """(home and the app's data/config/cache directories, the CWD).

    The whole home is read only inside the private keyring session of ``scripts/with-keyring.sh``
    (``ROUNDTABLE_PRIVATE_KEYRING=1``, a throw-away HOME); against a developer's own session the
    scan keeps to the app's directories and the CWD instead of reading every file of a real home.
    """
    import platformdirs

    home = [Path.home()] if os.environ.get("ROUNDTABLE_PRIVATE_KEYRING") == "1" else []
    user_dirs = [
        *home,
        Path(platformdirs.user_data_dir("roundtable")),
        Path(platformdirs.user_config_dir("roundtable")),
        Path(platformdirs.user_cache_dir("roundtable")),
    ]
    return user_dirs, Path.cwd()


def _files_containing(token: bytes, roots: list[Path]) -> dict[Path, tuple[int, int]]:
    """Regular files under `roots` whose bytes contain `token`: path -> (size, mtime_ns).

    Excluded: ``_SKIP_DIRS``, files over 5 MB, and the ``tests/`` directory of the CWD, whose
    sources (this module and other test modules) contain the checklist's literal token as test data.
    gnome-keyring's own store (``~/.local/share/keyrings``) IS scanned: it is encrypted, so the
    token must not appear in it in plaintext either.
    """
    tests_dir = (Path.cwd() / "tests").resolve()
    found: dict[Path, tuple[int, int]] = {}
    seen: set[Path] = set()
    for root in roots:
        if not root.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            here = Path(dirpath).resolve()
            if here in seen or here == tests_dir:
                dirnames[:] = []
                continue
            seen.add(here)
            dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS]
            for filename in filenames:
                path = here / filename
                try:
                    info = path.lstat()
                    if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_SCAN_BYTES:
                        continue
                    if token in path.read_bytes():
                        found[path] = (info.st_size, info.st_mtime_ns)
                except OSError:
                    continue
    return found


@pytest.mark.keyring
def test_item_36_first_login_stored_only_in_keyring(store: Any) -> None:
    """36. No stored login: `Auth.create_async_generator("m", [])` yields a `RequestLogin`, then
    `"hello"`, then `" world"`; `on_auth_async` ran once; afterwards the keyring holds
    `{"token": "fresh"}` under `auth_Auth` and no file containing `fresh` exists under the home,
    data, config or cache directories or the CWD."""
    # The CWD is the project tree, shared with other engineers: its sources may already use the
    # word (a comment about "a fresh event loop", "freshly started"), so there only files that the
    # login creates or changes count. Home and the app directories (a throw-away HOME under
    # scripts/with-keyring.sh) must hold no such file at all.
    user_dirs, cwd = _scan_roots()
    cwd_before = _files_containing(b"fresh", [cwd])
    assert store.get("auth_Auth") is None

    chunks = _run_collect(Auth.create_async_generator("m", []))

    assert _shape(chunks) == [RequestLogin, "hello", " world"]
    assert Auth.auth_calls == 1
    raw = store.get("auth_Auth")
    assert raw is not None
    assert json.loads(raw) == {"token": "fresh"}
    leaks = sorted(map(str, _files_containing(b"fresh", user_dirs)))
    leaks += sorted(
        str(path)
        for path, signature in _files_containing(b"fresh", [cwd]).items()
        if cwd_before.get(path) != signature
    )
    assert leaks == []


@pytest.mark.keyring
def test_item_37_stored_valid_login(store: Any) -> None:
    """37. Stored valid login: output is `"hello", " world"` and `on_auth_async` is not called."""
    store.set("auth_Auth", json.dumps({"token": "valid"}))
    assert _run_collect(Auth.create_async_generator("m", [])) == ["hello", " world"]
    assert Auth.auth_calls == 0


@pytest.mark.keyring
def test_item_38_stored_expired_login(store: Any) -> None:
    """38. Stored `{"token": "expired"}`: output is `RequestLogin, "hello", " world"`,
    `create_authed` ran twice, the record now holds `{"token": "fresh"}`."""
    store.set("auth_Auth", json.dumps({"token": "expired"}))
    chunks = _run_collect(Auth.create_async_generator("m", []))
    assert _shape(chunks) == [RequestLogin, "hello", " world"]
    assert Auth.authed_calls == 2
    assert json.loads(store.get("auth_Auth")) == {"token": "fresh"}


@pytest.mark.keyring
def test_item_39_stored_invalid_json(store: Any) -> None:
    """39. Stored text `"{not json"`: output is `RequestLogin, "hello", " world"` (record deleted,
    then rewritten)."""
    store.set("auth_Auth", "{not json")
    chunks = _run_collect(Auth.create_async_generator("m", []))
    assert _shape(chunks) == [RequestLogin, "hello", " world"]
    assert Auth.auth_calls == 1
    assert json.loads(store.get("auth_Auth")) == {"token": "fresh"}


@pytest.mark.keyring
def test_item_40_no_relogin_after_partial_output(store: Any) -> None:
    """40. A `create_authed` that yields `"partial-"` and then raises `MissingAuthError` for the
    stored record: the consumer receives `"partial-"` then `MissingAuthError`; `on_auth_async` is
    not called."""
    store.set("auth_Partial", json.dumps({"token": "stored"}))
    received: list[Any] = []

    async def consume() -> None:
        async for chunk in Partial.create_async_generator("m", []):
            received.append(chunk)

    with pytest.raises(MissingAuthError):
        asyncio.run(consume())
    assert received == ["partial-"]
    assert Partial.auth_calls == 0


@pytest.mark.keyring
def test_item_41_login_without_credentials(store: Any) -> None:
    """41. An `on_auth_async` that yields only `RequestLogin`: the stream raises `MissingAuthError`
    and nothing is stored."""
    with pytest.raises(MissingAuthError):
        _run_collect(NoCred.create_async_generator("m", []))
    assert NoCred.auth_calls == 1
    assert store.get("auth_NoCred") is None
    assert NoCred.get_cache_file().exists() is False


@pytest.mark.keyring
def test_item_42_fresh_credentials_rejected(store: Any) -> None:
    """42. A `create_authed` that also fails on the fresh credentials before its first chunk:
    `MissingAuthError` propagates, `on_auth_async` ran exactly once, no record is stored."""
    with pytest.raises(MissingAuthError):
        _run_collect(AlwaysFail.create_async_generator("m", []))
    assert AlwaysFail.auth_calls == 1
    assert store.get("auth_AlwaysFail") is None
    assert AlwaysFail.get_cache_file().exists() is False


@pytest.mark.keyring
def test_item_43_concurrent_requests_share_one_login(store: Any) -> None:
    """43. Two concurrent `create_async_generator` calls on `Auth` with no stored login both yield
    `"hello", " world"` and `on_auth_async` ran exactly once."""

    async def both() -> list[list[Any]]:
        return list(
            await asyncio.gather(
                _collect(Auth.create_async_generator("m", [])),
                _collect(Auth.create_async_generator("m", [])),
            )
        )

    first, second = asyncio.run(both())
    assert [c for c in first if isinstance(c, str)] == ["hello", " world"]
    assert [c for c in second if isinstance(c, str)] == ["hello", " world"]
    assert Auth.auth_calls == 1


@pytest.mark.keyring
def test_item_44_default_on_auth_async(store: Any) -> None:
    """44. A provider without `on_auth_async` override, called without `api_key` and no stored
    login, raises `MissingAuthError("API key is required for <Name>")`; called with `api_key="k"` it
    runs `create_authed` with an empty `AuthResult` (no `TypeError`)."""
    with pytest.raises(MissingAuthError) as info:
        _run_collect(NoOverride.create_async_generator("m", []))
    assert str(info.value) == "API key is required for NoOverride"
    assert NoOverride.received == []

    assert _run_collect(NoOverride.create_async_generator("m", [], api_key="k")) == ["ok"]
    assert len(NoOverride.received) == 1
    assert isinstance(NoOverride.received[0], AuthResult)
    assert NoOverride.received[0].get_dict() == {}


@pytest.mark.keyring
def test_item_45_sync_path_same_as_async(store: Any) -> None:
    """45. `list(Auth.create_completion("m", []))` (no stored login) equals the item-36 output (sync
    path)."""
    chunks = list(Auth.create_completion("m", []))
    assert _shape(chunks) == [RequestLogin, "hello", " world"]
    assert Auth.auth_calls == 1
    assert json.loads(store.get("auth_Auth")) == {"token": "fresh"}


@pytest.mark.keyring
def test_item_46_long_record_is_chunked(store: Any) -> None:
    """46. Writing an `AuthResult` whose JSON is 5000 characters stores at least 5 parts, each
    ≤ 1000 characters; `get_auth_result().get_dict()` equals the original; `unlink()` removes main
    entry and all parts."""
    import keyring

    service = store.service
    original = AuthResult(token="x" * 4987)
    assert len(json.dumps(original.get_dict())) == 5000
    entry = Auth.get_cache_file()
    Auth.write_cache_file(entry, original)

    parts = []
    while (part := keyring.get_password(service, f"auth_Auth#{len(parts)}")) is not None:
        parts.append(part)
    assert len(parts) >= 5
    assert all(len(part) <= 1000 for part in parts)
    assert Auth.get_auth_result().get_dict() == original.get_dict()

    entry.unlink()
    assert entry.exists() is False
    assert store.get("auth_Auth") is None
    assert keyring.get_password(service, "auth_Auth") is None
    leftover = [
        i
        for i in range(len(parts) + 2)
        if keyring.get_password(service, f"auth_Auth#{i}") is not None
    ]
    assert leftover == []


@pytest.mark.keyring
def test_item_47_secrets_never_in_repr_or_messages(store: Any) -> None:
    """47. `repr(AuthResult(token="sekret"))` and `str(Auth.get_cache_file())` do not contain
    `"sekret"`; `write_cache_file(entry, AuthResult(token="sekret", bad={(1, 2): 1}))` (a tuple key
    JSON cannot encode) raises `RuntimeError` whose message does not contain `"sekret"`, and stores
    nothing."""
    assert "sekret" not in repr(AuthResult(token="sekret"))

    entry = Auth.get_cache_file()
    with pytest.raises(RuntimeError) as info:
        Auth.write_cache_file(entry, AuthResult(token="sekret", bad={(1, 2): 1}))
    assert "sekret" not in str(info.value)
    assert entry.exists() is False
    assert store.get("auth_Auth") is None

    # With a record holding the secret, the entry still renders without it.
    Auth.write_cache_file(entry, AuthResult(token="sekret"))
    assert "sekret" not in str(Auth.get_cache_file())
    assert "sekret" not in repr(Auth.get_cache_file())


# --------------------------------------------------------------------------------------------------
# 48-50: format_prompt and response types
# --------------------------------------------------------------------------------------------------


def test_item_48_format_prompt() -> None:
    """48. `format_prompt([{"role": "system", "content": "S"}, {"role": "user", "content": "U"},
    {"role": "assistant", "content": "  "}, {"role": "user", "content": [{"type": "text", "text":
    "T"}, {"type": "image_url", "image_url": {"url": "x"}}]}])` equals
    `"System: S\\nUser: U\\nUser: T\\nAssistant:"`; with `do_continue=True` the suffix is absent;
    with `include_system=False` the `System:` line is absent; a single message returns its content;
    `format_prompt([])` raises `ValueError`."""
    messages = [
        {"role": "system", "content": "S"},
        {"role": "user", "content": "U"},
        {"role": "assistant", "content": "  "},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "T"},
                {"type": "image_url", "image_url": {"url": "x"}},
            ],
        },
    ]
    assert format_prompt(messages) == "System: S\nUser: U\nUser: T\nAssistant:"
    assert format_prompt(messages, do_continue=True) == "System: S\nUser: U\nUser: T"
    assert format_prompt(messages, include_system=False) == "User: U\nUser: T\nAssistant:"
    assert format_prompt([{"role": "user", "content": "only"}]) == "only"
    with pytest.raises(ValueError):
        format_prompt([])


def test_item_49_usage_normalisation() -> None:
    """49. `Usage(input_tokens=3, output_tokens=4).get_dict() == {"prompt_tokens": 3,
    "completion_tokens": 4, "total_tokens": 7}` and
    `Usage(promptTokenCount=1, candidatesTokenCount=2).get_dict()["total_tokens"] == 3`."""
    assert Usage(input_tokens=3, output_tokens=4).get_dict() == {
        "prompt_tokens": 3,
        "completion_tokens": 4,
        "total_tokens": 7,
    }
    assert Usage(promptTokenCount=1, candidatesTokenCount=2).get_dict()["total_tokens"] == 3


def test_item_50_response_type_strings() -> None:
    """50. `str(Reasoning(token="t")) == "t"`, `str(Reasoning(status="s", label="L")) == "L: s\\n"`,
    `str(Reasoning(is_thinking="<think>")) == "<think>"`; `str(FinishReason("stop")) == ""`;
    `str(Sources([{"url": "https://a.com/p?utm_source=z", "title": "T"}])) ==
    "\\n\\n\\n\\n> [0] [T](https://a.com/p)"`."""
    assert str(Reasoning(token="t")) == "t"
    assert str(Reasoning(status="s", label="L")) == "L: s\n"
    assert str(Reasoning(is_thinking="<think>")) == "<think>"
    assert str(FinishReason("stop")) == ""
    sources = Sources([{"url": "https://a.com/p?utm_source=z", "title": "T"}])
    assert str(sources) == "\n\n\n\n> [0] [T](https://a.com/p)"
