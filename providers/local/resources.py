"""How much of the machine a local model may use: threads, memory, and the memory check."""

from __future__ import annotations

import os

from .errors import ModelTooLargeError
from .models import LocalModel

THREADS_ENV = "ROUNDTABLE_LOCAL_THREADS"
#: Room for llama.cpp's compute buffers and the app itself, beyond weights and KV cache.
OVERHEAD_BYTES = 256 * 1024 * 1024


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_threads() -> int:
    """Half the cores (at least one), or ``ROUNDTABLE_LOCAL_THREADS``: a model using every
    core starves the window and everything else on the machine."""
    value = os.environ.get(THREADS_ENV, "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    return max(1, cpu_count() // 2)


def available_memory() -> int | None:
    """Bytes the kernel says can be used without swapping (``MemAvailable``), if known."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def estimate_memory(model: LocalModel, n_ctx: int) -> int:
    """Weights + KV cache (16-bit K and V for every layer and context position) + overhead."""
    info = model.info
    kv = 0
    if info and info.block_count and info.embedding_length:
        heads = info.head_count or 1
        kv_width = info.embedding_length * (info.head_count_kv or heads) // heads
        kv = 2 * 2 * n_ctx * info.block_count * kv_width
    return model.size + kv + OVERHEAD_BYTES


def check_memory(model: LocalModel, n_ctx: int) -> None:
    """Refuse a model that cannot fit: loading it would freeze the machine or get killed."""
    free = available_memory()
    need = estimate_memory(model, n_ctx)
    if free is not None and need > free:
        raise ModelTooLargeError(
            f"{model.name} needs about {gib(need)} of memory but only {gib(free)} is free. "
            "Close other programs, or choose a smaller model (a lower quantisation such as "
            "Q4_K_M, or fewer parameters)."
        )


def gib(size: int) -> str:
    return f"{size / 1024**3:.1f} GB" if size >= 1024**3 else f"{size / 1024**2:.0f} MB"
