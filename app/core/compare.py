"""One prompt, several providers/models answering side by side.

A ``CompareRun`` has columns; each column is a ``ChatSession`` of its own: the first prompt
(``start``) and every follow-up (``follow_up``) go to every column, and each column keeps its own
turns, so each request carries that column's own previous answers. So a column streams, stops,
fails and is retried exactly as a chat answer does (the
same secret lookup off the GUI thread, the same chunk handling, the same error messages), on its
own asyncio task: no column waits for another, and one column's failure or stop never touches the
others (docs/architecture.md, "Errors"). Two columns may use the same provider: their requests are
independent, and login providers share one login through the framework's per-record lock.

What this module adds is the comparison: timing per column (time to first token, total time,
output tokens per second), its cost (``pricing``) and one listener for all columns. Qt-free.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any, Literal

from providers.helpers import to_string

from . import secrets
from .attachments import Attachment
from .pricing import Cost, answer_cost
from .session import ChatSession, RequestConfig, SecretLookup, SessionListener, Turn

__all__ = ["Column", "ColumnState", "CompareListener", "CompareRun", "Cost", "RequestConfig"]

ColumnState = Literal["idle", "running", "finished", "stopped", "failed"]

#: Below this much time between the first token and the end, tokens per second are taken over
#: the whole request instead: an answer that arrived in one piece has no generation time.
MIN_GENERATION_SECONDS = 0.05


class CompareListener:
    """What a comparison reports; every method is optional (the defaults do nothing)."""

    def column_started(self, column: Column) -> None:
        """The column's request is on its way (its previous answer, if any, is gone)."""

    def first_token(self, column: Column) -> None:
        """The column's first text or reasoning arrived (``column.time_to_first_token``)."""

    def text_received(self, column: Column, text: str) -> None: ...

    def reasoning_received(self, column: Column, text: str) -> None: ...

    def login_requested(self, column: Column, label: str, url: str) -> None:
        """The provider asks the user to sign in; open ``url`` only on the user's click."""

    def column_finished(self, column: Column) -> None:
        """The answer ended normally or was stopped (``column.stopped``)."""

    def column_failed(self, column: Column) -> None:
        """The request failed; ``column.error`` says why, ``column.text`` keeps what arrived."""

    def busy_changed(self, busy: bool) -> None:
        """Whether any column is running; reported after the column's own report."""


class Column:
    """One provider/model of a comparison, its answer and how fast it came."""

    def __init__(self, run: CompareRun, key: int, spec: RequestConfig) -> None:
        self.key = key  # stable while the column exists (positions change when one is removed)
        self.spec = spec
        #: This column's own system prompt; None: the run's shared one.
        self.system_prompt: str | None = None
        self.started_at: float | None = None  # time.monotonic() of each event of the last request
        self.first_token_at: float | None = None
        self.ended_at: float | None = None
        self.session = ChatSession(
            spec, listener=_ColumnListener(run, self), secret_lookup=run.secret_lookup,
            explain=run.explain, loop=run.loop,
        )  # fmt: skip

    # ----- the last answer ------------------------------------------------------------------------
    @property
    def answer(self) -> Turn | None:
        turns = self.session.turns
        return turns[-1] if turns and turns[-1].role == "assistant" else None

    @property
    def busy(self) -> bool:
        return self.session.busy

    @property
    def state(self) -> ColumnState:
        answer = self.answer
        if answer is None:
            return "idle"
        if answer.streaming:
            return "running"
        if answer.error is not None:
            return "failed"
        return "stopped" if answer.stopped else "finished"

    @property
    def text(self) -> str:
        answer = self.answer
        return answer.content if answer else ""

    @property
    def reasoning(self) -> str:
        answer = self.answer
        return answer.reasoning if answer else ""

    @property
    def error(self) -> str | None:
        answer = self.answer
        return answer.error if answer else None

    @property
    def stopped(self) -> bool:
        answer = self.answer
        return bool(answer and answer.stopped)

    @property
    def usage(self) -> dict[str, Any] | None:
        answer = self.answer
        return answer.usage if answer else None

    @property
    def finish_reason(self) -> str | None:
        answer = self.answer
        return answer.finish_reason if answer else None

    @property
    def model(self) -> str | None:
        """The model that answered as the provider named it, else the one asked for."""
        answer = self.answer
        return (answer.model if answer else None) or self.spec.model_name or None

    # ----- timing ---------------------------------------------------------------------------------
    @property
    def time_to_first_token(self) -> float | None:
        """Seconds from the request's start (key lookup included) to its first text or
        reasoning; None until it arrives."""
        if self.started_at is None or self.first_token_at is None:
            return None
        return self.first_token_at - self.started_at

    @property
    def elapsed(self) -> float | None:
        """Seconds from the start to the end, or to now while the column runs."""
        if self.started_at is None:
            return None
        end = self.ended_at if self.ended_at is not None else time.monotonic()
        return end - self.started_at

    @property
    def output_tokens(self) -> int | None:
        """Output tokens as the provider counted them (None when it reported no usage)."""
        value = (self.usage or {}).get("completion_tokens")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def tokens_per_second(self) -> float | None:
        """Output tokens per second of generation (first token to end), the figure that compares
        model speed apart from connection and queueing time; None without a token count."""
        tokens, elapsed = self.output_tokens, self.elapsed
        if tokens is None or elapsed is None or self.ended_at is None:
            return None
        ttft = self.time_to_first_token
        seconds = elapsed - ttft if ttft is not None else elapsed
        if seconds < MIN_GENERATION_SECONDS:
            seconds = elapsed
        return tokens / seconds if seconds > 0 else None

    @property
    def cost(self) -> Cost | None:
        """What the last answer cost at the provider's published prices, estimated from the text
        when the provider reported no usage; None while it runs or when the price is unknown."""
        answer = self.answer
        if answer is None or answer.streaming:
            return None
        index = self.session.last_answer_index()
        messages = self.session.request_messages(upto=index)
        prompt = "\n".join(to_string(message["content"]) for message in messages)
        return answer_cost(
            self.spec.provider_id, self.model or "", answer.usage,
            prompt_text=prompt, answer_text=answer.content,
        )  # fmt: skip


