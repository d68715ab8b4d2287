"""app/core/attachments.py: attachments built from files and clipboard bytes, kept once per content
in the store, shown again on reopening, exported beside Markdown or inside JSON, and deleted with
the last conversation that uses them."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from app.core import attachments
from app.core.attachments import Attachment, AttachmentError, AttachmentStore
from app.core.history import History
from providers import media


def png(color: tuple[int, int, int] = (255, 0, 0), size: tuple[int, int] = (4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def history(tmp_path: Path) -> Iterator[History]:
    store = History(tmp_path / "data" / "history.sqlite3")
    yield store
    store.close()


@pytest.fixture
def store(history: History) -> Iterator[AttachmentStore]:
    files = AttachmentStore.for_history(history)
    yield files
    files.close()


def stored_files(store: AttachmentStore) -> list[Path]:
    return sorted(p for p in store.files_dir.rglob("*") if p.is_file())


# ----- Attachment --------------------------------------------------------------------------------
def test_an_attachment_from_a_file_knows_its_kind_type_hash_size_and_tokens(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text("print('hi')\n")
    code = Attachment.from_path(tmp_path / "main.py")
    assert (code.name, code.kind, code.mime, code.size) == ("main.py", "text", "text/plain", 12)
    assert code.sha256 == hashlib.sha256(b"print('hi')\n").hexdigest()
    assert code.context() == "File: main.py\n```python\nprint('hi')\n```\n\n"
    assert code.tokens == media.estimate_tokens(code.context())
    assert code.summary() == f"main.py (text, 12 B, ~{code.tokens} tokens)"
    (tmp_path / "shot.png").write_bytes(png(size=(750, 100)))
    image = Attachment.from_path(tmp_path / "shot.png")
    assert (image.kind, image.mime, image.tokens, image.context()) == (
        "image",
        "image/png",
        100,
        "",
    )


def test_clipboard_bytes_get_their_type_from_the_content() -> None:
    assert Attachment.from_bytes(png()).name == "pasted.png"
    assert Attachment.from_bytes(png()).mime == "image/png"
    text = Attachment.from_bytes("Some notes ✓".encode())
    assert (text.name, text.kind, text.text) == ("pasted.txt", "text", "Some notes ✓")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.md", b"", r"empty\.md is empty \(0 bytes\): there is nothing to send"),
        ("song.mp3", b"ID3\x03\x00\x00\x00\x00\x00\x00\xff\xfb", r"song\.mp3 cannot be attached"),
        ("absent.png", None, r"absent\.png does not exist"),
    ],
)
def test_a_file_that_cannot_be_sent_gets_one_clear_error(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    if content is not None:
        (tmp_path / name).write_bytes(content)
    with pytest.raises(AttachmentError, match=message):
        Attachment.from_path(tmp_path / name)


def test_attachments_become_the_media_parameter_and_message_parts(tmp_path: Path) -> None:
    image = Attachment.from_bytes(png(), "dot.png")
    note = Attachment.from_bytes(b"# Title\n", "note.md")
    assert attachments.as_media([image, note]) == [(image.data, "dot.png"), (note.data, "note.md")]
    assert attachments.total_tokens([image, note]) == image.tokens + note.tokens
    message = attachments.with_attachments({"role": "user", "content": "Look"}, [image, note])
    assert message["content"] == [
        {"type": "image_url", "image_url": {"url": media.data_uri("image/png", image.data)}},
        {"type": "text", "text": "File: note.md\n```markdown\n# Title\n```\n\n"},
        {"type": "text", "text": "Look"},
    ]


def test_a_reopened_assistant_turn_keeps_its_attachments() -> None:
    image = Attachment.from_bytes(png(), "chart.png")
    message = attachments.with_attachments({"role": "assistant", "content": "Here"}, [image])
    assert message["role"] == "assistant"
    assert media.image_parts(message["content"]) == [
        ("image/png", base64.b64encode(image.data).decode())
    ]


# ----- the store ---------------------------------------------------------------------------------
def test_history_round_trips_attachments_stored_once(
    history: History, store: AttachmentStore
) -> None:
    conversation = history.create_conversation("Pictures")
    image = Attachment.from_bytes(png(), "dot.png")
    note = Attachment.from_bytes(b"a,b\n", "t.csv")
    first = history.add_message(conversation, "user", "one")
    store.add(first, [image, note])
    second = history.add_message(conversation, "user", "again")
    store.add(second, [Attachment.from_bytes(png(), "same-dot.png")])  # same bytes, new name
    assert stored_files(store) == sorted([store.path_of(image.sha256), store.path_of(note.sha256)])
    store.close()

    reopened = AttachmentStore.for_history(history)  # as after a restart
    try:
        assert reopened.attachments(first) == [image, note]
        assert [a.name for a in reopened.attachments(second)] == ["same-dot.png"]
        by_message = reopened.for_conversation(conversation)
        assert list(by_message) == [first, second]
        assert by_message[first][0].data == png()
        assert reopened.attachments(history.add_message(conversation, "assistant", "ok")) == []
    finally:
        reopened.close()


def test_a_history_with_attachments_reopens_as_a_verified_roundtable_file(tmp_path: Path) -> None:
    """The attachment tables are part of the history's own schema: a file that has them is
    still recognised as Roundtable's on the next start (and not refused as a foreign file)."""
    path = tmp_path / "data" / "history.sqlite3"
    history = History(path)
    store = AttachmentStore.for_history(history)
    conversation = history.create_conversation("Pictures")
    store.add(
        history.add_message(conversation, "user", "one"), [Attachment.from_bytes(png(), "a.png")]
    )
    store.close()
    history.close()

    reopened = History(path)  # verified again: header, application id, exact schema
    try:
        assert [c.title for c in reopened.conversations()] == ["Pictures"]
    finally:
        reopened.close()


