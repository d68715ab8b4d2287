"""Attachments of a chat message: what the composer builds, what history keeps, what export writes.

Qt-free. ``Attachment`` is one checked file (an image or a text file) built from a path or from
clipboard bytes; the checks and the conversions are ``providers.media``'s, so the window, the CLI
and the providers agree on what can be sent. ``AttachmentStore`` keeps each file once under the
data directory, named by its sha256, with a table (in the history database) of which message uses
which file; a file no message uses any more is deleted.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from providers import media
from providers.lazy import lazy_module
from providers.media import MediaError, MediaPart
from providers.types import Message

from .history import History, StoredMessage

if TYPE_CHECKING:
    import hashlib
else:  # OpenSSL's libcrypto, ~2.5 ms to load: only once a file is attached or stored
    hashlib = lazy_module("hashlib")

log = logging.getLogger(__name__)

#: Every refusal (missing, empty, too large, unsupported) is one of these; its text is for users.
AttachmentError = MediaError


@dataclass(frozen=True)
class Attachment:
    """One file ready to send: ``kind`` image or text, its type, hash, size and token estimate."""

    name: str
    kind: Literal["image", "text"]
    mime: str
    sha256: str
    size: int
    tokens: int
    data: bytes = field(repr=False)

    @classmethod
    def from_path(cls, path: str | os.PathLike[str]) -> Attachment:
        """The file at ``path``; ``AttachmentError`` if it is missing, empty, too large or of a
        type that cannot be sent."""
        data, name = media.read_media(Path(path))
        return cls.from_part(media.classify(data, name))

    @classmethod
    def from_bytes(cls, data: bytes, name: str | None = None) -> Attachment:
        """Clipboard content: the type comes from the bytes (a name is made up when none)."""
        if name is None:
            kind = media.sniff_image(data)
            name = f"pasted.{kind.split('/')[1]}" if kind else "pasted.txt"
        return cls.from_part(media.classify(bytes(data), name))

    @classmethod
    def from_part(cls, part: MediaPart) -> Attachment:
        digest = hashlib.sha256(part.data).hexdigest()
        return cls(part.name, part.kind, part.mime, digest, len(part.data), part.tokens, part.data)

    @property
    def text(self) -> str:
        """A text file's content as sent ("" for an image)."""
        return self.part().text if self.kind == "text" else ""

    def part(self) -> MediaPart:
        return media.classify(self.data, self.name)

    def context(self) -> str:
        """What a text file adds to the prompt: its name and content in a fenced block."""
        return media.text_block(self.name, self.text) if self.kind == "text" else ""

    def as_media(self) -> tuple[bytes, str]:
        """One item of a provider's ``media`` parameter."""
        return self.data, self.name

    def summary(self) -> str:
        """A one-line description for a chip or the CLI: name, kind, size, token estimate."""
        return f"{self.name} ({self.kind}, {media.size_text(self.size)}, ~{self.tokens} tokens)"


def as_media(attachments: Iterable[Attachment]) -> list[tuple[bytes, str]]:
    """The ``media`` parameter of a request carrying ``attachments``."""
    return [attachment.as_media() for attachment in attachments]


def total_tokens(attachments: Iterable[Attachment]) -> int:
    """About how many input tokens the attachments add (shown before sending)."""
    return sum(attachment.tokens for attachment in attachments)


def with_attachments(message: Message, attachments: Sequence[Attachment]) -> Message:
    """``message`` carrying ``attachments`` as the providers expect: images as content parts,
    text files as fenced blocks before the text (for turns reopened from history)."""
    if not attachments:
        return message
    return media.attach_to(message, [attachment.part() for attachment in attachments])


