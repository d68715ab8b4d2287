"""providers/media.py: sniffing from magic bytes, what is refused and why, downscaling to a
vendor's limits, the text context block and the neutral image part."""

from __future__ import annotations

import base64
import io
import random
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from providers import media
from providers.media import ImageLimits, MediaError


def png(width: int = 4, height: int = 3, color: tuple[int, ...] = (255, 0, 0)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB" if len(color) == 3 else "RGBA", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


def encoded(image: Image.Image, format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def noise(width: int, height: int, seed: int = 1) -> Image.Image:
    """Incompressible pixels: the worst case for a byte limit."""
    return Image.frombytes(
        "RGB", (width, height), random.Random(seed).randbytes(width * height * 3)
    )


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` × ``height`` pixels (a decompression bomb's header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 16))


# ----- sniffing ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("format", "mime"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif"), ("WEBP", "image/webp")],
)
def test_image_types_come_from_magic_bytes_not_the_name(format: str, mime: str) -> None:
    data = encoded(Image.new("RGB", (2, 2)), format)
    assert media.sniff_image(data) == mime
    part = media.classify(data, "wrong-name.txt")  # the name says text; the bytes say image
    assert (part.kind, part.mime, part.width, part.height) == ("image", mime, 2, 2)


def test_other_image_formats_are_converted_to_png() -> None:
    part = media.classify(encoded(Image.new("RGB", (5, 4), (0, 9, 9)), "BMP"), "scan.bmp")
    assert (part.kind, part.mime, part.name, part.width) == ("image", "image/png", "scan.png", 5)
    assert media.sniff_image(part.data) == "image/png"


# ----- refusals ---------------------------------------------------------------------------------
def test_an_empty_file_is_refused_with_a_clear_message() -> None:
    with pytest.raises(MediaError, match=r"notes\.txt is empty \(0 bytes\): there is nothing"):
        media.classify(b"", "notes.txt")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "paper.pdf", r"only images .* and text files"),
        (b"\x00\x01\x02binary", "blob", r"only images .* and text files"),
        (b"caf\xe9 au lait", "menu.txt", r"menu\.txt is not UTF-8 text"),
        (b"a\x00b", "data.csv", r"looks binary"),
        (
            b"x" * (media.MAX_TEXT_BYTES + 1),
            "huge.log",
            r"huge\.log is 256 KB; .* limited to 256 KB",
        ),
        (png_header(20_000, 20_000), "bomb.png", r"bomb\.png is not an image|more than the 100"),
        (b"\x89PNG\r\n\x1a\n-truncated", "broken.png", r"broken\.png is not an image Roundtable"),
    ],
)
def test_what_cannot_be_sent_is_refused_naming_the_file_and_the_reason(
    data: bytes, name: str, message: str
) -> None:
    with pytest.raises(MediaError, match=message):
        media.classify(data, name)


def test_an_oversized_file_is_refused_naming_the_limit() -> None:
    data = b"\x89PNG\r\n\x1a\n" + bytes(media.MAX_IMAGE_BYTES)
    with pytest.raises(MediaError, match=r"x\.png is 50 MB; attachments are limited to 50 MB"):
        media.classify(data, "x.png")


def test_a_missing_file_and_a_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match=r"does not exist: check the path"):
        media.read_media(tmp_path / "nope.png")
    with pytest.raises(MediaError, match=r"is not a file"):
        media.read_media(tmp_path)


def test_remote_addresses_are_never_fetched() -> None:
    with pytest.raises(MediaError, match=r"web address: Roundtable never downloads"):
        media.read_media("https://example.com/cat.png")
    message = {"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]}  # fmt: skip
    with pytest.raises(MediaError, match=r"would have to be downloaded"):
        media.fit_messages([message], media.DEFAULT_LIMITS)  # type: ignore[list-item]


# ----- reading ----------------------------------------------------------------------------------
def test_media_items_are_read_from_bytes_paths_data_uris_file_objects_and_images(
    tmp_path: Path,
) -> None:
    data = png()
    (tmp_path / "dot.png").write_bytes(data)
    uri = "data:image/png;base64," + base64.b64encode(data).decode()
    parts = media.load([
        [data, "a.png"], [str(tmp_path / "dot.png"), None], (tmp_path / "dot.png", "b.png"),
        [uri, "c.png"], [io.BytesIO(data), "d.png"], [Image.open(io.BytesIO(data)), "e.png"],
    ])  # fmt: skip
    assert [p.name for p in parts] == ["a.png", "dot.png", "b.png", "c.png", "d.png", "e.png"]
    assert all(p.kind == "image" and (p.width, p.height) == (4, 3) for p in parts)
    assert parts[1].data == data


# ----- fitting to a vendor ------------------------------------------------------------------------
def test_an_image_within_the_limits_is_sent_unchanged() -> None:
    part = media.classify(png(100, 50), "small.png")
    assert media.fit_image(part, ImageLimits("V", 5 * 1024 * 1024, 8000, 1568)) is part


def test_a_too_wide_image_is_downscaled_to_the_target_side() -> None:
    part = media.classify(encoded(Image.new("RGB", (4000, 1000), (10, 200, 30)), "PNG"), "w.png")
    fitted = media.fit_image(part, ImageLimits("V", 5 * 1024 * 1024, 2048, 1568))
    assert (fitted.width, fitted.height) == (1568, 392)
    with Image.open(io.BytesIO(fitted.data)) as image:
        assert image.size == (1568, 392)
        assert Image.MIME[image.format] == fitted.mime == "image/jpeg"  # no alpha: JPEG


def test_transparency_survives_downscaling_as_png() -> None:
    part = media.classify(png(3000, 300, (0, 0, 255, 128)), "logo.png")
    fitted = media.fit_image(part, ImageLimits("V", 5 * 1024 * 1024, 2048, 2048))
    assert fitted.mime == "image/png"
    with Image.open(io.BytesIO(fitted.data)) as image:
        assert image.mode == "RGBA" and image.size == (2048, 205)


def test_an_image_over_the_byte_limit_shrinks_until_its_base64_fits() -> None:
    part = media.classify(encoded(noise(1200, 900), "PNG", compress_level=0), "noise.png")
    limit = 300 * 1024
    fitted = media.fit_image(part, ImageLimits("V", limit, 8000, 1568))
    assert len(base64.b64encode(fitted.data)) <= limit
    assert 256 <= max(fitted.width, fitted.height) <= 1200


def test_an_image_that_cannot_fit_is_refused_naming_the_limit() -> None:
    part = media.classify(encoded(noise(800, 800), "PNG", compress_level=0), "noise.png")
    with pytest.raises(
        MediaError, match=r"noise\.png does not fit Tiny's limit of 10 KB and 800 px"
    ):
        media.fit_image(part, ImageLimits("Tiny", 10 * 1024, 800, 800))


def test_the_request_total_is_checked_against_the_vendor_limit() -> None:
    parts = [
        media.classify(encoded(noise(200, 200, seed), "PNG"), f"{seed}.png") for seed in (1, 2)
    ]
    messages = media.attach([{"role": "user", "content": "two"}], parts)
    limits = ImageLimits("Gem", 1024 * 1024, 3072, 3072, max_total=200 * 1024)
    with pytest.raises(MediaError, match=r"more than the 200 KB Gem accepts in one request"):
        media.fit_messages(messages, limits)


# ----- text context and messages ------------------------------------------------------------------
def test_a_text_file_becomes_a_named_fenced_block_that_its_backticks_cannot_close() -> None:
    part = media.classify(b"Use ```code``` and ````more````.\r\n", "notes.md")
    assert part.mime == "text/markdown"
    block = media.text_block(part.name, part.text)
    assert block == "File: notes.md\n`````markdown\nUse ```code``` and ````more````.\n`````\n\n"
    assert part.tokens == media.estimate_tokens(block) == -(-len(block) // 4)


def test_attach_puts_images_then_files_then_the_prompt_into_the_last_user_turn() -> None:
    image = media.classify(png(), "dot.png")
    text = media.classify(b"a,b\n1,2\n", "t.csv")
    messages = [
        {"role": "user", "content": "first"},
        {"role": "assistant", "content": "ok"},
        {"role": "user", "content": "Look"},
    ]
    result = media.attach(messages, [text, image])  # type: ignore[arg-type]
    assert result[:2] == messages[:2]
    assert result[2] == {"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": media.data_uri("image/png", image.data)}},
        {"type": "text", "text": "File: t.csv\n```csv\na,b\n1,2\n```\n\n"},
        {"type": "text", "text": "Look"},
    ]}  # fmt: skip
    assert media.image_parts(result[2]["content"]) == [
        ("image/png", base64.b64encode(image.data).decode())
    ]
    assert messages[2]["content"] == "Look"  # the caller's list is left alone
