"""One conversation and the answer being streamed into it.

A ``ChatSession`` holds the turns of a chat (user messages and answers), its system prompt and the
request configuration, and runs one answer at a time as an asyncio task on the running loop (the
qasync loop in the app, ``asyncio.run`` in tests). What happens is reported to a
``SessionListener``; the window's listener mirrors it into the chat view. Qt-free.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from providers.base import stream_chunks
from providers.errors import ProviderError
from providers.response import (
    FinishReason,
    ProviderInfo,
    Reasoning,
    RequestLogin,
    ResponseType,
    SourceLink,
    Sources,
    Usage,
)
from providers.types import BaseProvider, Message, Messages

from . import secrets

log = logging.getLogger(__name__)

#: Looks up a request's secret keyword arguments (``api_key``, ...) when it starts.
SecretLookup = Callable[[type[BaseProvider], str], Awaitable[dict[str, str]]]


@dataclass
class Turn:
    """One message of the conversation; answers also carry how their request went."""

    role: Literal["user", "assistant"]
    content: str = ""
    reasoning: str = ""
    title: str = ""
    model: str | None = None
    usage: dict[str, Any] | None = None
    finish_reason: str | None = None
    elapsed: float | None = None
    error: str | None = None
    stopped: bool = False
    streaming: bool = False


@dataclass
class RequestConfig:
    """What the next request is sent with: provider, model, the parameters the user set, and
    connection settings. Never a secret: the API key is looked up at send time."""

    provider: type[BaseProvider]
    provider_id: str
    model: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    base_url: str | None = None
    proxy: str | None = None

    @property
    def label(self) -> str:
        return str(getattr(self.provider, "label", "") or self.provider.__name__)

    @property
    def model_name(self) -> str:
        return self.model or str(getattr(self.provider, "default_model", "") or "")

    @property
    def title(self) -> str:
        return f"{self.label} · {self.model_name}" if self.model_name else self.label


class SessionListener:
    """What a session reports; every method is optional (the defaults do nothing)."""

    def message_added(self, index: int, turn: Turn) -> None:
        """A user message was appended at ``index``."""

    def answer_started(self, index: int, turn: Turn) -> None:
        """An answer was appended at ``index`` and its request is on its way."""

    def text_received(self, index: int, text: str) -> None: ...

    def reasoning_received(self, index: int, text: str) -> None: ...

    def login_requested(self, index: int, label: str, url: str) -> None:
        """The provider asks the user to sign in; open ``url`` only on the user's click."""

    def answer_finished(self, index: int, turn: Turn) -> None:
        """The answer ended normally or was stopped (``turn.stopped``)."""

    def answer_failed(self, index: int, turn: Turn) -> None:
        """The request failed; ``turn.error`` says why, ``turn.content`` keeps what arrived."""

    def truncated(self, index: int) -> None:
        """Turns from ``index`` on were removed (regenerate, retry, edit)."""

    def busy_changed(self, busy: bool) -> None: ...


