"""One conversation and the answer being streamed into it.

A ``ChatSession`` holds the turns of a chat (user messages and answers), its system prompt and the
request configuration, and runs one answer at a time as an asyncio task on the running loop (the
qasync loop in the app, ``asyncio.run`` in tests). What happens is reported to a
``SessionListener``; the window's listener mirrors it into the chat view. Qt-free.

Given a ``History``, the session saves the conversation as it happens (docs/architecture.md,
"Storage"): the conversation is created on the first send, each user message when it is sent, each
answer while it streams (``AnswerRecorder``). The conversation is a tree (``message_tree``):
regenerate and edit add a version beside the old answer or message, ``switch_version`` shows
another one, and ``turns`` is always the path shown; a retried (failed or stopped) answer is
replaced.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar
from urllib.parse import unquote, urlparse

from providers import media
from providers.advice import plain_reason
from providers.base import stream_chunks
from providers.errors import ProviderError
from providers.lazy import lazy_module
from providers.parameters import get_parameters
from providers.response import (
    FinishReason,
    ImagePreview,
    ImageResponse,
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
from .attachments import Attachment, AttachmentError, AttachmentStore, as_media, with_attachments
from .message_tree import MessageTree, Node

if TYPE_CHECKING:  # loaded with the app's loop, after the window's first paint (``tasks``)
    import asyncio
else:
    asyncio = lazy_module("asyncio")


if TYPE_CHECKING:
    from .history import AnswerRecorder, Conversation, History, StoredMessage

log = logging.getLogger(__name__)
_T = TypeVar("_T")

TITLE_WORDS = 8  # a new conversation's title: the first words of its first prompt...
TITLE_CHARS = 60  # ...at most this long

#: Looks up a request's secret keyword arguments (``api_key``, ...) when it starts.
SecretLookup = Callable[[type[BaseProvider], str], Awaitable[dict[str, str]]]


class GrowingText:
    """A text attribute that grows in O(1) per append: the parts are joined only when read.

    ``turn.content += chunk`` copies the whole answer on every chunk (O(n²) over a stream).
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = f"_{name}_parts"

    def __get__(self, turn: object, owner: type | None = None) -> str:
        if turn is None:
            return ""  # the dataclass default
        parts: list[str] = turn.__dict__.setdefault(self.key, [])
        if len(parts) > 1:
            parts[:] = ["".join(parts)]
        return parts[0] if parts else ""

    def __set__(self, turn: object, value: str) -> None:
        turn.__dict__[self.key] = [value] if value else []

    def append(self, turn: object, text: str) -> None:
        turn.__dict__.setdefault(self.key, []).append(text)


_CONTENT, _REASONING = GrowingText(), GrowingText()


@dataclass
class Turn:
    """One message of the conversation; answers also carry how their request went."""

    role: Literal["user", "assistant"]
    content: GrowingText = _CONTENT
    reasoning: GrowingText = _REASONING
    title: str = ""
    model: str | None = None
    usage: dict[str, Any] | None = None
    finish_reason: str | None = None
    elapsed: float | None = None
    error: str | None = None
    stopped: bool = False
    streaming: bool = False
    message_id: int | None = None  # its row in the history, once saved
    #: A user message's files; an answer's images (those it returned as data or local files).
    attachments: list[Attachment] = field(default_factory=list)
    remote_images: list[str] = field(default_factory=list)  # URLs, never fetched by themselves

    def add_content(self, text: str) -> None:
        _CONTENT.append(self, text)

    def add_reasoning(self, text: str) -> None:
        _REASONING.append(self, text)


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

    def path_changed(self, index: int) -> None:
        """Another version was chosen at ``index``: the turns from there on are different ones
        (already complete); show them instead."""

    def busy_changed(self, busy: bool) -> None: ...

    def images_received(self, index: int, images: list[Attachment], remote: list[str]) -> None:
        """The answer returned images: held ones (data, local files) and remote URLs."""

    def conversation_saved(self, conversation_id: int) -> None:
        """The conversation was created or got a new message in the history."""

    def history_failed(self, message: str) -> None:
        """Saving to the history failed; the conversation goes on, no longer saved."""


