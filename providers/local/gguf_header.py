"""What a GGUF file says about itself: architecture, quantisation, context length, template.

Reads only the key/value header and skips the arrays (the vocabulary) without decoding them:
``gguf.GGUFReader`` parses every array and tensor and takes ~1.7 s on a 100 MB model, too slow
for a model list. Spec: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .errors import ModelFileError

MAGIC = b"GGUF"
#: value type → struct format of the fixed-size types (8 = string, 9 = array)
_FIXED = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?",
          10: "<Q", 11: "<q", 12: "<d"}  # fmt: skip
_STRING, _ARRAY = 8, 9
#: general.file_type → quantisation name (llama.cpp's enum llama_ftype)
FILE_TYPES = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
    11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S",
    17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS",
    23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S",
    29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0", 37: "TQ2_0", 38: "MXFP4",
}  # fmt: skip
#: the longest string we accept in a header; longer means a damaged file
_MAX_STRING = 16 * 1024 * 1024


@dataclass(frozen=True)
class GGUFInfo:
    """The facts a model list shows, and what the memory estimate needs."""

    architecture: str
    name: str
    quantisation: str
    context_length: int | None
    block_count: int | None
    embedding_length: int | None
    head_count: int | None
    head_count_kv: int | None
    has_chat_template: bool


class _Reader:
    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle

    def take(self, size: int) -> bytes:
        data = self.handle.read(size)
        if len(data) != size:
            raise EOFError
        return data

    def unpack(self, fmt: str) -> Any:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def string(self) -> str:
        size = self.unpack("<Q")
        if size > _MAX_STRING:
            raise ValueError("string too long")
        return self.take(size).decode("utf-8", errors="replace")

    def value(self, kind: int) -> Any:
        if kind in _FIXED:
            return self.unpack(_FIXED[kind])
        if kind == _STRING:
            return self.string()
        if kind == _ARRAY:
            item, count = self.unpack("<I"), self.unpack("<Q")
            if item in _FIXED:
                self.handle.seek(count * struct.calcsize(_FIXED[item]), 1)
            elif item == _STRING:  # a vocabulary: ~50k strings, skipped without reading them
                lengths = struct.Struct("<Q")
                for _ in range(count):
                    (size,) = lengths.unpack(self.take(8))
                    self.handle.seek(size, 1)
            else:
                for _ in range(count):
                    self.value(item)
            return None  # arrays (vocabulary, scores) are never needed here
        raise ValueError(f"unknown value type {kind}")


def read_metadata(path: Path) -> dict[str, Any]:
    """The header's scalar key/values; raises ``ModelFileError`` for anything not a GGUF file."""
    try:
        with path.open("rb") as handle:
            reader = _Reader(handle)
            if handle.read(4) != MAGIC:  # a file shorter than 4 bytes is not a model either
                raise ModelFileError(
                    f"{path.name} is not a GGUF model file. Choose a .gguf file "
                    "(for example one from Hugging Face)."
                )
            version = reader.unpack("<I")
            if version < 2:
                raise ModelFileError(
                    f"{path.name} uses GGUF version {version}, which is too old. "
                    "Download a current version of the model."
                )
            reader.unpack("<Q")  # tensor count
            count = reader.unpack("<Q")
            metadata: dict[str, Any] = {}
            for _ in range(count):
                key = reader.string()
                metadata[key] = reader.value(reader.unpack("<I"))
            return metadata
    except FileNotFoundError:
        raise ModelFileError(f"The model file {path} does not exist any more.") from None
    except (EOFError, ValueError, UnicodeDecodeError, OverflowError):
        raise ModelFileError(
            f"{path.name} is damaged or incomplete (its GGUF header cannot be read). "
            "Download it again."
        ) from None
    except OSError as error:
        raise ModelFileError(f"{path.name} cannot be read: {error.strerror}.") from None


def read_info(path: Path) -> GGUFInfo:
    """The model facts from the header of ``path``."""
    data = read_metadata(path)
    arch = str(data.get("general.architecture") or "unknown")

    def number(key: str) -> int | None:
        value = data.get(f"{arch}.{key}")
        return int(value) if isinstance(value, int) else None

    file_type = data.get("general.file_type")
    return GGUFInfo(
        architecture=arch,
        name=str(data.get("general.name") or path.stem),
        quantisation=FILE_TYPES.get(file_type, f"type {file_type}")
        if isinstance(file_type, int)
        else "unknown",
        context_length=number("context_length"),
        block_count=number("block_count"),
        embedding_length=number("embedding_length"),
        head_count=number("attention.head_count"),
        head_count_kv=number("attention.head_count_kv"),
        has_chat_template=isinstance(data.get("tokenizer.chat_template"), str),
    )
