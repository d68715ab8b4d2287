"""Side-by-side comparison: ``CompareRun`` without widgets (asyncio.run) and the window with real
widgets on the qasync loop, both against loopback vendor servers over real sockets.

Concurrency is shown, not assumed: one server stalls mid-answer while the other column finishes,
so an implementation that ran columns one after another (or waited for all before showing
anything) would fail the ordering assertions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton, QWidget

from app.core.compare import Column, CompareListener, CompareRun, RequestConfig
from app.core.settings import Settings
from app.ui.compare_column import CompareColumn, format_stats
from app.ui.compare_view import COLUMNS_KEY, MAX_COLUMNS, CompareWindow, open_compare_window
from providers import credentials
from providers.registry import get_provider
from tests.app.conftest import Loop
from tests.keyring_support import requires_secret_service
from tests.servers import DEFAULT_KEY, AnthropicServer, Error, OpenAIServer, Stream
from tests.servers.openwebui_server import DEFAULT_USER, OpenWebUIServer

SLOW = "The slow column pauses after its first words and only then goes on to the end."
QUICK = "The quick column answers in a handful of chunks."


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch, keyring_service: str) -> None:
    """Keys from the environment (the providers' own lookup), a private keyring service."""
    monkeypatch.setenv("OPENAI_API_KEY", DEFAULT_KEY)
    monkeypatch.setenv("ANTHROPIC_API_KEY", DEFAULT_KEY)


def spec(provider_id: str, model: str, server: Any, **params: Any) -> RequestConfig:
    base_url = server.base_url if provider_id == "openai" else server.url
    return RequestConfig(
        provider=get_provider(provider_id), provider_id=provider_id, model=model,
        params=params, base_url=base_url,
    )  # fmt: skip


class Recorder(CompareListener):
    """Every report in order, by column key."""

    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []
        self.first: dict[int, asyncio.Future[None]] = {}

    def column_started(self, column: Column) -> None:
        self.events.append(("started", column.key))

    def first_token(self, column: Column) -> None:
        self.events.append(("first", column.key))
        future = self.first.get(column.key)
        if future is not None and not future.done():
            future.set_result(None)

    def column_finished(self, column: Column) -> None:
        self.events.append(("stopped" if column.stopped else "finished", column.key))

    def column_failed(self, column: Column) -> None:
        self.events.append(("failed", column.key))

    def busy_changed(self, busy: bool) -> None:
        self.events.append(("busy", busy))

    def wait_first(self, key: int) -> asyncio.Future[None]:
        self.first[key] = asyncio.get_running_loop().create_future()
        return self.first[key]


def chats(server: Any) -> list[Any]:
    return [request for request in server.requests if request.kind == "chat"]


def figures(columns: list[Column]) -> str:
    return "; ".join(
        f"{c.spec.title}: ttft {c.time_to_first_token or 0:.3f} s, total {c.elapsed or 0:.3f} s, "
        f"{c.output_tokens} tokens, {c.tokens_per_second or 0:.0f} tok/s"
        for c in columns
    )


# ----- CompareRun, no widgets ---------------------------------------------------------------------


@pytest.mark.usefixtures("keys")
def test_columns_on_two_servers_stream_at_the_same_time(
    openai_server: OpenAIServer, anthropic_server: AnthropicServer
) -> None:
    openai_server.push(Stream(text=SLOW, stall_after=3, stall_seconds=1.0))  # role + 2 words
    anthropic_server.push(Stream(text=QUICK, chunk_count=4, delay=0.03))  # ~0.3 s
    recorder = Recorder()
    run = CompareRun(
        [spec("openai", "gpt-4o-mini", openai_server),
         spec("anthropic", "claude-haiku-4-5", anthropic_server)],
        listener=recorder,
    )  # fmt: skip
    slow, quick = run.columns

    async def go() -> None:
        assert run.start("Hi", "Be brief.")
        assert run.busy and slow.state == quick.state == "running"
        assert not run.start("again")  # one prompt at a time
        await run.wait()

    asyncio.run(go())
    print("\ncore concurrency:", figures(run.columns))
    assert (slow.text, quick.text) == (SLOW, QUICK)
    assert slow.state == quick.state == "finished"
    assert slow.first_token_at is not None and quick.ended_at is not None
    assert slow.ended_at is not None
    # The slow column's first words came before the quick one ended, which ended long before the
    # slow one: both streamed at once, neither waited for the other.
    assert slow.first_token_at < quick.ended_at < slow.ended_at
    assert slow.elapsed is not None and slow.elapsed >= 1.0 > (quick.elapsed or 0)
    assert recorder.events[:2] == [("started", 0), ("started", 1)]
    assert recorder.events[-3:] == [("finished", 1), ("finished", 0), ("busy", False)]
    assert recorder.events.count(("busy", True)) == 1
    for column in run.columns:
        ttft = column.time_to_first_token
        assert ttft is not None and 0 < ttft < (column.elapsed or 0)
        assert column.output_tokens and column.output_tokens > 0
        assert column.tokens_per_second and column.tokens_per_second > 0
    # One prompt, each vendor's own format, the system prompt where each expects it.
    assert chats(openai_server)[-1].body_dict["messages"] == [
        {"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
    ]  # fmt: skip
    body = chats(anthropic_server)[-1].body_dict
    assert body["model"] == "claude-haiku-4-5" and body["stream"] is True
    assert "Be brief." in str(body["system"])
    assert body["messages"] == [{"role": "user", "content": "Hi"}]


@pytest.mark.usefixtures("keys")
def test_a_failed_column_leaves_the_other_and_is_retried_alone(
    openai_server: OpenAIServer, anthropic_server: AnthropicServer
) -> None:
    openai_server.push(Error(500, message="The upstream model crashed."))
    anthropic_server.push(Stream(text=QUICK, chunk_count=3, delay=0.05))
    recorder = Recorder()
    run = CompareRun(
        [spec("openai", "gpt-4o-mini", openai_server),
         spec("anthropic", "claude-haiku-4-5", anthropic_server)],
        listener=recorder,
    )  # fmt: skip
    failing, other = run.columns

    async def go() -> None:
        assert not run.retry(failing.key)  # nothing was asked yet
        run.start("Hi")
        await run.wait()
        assert failing.state == "failed" and other.state == "finished"
        assert run.retry(failing.key)
        assert not run.retry(failing.key)  # already running
        assert other.state == "finished"
        await run.wait()

    asyncio.run(go())
    assert failing.state == "finished" and failing.text == "You said: Hi"
    assert failing.error is None
    assert other.text == QUICK and len(chats(anthropic_server)) == 1  # not asked again
    assert recorder.events[:5] == [
        ("started", 0), ("started", 1), ("busy", True), ("failed", 0), ("first", 1),
    ]  # fmt: skip
    assert ("finished", 1) in recorder.events


@pytest.mark.usefixtures("keys")
def test_the_error_of_a_failed_column_says_what_happened(
    openai_server: OpenAIServer, anthropic_server: AnthropicServer
) -> None:
    openai_server.api_keys = {"another-key"}
    run = CompareRun(
        [spec("openai", "gpt-4o-mini", openai_server),
         spec("anthropic", "claude-haiku-4-5", anthropic_server)]
    )  # fmt: skip

    async def go() -> None:
        run.start("Hi")
        await run.wait()

    asyncio.run(go())
    failing, other = run.columns
    assert failing.state == "failed" and failing.error and "401" in failing.error
    assert "key" in failing.error.lower() and DEFAULT_KEY not in failing.error
    assert failing.elapsed is not None and failing.time_to_first_token is None
    assert failing.tokens_per_second is None
    assert other.state == "finished" and other.text == "You said: Hi"


@pytest.mark.usefixtures("keys")
def test_stopping_one_column_keeps_its_text_and_the_other_goes_on(
    openai_server: OpenAIServer, anthropic_server: AnthropicServer
) -> None:
    openai_server.push(Stream(text=SLOW, stall_after=3))  # stalls until stopped
    anthropic_server.push(Stream(text=QUICK, chunk_count=8, delay=0.03))
    recorder = Recorder()
    run = CompareRun(
        [spec("openai", "gpt-4o-mini", openai_server),
         spec("anthropic", "claude-haiku-4-5", anthropic_server)],
        listener=recorder,
    )  # fmt: skip
    stopped, other = run.columns

    async def go() -> None:
        first = recorder.wait_first(stopped.key)
        run.start("Hi")
        await asyncio.wait_for(first, 5)
        assert run.stop(stopped.key)
        await asyncio.wait_for(asyncio.shield(stopped.session.task), 5)  # type: ignore[arg-type]
        assert stopped.state == "stopped" and other.state == "running"
        await run.wait()

    asyncio.run(go())
    assert stopped.stopped and stopped.text and SLOW.startswith(stopped.text)
    assert stopped.text != SLOW
    assert other.state == "finished" and other.text == QUICK
    assert stopped.ended_at is not None and other.ended_at is not None
    assert stopped.ended_at < other.ended_at
    assert recorder.events.index(("stopped", 0)) < recorder.events.index(("finished", 1))


@pytest.mark.usefixtures("keys")
def test_the_same_provider_twice_with_two_models(openai_server: OpenAIServer) -> None:
    openai_server.default.delay = 0.01
    run = CompareRun(
        [spec("openai", "gpt-4o-mini", openai_server), spec("openai", "gpt-4o", openai_server)]
    )

    async def go() -> None:
        run.start("Which model are you?")
        await run.wait()

    asyncio.run(go())
    assert sorted(r.body_dict["model"] for r in chats(openai_server)) == ["gpt-4o", "gpt-4o-mini"]
    assert [c.state for c in run.columns] == ["finished", "finished"]
    assert [c.model for c in run.columns] == ["gpt-4o-mini", "gpt-4o"]
    assert all(c.text == "You said: Which model are you?" for c in run.columns)


@pytest.mark.usefixtures("keys")
def test_removing_a_running_column_cancels_it_silently(
    openai_server: OpenAIServer, anthropic_server: AnthropicServer
) -> None:
    openai_server.push(Stream(text=SLOW, stall_after=3))
    recorder = Recorder()
    run = CompareRun(
        [spec("openai", "gpt-4o-mini", openai_server),
         spec("anthropic", "claude-haiku-4-5", anthropic_server)],
        listener=recorder,
    )  # fmt: skip
    removed, kept = run.columns

    async def go() -> None:
        first = recorder.wait_first(removed.key)
        run.start("Hi")
        await asyncio.wait_for(first, 5)
        task = removed.session.task
        run.remove_column(removed.key)
        assert task is not None
        await asyncio.wait([task], timeout=5)
        await run.wait()

    asyncio.run(go())
    assert run.columns == [kept] and kept.state == "finished"
    # After its removal the column reported nothing (its first token came before).
    reports = [e for e in recorder.events if e[0] != "busy" and e[1] == removed.key]
    assert reports == [("started", removed.key), ("first", removed.key)]
    with pytest.raises(KeyError):
        run.column(removed.key)


@pytest.mark.keyring
@requires_secret_service
def test_a_key_from_the_keyring_is_looked_up_per_column(
    anthropic_server: AnthropicServer, openai_server: OpenAIServer, secret_store: Any
) -> None:
    secret_store.set_field("anthropic", credentials.API_KEY, DEFAULT_KEY)
    run = CompareRun(
        [spec("anthropic", "claude-haiku-4-5", anthropic_server),
         spec("openai", "gpt-4o-mini", openai_server)]
    )  # fmt: skip

    async def go() -> None:
        run.start("Hi")
        await run.wait()

    asyncio.run(go())
    with_key, without = run.columns
    assert with_key.state == "finished"
    assert chats(anthropic_server)[-1].header("x-api-key") == DEFAULT_KEY
    assert without.state == "failed" and without.error  # no key anywhere: its own clear error


@pytest.mark.keyring
@requires_secret_service
@pytest.mark.usefixtures("keyring_service")
def test_two_columns_of_a_login_provider_share_one_sign_in(
    openwebui_server: OpenWebUIServer,
) -> None:
    from providers.vendors.openwebui import OpenWebUI

    email, password = DEFAULT_USER
    asyncio.run(
        OpenWebUI.login_async(
            email=email, password=password, base_url=openwebui_server.url, remember_password=True
        )
    )
    openwebui_server.expire_tokens()
    openwebui_server.reset()
    run = CompareRun(
        [RequestConfig(provider=OpenWebUI, provider_id="openwebui", model=model)
         for model in ("llama3.2:latest", "gpt-4o-mini")]
    )  # fmt: skip

    async def go() -> None:
        run.start("hi")
        await run.wait()

    asyncio.run(go())
    assert [c.state for c in run.columns] == ["finished", "finished"]
    assert [r.kind for r in openwebui_server.requests].count("signin") == 1


def test_stats_format() -> None:
    run = CompareRun([RequestConfig(provider=get_provider("openai"), provider_id="openai")])
    (column,) = run.columns
    assert format_stats(column) == ""
    column.session.turns.append(_answer(usage={"completion_tokens": 120}, finish_reason="length"))
    column.started_at, column.first_token_at, column.ended_at = 10.0, 10.25, 12.25
    assert column.tokens_per_second == 60.0  # over the generation: first token to end
    assert format_stats(column) == (
        "First token 250 ms · Total 2.25 s · 120 tokens · 60.0 tok/s · $0.000072 estimated"
        " · truncated"  # no prompt tokens reported: the cost is an estimate
    )
    column.first_token_at = 12.24  # one piece at the end: over the whole request instead
    assert column.tokens_per_second == pytest.approx(120 / 2.25)


def _answer(**fields: Any) -> Any:
    from app.core.session import Turn

    return Turn(role="assistant", content="x", **fields)


# ----- the window ---------------------------------------------------------------------------------

Columns = list[tuple[str, str]]


@pytest.fixture
def open_compare(
    qtbot: Any,
    loop: Loop,
    openai_server: OpenAIServer,
    anthropic_server: AnthropicServer,
    keys: None,
) -> Iterator[Any]:
    """Opens the comparison window with the given columns, pointed at the loopback servers, and
    waits for its start-up (model lists, credential marks)."""
    from app.ui import theme

    def open_(columns: Columns, *, settings: Settings | None = None) -> CompareWindow:
        settings = settings or Settings.load()
        settings.set_connection_for("openai", base_url=openai_server.base_url, proxy=None)
        settings.set_connection_for("anthropic", base_url=anthropic_server.url, proxy=None)
        settings.set(COLUMNS_KEY, [{"provider": p, "model": m} for p, m in columns])
        window = CompareWindow(settings)
        qtbot.addWidget(window)
        opened.append(window)
        window.show()
        settle(window, loop)
        return window

    opened: list[CompareWindow] = []
    yield open_
    for window in opened:  # a failed test may leave a column streaming: end it on the loop
        window.run.stop()
        loop.run(window.run.wait())
    theme.apply_theme("system")


def settle(window: CompareWindow, loop: Loop) -> None:
    loop.run(window.credentials_task)
    for widget in window.columns():
        loop.run(widget.models_task)


def send(window: CompareWindow, loop: Loop, qtbot: Any, text: str) -> list[int]:
    """Type ``text``, press Enter, wait until every column has ended; keys in the order they
    ended."""
    ended: list[int] = []
    window.columnEnded.connect(ended.append)
    qtbot.keyClicks(window.composer, text)
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    assert window.run.busy
    loop.run(window.run.wait())
    window.columnEnded.disconnect(ended.append)
    return ended


def bubble_button(widget: CompareColumn, name: str) -> QToolButton:
    assert widget.answer_index is not None
    found = widget.view.bubble(widget.answer_index).findChild(QToolButton, name)
    assert isinstance(found, QToolButton), name
    return found


def answer_text(widget: CompareColumn) -> str:
    assert widget.answer_index is not None
    return widget.view.message_text(widget.answer_index)


def test_two_columns_stream_concurrently_in_the_window(
    open_compare: Any, openai_server: OpenAIServer, anthropic_server: AnthropicServer,
    loop: Loop, qtbot: Any,
) -> None:  # fmt: skip
    openai_server.push(Stream(text=SLOW, stall_after=3, stall_seconds=1.0))
    anthropic_server.push(Stream(text=QUICK, chunk_count=4, delay=0.03))
    window = open_compare([("openai", "gpt-4o-mini"), ("anthropic", "claude-haiku-4-5")])
    slow, quick = window.columns()
    assert window.stop_all_button.isEnabled() is False
    ended = send(window, loop, qtbot, "Hi")
    assert ended == [quick.key, slow.key]  # the quick column did not wait for the slow one
    assert (answer_text(slow), answer_text(quick)) == (SLOW, QUICK)
    run_slow, run_quick = window.run.columns
    print("\nwindow concurrency:", figures(window.run.columns))
    assert run_slow.first_token_at and run_quick.ended_at and run_slow.ended_at
    assert run_slow.first_token_at < run_quick.ended_at < run_slow.ended_at
    for widget in (slow, quick):
        stats = widget.stats.text()
        assert stats.startswith("First token ") and "Total " in stats and "tok/s" in stats
        assert widget.retry_button.isVisible() and not widget.stop_button.isVisible()
    assert window.send_button.isVisible() and not window.stop_button.isVisible()
    assert window.composer.toPlainText() == ""  # sent: the next text is a follow-up
    # The alias as the newest dated id the server listed (the provider's own spelling).
    assert chats(anthropic_server)[-1].body_dict["model"] == "claude-haiku-4-5-20251001"


def test_a_failing_column_shows_its_error_and_retry_while_the_other_completes(
    open_compare: Any, openai_server: OpenAIServer, anthropic_server: AnthropicServer,
    loop: Loop, qtbot: Any,
) -> None:  # fmt: skip
    window = open_compare([("openai", "gpt-4o-mini"), ("anthropic", "claude-haiku-4-5")])
    failing, other = window.columns()
    openai_server.api_keys = {"another-key"}  # our key is refused: 401
    anthropic_server.push(Stream(text=QUICK, chunk_count=5, delay=0.02))
    send(window, loop, qtbot, "Hi")
    error = failing.view.bubble(failing.answer_index or 0).findChild(QWidget, "errorLabel")
    assert error is not None and error.isVisible() and "401" in error.text()
    assert bubble_button(failing, "retryButton").isVisible()
    assert failing.retry_button.isVisible()
    assert failing.stats.text().endswith("failed") and failing.stats.property("state") == "failed"
    assert answer_text(other) == QUICK and other.stats.text().startswith("First token")

    openai_server.api_keys = {DEFAULT_KEY}  # the server is fixed: retry that column only
    ended = loop.expect(window.columnEnded)
    qtbot.mouseClick(failing.retry_button, Qt.MouseButton.LeftButton)
    assert loop.run(ended) == (failing.key,)
    assert answer_text(failing) == "You said: Hi" and failing.stats.text().startswith("First")
    assert answer_text(other) == QUICK and len(chats(anthropic_server)) == 1


def test_stopping_one_column_leaves_the_other_streaming(
    open_compare: Any, openai_server: OpenAIServer, anthropic_server: AnthropicServer,
    loop: Loop, qtbot: Any,
) -> None:  # fmt: skip
    window = open_compare([("openai", "gpt-4o-mini"), ("anthropic", "claude-haiku-4-5")])
    stopped, other = window.columns()
    openai_server.push(Stream(text=SLOW, stall_after=3))  # stalls until stopped
    anthropic_server.push(Stream(text=QUICK, chunk_count=8, delay=0.04))
    first = loop.expect(window.firstToken)
    qtbot.keyClicks(window.composer, "Hi")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    loop.run(first)
    loop.until(lambda: bool(window.run.column(stopped.key).text))
    assert stopped.stop_button.isVisible()
    ended = loop.expect(window.columnEnded)
    qtbot.mouseClick(stopped.stop_button, Qt.MouseButton.LeftButton)
    assert loop.run(ended) == (stopped.key,)
    assert window.run.column(other.key).busy  # still streaming
    loop.run(window.run.wait())
    kept = answer_text(stopped)
    assert kept and SLOW.startswith(kept) and kept != SLOW
    assert stopped.stats.text().endswith("stopped") and stopped.retry_button.isVisible()
    assert answer_text(other) == QUICK and not other.stats.text().endswith("stopped")


def test_escape_stops_every_column(
    open_compare: Any, openai_server: OpenAIServer, anthropic_server: AnthropicServer,
    loop: Loop, qtbot: Any,
) -> None:  # fmt: skip
    window = open_compare([("openai", "gpt-4o-mini"), ("anthropic", "claude-haiku-4-5")])
    openai_server.push(Stream(text=SLOW, stall_after=3))
    anthropic_server.push(Stream(text=QUICK, stall_after=4))
    qtbot.keyClicks(window.composer, "Hi")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    loop.until(lambda: all(c.text for c in window.run.columns))
    assert window.stop_button.isVisible() and window.stop_all_button.isEnabled()
    qtbot.keyClick(window.composer, Qt.Key.Key_Escape)
    loop.run(window.run.wait())
    assert [c.state for c in window.run.columns] == ["stopped", "stopped"]
    assert not window.stop_all_button.isEnabled() and window.send_button.isVisible()


def test_the_same_provider_twice_with_two_models_from_its_list(
    open_compare: Any, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    openai_server.models = ["gpt-4o-mini", "gpt-4o", "gpt-4.1"]
    window = open_compare([("openai", "gpt-4o-mini"), ("openai", "gpt-4o-mini")])
    first, second = window.columns()
    assert second.model_picker.models() == ["gpt-4o-mini", "gpt-4o", "gpt-4.1"]  # live list
    second.model_picker.setCurrentIndex(second.model_picker.findText("gpt-4.1"))
    assert Settings.load().get(COLUMNS_KEY) == [
        {"provider": "openai", "model": "gpt-4o-mini"}, {"provider": "openai", "model": "gpt-4.1"},
    ]  # fmt: skip
    qtbot.keyClicks(window.system_prompt, "Be brief.")
    qtbot.keyClicks(window.composer, "one")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert not window.run.busy  # Shift+Enter is a new line
    send(window, loop, qtbot, "two")
    requests = chats(openai_server)
    assert sorted(r.body_dict["model"] for r in requests) == ["gpt-4.1", "gpt-4o-mini"]
    for request in requests:
        assert request.body_dict["messages"] == [
            {"role": "system", "content": "Be brief."}, {"role": "user", "content": "one\ntwo"},
        ]  # fmt: skip
    assert answer_text(first) == answer_text(second) == "You said: one\ntwo"


def test_columns_are_added_removed_bounded_and_remembered(
    open_compare: Any, loop: Loop, qtbot: Any
) -> None:
    window = open_compare([("openai", "gpt-4o-mini"), ("anthropic", "claude-haiku-4-5")])
    assert [w.remove_button.isEnabled() for w in window.columns()] == [False, False]
    while window.add_button.isEnabled():
        qtbot.mouseClick(window.add_button, Qt.MouseButton.LeftButton)
    assert len(window.columns()) == MAX_COLUMNS
    # A new column takes the last one's provider and a model no column of it uses yet.
    choices = [w.choice() for w in window.columns()]
    assert choices[:3] == [
        ("openai", "gpt-4o-mini"), ("anthropic", "claude-haiku-4-5"),
        ("anthropic", "claude-sonnet-4-5"),
    ]  # fmt: skip
    assert len(set(choices[:4])) == 4  # then the offline lists run out of models
    third = window.columns()[2]
    third.provider_picker.select("openai")
    assert third.choice() == ("openai", "gpt-4o-mini")  # the provider's remembered/default model
    before = [w.choice()[0] for w in window.columns()]
    qtbot.mouseClick(window.columns()[0].remove_button, Qt.MouseButton.LeftButton)
    assert [w.choice()[0] for w in window.columns()] == before[1:]
    saved = Settings.load().get(COLUMNS_KEY)
    assert [entry["provider"] for entry in saved] == before[1:]
    while window.columns()[0].remove_button.isEnabled():
        qtbot.mouseClick(window.columns()[0].remove_button, Qt.MouseButton.LeftButton)
    assert len(window.columns()) == 2
    assert [w.remove_button.isEnabled() for w in window.columns()] == [False, False]
    window.close()
    reopened = CompareWindow(Settings.load())
    qtbot.addWidget(reopened)
    assert [w.choice() for w in reopened.columns()] == [w.choice() for w in window.columns()]
    settle(reopened, loop)


def test_a_provider_without_a_key_is_marked_in_every_column(open_compare: Any, loop: Loop) -> None:
    window = open_compare([("openai", "gpt-4o-mini"), ("groq", "llama-3.1-8b-instant")])
    for widget in window.columns():
        picker = widget.provider_picker
        assert picker.needs_key("groq") and not picker.needs_key("openai")
        assert "needs key" in picker.itemText(picker.findData("groq"))


def test_the_window_follows_the_theme_chosen_in_the_main_window(
    open_compare: Any, loop: Loop
) -> None:
    from app.ui import theme

    window = open_compare([("openai", "gpt-4o-mini"), ("anthropic", "claude-haiku-4-5")])
    assert not window.is_dark()
    window.settings.theme = "dark"  # as the main window's View → Theme does
    theme.apply_theme("dark")
    loop.until(window.is_dark)
    assert all(widget.view.is_dark() for widget in window.columns())
    window.settings.theme = "light"
    theme.apply_theme("light")
    loop.until(lambda: not window.is_dark())
    assert not any(widget.view.is_dark() for widget in window.columns())


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen cannot raise
def test_open_compare_window_reuses_the_window_of_its_parent(
    qtbot: Any, loop: Loop, keys: None
) -> None:
    parent = QWidget()
    parent.settings = Settings.load()  # type: ignore[attr-defined]  # as the main window has
    qtbot.addWidget(parent)
    window = open_compare_window(parent, "What is a monad?")
    assert window.isVisible() and window.isWindow() and window.settings is parent.settings  # type: ignore[attr-defined]
    assert window.composer.toPlainText() == "What is a monad?"
    assert len(window.columns()) == 2  # nothing remembered: two columns to start with
    again = open_compare_window(parent, "And a functor?")
    assert again is window and window.composer.toPlainText() == "And a functor?"
    settle(window, loop)


# ----- screenshot ---------------------------------------------------------------------------------

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SHOT_PROMPT = "In two sentences: when should I use a Python generator instead of a list?"
SHOT_ANSWERS = {
    "openai": """\
Use a **generator** when you only need to walk through the values once, or when the sequence is \
large or endless: it produces one item at a time, so memory stays flat.

```python
total = sum(line.count("ERROR") for line in open("app.log"))
```

Use a **list** when you need `len()`, indexing, or several passes over the same data.""",
    "anthropic": """\
Reach for a generator when the data is **consumed once, in order**, and may be large — \
files, streams, paginated APIs — because it yields lazily instead of building everything \
up front.

A list is the better fit when you need random access, sorting, or to iterate repeatedly.""",
    "ollama": """\
A generator is best for *lazy*, one-pass iteration:

- huge or infinite sequences
- pipelines (`map`/`filter` chains)
- streaming I/O

A list is best when you reuse the data or need `len()` and slicing.""",
}


def test_compare_window_screenshot(
    open_compare: Any, openai_server: OpenAIServer, anthropic_server: AnthropicServer,
    ollama_server: Any, loop: Loop, qtbot: Any,
) -> None:  # fmt: skip
    """Writes ``docs/screenshots/compare.png``: three columns with finished answers."""
    openai_server.models = ["gpt-4o-mini", "gpt-4o", "gpt-4.1"]
    settings = Settings.load()
    settings.set_connection_for("ollama", base_url=ollama_server.url, proxy=None)
    for server, name, count, delay in (
        (openai_server, "openai", 40, 0.015), (anthropic_server, "anthropic", 30, 0.03),
        (ollama_server, "ollama", 25, 0.02),
    ):  # fmt: skip
        server.push(Stream(text=SHOT_ANSWERS[name], chunk_count=count, delay=delay))
    window = open_compare(
        [("openai", "gpt-4o"), ("anthropic", "claude-sonnet-4-5"), ("ollama", "llama3.2")],
        settings=settings,
    )
    window.resize(1440, 720)
    qtbot.keyClicks(window.system_prompt, "You are a concise senior Python engineer.")
    send(window, loop, qtbot, SHOT_PROMPT)
    loop.idle(0.3)  # the views' last render and the layout settle
    assert [c.state for c in window.run.columns] == ["finished"] * 3
    print("\nscreenshot run:", figures(window.run.columns))

    SHOTS.mkdir(parents=True, exist_ok=True)
    target = SHOTS / "compare.png"
    image = window.grab().toImage()
    assert image.width() >= 1440 and image.height() >= 720
    assert image.save(str(target))
    assert target.stat().st_size > 20_000


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen cannot raise
def test_opened_from_the_main_window_it_shares_settings_and_theme(
    open_window: Any, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    main = open_window()
    compare = open_compare_window(main, "Hello both")
    settle(compare, loop)
    assert compare.settings is main.settings and compare.parentWidget() is main
    choices = [widget.choice() for widget in compare.columns()]
    assert choices[0] == ("openai", "gpt-4o-mini")  # the main window's provider and model...
    assert choices[1][0] == "openai" and choices[1][1] != "gpt-4o-mini"  # ...and another model
    qtbot.keyClick(compare.composer, Qt.Key.Key_End)
    qtbot.keyClick(compare.composer, Qt.Key.Key_Return)
    loop.run(compare.run.wait())
    assert [answer_text(widget) for widget in compare.columns()] == ["You said: Hello both"] * 2
    main.set_theme("dark")
    loop.until(compare.is_dark)
    assert open_compare_window(main) is compare
    main.set_theme("system")


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen cannot raise
def test_view_menu_action_opens_it_with_the_composer_text(
    open_window: Any, openai_server: OpenAIServer, loop: Loop, qtbot: Any
) -> None:
    main = open_window()
    main.composer.setPlainText("Which is faster?")
    assert main.compare_action.shortcut().toString() == "Ctrl+Shift+K"
    main.compare_action.trigger()
    compare = open_compare_window(main)  # the one the action opened, reused
    settle(compare, loop)
    assert compare.isVisible()
    assert compare.composer.toPlainText() == "Which is faster?"


def test_a_finished_column_answer_is_kept_once_not_copied(
    open_compare: Any, openai_server: OpenAIServer, anthropic_server: AnthropicServer,
    loop: Loop, qtbot: Any,
) -> None:  # fmt: skip
    """The run keeps each column's answer for the next requests; the column's view keeps the
    same string (for when its bubble is released), not a second copy of every answer."""
    openai_server.push(Stream(text=QUICK, chunk_count=4))
    anthropic_server.push(Stream(text=QUICK, chunk_count=4))
    window = open_compare([("openai", "gpt-4o-mini"), ("anthropic", "claude-haiku-4-5")])
    send(window, loop, qtbot, "Hi")
    for widget, column in zip(window.columns(), window.run.columns, strict=True):
        assert widget.answer_index is not None
        kept = widget.view._messages[widget.answer_index].text  # what a released bubble keeps
        assert kept == QUICK and kept is column.text
