"""What the ``media`` parameter carries, made ready for a request: read, sniffed, checked, fitted.

Images travel inside messages in one neutral shape, OpenAI's content part
``{"type": "image_url", "image_url": {"url": "data:<mime>;base64,<data>"}}``; each vendor turns
that part into its own wire format when it builds the body (``image_parts``). Text files become
a fenced block with the file's name, sent as text. Image types are sniffed from magic bytes,
never from the file name. Nothing remote is ever fetched: an ``http(s)`` URL is refused.
"""

from __future__ import annotations

import base64
import binascii
import io
import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .errors import ParameterError
from .lazy import lazy_module
from .types import Message, Messages

# Pillow: the maintained decoder/resizer for every common image format, and Qt-free (providers/
# must not import Qt), so oversized images can be downscaled and re-encoded here. Loaded once an
# image is read: listing providers or starting the window needs none of it.
if TYPE_CHECKING:
    import PIL
    from PIL import Image, ImageOps
else:
    PIL = lazy_module("PIL")
    Image = lazy_module("PIL.Image")
    ImageOps = lazy_module("PIL.ImageOps")

#: What every vendor accepts (PNG, JPEG, WebP, GIF); other images are converted to PNG.
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
#: Largest file read at all (before any downscaling).
MAX_IMAGE_BYTES = 50 * 1024 * 1024
#: Largest text file sent as context (about 65,000 tokens).
MAX_TEXT_BYTES = 256 * 1024
#: Images with more pixels than this are refused before decoding (decompression bombs).
MAX_PIXELS = 100_000_000
#: Downscaling gives up below this long side: the limit cannot be met sensibly.
MIN_SIDE = 256
#: File endings read as text context (source code, Markdown, plain text, CSV, JSON, config).
TEXT_SUFFIXES = frozenset({
    ".txt", ".text", ".md", ".markdown", ".rst", ".csv", ".tsv", ".json", ".jsonl", ".ndjson",
    ".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf", ".xml", ".html", ".htm", ".css", ".scss",
    ".py", ".pyi", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".java", ".kt", ".kts", ".scala",
    ".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", ".cs", ".go", ".rs", ".rb", ".php", ".pl",
    ".pm", ".swift", ".m", ".mm", ".r", ".jl", ".lua", ".sh", ".bash", ".zsh", ".fish", ".ps1",
    ".bat", ".sql", ".graphql", ".proto", ".tex", ".vue", ".svelte", ".dart", ".ex", ".exs",
    ".erl", ".hs", ".ml", ".clj", ".el", ".vim", ".diff", ".patch", ".log", ".env.example",
    ".gitignore", ".dockerfile", ".mk", ".cmake", ".gradle",
})  # fmt: skip
TEXT_NAMES = frozenset({"makefile", "dockerfile", "license", "readme", "changelog", "copying"})
_TEXT_TYPES = {".md": "text/markdown", ".markdown": "text/markdown", ".csv": "text/csv",
               ".json": "application/json"}  # fmt: skip
_DATA_URI = re.compile(r"^data:(?P<mime>[\w.+-]+/[\w.+-]+)?(?P<params>(;[^,;]*)*?);base64,", re.I)
_FENCE_LANGUAGES = {
    ".py": "python", ".js": "javascript", ".ts": "typescript", ".rs": "rust", ".md": "markdown",
    ".yml": "yaml", ".sh": "bash", ".h": "c", ".hpp": "cpp", ".cc": "cpp", ".cxx": "cpp",
    ".rb": "ruby", ".kt": "kotlin", ".cs": "csharp",
}  # fmt: skip


class MediaError(ParameterError):
    """An attachment cannot be sent; the message names the file, the reason and what to do."""


@dataclass(frozen=True)
class ImageLimits:
    """A vendor's documented limits for inline images (sizes count base64 characters)."""

    label: str
    max_bytes: int  # one image, base64-encoded (what the request carries)
    max_side: int  # longest side in pixels the vendor takes as is
    target_side: int  # longest side an image is downscaled to when it does not fit
    max_total: int | None = None  # all images of one request, base64-encoded


#: Limits used when a provider names none: OpenAI-style, 20 MB and 2048 px.
DEFAULT_LIMITS = ImageLimits("the service", 20 * 1024 * 1024, 2048, 2048)