def test_deleting_a_conversation_deletes_only_the_files_no_other_message_uses(
    history: History, store: AttachmentStore
) -> None:
    shared = Attachment.from_bytes(png((0, 0, 255)), "shared.png")
    own = Attachment.from_bytes(png((0, 255, 0)), "own.png")
    keep = history.create_conversation("keep")
    drop = history.create_conversation("drop")
    store.add(history.add_message(keep, "user", "k"), [shared])
    store.add(history.add_message(drop, "user", "d"), [shared, own])
    store.delete_conversation(history, drop)
    assert stored_files(store) == [store.path_of(shared.sha256)]
    store.delete_conversation(history, keep)
    assert stored_files(store) == []


def test_files_of_truncated_messages_go_at_the_next_collection(
    history: History, store: AttachmentStore
) -> None:
    conversation = history.create_conversation()
    message = history.add_message(conversation, "user", "regenerate me")
    store.add(message, [Attachment.from_bytes(b"x = 1\n", "x.py")])
    history.truncate_from(message)  # History knows nothing of files: the rows go by cascade
    assert store.collect_garbage() == 1
    assert stored_files(store) == []


def test_a_file_removed_outside_roundtable_leaves_the_message_readable(
    history: History, store: AttachmentStore
) -> None:
    conversation = history.create_conversation()
    message = history.add_message(conversation, "user", "hi")
    lost, kept = Attachment.from_bytes(png(), "lost.png"), Attachment.from_bytes(b"k\n", "k.txt")
    store.add(message, [lost, kept])
    store.path_of(lost.sha256).unlink()
    assert store.attachments(message) == [kept]
    with pytest.raises(AttachmentError, match=r"lost\.png is missing from"):
        store.read(lost.sha256, "lost.png")


# ----- export ------------------------------------------------------------------------------------
def conversation_with_files(history: History, store: AttachmentStore) -> tuple[int, Attachment]:
    conversation = history.create_conversation("Trip")
    image = Attachment.from_bytes(png(), "beach photo.png")
    store.add(history.add_message(conversation, "user", "Where is this?"), [image])
    history.add_message(conversation, "assistant", "A beach.", model="gpt-4o")
    # A different file under the same name: exported under a distinct name.
    other = Attachment.from_bytes(png((1, 2, 3)), "beach photo.png")
    store.add(history.add_message(conversation, "user", "And this?"), [other])
    return conversation, image


def test_markdown_export_writes_the_files_beside_it_and_links_them(
    history: History, store: AttachmentStore, tmp_path: Path
) -> None:
    conversation, image = conversation_with_files(history, store)
    folder = attachments.export_markdown(history, store, conversation, tmp_path / "out" / "trip.md")
    text = (tmp_path / "out" / "trip.md").read_text()
    assert folder == tmp_path / "out" / "trip_files"
    assert "## You\n\nWhere is this?\n\n![beach photo.png](trip_files/beach%20photo.png)\n" in text
    assert "## gpt-4o\n\nA beach.\n" in text
    second = f"beach photo-{attachments.Attachment.from_bytes(png((1, 2, 3))).sha256[:8]}.png"
    assert f"![beach photo.png](trip_files/{second.replace(' ', '%20')})" in text
    assert (folder / "beach photo.png").read_bytes() == image.data
    assert sorted(p.name for p in folder.iterdir()) == sorted(["beach photo.png", second])


def test_json_export_embeds_or_references_the_files(
    history: History, store: AttachmentStore, tmp_path: Path
) -> None:
    conversation, image = conversation_with_files(history, store)
    embedded = attachments.export_json(history, store, conversation)
    first = embedded["messages"][0]["attachments"][0]
    assert first["name"] == "beach photo.png" and first["sha256"] == image.sha256
    assert base64.b64decode(first["data"]) == image.data
    assert "attachments" not in embedded["messages"][1]
    json.dumps(embedded)  # serialisable as is

    referenced = attachments.export_json(history, store, conversation, folder=tmp_path / "f")
    item = referenced["messages"][0]["attachments"][0]
    assert "data" not in item and item["path"] == "f/beach photo.png"
    assert (tmp_path / item["path"]).read_bytes() == image.data