class _ColumnListener(SessionListener):
    """A column's session reports, timed and passed on with the column they belong to."""

    def __init__(self, run: CompareRun, column: Column) -> None:
        self.run = run
        self.column = column

    def answer_started(self, index: int, turn: Turn) -> None:
        column = self.column
        column.started_at = time.monotonic()
        column.first_token_at = column.ended_at = None
        self.run.listener.column_started(column)

    def _token(self) -> None:
        if self.column.first_token_at is None:
            self.column.first_token_at = time.monotonic()
            self.run.listener.first_token(self.column)

    def text_received(self, index: int, text: str) -> None:
        self._token()
        self.run.listener.text_received(self.column, text)

    def reasoning_received(self, index: int, text: str) -> None:
        self._token()
        self.run.listener.reasoning_received(self.column, text)

    def login_requested(self, index: int, label: str, url: str) -> None:
        self.run.listener.login_requested(self.column, label, url)

    def answer_finished(self, index: int, turn: Turn) -> None:
        self.column.ended_at = time.monotonic()
        self.run.listener.column_finished(self.column)
        self.run._update_busy()

    def answer_failed(self, index: int, turn: Turn) -> None:
        self.column.ended_at = time.monotonic()
        self.run.listener.column_failed(self.column)
        self.run._update_busy()


