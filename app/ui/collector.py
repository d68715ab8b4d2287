"""The cyclic garbage collector held off while the window's modules load.

Importing the window creates a few hundred thousand objects that live as long as the app
(modules, functions, classes, and the Python enum classes PySide6 builds for every Qt type it
hands out: ~370 of them, Qt's own namespace alone ~100). The collector ran ~90 times during
those imports (~12 ms of a ~300 ms start-up, measured with ``gc.callbacks``) and freed nothing
worth it. ``paused()`` holds it off for one block of imports and freezes what the block made
(``gc.freeze``: never scanned again, and the count of new objects starts from zero, so the
first collection after the block does not scan all of it either), then restores the state it
found. ``application`` freezes again once the window is painted, as it did before.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No automatic collection inside the block; what it created is frozen at its end (also
    on an error: an import that fails ends the start-up anyway)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
