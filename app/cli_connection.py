"""Where a command-line request connects: base URL and proxy for one provider.

The order is the command line's own, different from the window's: what the command line names
(``--base-url``), then the provider's variable (``OPENAI_BASE_URL``, ...: the provider reads it
itself when no base URL is passed), then what the window saved in the settings file, then the
provider's built-in default. The key is not handled here: the provider looks it up when the
request starts (its variable, then the keyring), and ``app.core.secrets`` adds a proxy with a
password from the keyring. A proxy: the option, else the provider's own saved one, else the one
Preferences saves for every provider. Qt-free.
"""

from __future__ import annotations

import os
from typing import Any

from providers.types import BaseProvider

from .core.settings import Settings


def variable_sets_base_url(provider: type[BaseProvider]) -> bool:
    """Whether one of the provider's base-URL variables is set (it then wins over the settings)."""
    names: Any = getattr(provider, "base_url_env", ()) or ()
    return any(isinstance(name, str) and os.environ.get(name) for name in names)


def connection_options(
    provider: type[BaseProvider],
    provider_id: str,
    *,
    base_url: str | None = None,
    proxy: str | None = None,
    settings: Settings | None = None,
) -> dict[str, str]:
    """``{"base_url": ..., "proxy": ...}`` with only the entries that are to be passed on.

    ``settings`` defaults to the user's settings file (a missing or damaged one counts as empty).
    """
    settings = settings or Settings.load()
    saved = settings.connection_for(provider_id)
    if not base_url and not variable_sets_base_url(provider):
        base_url = saved.get("base_url")
    proxy = proxy or settings.proxy_for(provider_id)
    return {
        name: value for name, value in (("base_url", base_url), ("proxy", proxy)) if value
    }  # fmt: skip