class CompareRun:
    """Columns that answer the same prompt concurrently on the running asyncio loop."""

    def __init__(
        self,
        specs: Iterable[RequestConfig] = (),
        *,
        listener: CompareListener | None = None,
        secret_lookup: SecretLookup = secrets.request_secrets,
        explain: Callable[[BaseException], str] = str,
        loop: Callable[[], asyncio.AbstractEventLoop] | None = None,
    ) -> None:
        self.listener = listener or CompareListener()
        self.loop = loop  # what gives the loop the columns' answers run on (the window's)
        self.secret_lookup = secret_lookup
        self.explain = explain  # how an error reads where the columns are shown
        self.prompt = ""  # the last prompt put to every column
        self.system_prompt = ""  # the shared one; a column may have its own
        self.attachments: list[Attachment] = []  # sent with the prompt to every column
        self.columns: list[Column] = []
        self._next_key = 0
        self._busy = False
        for spec in specs:
            self.add_column(spec)

    # ----- columns --------------------------------------------------------------------------------
    def add_column(self, spec: RequestConfig) -> Column:
        column = Column(self, self._next_key, spec)
        self._next_key += 1
        self.columns.append(column)
        return column

    def column(self, key: int) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(f"no column {key}")

    def remove_column(self, key: int) -> None:
        """Drop a column; its running answer is cancelled and reports nothing more."""
        column = self.column(key)
        column.session.clear()
        self.columns.remove(column)
        self._update_busy()

    def set_spec(self, key: int, spec: RequestConfig) -> None:
        """What the column asks next (its next start or retry; a running answer goes on)."""
        self.column(key).spec = spec

    # ----- state ----------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return any(column.busy for column in self.columns)

    async def wait(self) -> None:
        """Until every running column has ended, however each ends."""
        tasks = [column.session.task for column in self.columns if column.busy]
        pending = [task for task in tasks if task is not None]
        if pending:
            await asyncio.wait(pending)

    # ----- user intents ---------------------------------------------------------------------------
    def start(
        self, prompt: str, system_prompt: str = "", attachments: list[Attachment] | None = None
    ) -> bool:
        """Put ``prompt`` (and the same ``attachments``) to every column at once; False (nothing
        done) if one still runs, the prompt is empty or there is no column."""
        if self.busy or not (prompt.strip() or attachments) or not self.columns:
            return False
        self.prompt = prompt
        self.system_prompt = system_prompt
        self.attachments = list(attachments or [])
        for column in list(self.columns):
            self._ask(column, report=False)
        self._update_busy()  # once, after every column has started
        return True

    def follow_up(
        self,
        prompt: str,
        system_prompt: str | None = None,
        attachments: list[Attachment] | None = None,
    ) -> bool:
        """Put ``prompt`` (and the same ``attachments``) to every column after its own previous
        turns (a new question when no column has any); False (nothing done) if one still runs
        or the prompt is empty."""
        if not any(column.session.turns for column in self.columns):
            shared = self.system_prompt if system_prompt is None else system_prompt
            return self.start(prompt, shared, attachments)
        if self.busy or not (prompt.strip() or attachments) or not self.columns:
            return False
        self.prompt = prompt
        self.attachments = list(attachments or [])
        if system_prompt is not None:
            self.system_prompt = system_prompt
        for column in list(self.columns):
            self._configure(column)
            column.session.send(prompt, self.attachments)
        self._update_busy()
        return True

    def retry(self, key: int, index: int | None = None) -> bool:
        """Ask one column again (with its current spec): its answer at ``index`` (default: the
        last) and what follows it are replaced; the other columns are left as they are. A column
        added after the last prompt is asked that prompt.

        False while it runs or before any prompt.
        """
        column = self.column(key)
        if column.busy or not (self.prompt.strip() or self.attachments):
            return False
        self._configure(column)
        if column.answer is None:
            done = column.session.send(self.prompt, self.attachments)
        else:
            done = column.session.regenerate(index)
        self._update_busy()
        return done

    def edit(self, key: int, index: int, text: str) -> bool:
        """Replace one column's question at ``index`` with ``text`` and ask it again there (the
        column's later turns are dropped); False while it runs or when there is no such one."""
        column = self.column(key)
        if column.busy:
            return False
        self._configure(column)
        done = column.session.edit_and_resend(index, text)
        self._update_busy()
        return done

    def stop(self, key: int | None = None) -> bool:
        """Stop one column (``key``) or all; a stopped answer keeps what it streamed."""
        columns = self.columns if key is None else [self.column(key)]
        stopped = False
        for column in columns:
            stopped = column.session.stop() or stopped
        return stopped

    def close(self) -> None:
        """Stop every column at once; nothing is reported afterwards (the window is closing)."""
        for column in self.columns:
            column.session.clear()
        self._update_busy()

    def _configure(self, column: Column) -> None:
        """The column's session asks with its current spec and system prompt."""
        session = column.session
        session.config = replace(column.spec, params=dict(column.spec.params))
        own = column.system_prompt
        session.system_prompt = self.system_prompt if own is None else own

    def _ask(self, column: Column, *, report: bool = True) -> None:
        session = column.session
        session.clear()
        self._configure(column)
        session.send(self.prompt, self.attachments)
        if report:
            self._update_busy()  # the session counts as running only once send() has returned

    def _update_busy(self) -> None:
        busy = self.busy
        if busy != self._busy:
            self._busy = busy
            self.listener.busy_changed(busy)