class ChatSession:
    """A conversation; ``send``/``regenerate``/``retry``/``edit_and_resend`` start an answer."""

    def __init__(
        self,
        config: RequestConfig,
        *,
        system_prompt: str = "",
        listener: SessionListener | None = None,
        secret_lookup: SecretLookup = secrets.request_secrets,
    ) -> None:
        self.config = config
        self.system_prompt = system_prompt
        self.listener = listener or SessionListener()
        self.turns: list[Turn] = []
        self._secret_lookup = secret_lookup
        self._task: asyncio.Task[None] | None = None
        self._running = False  # cleared before the end is reported, so handlers may send again
        self._generation = 0  # which answer is the current one (clear() orphans it)

    # ----- state ------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._running

    @property
    def task(self) -> asyncio.Task[None] | None:
        return self._task

    async def wait(self) -> None:
        """Until the current answer (if any) has ended, however it ends."""
        task = self._task
        if task is not None:
            await asyncio.wait([task])

    def last_answer_index(self) -> int | None:
        for index in range(len(self.turns) - 1, -1, -1):
            if self.turns[index].role == "assistant":
                return index
        return None

    # ----- user intents ------------------------------------------------------------------------
    def send(self, text: str) -> bool:
        """Append a user message and answer it; False (and nothing done) when busy or empty."""
        if self.busy or not text.strip():
            return False
        self._add_user(text)
        self._start_answer()
        return True

    def regenerate(self, index: int | None = None) -> bool:
        """Drop the answer at ``index`` (default: the last) and what follows; answer again."""
        if self.busy:
            return False
        index = self.last_answer_index() if index is None else index
        if index is None or not 0 <= index < len(self.turns):
            return False
        if self.turns[index].role != "assistant":
            return False
        self._truncate(index)
        self._start_answer()
        return True

    def retry(self, index: int | None = None) -> bool:
        """Send the failed (or stopped) request again; what it had streamed is replaced."""
        return self.regenerate(index)

    def edit_and_resend(self, index: int, text: str) -> bool:
        """Replace the user message at ``index`` with ``text``, drop what followed, answer it."""
        if self.busy or not text.strip() or not 0 <= index < len(self.turns):
            return False
        if self.turns[index].role != "user":
            return False
        self._truncate(index)
        self._add_user(text)
        self._start_answer()
        return True

    def stop(self) -> bool:
        """Cancel the running answer; its HTTP response is closed at once. True if one ran."""
        if not self.busy or self._task is None:
            return False
        self._task.cancel()
        return True

    def clear(self) -> None:
        """Forget the conversation (a new chat); a running answer is stopped and forgotten."""
        if self.busy and self._task is not None:
            self._generation += 1  # orphans the running answer: it reports nothing more
            self._task.cancel()
            self._running = False
            self.listener.busy_changed(False)
        self._task = None
        if self.turns:
            self._truncate(0)

    # ----- the request -------------------------------------------------------------------------
    def request_messages(self, upto: int | None = None) -> Messages:
        """The conversation before ``upto`` as provider messages, system prompt first.

        Answers that produced no text (failed before the first chunk) are left out. A provider
        without system messages gets the system prompt in front of the first user message.
        """
        turns = self.turns if upto is None else self.turns[:upto]
        messages: Messages = []
        for turn in turns:
            if turn.role == "user":
                messages.append({"role": "user", "content": turn.content})
            elif turn.content:
                messages.append({"role": "assistant", "content": turn.content})
        system = self.system_prompt.strip()
        if system:
            if getattr(self.config.provider, "supports_system_message", False):
                messages.insert(0, {"role": "system", "content": system})
            else:
                for position, message in enumerate(messages):
                    if message["role"] == "user":
                        merged: Message = {
                            "role": "user",
                            "content": f"{system}\n\n{message['content']}",
                        }
                        messages[position] = merged
                        break
        return messages

    def _add_user(self, text: str) -> None:
        turn = Turn(role="user", content=text)
        self.turns.append(turn)
        self.listener.message_added(len(self.turns) - 1, turn)

    def _truncate(self, index: int) -> None:
        del self.turns[index:]
        self.listener.truncated(index)

    def _start_answer(self) -> None:
        config = replace(self.config, params=dict(self.config.params))
        messages = self.request_messages()
        turn = Turn(role="assistant", title=config.title, model=config.model_name or None)
        turn.streaming = True
        self.turns.append(turn)
        index = len(self.turns) - 1
        self.listener.answer_started(index, turn)
        self._generation += 1
        self._task = asyncio.get_event_loop().create_task(
            self._run(index, turn, config, messages, self._generation), name=f"answer {index}"
        )
        self._running = True
        self.listener.busy_changed(True)

    async def _run(
        self, index: int, turn: Turn, config: RequestConfig, messages: Messages, generation: int
    ) -> None:
        started = time.monotonic()
        failed = False
        try:
            kwargs = dict(config.params)
            if config.base_url:
                kwargs["base_url"] = config.base_url
            if config.proxy:
                kwargs["proxy"] = config.proxy
            # A proxy chosen in the settings wins over one kept in the keyring.
            for name, value in (
                await self._secret_lookup(config.provider, config.provider_id)
            ).items():
                kwargs.setdefault(name, value)
            async for chunk in stream_chunks(config.provider, config.model, messages, **kwargs):
                if generation != self._generation:
                    raise asyncio.CancelledError  # orphaned by clear(): stop reading at once
                self._dispatch(index, turn, chunk)
        except asyncio.CancelledError:
            # Stopping is how this task is meant to end early: report it, do not propagate.
            turn.stopped = True
        except ProviderError as error:
            turn.error = str(error) or type(error).__name__
            failed = True
        except Exception as error:  # a provider bug must not take the window down
            log.error("%s failed unexpectedly", config.label, exc_info=True)
            turn.error = f"{config.label} failed unexpectedly: {type(error).__name__}: {error}"
            failed = True
        turn.elapsed = time.monotonic() - started
        turn.streaming = False
        if generation != self._generation:
            return  # orphaned by clear(): the conversation it belonged to is gone
        self._running = False
        self.listener.busy_changed(False)
        if failed:
            self.listener.answer_failed(index, turn)
        else:
            self.listener.answer_finished(index, turn)

    def _dispatch(self, index: int, turn: Turn, chunk: object) -> None:
        if isinstance(chunk, str):
            if chunk:
                turn.content += chunk
                self.listener.text_received(index, chunk)
        elif isinstance(chunk, Reasoning):
            text = str(chunk)
            if text:
                turn.reasoning += text
                self.listener.reasoning_received(index, text)
        elif isinstance(chunk, Usage):
            turn.usage = chunk.get_dict()
        elif isinstance(chunk, FinishReason):
            turn.finish_reason = chunk.reason
        elif isinstance(chunk, RequestLogin):
            self.listener.login_requested(index, chunk.label, chunk.login_url)
        elif isinstance(chunk, ProviderInfo):
            model = chunk.get_dict().get("model")
            if isinstance(model, str) and model:
                turn.model = model
        elif isinstance(chunk, Sources | SourceLink):
            text = str(chunk)  # citations are markdown text in the answer
            if text:
                turn.content += text
                self.listener.text_received(index, text)
        elif isinstance(chunk, ResponseType):
            log.debug("ignoring a %s chunk", type(chunk).__name__)
        else:
            log.debug("ignoring an unknown chunk of type %s", type(chunk).__name__)