class ChatSession:
    """A conversation; ``send``/``regenerate``/``retry``/``edit_and_resend`` start an answer."""

    def __init__(
        self,
        config: RequestConfig,
        *,
        system_prompt: str = "",
        listener: SessionListener | None = None,
        secret_lookup: SecretLookup = secrets.request_secrets,
        history: History | None = None,
        attachment_store: AttachmentStore | None = None,
        explain: Callable[[BaseException], str] = str,
        loop: Callable[[], asyncio.AbstractEventLoop] | None = None,
    ) -> None:
        self.config = config
        self._loop = loop  # what gives the loop answers run on (the window's: ``tasks``)
        self.explain = explain  # an error as the user reads it (the window's or the CLI's words)
        self.system_prompt = system_prompt
        self.listener = listener or SessionListener()
        self.turns: list[Turn] = []  # the shown path through the tree
        self._tree: MessageTree[Turn] = MessageTree()
        self._nodes: list[Node[Turn]] = []  # the same path as tree nodes
        self._saved = _Saver(history, lambda message: self.listener.history_failed(message))
        self._saved.files = attachment_store
        self._secret_lookup = secret_lookup
        self._task: asyncio.Task[None] | None = None
        self._running = False  # cleared before the end is reported, so handlers may send again
        self._generation = 0  # which answer is the current one (clear() orphans it)

    @property
    def busy(self) -> bool:
        return self._running

    @property
    def task(self) -> asyncio.Task[None] | None:
        return self._task

    @property
    def conversation_id(self) -> int | None:
        """The stored conversation this session writes to (None: not saved yet, or no history)."""
        return self._saved.conversation_id

    @property
    def history(self) -> History | None:
        """Where the conversation is saved; None without a history or after a failed write."""
        return self._saved.history

    def attach_history(
        self, history: History | None, attachment_store: AttachmentStore | None = None
    ) -> None:
        """Save to ``history`` (and files to ``attachment_store``) from now on (the window opens
        them after creating the session when a migration runs first; a conversation begun
        meanwhile is saved from its next message)."""
        self._saved.history = history
        self._saved.files = attachment_store

    async def wait(self) -> None:
        """Until the current answer (if any) has ended, however it ends."""
        task = self._task
        if task is not None:
            await asyncio.wait([task])

    def version(self, index: int) -> tuple[int, int]:
        """Which version turn ``index`` is: (number from 1, how many there are)."""
        if 0 <= index < len(self._nodes):
            return self._tree.version(self._nodes[index])
        return 1, 1

    def last_answer_index(self) -> int | None:
        for index in range(len(self.turns) - 1, -1, -1):
            if self.turns[index].role == "assistant":
                return index
        return None

    # ----- user intents ------------------------------------------------------------------------
    def send(self, text: str, attachments: list[Attachment] | None = None) -> bool:
        """Append a user message (with its files) and answer it; False (and nothing done) when
        busy or empty."""
        if self.busy or not (text.strip() or attachments):
            return False
        self._add_user(text, self._nodes[-1] if self._nodes else None, attachments)
        self._start_answer()
        return True

    def regenerate(self, index: int | None = None) -> bool:
        """Answer the question before ``index`` (default: the last answer) again; the answer
        there stays as an earlier version."""
        if self.busy:
            return False
        index = self.last_answer_index() if index is None else index
        if index is None or not 0 <= index < len(self.turns):
            return False
        if self.turns[index].role != "assistant":
            return False
        self._branch_at(index)
        self._start_answer()
        return True

    def retry(self, index: int | None = None) -> bool:
        """Send the failed (or stopped) request again; what it had streamed is replaced."""
        if self.busy:
            return False
        index = self.last_answer_index() if index is None else index
        if index is None or not 0 <= index < len(self.turns):
            return False
        if self.turns[index].role != "assistant":
            return False
        node = self._nodes[index]
        if node.item is not None and node.item.message_id is not None:
            self._saved.truncate_from(node.item.message_id)
        self._tree.remove(node)
        self._branch_at(index)
        self._start_answer()
        return True

    def edit_and_resend(
        self, index: int, text: str, attachments: list[Attachment] | None = None
    ) -> bool:
        """Send ``text`` (with ``attachments``) in place of the user message at ``index`` and
        answer it; the message and what followed it stay as an earlier version."""
        if self.busy or not (text.strip() or attachments) or not 0 <= index < len(self.turns):
            return False
        if self.turns[index].role != "user":
            return False
        parent = self._branch_at(index)
        self._add_user(text, parent, attachments)
        self._start_answer()
        return True

    def switch_version(self, index: int, step: int) -> bool:
        """Show the version ``step`` places from turn ``index`` (-1: the previous one) and the
        turns that followed it; False when busy or there is none."""
        if self.busy or not 0 <= index < len(self._nodes):
            return False
        sibling = self._tree.sibling(self._nodes[index], step)
        if sibling is None or sibling.item is None:
            return False
        self._tree.select(sibling)
        if sibling.item.message_id is not None:
            self._saved.select(sibling.item.message_id)
        self._sync_path()
        self.listener.path_changed(index)
        return True

    def stop(self) -> bool:
        """Cancel the running answer; its HTTP response is closed at once. True if one ran."""
        if not self.busy or self._task is None:
            return False
        self._task.cancel()
        return True

    def clear(self) -> None:
        """Start a new conversation; the stored one stays in the history. A running answer is
        stopped and forgotten (its stored copy ends as stopped)."""
        if self.busy and self._task is not None:
            self._generation += 1  # orphans the running answer: it reports nothing more
            self._task.cancel()
            self._running = False
            self.listener.busy_changed(False)
        self._task = None
        self._saved.detach()
        self._tree = MessageTree()
        if self.turns:
            self._sync_path()
            self.listener.truncated(0)

    def open_conversation(self, conversation_id: int) -> Conversation:
        """Continue a stored conversation: its messages and system prompt become this session's.

        Reads first, so a failed read (``KeyError``, ``sqlite3.Error``, ``HistoryError``) leaves
        the current conversation as it was. The caller restores the provider and model from the
        returned ``Conversation``.
        """
        from .history import HistoryError

        history = self._saved.history
        if history is None:
            raise HistoryError("The history is not available.")
        conversation = history.conversation(conversation_id)
        stored = [m for m in history.all_messages(conversation_id) if m.role != "system"]
        files = self._saved.attachments_of(conversation_id)
        self.clear()
        self._tree, _ = MessageTree.build(
            ((message.id, message.parent_id, _turn_from(message, files)) for message in stored),
            {None: conversation.active_root_id} | {m.id: m.active_child_id for m in stored},
        )
        self._sync_path()
        self.system_prompt = conversation.system_prompt
        self._saved.attach(conversation)
        return conversation

    # ----- the request -------------------------------------------------------------------------
    def request_messages(self, upto: int | None = None, *, attach_last: bool = True) -> Messages:
        """The conversation before ``upto`` as provider messages, system prompt first.

        Answers that produced no text (failed before the first chunk) are left out. A provider
        without system messages gets the system prompt in front of the first user message.
        User messages carry their files (images as content parts, text files as fenced blocks);
        with ``attach_last`` False the last one's are left for the ``media`` parameter.
        """
        turns = self.turns if upto is None else self.turns[:upto]
        messages: Messages = []
        files: dict[int, list[Attachment]] = {}  # message position → its files
        last_user = -1
        for turn in turns:
            if turn.role == "user":
                last_user = len(messages)
                if turn.attachments:
                    files[last_user] = turn.attachments
                messages.append({"role": "user", "content": turn.content})
            elif turn.content:
                messages.append({"role": "assistant", "content": turn.content})
        if not attach_last:
            files.pop(last_user, None)
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
        offset = 1 if messages and messages[0]["role"] == "system" else 0
        for position, attached in files.items():
            messages[position + offset] = with_attachments(messages[position + offset], attached)
        return messages

    def load_turns(self, turns: Sequence[Turn]) -> None:
        """Continue from ``turns``, one path (a comparison column reopened from its storage)."""
        self.clear()
        parent: Node[Turn] | None = None
        for turn in turns:
            parent = self._tree.add(parent, turn)
        self._sync_path()

    def _sync_path(self) -> None:
        self._nodes = self._tree.path()
        self.turns[:] = [node.item for node in self._nodes if node.item is not None]

    def _branch_at(self, index: int) -> Node[Turn] | None:
        """Leave the path at ``index`` for a new version there; the parent it will hang from."""
        parent = self._nodes[index].parent
        del self._nodes[index:]
        del self.turns[index:]
        self.listener.truncated(index)
        return parent if parent is not self._tree.root else None

    def _add_user(
        self, text: str, parent: Node[Turn] | None, attachments: list[Attachment] | None = None
    ) -> None:
        turn = Turn(role="user", content=text, attachments=list(attachments or []))
        self._tree.add(parent, turn)
        self._sync_path()
        saved_in = self._saved.user_message(turn, self.system_prompt, self.config, _id(parent))
        self.listener.message_added(len(self.turns) - 1, turn)
        if saved_in is not None:
            self.listener.conversation_saved(saved_in)

    def _start_answer(self) -> None:
        config = replace(self.config, params=dict(self.config.params))
        messages = self.request_messages(attach_last=False)
        last = next((t for t in reversed(self.turns) if t.role == "user"), None)
        if last is not None and last.attachments:
            config.params["media"] = as_media(last.attachments)
        parent = self._nodes[-1] if self._nodes else None
        turn = Turn(role="assistant", title=config.title, model=config.model_name or None)
        turn.streaming = True
        self._tree.add(parent, turn)
        self._sync_path()
        index = len(self.turns) - 1
        if self._saved.sync_meta(self.system_prompt, config):  # Retry/Regenerate elsewhere
            self.listener.conversation_saved(self._saved.conversation_id)  # type: ignore[arg-type]
        recorder = self._saved.answer(turn, config, _id(parent))
        self.listener.answer_started(index, turn)
        self._generation += 1
        self._task = (self._loop or asyncio.get_event_loop)().create_task(
            self._run(index, turn, config, messages, self._generation, recorder),
            name=f"answer {index}",
        )
        self._running = True
        self.listener.busy_changed(True)

    async def _run(
        self,
        index: int,
        turn: Turn,
        config: RequestConfig,
        messages: Messages,
        generation: int,
        recorder: AnswerRecorder | None,
    ) -> None:
        started = time.monotonic()
        failed = False
        try:
            kwargs = dict(config.params)
            if "media" in kwargs and "media" not in get_parameters(config.provider):
                raise AttachmentError(
                    f"{config.label} does not take attachments. Remove them, or pick a "
                    "provider that does (OpenAI, Anthropic, Gemini, Ollama)."
                )
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
                self._dispatch(index, turn, chunk, recorder)
        except asyncio.CancelledError:
            # Stopping is how this task is meant to end early: report it, do not propagate.
            turn.stopped = True
        except ProviderError as error:
            turn.error = self.explain(error) or plain_reason(error)
            failed = True
        except Exception as error:  # a provider bug must not take the window down
            log.error("%s failed unexpectedly", config.label, exc_info=True)
            turn.error = (
                f"{config.label} failed unexpectedly ({plain_reason(error)}). Try again; if it "
                "keeps failing, the details are in the log."
            )
            failed = True
        turn.elapsed = time.monotonic() - started
        turn.streaming = False
        # Saved even when orphaned: the stored conversation keeps what arrived.
        self._saved.answer_ended(recorder, turn)
        if generation != self._generation:
            return  # orphaned by clear(): the conversation it belonged to is gone
        self._running = False
        self.listener.busy_changed(False)
        if failed:
            self.listener.answer_failed(index, turn)
        else:
            self.listener.answer_finished(index, turn)

    def _dispatch(
        self, index: int, turn: Turn, chunk: object, recorder: AnswerRecorder | None
    ) -> None:
        if isinstance(chunk, str):
            if chunk:
                turn.add_content(chunk)
                self._saved.text(recorder, chunk)
                self.listener.text_received(index, chunk)
        elif isinstance(chunk, Reasoning):
            text = str(chunk)
            if text:
                turn.add_reasoning(text)
                self._saved.reasoning(recorder, text)
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
                turn.add_content(text)
                self._saved.text(recorder, text)
                self.listener.text_received(index, text)
        elif isinstance(chunk, ImageResponse) and not isinstance(chunk, ImagePreview):
            self._images(index, turn, chunk)
        elif isinstance(chunk, ResponseType):
            log.debug("ignoring a %s chunk", type(chunk).__name__)
        else:
            log.debug("ignoring an unknown chunk of type %s", type(chunk).__name__)

    def _images(self, index: int, turn: Turn, chunk: ImageResponse) -> None:
        """Images the answer returned: data URIs and local files are held (and saved with the
        answer); a remote URL becomes a link in the text and is fetched only on a click."""
        held, remote = [], []
        for url in chunk.get_list():
            if _REMOTE.match(url):
                remote.append(url)
                link = f"\n\n[{chunk.alt or 'Image'}]({url})\n"
                turn.add_content(link)
                self.listener.text_received(index, link)
                continue
            try:
                held.append(_returned_image(url))
            except AttachmentError as error:
                log.info("an image of the answer cannot be shown: %s", error)
        turn.attachments += held
        turn.remote_images += remote
        self.listener.images_received(index, held, remote)