@dataclass(frozen=True)
class MediaPart:
    """One attachment, checked: an image (``data`` in one of ``IMAGE_TYPES``) or a text file."""

    kind: Literal["image", "text"]
    name: str
    mime: str
    data: bytes
    text: str = ""
    width: int = 0
    height: int = 0

    @property
    def tokens(self) -> int:
        """Rough number of input tokens this part adds (text: chars / 4; image: pixels / 750)."""
        if self.kind == "text":
            return estimate_tokens(text_block(self.name, self.text))
        return image_tokens(self.width, self.height)


# ----- reading and sniffing ----------------------------------------------------------------------
def sniff_image(data: bytes) -> str | None:
    """The MIME type of an image every vendor accepts, from its magic bytes; else ``None``."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def read_media(value: Any, name: str | None = None) -> tuple[bytes, str]:
    """The bytes and a display name of one ``media`` item (bytes, path, data URI, file object,
    PIL image). Remote URLs are refused: nothing is fetched by itself."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value), name or "pasted"
    if isinstance(value, Image.Image):
        buffer = io.BytesIO()
        value.save(buffer, format="PNG")
        return buffer.getvalue(), name or "image.png"
    if hasattr(value, "read"):
        data = value.read()
        default = os.path.basename(str(getattr(value, "name", "") or "")) or "attachment"
        return bytes(data), name or default
    if isinstance(value, str) and value.startswith("data:"):
        return parse_data_uri(value, name or "pasted")[1], name or "pasted"
    if isinstance(value, str) and re.match(r"^[a-z][a-z0-9+.-]*://", value, re.I):
        raise MediaError(
            f"{value[:60]!r} is a web address: Roundtable never downloads attachments by itself. "
            "Save the file and attach it from disk."
        )
    if isinstance(value, (str, os.PathLike)):
        return read_file(Path(value)), name or Path(value).name
    raise MediaError(f"Cannot attach a {type(value).__name__}: pass a file path or bytes.")


