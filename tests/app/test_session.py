"""ChatSession without any widget, against the loopback OpenAI server (asyncio.run)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any, ClassVar

import pytest

from app.cli_common import error_text
from app.core.history import History
from app.core.session import ChatSession, RequestConfig, SessionListener, Turn, title_from_prompt
from providers.base import AsyncGeneratorProvider
from providers.registry import get_provider
from providers.response import HiddenResponse, RequestLogin, Usage
from tests.servers import DEFAULT_KEY, Error, OpenAIServer, Stream


class Recorder(SessionListener):
    """Keeps every report, and a future per ending so tests can await it."""

    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []
        self.text: dict[int, str] = {}
        self.first_text: asyncio.Future[int] | None = None
        self.ended: asyncio.Future[tuple[str, int, Turn]] | None = None

    def arm(self) -> None:
        loop = asyncio.get_running_loop()
        self.first_text = loop.create_future()
        self.ended = loop.create_future()

    def message_added(self, index: int, turn: Turn) -> None:
        self.events.append(("user", index, turn.content))

    def answer_started(self, index: int, turn: Turn) -> None:
        self.events.append(("started", index, turn.title))

    def text_received(self, index: int, text: str) -> None:
        self.text[index] = self.text.get(index, "") + text
        if self.first_text is not None and not self.first_text.done():
            self.first_text.set_result(index)

    def reasoning_received(self, index: int, text: str) -> None:
        self.events.append(("reasoning", index, text))

    def login_requested(self, index: int, label: str, url: str) -> None:
        self.events.append(("login", index, label, url))

    def answer_finished(self, index: int, turn: Turn) -> None:
        self.events.append(("finished", index))
        if self.ended is not None and not self.ended.done():
            self.ended.set_result(("finished", index, turn))

    def answer_failed(self, index: int, turn: Turn) -> None:
        self.events.append(("failed", index, turn.error))
        if self.ended is not None and not self.ended.done():
            self.ended.set_result(("failed", index, turn))

    def truncated(self, index: int) -> None:
        self.events.append(("truncated", index))

    def path_changed(self, index: int) -> None:
        self.events.append(("path", index))

    def busy_changed(self, busy: bool) -> None:
        self.events.append(("busy", busy))

    def conversation_saved(self, conversation_id: int) -> None:
        self.events.append(("saved", conversation_id))

    def history_failed(self, message: str) -> None:
        self.events.append(("history failed", message))


@pytest.fixture
def server(openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch) -> OpenAIServer:
    monkeypatch.setenv("OPENAI_API_KEY", DEFAULT_KEY)  # the provider's own key lookup finds it
    return openai_server


def make_session(
    server: OpenAIServer, history: History | None = None, **params: Any
) -> tuple[ChatSession, Recorder]:
    recorder = Recorder()
    config = RequestConfig(
        provider=get_provider("openai"), provider_id="openai", model="gpt-4o-mini",
        params=params, base_url=server.base_url,
    )  # fmt: skip
    return ChatSession(config, listener=recorder, history=history), recorder


async def answer(session: ChatSession, recorder: Recorder, action: Any) -> tuple[str, int, Turn]:
    recorder.arm()
    assert action() is True
    assert recorder.ended is not None
    return await asyncio.wait_for(recorder.ended, 10)


def test_send_streams_the_answer_with_usage_and_parameters(server: OpenAIServer) -> None:
    server.answer = "Hello there, this arrives in pieces."
    session, recorder = make_session(server, temperature=0.25, max_tokens=64)
    session.system_prompt = "Be brief."

    async def run() -> tuple[str, int, Turn]:
        return await answer(session, recorder, lambda: session.send("Hi"))

    outcome, index, turn = asyncio.run(run())
    assert (outcome, index) == ("finished", 1)
    assert recorder.text[1] == turn.content == "Hello there, this arrives in pieces."
    assert turn.finish_reason == "stop" and not turn.stopped and turn.error is None
    assert turn.usage and turn.usage["completion_tokens"] > 0
    assert turn.elapsed is not None and turn.elapsed > 0
    assert recorder.events[:3] == [
        ("user", 0, "Hi"), ("started", 1, "OpenAI · gpt-4o-mini"), ("busy", True),
    ]  # fmt: skip
    assert recorder.events[-2:] == [("busy", False), ("finished", 1)]
    body = server.last_request.body_dict
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
    ]  # fmt: skip
    assert body["temperature"] == 0.25 and body["max_tokens"] == 64
    assert server.last_request.header("authorization") == f"Bearer {DEFAULT_KEY}"
    assert not session.busy


def test_a_second_turn_sends_the_history(server: OpenAIServer) -> None:
    session, recorder = make_session(server)

    async def run() -> None:
        await answer(session, recorder, lambda: session.send("one"))
        await answer(session, recorder, lambda: session.send("two"))

    asyncio.run(run())
    assert [m["content"] for m in server.last_request.body_dict["messages"]] == [
        "one", "You said: one", "two",
    ]  # fmt: skip
    assert [t.role for t in session.turns] == ["user", "assistant", "user", "assistant"]


def test_stop_mid_stream_keeps_the_text_and_closes_the_response(server: OpenAIServer) -> None:
    server.push(Stream(text="alpha beta gamma delta", chunk_count=4, stall_after=3))
    session, recorder = make_session(server)

    async def run() -> tuple[str, int, Turn]:
        recorder.arm()
        session.send("go")
        assert recorder.first_text is not None and recorder.ended is not None
        await asyncio.wait_for(recorder.first_text, 10)
        assert session.busy
        assert session.stop() is True
        return await asyncio.wait_for(recorder.ended, 2)  # the stall would last forever

    outcome, index, turn = asyncio.run(run())
    assert outcome == "finished" and turn.stopped and turn.error is None
    assert turn.content and "alpha beta gamma delta".startswith(turn.content)
    assert turn.content != "alpha beta gamma delta"
    assert not session.busy and session.stop() is False


def test_an_error_keeps_the_streamed_text_and_retry_replaces_it(server: OpenAIServer) -> None:
    server.push(Stream(text="partial answer here", chunk_count=3, error_after=3))
    session, recorder = make_session(server)

    async def run() -> tuple[tuple[str, int, Turn], tuple[str, int, Turn]]:
        first = await answer(session, recorder, lambda: session.send("q"))
        second = await answer(session, recorder, lambda: session.retry(first[1]))
        return first, second

    first, second = asyncio.run(run())
    assert first[0] == "failed" and first[1] == 1
    assert first[2].content and "partial answer here".startswith(first[2].content)
    assert "Try again" in (first[2].error or "")
    assert ("truncated", 1) in recorder.events
    assert second[0] == "finished" and second[2].content == "You said: q"
    assert len(session.turns) == 2 and session.turns[1] is second[2]
    # The retried request does not carry the failed partial answer.
    assert [m["role"] for m in server.last_request.body_dict["messages"]] == ["user"]


def test_http_errors_say_what_to_do(server: OpenAIServer) -> None:
    server.push(Error(401, code="invalid_api_key"))
    session, recorder = make_session(server)
    session.explain = error_text  # the front end words the fix for its own place

    async def run() -> tuple[str, int, Turn]:
        return await answer(session, recorder, lambda: session.send("q"))

    outcome, _, turn = asyncio.run(run())
    assert outcome == "failed" and turn.content == ""
    assert "rejected" in (turn.error or "") and "roundtable keys set -p openai" in (
        turn.error or ""
    )
    assert DEFAULT_KEY not in (turn.error or "")


def test_regenerate_drops_the_last_answer_and_resends(server: OpenAIServer) -> None:
    session, recorder = make_session(server)

    async def run() -> None:
        await answer(session, recorder, lambda: session.send("again"))
        await answer(session, recorder, session.regenerate)

    asyncio.run(run())
    assert len(server.requests) == 2
    assert server.requests[0].body_dict["messages"] == server.requests[1].body_dict["messages"]
    assert [t.role for t in session.turns] == ["user", "assistant"]
    assert ("truncated", 1) in recorder.events


def test_edit_and_resend_replaces_the_message_and_what_followed(server: OpenAIServer) -> None:
    session, recorder = make_session(server)

    async def run() -> None:
        await answer(session, recorder, lambda: session.send("first"))
        await answer(session, recorder, lambda: session.send("second"))
        await answer(session, recorder, lambda: session.edit_and_resend(2, "edited"))

    asyncio.run(run())
    assert [t.content for t in session.turns] == [
        "first", "You said: first", "edited", "You said: edited",
    ]  # fmt: skip
    assert ("truncated", 2) in recorder.events
    assert session.edit_and_resend(1, "not a user message") is False


def test_refusals_while_busy_and_for_bad_input(server: OpenAIServer) -> None:
    server.push(Stream(stall_after=1))
    session, recorder = make_session(server)
    assert session.regenerate() is False  # nothing to regenerate
    assert session.send("   ") is False

    async def run() -> None:
        recorder.arm()
        session.send("x")
        assert session.send("y") is False and session.regenerate() is False
        session.stop()
        await session.wait()

    asyncio.run(run())
    assert [t.content for t in session.turns if t.role == "user"] == ["x"]


def test_clear_during_a_stream_forgets_it_silently(server: OpenAIServer) -> None:
    server.push(Stream(text="a b c d", chunk_count=4, stall_after=2))
    session, recorder = make_session(server)

    async def run() -> None:
        recorder.arm()
        session.send("x")
        assert recorder.first_text is not None
        await asyncio.wait_for(recorder.first_text, 10)
        task = session.task
        session.clear()
        assert task is not None
        await asyncio.wait_for(asyncio.wait([task]), 2)

    asyncio.run(run())
    assert session.turns == [] and not session.busy
    assert recorder.events[-2:] == [("busy", False), ("truncated", 0)]
    assert not any(event[0] in ("finished", "failed") for event in recorder.events)


class _Custom(HiddenResponse):
    """A chunk type the session does not know."""


class Scripted(AsyncGeneratorProvider):
    """A provider without HTTP: yields a fixed script of chunks (no key, no system messages)."""

    label = "Scripted"
    supports_system_message = False
    seen: ClassVar[list[Any]] = []

    @classmethod
    async def create_async_generator(  # type: ignore[override]
        cls, model: str, messages: Any, stream: bool = True, **kwargs: Any
    ) -> Any:
        cls.seen.append((model, messages, kwargs))
        yield RequestLogin("Scripted", "https://example.invalid/login")
        yield _Custom()
        yield object()
        yield "visible"
        yield Usage(prompt_tokens=1, completion_tokens=2)


def test_unknown_chunks_are_ignored_and_login_requests_reported() -> None:
    recorder = Recorder()

    async def no_secrets(provider: Any, provider_id: str) -> dict[str, str]:
        return {}

    session = ChatSession(
        RequestConfig(provider=Scripted, provider_id="scripted"), listener=recorder,
        system_prompt="Rules.", secret_lookup=no_secrets,
    )  # fmt: skip

    async def run() -> tuple[str, int, Turn]:
        return await answer(session, recorder, lambda: session.send("hello"))

    outcome, index, turn = asyncio.run(run())
    assert outcome == "finished" and turn.content == "visible"
    assert turn.usage == {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
    assert ("login", 1, "Scripted", "https://example.invalid/login") in recorder.events
    model, messages, kwargs = Scripted.seen[-1]
    assert messages == [{"role": "user", "content": "Rules.\n\nhello"}]
    assert kwargs == {} and model == ""
    assert turn.title == "Scripted"


class Broken(AsyncGeneratorProvider):
    """A provider with a bug: it raises something that is not a ``ProviderError``."""

    label = "Broken"

    @classmethod
    async def create_async_generator(  # type: ignore[override]
        cls, model: str, messages: Any, stream: bool = True, **kwargs: Any
    ) -> Any:
        yield "half"
        raise KeyError("choices")


def test_an_unexpected_failure_is_said_in_words_not_class_names() -> None:
    recorder = Recorder()

    async def no_secrets(provider: Any, provider_id: str) -> dict[str, str]:
        return {}

    session = ChatSession(
        RequestConfig(provider=Broken, provider_id="broken"), listener=recorder,
        secret_lookup=no_secrets,
    )  # fmt: skip

    async def run() -> tuple[str, int, Turn]:
        return await answer(session, recorder, lambda: session.send("hello"))

    outcome, _index, turn = asyncio.run(run())
    assert outcome == "failed" and turn.content == "half"
    assert turn.error is not None and turn.error.startswith("Broken failed unexpectedly")
    assert "KeyError" not in turn.error and "log" in turn.error


# ----- saving to the history ----------------------------------------------------------------------


@pytest.fixture
def history(tmp_path: Path) -> Any:
    store = History(tmp_path / "history.sqlite3")
    yield store
    store.close()


def stored(history: History, conversation_id: int) -> list[tuple[str, str, str, str]]:
    return [(m.role, m.content, m.status, m.error) for m in history.messages(conversation_id)]


def test_titles_are_the_first_words_of_the_prompt() -> None:
    assert title_from_prompt("  How do I\nread a file?  ") == "How do I read a file?"
    assert title_from_prompt("one two three four five six seven eight nine") == (
        "one two three four five six seven eight…"
    )
    assert len(title_from_prompt("x" * 200)) == 60


def test_a_conversation_is_saved_as_it_happens(server: OpenAIServer, history: History) -> None:
    server.answer = "Platypuses lay eggs."
    session, recorder = make_session(server, history, temperature=0.5)
    session.system_prompt = "Be brief."
    assert history.conversations() == []  # nothing before the first send

    async def run() -> tuple[str, int, Turn]:
        return await answer(session, recorder, lambda: session.send("Do platypuses lay eggs?"))

    outcome, _, turn = asyncio.run(run())
    conversation_id = session.conversation_id
    assert outcome == "finished" and conversation_id is not None
    assert ("saved", conversation_id) in recorder.events
    conversation = history.conversation(conversation_id)
    assert (conversation.title, conversation.system_prompt) == (
        "Do platypuses lay eggs?",
        "Be brief.",
    )
    assert (conversation.provider, conversation.model) == ("openai", "gpt-4o-mini")
    assert stored(history, conversation_id) == [
        ("user", "Do platypuses lay eggs?", "complete", ""),
        ("assistant", "Platypuses lay eggs.", "complete", ""),
    ]
    answer_row = history.messages(conversation_id)[1]
    assert (answer_row.provider, answer_row.model) == ("openai", "gpt-4o-mini")
    assert answer_row.usage == turn.usage and answer_row.elapsed == pytest.approx(turn.elapsed)


def test_a_streaming_answer_is_on_disk_within_a_second(
    server: OpenAIServer, history: History
) -> None:
    """A crash mid-answer loses at most the last second: the text is saved while it streams."""
    server.push(Stream(text="a b c d e f", chunk_count=6, delay=0.3))
    session, recorder = make_session(server, history)
    seen: list[tuple[str, str]] = []

    async def run() -> None:
        recorder.arm()
        session.send("go")
        assert session.conversation_id is not None
        started = time.monotonic()
        while session.busy:
            await asyncio.sleep(0.02)
            if time.monotonic() - started > 1.3 and not seen:
                message = history.messages(session.conversation_id)[1]
                seen.append((message.status, message.content))
        await session.wait()

    asyncio.run(run())
    assert seen and seen[0][0] == "streaming" and seen[0][1]  # saved before the end
    assert "a b c d e f".startswith(seen[0][1])
    assert stored(history, session.conversation_id or 0)[1][1:3] == ("a b c d e f", "complete")


def test_stopped_and_failed_answers_are_stored_with_what_arrived(
    server: OpenAIServer, history: History
) -> None:
    server.push(
        Stream(text="alpha beta gamma delta", chunk_count=4, stall_after=3),
        Stream(text="partial answer here", chunk_count=3, error_after=2),
    )
    session, recorder = make_session(server, history)

    async def run() -> tuple[Turn, Turn]:
        recorder.arm()
        session.send("first")
        assert recorder.first_text is not None and recorder.ended is not None
        await asyncio.wait_for(recorder.first_text, 10)
        session.stop()
        stopped = (await asyncio.wait_for(recorder.ended, 2))[2]
        failed = (await answer(session, recorder, lambda: session.send("second")))[2]
        return stopped, failed

    stopped, failed = asyncio.run(run())
    rows = stored(history, session.conversation_id or 0)
    assert rows[1] == ("assistant", stopped.content, "stopped", "")
    assert stopped.content and stopped.content != "alpha beta gamma delta"
    assert rows[3] == ("assistant", failed.content, "error", failed.error)
    assert failed.content and "Try again" in rows[3][3]


def test_regenerate_and_edit_keep_earlier_versions_in_the_history(
    server: OpenAIServer, history: History
) -> None:
    server.push(*(Stream(text=text) for text in ("one", "two", "three", "four", "five")))
    session, recorder = make_session(server, history)

    async def run() -> None:
        await answer(session, recorder, lambda: session.send("first"))
        await answer(session, recorder, lambda: session.send("second"))
        await answer(session, recorder, session.regenerate)
        await answer(session, recorder, lambda: session.edit_and_resend(0, "edited"))

    asyncio.run(run())
    conversation_id = session.conversation_id or 0
    assert [(role, content) for role, content, *_ in stored(history, conversation_id)] == [
        ("user", "edited"), ("assistant", "four"),
    ]  # fmt: skip
    assert len(history.all_messages(conversation_id)) == 7  # nothing thrown away
    assert session.version(0) == (2, 2) and session.version(1) == (1, 1)
    assert history.conversation(conversation_id).title == "first"  # the title stays

    # Back to the first branch: its last answer shows the regenerated version, 2 of 2.
    assert session.switch_version(0, -1) is True
    assert ("path", 0) in recorder.events
    assert [t.content for t in session.turns] == ["first", "one", "second", "three"]
    assert session.version(3) == (2, 2) and session.switch_version(0, -1) is False
    assert [m.content for m in history.messages(conversation_id)] == [
        "first", "one", "second", "three",
    ]  # fmt: skip  # the choice is stored

    # Reopened elsewhere: the same path and versions; the older answer is one step back.
    other, _ = make_session(server, history)
    other.open_conversation(conversation_id)
    assert [t.content for t in other.turns] == ["first", "one", "second", "three"]
    assert other.version(3) == (2, 2) and other.version(0) == (1, 2)
    assert other.switch_version(3, -1) is True
    assert [t.content for t in other.turns][-1] == "two"

    # Continuing on a branch sends that branch.
    async def more() -> None:
        await answer(session, recorder, lambda: session.send("third"))

    asyncio.run(more())
    sent = [m["content"] for m in server.last_request.body_dict["messages"]]
    assert sent == ["first", "one", "second", "three", "third"]


def test_retry_replaces_a_failed_answer_instead_of_keeping_it(
    server: OpenAIServer, history: History
) -> None:
    server.push(Error(400, "bad request"), Stream(text="fine now"))
    session, recorder = make_session(server, history)

    async def run() -> None:
        await answer(session, recorder, lambda: session.send("Hi"))
        await answer(session, recorder, session.retry)

    asyncio.run(run())
    conversation_id = session.conversation_id or 0
    assert [t.content for t in session.turns] == ["Hi", "fine now"]
    assert session.version(1) == (1, 1)
    assert [m.content for m in history.all_messages(conversation_id)] == ["Hi", "fine now"]


def test_a_new_chat_keeps_the_stored_one_and_reopening_continues_it(
    server: OpenAIServer, history: History
) -> None:
    session, recorder = make_session(server, history)
    session.system_prompt = "Answer in French."

    async def first_chat() -> None:
        await answer(session, recorder, lambda: session.send("Hello"))

    asyncio.run(first_chat())
    first = session.conversation_id
    session.clear()
    assert session.conversation_id is None and session.turns == []
    assert len(history.messages(first or 0)) == 2  # a new chat deletes nothing

    session.system_prompt = ""
    asyncio.run(first_chat())
    assert session.conversation_id not in (None, first)

    conversation = session.open_conversation(first or 0)
    assert conversation.id == first and session.system_prompt == "Answer in French."
    assert [(t.role, t.content) for t in session.turns] == [
        ("user", "Hello"), ("assistant", "You said: Hello"),
    ]  # fmt: skip
    assert session.turns[1].title == "OpenAI · gpt-4o-mini" and session.turns[1].usage

    async def go_on() -> None:
        await answer(session, recorder, lambda: session.send("Again"))

    asyncio.run(go_on())
    assert server.last_request.body_dict["messages"] == [
        {"role": "system", "content": "Answer in French."},
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "You said: Hello"},
        {"role": "user", "content": "Again"},
    ]
    assert [m.position for m in history.messages(first or 0)] == [0, 1, 2, 3]
    assert session.conversation_id == first


def test_an_answer_cut_off_by_a_crash_reopens_as_stopped(history: History) -> None:
    conversation = history.create_conversation("Crash", "", "openai", "gpt-4o")
    history.add_message(conversation, "user", "Tell me")
    message = history.add_message(conversation, "assistant", "half", status="streaming")
    history.update_message(message, content="half an answer")
    config = RequestConfig(provider=get_provider("openai"), provider_id="openai")
    session = ChatSession(config, history=history)
    session.open_conversation(conversation)
    turn = session.turns[1]
    assert (turn.content, turn.stopped, turn.error) == ("half an answer", True, None)


def test_a_failing_history_is_reported_once_and_the_chat_goes_on(
    server: OpenAIServer, history: History
) -> None:
    session, recorder = make_session(server, history)
    history.close()  # every write now fails, as on a vanished or full disk

    async def run() -> tuple[str, int, Turn]:
        return await answer(session, recorder, lambda: session.send("Still there?"))

    outcome, _, turn = asyncio.run(run())
    assert outcome == "finished" and turn.content == "You said: Still there?"
    failures = [event for event in recorder.events if event[0] == "history failed"]
    assert len(failures) == 1 and "no longer be saved" in failures[0][1]
    assert session.history is None and session.conversation_id is None


def test_nothing_secret_reaches_the_history(
    server: OpenAIServer, history: History, tmp_path: Path
) -> None:
    server.push(Error(401, code="invalid_api_key"))
    session, recorder = make_session(server, history)

    async def run() -> None:
        await answer(session, recorder, lambda: session.send("q1"))
        await answer(session, recorder, lambda: session.send("q2"))

    asyncio.run(run())
    assert server.requests[0].header("authorization") == f"Bearer {DEFAULT_KEY}"
    history.close()
    for path in tmp_path.glob("history.sqlite3*"):
        assert DEFAULT_KEY.encode() not in path.read_bytes(), path.name


def test_answer_text_grows_without_copying_the_whole_answer_per_chunk() -> None:
    from app.core.session import Turn

    turn = Turn(role="assistant", content="Hel")
    parts = turn.__dict__["_content_parts"]
    for _ in range(3):
        turn.add_content("lo")
    assert len(parts) == 4  # appended, not re-joined: O(1) per chunk
    assert turn.content == "Hellololo"
    assert len(parts) == 1  # joined once when read
    turn.add_reasoning("hmm")
    turn.content = ""
    assert (turn.content, turn.reasoning) == ("", "hmm")
    assert Turn(role="user") == Turn(role="user", content="")


def test_a_key_kept_for_this_run_answers_without_a_keyring(
    openai_server: OpenAIServer, no_keyring: None
) -> None:
    """No Secret Service, no variable: the key the credentials dialog kept in memory is the one
    the session's request sends (it is looked up at send time, like a keyring key)."""
    from app.core import secrets

    secrets.keep_for_session("openai", secrets.API_KEY, DEFAULT_KEY)
    session, recorder = make_session(openai_server)

    async def run() -> tuple[str, int, Turn]:
        return await answer(session, recorder, lambda: session.send("Hi"))

    outcome, _index, turn = asyncio.run(run())
    assert outcome == "finished", turn.error
    assert openai_server.last_request.header("authorization") == f"Bearer {DEFAULT_KEY}"