_REMOTE = re.compile(r"^https?://", re.I)


def _returned_image(url: str) -> Attachment:
    """An image an answer returned as a ``data:`` URI or a local file (``file://`` or a path);
    only images: a provider naming any other local file gets nothing read."""
    if url.lower().startswith("file://"):
        url = unquote(urlparse(url).path)
    data, name = media.read_media(url, "image" if url.startswith("data:") else None)
    if media.sniff_image(data) is None:
        raise AttachmentError(f"{name} is not an image; it is not shown.")
    return Attachment.from_bytes(data, f"{Path(name).stem or 'image'}.{_suffix(data)}")


def _suffix(data: bytes) -> str:
    return (media.sniff_image(data) or "image/png").split("/")[1]


# ----- saving to the history ----------------------------------------------------------------------


def title_from_prompt(text: str) -> str:
    """A new conversation's title: the first words of its first prompt (the user may rename)."""
    words = text.split()
    title = " ".join(words[:TITLE_WORDS])
    if len(title) > TITLE_CHARS:
        return title[: TITLE_CHARS - 1].rstrip() + "…"
    return title + "…" if len(words) > TITLE_WORDS else title


class _Saver:
    """Writes one session's conversation to the history as it happens.

    Each write is one small statement on the calling (GUI) thread. A failing write (disk full,
    database removed, anything else) turns saving off for this session and is reported once:
    the answer goes on to its normal end, its text stays on screen, Send works again.
    Only message text and non-secret metadata are written (provider id, model, usage, timing).
    """

    def __init__(self, history: History | None, failed: Callable[[str], None]) -> None:
        self.history = history
        self.files: AttachmentStore | None = None  # where attachments go (beside the history)
        self.conversation_id: int | None = None
        self._failed = failed
        self._stored_meta: tuple[str, str, str] | None = None  # system prompt, provider, model
        self._timer: asyncio.TimerHandle | None = None  # the next timed save of an answer

    def attach(self, conversation: Conversation) -> None:
        self.conversation_id = conversation.id
        self._stored_meta = (conversation.system_prompt, conversation.provider, conversation.model)

    def detach(self) -> None:
        self.conversation_id = None
        self._stored_meta = None

    def _write(self, action: Callable[[History], _T]) -> _T | None:
        history = self.history
        if history is None:
            return None
        try:
            return action(history)
        except Exception as error:  # no storage error may end an answer or lose its text
            from .history_file import describe

            self.history = None
            self._cancel_timer()
            if isinstance(error, sqlite3.Error):
                log.info("history write failed: %s", error)
                reason = describe(error, history.path)
            else:
                log.error("history write failed unexpectedly", exc_info=True)
                reason = f"{type(error).__name__}: {error}"
            self._failed(
                f"Conversations can no longer be saved to the history: {reason}. "
                "Chatting goes on without saving."
            )
            return None

    def sync_meta(self, system_prompt: str, config: RequestConfig) -> bool:
        """Store the conversation's system prompt, provider and model if they changed (an
        answer regenerated with another model); True when something was written."""
        meta = (system_prompt, config.provider_id, config.model_name)
        conversation_id = self.conversation_id
        if conversation_id is None or meta == self._stored_meta:
            return False

        def write(history: History) -> bool:
            system, provider, model = meta
            history.update_conversation(
                conversation_id, system_prompt=system, provider=provider, model=model
            )
            self._stored_meta = meta
            return True

        return bool(self._write(write))

    def user_message(
        self, turn: Turn, system_prompt: str, config: RequestConfig, parent_id: int | None
    ) -> int | None:
        """Save a sent message (creating the conversation on the first); the conversation id."""
        meta = (system_prompt, config.provider_id, config.model_name)
        self.sync_meta(system_prompt, config)

        def write(history: History) -> int:
            if self.conversation_id is None:
                first = turn.content or ", ".join(a.name for a in turn.attachments)  # files alone
                self.conversation_id = history.create_conversation(title_from_prompt(first), *meta)
            elif meta != self._stored_meta:
                system, provider, model = meta
                history.update_conversation(
                    self.conversation_id, system_prompt=system, provider=provider, model=model
                )
            self._stored_meta = meta
            turn.message_id = history.add_message(
                self.conversation_id, "user", turn.content, parent_id=parent_id
            )
            return self.conversation_id

        saved_in = self._write(write)
        self.keep_files(turn)
        return saved_in

    def keep_files(self, turn: Turn) -> None:
        """Save a message's attachments with it; failing, the message stays saved without them."""
        files = self.files
        if files is None or self.history is None or turn.message_id is None:
            return
        if not turn.attachments:
            return
        try:
            files.add(turn.message_id, turn.attachments)
        except (sqlite3.Error, OSError) as error:
            log.info("attachment write failed: %s", error)
            self._failed(
                f"The attachments could not be saved to the history ({error}); "
                "the message is saved without them."
            )

    def attachments_of(self, conversation_id: int) -> dict[int, list[Attachment]]:
        if self.files is None:
            return {}
        try:
            return self.files.for_conversation(conversation_id)
        except sqlite3.Error as error:
            log.info("attachment read failed: %s", error)
            return {}

    def answer(
        self, turn: Turn, config: RequestConfig, parent_id: int | None
    ) -> AnswerRecorder | None:
        """Save an answer that starts streaming; its recorder keeps it up to date."""
        from .history import AnswerRecorder

        conversation_id = self.conversation_id
        if conversation_id is None:
            return None

        def write(history: History) -> AnswerRecorder:
            turn.message_id = history.add_message(
                conversation_id, "assistant", provider=config.provider_id,
                model=config.model_name, status="streaming", parent_id=parent_id,
            )  # fmt: skip
            return AnswerRecorder(history, turn.message_id)

        return self._write(write)

    def text(self, recorder: AnswerRecorder | None, text: str) -> None:
        if recorder is not None and self.history is not None:
            self._write(lambda _history: recorder.add_text(text))
            self._save_later(recorder)

    def reasoning(self, recorder: AnswerRecorder | None, text: str) -> None:
        if recorder is not None and self.history is not None:
            self._write(lambda _history: recorder.add_reasoning(text))
            self._save_later(recorder)

    def _save_later(self, recorder: AnswerRecorder) -> None:
        """Unsaved text gets a timed save: a crash during a stall loses at most ``interval``."""
        if self._timer is None and recorder.dirty and self.history is not None:
            self._timer = asyncio.get_running_loop().call_later(
                recorder.due_in(), self._timed_save, recorder
            )

    def _timed_save(self, recorder: AnswerRecorder) -> None:
        self._timer = None
        if self.history is not None:
            self._write(lambda _history: recorder.flush())

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def answer_ended(self, recorder: AnswerRecorder | None, turn: Turn) -> None:
        self._cancel_timer()
        if recorder is None:
            return
        status = "error" if turn.error else "stopped" if turn.stopped else "complete"
        self._write(
            lambda _history: recorder.finish(
                status, error=turn.error or "", usage=turn.usage, elapsed=turn.elapsed
            )
        )
        self.keep_files(turn)  # the images it returned

    def truncate_from(self, message_id: int) -> None:
        if self.conversation_id is not None:
            self._write(lambda history: history.truncate_from(message_id))
            files = self.files
            if files is not None:  # the dropped messages' files no other message uses
                self._write(lambda _history: files.collect_garbage())

    def select(self, message_id: int) -> None:
        if self.conversation_id is not None:
            self._write(lambda history: history.select_message(message_id))


def _id(node: Node[Turn] | None) -> int | None:
    """The stored id of the message ``node`` holds (None: the root, or not stored)."""
    return node.item.message_id if node is not None and node.item is not None else None


def _turn_from(message: StoredMessage, files: dict[int, list[Attachment]]) -> Turn:
    """A stored message (with its attachments) as a turn; an answer cut off by a crash (still
    "streaming") is shown as stopped."""
    attachments = files.get(message.id, [])
    if message.role == "user":
        return Turn(
            role="user", content=message.content, message_id=message.id, attachments=attachments
        )
    return Turn(
        role="assistant", content=message.content, reasoning=message.reasoning,
        title=_answer_title(message.provider, message.model), model=message.model or None,
        usage=message.usage or None, elapsed=message.elapsed, error=message.error or None,
        stopped=message.status in ("stopped", "streaming"), message_id=message.id,
        attachments=attachments,
    )  # fmt: skip


def _answer_title(provider_id: str, model: str) -> str:
    from providers.registry import all_providers, provider_label

    provider = all_providers().get(provider_id)
    label = provider_label(provider) if provider is not None else provider_id or "Assistant"
    return f"{label} · {model}" if model else label
