"""Roundtable's provider framework and vendor providers. Qt-free; usable as a library.

``providers.base_provider`` re-exports the whole contract; ``providers.registry`` finds providers
by id.
"""

from __future__ import annotations

__version__ = "0.1.0"
