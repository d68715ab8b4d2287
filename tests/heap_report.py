"""Where a process's memory goes between two moments (not a benchmark: the helper behind
``tests/bench/long_session.py --heap``): Python objects (tracemalloc, by line and by type), the
C heap (glibc ``mallinfo2``: bytes in use, free but kept, mmapped), SQLite's own allocator
(``sqlite3_memory_used``) and RSS. A bench takes a ``Heap`` at two points and prints
``Heap.growth_lines`` of the second against the first.

Reading it: C-heap growth minus tracemalloc's growth is what C++ (Qt) and C libraries (SQLite)
keep; "free but kept" growth with no matching "in use" growth is fragmentation, not a leak.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tests.bench.window_child import rss_mib

MIB = 1024 * 1024


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost",
        )
    ]  # fmt: skip


def _libc() -> Any:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")


def c_heap() -> dict[str, float]:
    """glibc's heap in MiB: ``in_use`` (malloc'd, not freed), ``free`` (freed, kept in the
    arenas), ``mmapped`` (large blocks). Empty where glibc has no ``mallinfo2``."""
    try:
        mallinfo2 = _libc().mallinfo2
    except (AttributeError, OSError):
        return {}
    mallinfo2.restype = _MallInfo2
    info = mallinfo2()
    return {
        "in_use": info.uordblks / MIB,
        "free": info.fordblks / MIB,
        "mmapped": info.hblkhd / MIB,
    }


def sqlite_mib() -> float:
    """What SQLite's allocator holds now, all connections of the process (page caches too)."""
    try:
        library = ctypes.CDLL(ctypes.util.find_library("sqlite3") or "libsqlite3.so.0")
    except OSError:
        return float("nan")
    library.sqlite3_memory_used.restype = ctypes.c_int64
    return float(library.sqlite3_memory_used()) / MIB


def rss_by_kind() -> dict[str, float]:
    """RSS in MiB by kind of mapping (``/proc/self/smaps``): the brk heap (glibc's main arena),
    anonymous maps (other arenas, large blocks, pymalloc's arenas), files (libraries, SQLite's
    shared memory)."""
    kinds: dict[str, float] = {"brk heap": 0.0, "anonymous": 0.0, "files": 0.0, "other": 0.0}
    kind = "other"
    with open("/proc/self/smaps") as smaps:
        for line in smaps:
            head = line.split(maxsplit=6)
            if not head[0].endswith(":"):  # a mapping's first line: address perms ... [path]
                path = head[5].strip() if len(head) > 5 else ""
                kind = (
                    "brk heap" if path == "[heap]"
                    else "anonymous" if not path
                    else "files" if path.startswith("/")
                    else "other"
                )  # fmt: skip
            elif head[0] == "Rss:":
                kinds[kind] += int(head[1]) / 1024
    return kinds


def type_counts() -> Counter[str]:
    """Live objects the collector tracks, by type name (Shiboken wrappers of Qt objects too)."""
    return Counter(type(item).__qualname__ for item in gc.get_objects())


@dataclass
class Heap:
    """One moment's figures; ``take`` needs ``tracemalloc`` running."""

    label: str
    garbage: tuple[int, float]  # (objects, MiB of C heap) a full collection freed first
    rss: float
    traced: float
    c_heap: dict[str, float]
    sqlite: float
    kinds: dict[str, float]
    snapshot: tracemalloc.Snapshot | None
    types: Counter[str] = field(default_factory=Counter)

    @classmethod
    def take(cls, label: str) -> Heap:
        held = c_heap()
        garbage = gc.collect()  # cycles the collector had not reached yet: what they held
        freed = {key: value - c_heap()[key] for key, value in held.items()}
        return cls(
            label=label,
            garbage=(garbage, sum(freed.values())),
            rss=rss_mib(),
            traced=tracemalloc.get_traced_memory()[0] / MIB,
            c_heap=c_heap(),
            sqlite=sqlite_mib(),
            kinds=rss_by_kind(),
            snapshot=tracemalloc.take_snapshot().filter_traces(
                [tracemalloc.Filter(False, tracemalloc.__file__)]
            )
            if tracemalloc.is_tracing()
            else None,
            types=type_counts(),
        )

    def growth_lines(self, before: Heap, steps: int, top: int = 15) -> list[str]:
        """What grew from ``before`` to this moment, per step (an answer), largest first."""
        per = max(steps, 1)
        lines = [
            f"heap growth {before.label} -> {self.label}, MiB total (per step of {steps})  "
            "then -> now:"
        ]

        def row(name: str, now: float, then: float) -> None:
            growth = f"{now - then:+8.2f} ({(now - then) / per:+.4f})"
            lines.append(f"  {name:<28} {growth}  {then:8.2f} -> {now:.2f}")

        row("RSS", self.rss, before.rss)
        for kind, value in self.kinds.items():
            row(f"RSS {kind}", value, before.kinds.get(kind, 0.0))
        row("Python (tracemalloc)", self.traced, before.traced)
        for key in ("in_use", "free", "mmapped"):
            if key in self.c_heap and key in before.c_heap:
                row(f"C heap {key}", self.c_heap[key], before.c_heap[key])
        row("SQLite allocator", self.sqlite, before.sqlite)
        for heap in (before, self):
            objects, mib = heap.garbage
            lines.append(f"  cyclic garbage at {heap.label}: {objects} objects, {mib:.2f} MiB")
        stats = []
        if self.snapshot is not None and before.snapshot is not None:
            lines.append("top Python growth sites (KiB total, count):")
            stats = self.snapshot.compare_to(before.snapshot, "traceback")
        for stat in stats[:top]:
            frames = " <- ".join(
                f"{frame.filename.rsplit('/', 2)[-1]}:{frame.lineno}"
                for frame in list(stat.traceback)[::-1][:5]  # newest first
            )
            lines.append(f"  {stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+6d}  {frames}")
        grown = self.types.copy()
        grown.subtract(before.types)
        lines.append("top object-count growth by type:")
        for name, count in grown.most_common(top):
            if count <= 0:
                break
            lines.append(f"  {count:+7d}  {name}")
        return lines