def read_file(path: Path) -> bytes:
    """A file's bytes, refusing missing, unreadable and oversized files with what to do."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise MediaError(f"{path} is not a file: attach a file, not a folder.")
        if size > MAX_IMAGE_BYTES:
            raise MediaError(
                f"{path.name} is {size_text(size)}; attachments are limited to "
                f"{size_text(MAX_IMAGE_BYTES)}. Attach a smaller file."
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise MediaError(f"{path} does not exist: check the path.") from None
    except PermissionError:
        raise MediaError(f"{path} cannot be read (permission denied).") from None
    except OSError as error:
        raise MediaError(f"{path} cannot be read: {error.strerror or error}.") from None


def parse_data_uri(uri: str, name: str = "image") -> tuple[str, bytes]:
    """``(mime, bytes)`` of a base64 ``data:`` URI."""
    match = _DATA_URI.match(uri)
    if not match:
        raise MediaError(f"{name} is not a base64 data: URI.")
    try:
        data = base64.b64decode(uri[match.end() :], validate=True)
    except (binascii.Error, ValueError):
        raise MediaError(f"{name} holds broken base64 data.") from None
    return (match.group("mime") or "application/octet-stream").lower(), data


def data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


# ----- classifying ------------------------------------------------------------------------------
def classify(data: bytes, name: str) -> MediaPart:
    """``data`` as an image or a text file, or a ``MediaError`` saying why it cannot be sent."""
    if not data:
        raise MediaError(
            f"{name} is empty (0 bytes): there is nothing to send. Attach another file."
        )
    if len(data) > MAX_IMAGE_BYTES:
        raise MediaError(
            f"{name} is {size_text(len(data))}; attachments are limited to "
            f"{size_text(MAX_IMAGE_BYTES)}. Attach a smaller file."
        )
    mime = sniff_image(data)
    if mime is not None:
        return image_part(data, name, mime)
    if is_text_name(name):
        return text_part(data, name)
    converted = convert_image(data, name)
    if converted is not None:
        return converted
    if "." not in name and looks_like_text(data):
        return text_part(data, name)
    raise MediaError(
        f"{name} cannot be attached: only images (PNG, JPEG, GIF, WebP) and text files (source "
        "code, Markdown, text, CSV, JSON) are sent. Convert it to one of those."
    )


def is_text_name(name: str) -> bool:
    path = Path(name)
    lowered = path.name.lower()
    return path.suffix.lower() in TEXT_SUFFIXES or lowered in TEXT_NAMES or lowered in TEXT_SUFFIXES


def looks_like_text(data: bytes) -> bool:
    if b"\x00" in data[:8192]:
        return False
    try:
        data[:8192].decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start >= 8188  # a character cut at the sample's end
    return True


def text_part(data: bytes, name: str) -> MediaPart:
    if len(data) > MAX_TEXT_BYTES:
        raise MediaError(
            f"{name} is {size_text(len(data))}; text files are sent whole and are limited to "
            f"{size_text(MAX_TEXT_BYTES)}. Attach the part that matters."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MediaError(
            f"{name} is not UTF-8 text: save it as UTF-8 and attach it again."
        ) from None
    if "\x00" in text:
        raise MediaError(f"{name} looks binary (it contains NUL bytes): attach a text file.")
    mime = _TEXT_TYPES.get(Path(name).suffix.lower(), "text/plain")
    return MediaPart("text", name, mime, data, text=text.replace("\r\n", "\n"))


def image_part(data: bytes, name: str, mime: str) -> MediaPart:
    width, height = image_size(data, name)
    return MediaPart("image", name, mime, data, width=width, height=height)


def open_image(data: bytes, name: str) -> Image.Image:
    """A lazily decoded image, refusing undecodable data and decompression bombs."""
    try:
        image = Image.open(io.BytesIO(data))
    except (PIL.UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        raise MediaError(
            f"{name} is not an image Roundtable can read (it may be damaged)."
        ) from None
    if image.width * image.height > MAX_PIXELS:
        image.close()
        raise MediaError(
            f"{name} has {image.width}×{image.height} pixels, more than the "
            f"{MAX_PIXELS // 1_000_000} million Roundtable decodes. Attach a smaller image."
        )
    return image


def image_size(data: bytes, name: str) -> tuple[int, int]:
    with open_image(data, name) as image:
        return image.size


def convert_image(data: bytes, name: str) -> MediaPart | None:
    """Another image format Pillow reads (BMP, TIFF, ...) as PNG; ``None`` if it is no image."""
    try:
        Image.open(io.BytesIO(data)).close()
    except (PIL.UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        return None
    with open_image(data, name) as image:
        png = encode(image, image.size, force_png=True)[0]
    return image_part(png, str(Path(name).with_suffix(".png")), "image/png")


def load(media: Iterable[Any]) -> list[MediaPart]:
    """Every item of a ``media`` list (``[[data, filename], ...]`` or bare data), checked."""
    parts = []
    for item in media or ():
        value, name = (item[0], item[1]) if isinstance(item, (list, tuple)) else (item, None)
        if isinstance(value, MediaPart):
            parts.append(value)
            continue
        data, label = read_media(value, name)
        parts.append(classify(data, label))
    return parts


# ----- fitting images to a vendor --------------------------------------------------------------
def b64_length(size: int) -> int:
    return 4 * math.ceil(size / 3)


def fit_image(part: MediaPart, limits: ImageLimits) -> MediaPart:
    """``part`` as is when the vendor takes it, else downscaled and re-encoded until it fits;
    a ``MediaError`` naming the limit when it cannot."""
    too_wide = max(part.width, part.height) > limits.max_side
    if part.mime in IMAGE_TYPES and not too_wide and b64_length(len(part.data)) <= limits.max_bytes:
        return part
    with open_image(part.data, part.name) as image:
        image.seek(0)  # an animated GIF: its first frame
        upright: Image.Image = ImageOps.exif_transpose(image)
        side = min(max(upright.size), limits.target_side)
        while side >= MIN_SIDE:
            scale = side / max(upright.size)
            size = (max(1, round(upright.width * scale)), max(1, round(upright.height * scale)))
            data, mime = encode(upright, size)
            if b64_length(len(data)) <= limits.max_bytes:
                return MediaPart("image", part.name, mime, data, width=size[0], height=size[1])
            side = int(side * 0.75)
    raise MediaError(
        f"{part.name} does not fit {limits.label}'s limit of {size_text(limits.max_bytes)} and "
        f"{limits.max_side} px per side per image, even downscaled. Attach a smaller image."
    )


def encode(image: Image.Image, size: tuple[int, int], force_png: bool = False) -> tuple[bytes, str]:
    """``image`` resized to ``size``: PNG when it has transparency (or ``force_png``), else JPEG."""
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    resized = image if image.size == size else image.resize(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    if transparent or force_png:
        if resized.mode not in ("RGB", "RGBA", "L", "LA"):
            resized = resized.convert("RGBA" if transparent else "RGB")
        resized.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue(), "image/png"
    resized.convert("RGB").save(buffer, format="JPEG", quality=85, optimize=True)
    return buffer.getvalue(), "image/jpeg"


# ----- text context ------------------------------------------------------------------------------
def text_block(name: str, text: str) -> str:
    """A file as context: its name, then its content in a fence longer than any inside it."""
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * max(3, longest + 1)
    suffix = Path(name).suffix.lower()
    language = _FENCE_LANGUAGES.get(suffix, suffix.lstrip("."))
    body = text if text.endswith("\n") else text + "\n"
    return f"File: {name}\n{fence}{language}\n{body}{fence}\n\n"


def estimate_tokens(text: str) -> int:
    """About four characters a token, as the vendors' own rules of thumb say."""
    return math.ceil(len(text) / 4)