# ----- the store -------------------------------------------------------------------------------
class AttachmentStore:
    """Files by sha256 under ``files_dir``; which message uses which, in the history database.

    Deleting messages (a conversation, a truncation) removes their rows by cascade; the files no
    row uses any more go at the next ``collect_garbage`` (run on opening and after each delete).
    """

    def __init__(self, db_path: Path | str, files_dir: Path | str) -> None:
        self.files_dir = Path(files_dir)
        self._db = sqlite3.connect(db_path, isolation_level=None, timeout=10)
        self._db.execute("PRAGMA foreign_keys=ON")
        # Its tables are in the history's schema (migration 3), so a verified file stays verified.
        self.collect_garbage()

    @classmethod
    def for_history(cls, history: History) -> AttachmentStore:
        """The store beside ``history``: its database, files in ``attachments/`` next to it."""
        return cls(history.path, history.path.parent / "attachments")

    def close(self) -> None:
        self._db.close()

    def path_of(self, sha256: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise ValueError(f"not a sha256: {sha256!r}")
        return self.files_dir / sha256[:2] / sha256

    def add(self, message_id: int, attachments: Sequence[Attachment]) -> None:
        """Keep ``attachments`` with the message (each file written once, whoever uses it)."""
        for attachment in attachments:
            self._write(attachment)
        self._db.execute("BEGIN")
        try:
            start = self._db.execute(
                "SELECT COALESCE(MAX(position) + 1, 0) FROM message_attachments"
                " WHERE message_id = ?",
                (message_id,),
            ).fetchone()[0]
            for offset, item in enumerate(attachments):
                self._db.execute(
                    "INSERT OR IGNORE INTO attachments (sha256, kind, mime, size, tokens)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (item.sha256, item.kind, item.mime, item.size, item.tokens),
                )
                self._db.execute(
                    "INSERT INTO message_attachments (message_id, position, sha256, name)"
                    " VALUES (?, ?, ?, ?)",
                    (message_id, start + offset, item.sha256, item.name),
                )
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _write(self, attachment: Attachment) -> None:
        target = self.path_of(attachment.sha256)
        if target.exists() and target.stat().st_size == attachment.size:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target and renamed: a crash never leaves half a file under the hash.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(attachment.data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def attachments(self, message_id: int) -> list[Attachment]:
        """The message's attachments in the order they were added."""
        return self._load(
            "SELECT ma.message_id, ma.name, a.* FROM message_attachments ma"
            " JOIN attachments a USING (sha256)"
            " WHERE ma.message_id = ? ORDER BY ma.position",
            (message_id,),
        ).get(message_id, [])

    def for_conversation(self, conversation_id: int) -> dict[int, list[Attachment]]:
        """Message id → attachments, for every message of the conversation that has some."""
        return self._load(
            "SELECT ma.message_id, ma.name, a.* FROM message_attachments ma"
            " JOIN attachments a USING (sha256) JOIN messages m ON m.id = ma.message_id"
            " WHERE m.conversation_id = ? ORDER BY ma.message_id, ma.position",
            (conversation_id,),
        )

    def _load(self, query: str, args: tuple[Any, ...]) -> dict[int, list[Attachment]]:
        self._db.row_factory = sqlite3.Row
        try:
            rows = self._db.execute(query, args).fetchall()
        finally:
            self._db.row_factory = None
        result: dict[int, list[Attachment]] = {}
        for row in rows:
            message_id = row["message_id"]
            try:
                data = self.read(row["sha256"], row["name"])
            except AttachmentError as error:
                log.warning("%s", error)
                continue
            attachment = Attachment(
                row["name"], row["kind"], row["mime"], row["sha256"], row["size"],
                row["tokens"], data,
            )  # fmt: skip
            result.setdefault(message_id, []).append(attachment)
        return result

    def read(self, sha256: str, name: str = "attachment") -> bytes:
        try:
            return self.path_of(sha256).read_bytes()
        except OSError:
            raise AttachmentError(
                f"The attachment {name} is missing from {self.files_dir} (it was removed "
                "outside Roundtable); the message is shown without it."
            ) from None

    def collect_garbage(self) -> int:
        """Delete the files (and their rows) no message uses; returns how many went."""
        unused = [
            row[0]
            for row in self._db.execute(
                "SELECT sha256 FROM attachments WHERE sha256 NOT IN"
                " (SELECT sha256 FROM message_attachments)"
            )
        ]
        for sha256 in unused:
            self.path_of(sha256).unlink(missing_ok=True)
            self._db.execute("DELETE FROM attachments WHERE sha256 = ?", (sha256,))
        return len(unused)

    def delete_conversation(self, history: History, conversation_id: int) -> None:
        """Delete the conversation and every file only its messages used."""
        history.delete_conversation(conversation_id)
        self.collect_garbage()


# ----- export ----------------------------------------------------------------------------------
def export_markdown(
    history: History, store: AttachmentStore, conversation_id: int, path: Path | str
) -> Path:
    """The conversation as Markdown at ``path`` and its files in ``<name>_files/`` beside it,
    linked from the message that carried them. Returns the folder of the files."""
    path = Path(path)
    folder = path.with_name(path.stem + "_files")
    names = _export_files(store.for_conversation(conversation_id), folder)

    def links(message: StoredMessage) -> list[str]:
        lines = []
        for attachment, file_name in names.get(message.id, []):
            target = f"{folder.name}/{file_name}".replace(" ", "%20")
            bang = "!" if attachment.kind == "image" else ""
            lines.append(f"{bang}[{attachment.name}]({target})")
        return [*lines, ""] if lines else []

    path.write_text(history.export_markdown(conversation_id, extra=links), encoding="utf-8")
    return folder


def export_json(
    history: History,
    store: AttachmentStore,
    conversation_id: int,
    *,
    folder: Path | str | None = None,
) -> dict[str, Any]:
    """The conversation as a JSON-ready dict. Attachments are embedded (base64 ``data``) unless a
    ``folder`` is given: then they are written there and referenced by ``path``."""
    conversation = history.conversation(conversation_id)
    by_message = store.for_conversation(conversation_id)
    written = _export_files(by_message, Path(folder)) if folder is not None else {}
    messages = []
    for message in history.messages(conversation_id):
        entry: dict[str, Any] = {
            "role": message.role, "content": message.content, "provider": message.provider,
            "model": message.model, "status": message.status, "error": message.error,
            "usage": message.usage,
        }  # fmt: skip
        files = []
        for index, attachment in enumerate(by_message.get(message.id, [])):
            item: dict[str, Any] = {
                "name": attachment.name, "kind": attachment.kind, "mime": attachment.mime,
                "sha256": attachment.sha256, "size": attachment.size, "tokens": attachment.tokens,
            }  # fmt: skip
            if folder is None:
                item["data"] = base64.b64encode(attachment.data).decode("ascii")
            else:
                item["path"] = f"{Path(folder).name}/{written[message.id][index][1]}"
            files.append(item)
        if files:
            entry["attachments"] = files
        messages.append(entry)
    return {
        "title": conversation.title, "system_prompt": conversation.system_prompt,
        "provider": conversation.provider, "model": conversation.model, "messages": messages,
    }  # fmt: skip


def _export_files(
    by_message: dict[int, list[Attachment]], folder: Path
) -> dict[int, list[tuple[Attachment, str]]]:
    """Write each distinct file once into ``folder`` under a safe, unique name."""
    taken: dict[str, str] = {}  # file name -> sha256
    chosen: dict[str, str] = {}  # sha256 -> file name
    result: dict[int, list[tuple[Attachment, str]]] = {}
    for message_id, attachments in by_message.items():
        for attachment in attachments:
            name = chosen.get(attachment.sha256)
            if name is None:
                name = _unique(_safe_name(attachment.name), attachment.sha256, taken)
                taken[name] = chosen[attachment.sha256] = attachment.sha256
                folder.mkdir(parents=True, exist_ok=True)
                (folder / name).write_bytes(attachment.data)
            result.setdefault(message_id, []).append((attachment, name))
    return result


def _safe_name(name: str) -> str:
    base = re.sub(r"[^\w.\- ]", "_", Path(name).name).strip(". ") or "attachment"
    return base[:120]


def _unique(name: str, sha256: str, taken: dict[str, str]) -> str:
    if name not in taken:
        return name
    stem, suffix = os.path.splitext(name)
    return f"{stem}-{sha256[:8]}{suffix}"


def export_file(
    history: History, store: AttachmentStore | None, conversation_id: int, path: Path | str
) -> None:
    """Export to ``path`` by its ending: ``.json`` is one JSON file with the files embedded,
    anything else Markdown with the files beside it (``export_markdown``). Without a store,
    the text alone."""
    path = Path(path)
    if store is None:
        path.write_text(history.export_markdown(conversation_id), encoding="utf-8")
    elif path.suffix.lower() == ".json":
        data = export_json(history, store, conversation_id)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    else:
        export_markdown(history, store, conversation_id, path)
