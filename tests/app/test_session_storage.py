"""No storage problem may end an answer or lose its text; a stalled stream is still saved."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any, ClassVar

import pytest

from app.core.history import History
from app.core.session import ChatSession, RequestConfig, Turn
from providers.base import AsyncGeneratorProvider
from tests.app.test_session import Recorder


class Script(AsyncGeneratorProvider):
    """Yields ``chunks``; ``None`` in the script means: stall until ``resume`` is set."""

    label = "Script"
    chunks: ClassVar[list[str | None]] = []
    resume: ClassVar[asyncio.Event | None] = None

    @classmethod
    async def create_async_generator(  # type: ignore[override]
        cls, model: str, messages: Any, stream: bool = True, **kwargs: Any
    ) -> Any:
        for chunk in cls.chunks:
            if chunk is None:
                assert cls.resume is not None
                await cls.resume.wait()
            else:
                yield chunk


async def no_secrets(provider: Any, provider_id: str) -> dict[str, str]:
    return {}


@pytest.fixture
def history(tmp_path: Path) -> Any:
    store = History(tmp_path / "history.sqlite3")
    yield store
    store.close()


def session_for(history: History, chunks: list[str | None]) -> tuple[ChatSession, Recorder]:
    Script.chunks = chunks
    recorder = Recorder()
    session = ChatSession(
        RequestConfig(provider=Script, provider_id="script"), listener=recorder,
        secret_lookup=no_secrets, history=history,
    )  # fmt: skip
    return session, recorder


async def answer(session: ChatSession, recorder: Recorder, prompt: str) -> tuple[str, int, Turn]:
    recorder.arm()
    assert session.send(prompt) is True
    assert recorder.ended is not None
    return await asyncio.wait_for(recorder.ended, 30)


def failures(recorder: Recorder) -> list[str]:
    return [event[1] for event in recorder.events if event[0] == "history failed"]


def test_a_lone_surrogate_does_not_kill_the_answer(history: History) -> None:
    session, recorder = session_for(history, ["Hello ", "\ud800", " world"])

    async def run() -> tuple[tuple[str, int, Turn], tuple[str, int, Turn]]:
        first = await answer(session, recorder, "one")
        second = await answer(session, recorder, "two")  # Send works again
        return first, second

    (outcome, index, turn), second = asyncio.run(run())
    assert (outcome, turn.error, turn.stopped) == ("finished", None, False)
    assert recorder.text[index] == turn.content == "Hello \ud800 world"  # on screen as it came
    assert second[0] == "finished" and not session.busy
    assert failures(recorder) == []
    stored = history.messages(session.conversation_id or 0)
    assert [(m.content, m.status) for m in stored] == [
        ("one", "complete"), ("Hello \ufffd world", "complete"),
        ("two", "complete"), ("Hello \ufffd world", "complete"),
    ]  # fmt: skip


def test_a_full_disk_mid_answer_is_reported_once_and_the_answer_finishes(
    history: History,
) -> None:
    pages = history._db.execute("PRAGMA page_count").fetchone()[0]
    history._db.execute(f"PRAGMA max_page_count={pages + 4}")  # room for the prompts, no more
    text = [f"line {number} " + "words " * 300 + "\n" for number in range(60)]
    session, recorder = session_for(history, text)  # type: ignore[arg-type]

    async def run() -> tuple[tuple[str, int, Turn], tuple[str, int, Turn]]:
        first = await answer(session, recorder, "a long one")
        second = await answer(session, recorder, "and another")
        return first, second

    (outcome, index, turn), second = asyncio.run(run())
    assert outcome == "finished" and turn.error is None and not turn.stopped
    assert recorder.text[index] == turn.content == "".join(text)  # nothing lost on screen
    assert second[0] == "finished" and second[2].content == "".join(text) and not session.busy
    [message] = failures(recorder)  # once, not per chunk or per answer
    assert "disk is full" in message and "Free some space" in message, message
    assert "rollback" not in message


def test_text_received_before_a_stall_is_saved_during_the_stall(history: History) -> None:
    session, recorder = session_for(history, ["before ", "the stall", None, " after"])
    seen: list[str] = []

    async def run() -> tuple[str, int, Turn]:
        Script.resume = asyncio.Event()
        recorder.arm()
        session.send("go")
        assert recorder.first_text is not None and recorder.ended is not None
        await asyncio.wait_for(recorder.first_text, 30)
        reader = sqlite3.connect(history.path)  # what a new process would find on disk
        deadline = time.monotonic() + 30  # generous: the save is due one second in
        while time.monotonic() < deadline:
            row = reader.execute("SELECT content FROM messages WHERE role = 'assistant'").fetchone()
            if row is not None and row[0] == "before the stall":
                seen.append(row[0])
                break
            await asyncio.sleep(0.05)
        reader.close()
        assert session.busy  # still stalled: the save came from the timer, not from the end
        Script.resume.set()
        return await asyncio.wait_for(recorder.ended, 30)

    outcome, _, turn = asyncio.run(run())
    assert seen == ["before the stall"]
    assert outcome == "finished" and turn.content == "before the stall after"
    assert history.messages(session.conversation_id or 0)[1].content == "before the stall after"