def image_tokens(width: int, height: int) -> int:
    """Anthropic's published estimate (pixels / 750), capped where vendors downscale."""
    return min(math.ceil(width * height / 750), 1600) if width and height else 0


def size_text(size: int) -> str:
    """``size`` bytes for people: ``512 B``, ``12 KB``, ``4.5 MB``."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


# ----- messages -----------------------------------------------------------------------------------
def image_url_part(mime: str, data: bytes) -> dict[str, Any]:
    return {"type": "image_url", "image_url": {"url": data_uri(mime, data)}}


def attach(messages: Messages, parts: Sequence[MediaPart]) -> Messages:
    """``messages`` with ``parts`` added to the last user message (a new one if none)."""
    if not parts:
        return messages
    users = [i for i, message in enumerate(messages) if message["role"] == "user"]
    result = list(messages)
    if not users:
        result.append({"role": "user", "content": ""})
    index = users[-1] if users else len(result) - 1
    result[index] = attach_to(result[index], parts)
    return result


def attach_to(message: Message, parts: Sequence[MediaPart]) -> Message:
    """``message`` carrying ``parts``: images first (as the vendors advise), then each text file
    as a fenced block, then the message's own text."""
    content = message.get("content")
    existing = content if isinstance(content, list) else [{"type": "text", "text": content or ""}]
    new: list[dict[str, Any]] = [image_url_part(p.mime, p.data) for p in parts if p.kind == "image"]
    new += [{"type": "text", "text": text_block(p.name, p.text)} for p in parts if p.kind == "text"]
    merged = [*new, *(part for part in existing if part.get("type") != "text" or part.get("text"))]
    return Message(**{**message, "content": merged})  # type: ignore[typeddict-item]


def fit_messages(messages: Messages, limits: ImageLimits) -> Messages:
    """Every ``data:`` image in ``messages`` fitted to ``limits`` (history may hold large ones);
    the request's total checked against ``limits.max_total``."""
    total = 0
    result: Messages = []
    for message in messages:
        content = message.get("content")
        if not isinstance(content, list) or not any(is_image(p) for p in content):
            result.append(message)
            continue
        fitted = []
        for part in content:
            if is_image(part):
                part = fit_part(part, limits)
                total += len(part["image_url"]["url"])
            fitted.append(part)
        result.append(Message(**{**message, "content": fitted}))  # type: ignore[typeddict-item]
    if limits.max_total is not None and total > limits.max_total:
        raise MediaError(
            f"The images of this request take {size_text(total)}, more than the "
            f"{size_text(limits.max_total)} {limits.label} accepts in one request. "
            "Send fewer or smaller images."
        )
    return result


def fit_part(part: dict[str, Any], limits: ImageLimits) -> dict[str, Any]:
    url = str(part["image_url"].get("url", ""))
    if not url.startswith("data:"):
        raise MediaError(
            f"An image given as {url[:60]!r} would have to be downloaded: Roundtable sends only "
            "images it holds. Attach the file instead."
        )
    name = "An image earlier in the conversation"
    _, data = parse_data_uri(url, name)
    mime = sniff_image(data)
    original = image_part(data, name, mime) if mime else None
    if original is None:
        original = convert_image(data, name)
        if original is None:
            raise MediaError("An attached image is not in a format Roundtable can read.")
    fitted = fit_image(original, limits)
    return part if fitted.data is data else image_url_part(fitted.mime, fitted.data)


def is_image(part: Any) -> bool:
    return isinstance(part, dict) and part.get("type") == "image_url"


def has_images(messages: Messages) -> bool:
    return any(
        isinstance(m.get("content"), list) and any(is_image(p) for p in m["content"])
        for m in messages
    )


def image_parts(content: Any) -> list[tuple[str, str]]:
    """``(mime, base64)`` of each image in a message content, in order (for vendor bodies)."""
    if not isinstance(content, list):
        return []
    images = []
    for part in content:
        if is_image(part):
            url = str(part["image_url"].get("url", ""))
            match = _DATA_URI.match(url)
            if match:
                images.append(((match.group("mime") or "image/png").lower(), url[match.end() :]))
    return images
