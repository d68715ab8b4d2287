"""Non-secret preferences in one JSON file under the user's config directory.

What is kept: the chosen provider and model, parameter values and connection settings (base URL,
proxy) per provider, window geometry, the theme and the Preferences (language, the provider and
model to start with, one proxy for every provider, prompt presets). Secrets never come here: a
key named like a secret, or a URL carrying a password, is refused with ``SecretInSettingsError``;
they belong in the keyring (``app.core.secrets``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

# platformdirs: the right per-OS config directory (XDG on Linux) without hand-written rules.
import platformdirs

log = logging.getLogger(__name__)

APP_NAME: Final = "roundtable"
FILE_NAME: Final = "settings.json"
THEMES: Final = ("system", "light", "dark")
LANGUAGES: Final = ("system", "en", "ru")  # "system": the desktop's language
PROXY_SCHEMES: Final = ("http", "https", "socks5", "socks5h")

# "api_key", "apiKey", "password", "login_token", "cookies", "client_secret"... but not
# "max_tokens" (a count, not a token) or "stop".
_SECRET_NAME = re.compile(
    r"(^|[_\-.])(api[_\-]?key|apikey|password|passwd|pass|secret|token|cookies?|credentials?|auth)$",
    re.IGNORECASE,
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(frozen=True)
class SettingsProblem:
    """Why the settings file on disk was not used: facts, so the window says it in its language.

    ``kind``: ``"not_utf8"``, ``"json"`` (``line``/``column``/``detail``: the parser's words),
    ``"not_object"`` or ``"secret"`` (``detail``: which entry). ``kept_as`` is the backup's file
    name; when the file could not be renamed, ``keep_error`` says why and nothing is saved.
    """

    path: Path
    kind: str
    detail: str = ""
    line: int = 0
    column: int = 0
    kept_as: str | None = None
    keep_error: str | None = None

    def __str__(self) -> str:  # for logs and the command line (English)
        kept = (
            f"kept as {self.kept_as}"
            if self.kept_as
            else f"not kept aside ({self.keep_error}); changes are not saved until it is fixed"
        )
        return f"settings file {self.path} is damaged ({self.kind}: {self.detail}); {kept}"


class SecretInSettingsError(ValueError):
    """A value that looks like a secret was about to be written to the settings file."""

    def __init__(self, message: str, entry: str) -> None:
        super().__init__(message)
        self.entry = entry  # where in the file: "providers.openai.api_key"


def is_secret_name(name: str) -> bool:
    """Whether a key names a secret (``api_key``, ``apiKey``, ``password``, ``auth_token``...)."""
    return bool(_SECRET_NAME.search(_CAMEL.sub("_", name)))


def url_has_password(value: str) -> bool:
    """Whether ``value`` is a URL with credentials in it (``http://user:pw@host``)."""
    if "://" not in value or "@" not in value:
        return False
    from urllib.parse import urlsplit  # here, not at the top: the window's start-up is timed

    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return True  # unparsable but shaped like one: refuse rather than guess
    return bool(parts.password)


def check_no_secret(value: Any, path: str = "") -> None:
    """Raise ``SecretInSettingsError`` if ``value`` (recursively) holds a secret."""
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if is_secret_name(str(key)):
                raise SecretInSettingsError(
                    f"{where!r} names a secret; secrets are kept in the system keyring, "
                    "never in the settings file.",
                    where,
                )
            check_no_secret(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_no_secret(item, f"{path}[{index}]")
    elif isinstance(value, str) and url_has_password(value):
        raise SecretInSettingsError(
            f"{path or 'the value'} is a URL with a password; keep it in the keyring instead.",
            path,
        )


def default_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / FILE_NAME


class Settings:
    """The preferences, loaded once and written back atomically on every change."""

    def __init__(self, path: Path | None = None, data: dict[str, Any] | None = None) -> None:
        self.path = path or default_path()
        self._data: dict[str, Any] = data if data is not None else {}
        #: Why the file on disk was not used (damaged, ...): for the window to show once.
        self.problem: SettingsProblem | None = None
        self._read_only = False  # a damaged file that could not be kept aside is never replaced

    # ----- file ------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Read the file; a missing or damaged file gives empty settings (never a crash).

        A damaged file is not silently replaced at the next save: it is renamed to
        ``settings.json.damaged-<time>`` first, and ``problem`` says so.
        """
        settings = cls(path)
        try:
            raw = settings.path.read_bytes()
        except FileNotFoundError:
            return settings
        except OSError as error:
            log.info("settings file %s unreadable (%s); using defaults", settings.path, error)
            return settings
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            settings._set_aside(SettingsProblem(settings.path, "not_utf8"))
            return settings
        except json.JSONDecodeError as error:
            settings._set_aside(
                SettingsProblem(
                    settings.path, "json", error.msg, line=error.lineno, column=error.colno
                )
            )
            return settings
        if not isinstance(data, dict):
            settings._set_aside(SettingsProblem(settings.path, "not_object"))
            return settings
        try:
            check_no_secret(data)
        except SecretInSettingsError as error:
            # Someone put a secret in by hand: do not use it, and never write it back.
            settings._set_aside(SettingsProblem(settings.path, "secret", error.entry))
            return settings
        settings._data = data
        return settings

    def _set_aside(self, problem: SettingsProblem) -> None:
        """Keep the damaged file as ``<name>.damaged-<time>`` and say so in ``problem``."""
        import time  # here, not at the top: the window's start-up is timed

        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        number = 1
        while backup.exists():
            number += 1
            backup = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{number}")
        try:
            os.rename(self.path, backup)
        except OSError as error:
            self._read_only = True
            self.problem = replace(problem, keep_error=error.strerror or str(error))
        else:
            self.problem = replace(problem, kept_as=backup.name)
        log.info("%s", self.problem)

    def save(self) -> None:
        """Write atomically: a crash leaves either the old file or the new one, never half."""
        import tempfile  # here, not at the top: the window's start-up is timed

        check_no_secret(self._data)
        if self._read_only:
            log.info("not replacing the damaged settings file %s", self.path)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self._data, indent=2, ensure_ascii=False, sort_keys=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text + "\n")
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    # ----- generic access --------------------------------------------------------------------
    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def set(self, key: str, value: Any) -> None:
        """Set one top-level entry and save; refuses secrets before anything is written."""
        check_no_secret({key: value})
        if value is None:
            self._data.pop(key, None)
        else:
            self._data[key] = value
        self.save()

    def as_dict(self) -> dict[str, Any]:
        copy: dict[str, Any] = json.loads(json.dumps(self._data))  # the caller may change it
        return copy

    def _provider_entry(self, provider_id: str) -> dict[str, Any]:
        providers = self._data.get("providers")
        entry = providers.get(provider_id) if isinstance(providers, dict) else None
        return dict(entry) if isinstance(entry, dict) else {}

    def _set_provider_entry(self, provider_id: str, key: str, value: Any) -> None:
        check_no_secret({key: value}, provider_id)
        providers = self._data.get("providers")
        providers = dict(providers) if isinstance(providers, dict) else {}
        entry = self._provider_entry(provider_id)
        if value is None or value == {} or value == "":
            entry.pop(key, None)
        else:
            entry[key] = value
        if entry:
            providers[provider_id] = entry
        else:
            providers.pop(provider_id, None)
        self._data["providers"] = providers
        self.save()

    # ----- typed preferences -----------------------------------------------------------------
    @property
    def provider_id(self) -> str | None:
        value = self._data.get("provider")
        return value if isinstance(value, str) and value else None

    @provider_id.setter
    def provider_id(self, value: str | None) -> None:
        self.set("provider", value or None)

    def model_for(self, provider_id: str) -> str | None:
        value = self._provider_entry(provider_id).get("model")
        return value if isinstance(value, str) and value else None

    def set_model_for(self, provider_id: str, model: str | None) -> None:
        self._set_provider_entry(provider_id, "model", model or None)

    def params_for(self, provider_id: str) -> dict[str, Any]:
        """Parameter values the user set for this provider (only those; never templates)."""
        value = self._provider_entry(provider_id).get("params")
        return dict(value) if isinstance(value, dict) else {}

    def set_params_for(self, provider_id: str, params: dict[str, Any]) -> None:
        self._set_provider_entry(provider_id, "params", dict(params))

    def connection_for(self, provider_id: str) -> dict[str, str]:
        """``{"base_url": ..., "proxy": ...}`` with only the entries the user chose."""
        entry = self._provider_entry(provider_id)
        return {
            key: entry[key]
            for key in ("base_url", "proxy")
            if isinstance(entry.get(key), str) and entry[key]
        }

    def set_connection_for(
        self, provider_id: str, *, base_url: str | None, proxy: str | None
    ) -> None:
        """Raises ``SecretInSettingsError`` for a proxy URL with a password (keyring only)."""
        check_no_secret({"base_url": base_url or "", "proxy": proxy or ""}, provider_id)
        self._set_provider_entry(provider_id, "base_url", (base_url or "").strip() or None)
        self._set_provider_entry(provider_id, "proxy", (proxy or "").strip() or None)

    @property
    def geometry(self) -> str | None:
        """The window geometry as Qt's ``saveGeometry()`` bytes in base64."""
        value = self._data.get("geometry")
        return value if isinstance(value, str) else None

    @geometry.setter
    def geometry(self, value: str | None) -> None:
        self.set("geometry", value)

    @property
    def theme(self) -> str:
        value = self._data.get("theme")
        return value if value in THEMES else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        if value not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}, not {value!r}")
        self.set("theme", None if value == "system" else value)

    @property
    def language(self) -> str:
        value = self._data.get("language")
        return value if value in LANGUAGES else "system"

    @language.setter
    def language(self, value: str) -> None:
        if value not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {value!r}")
        self.set("language", value)

    @property
    def default_target(self) -> tuple[str | None, str | None]:
        """The provider and model to start with (None: the last one used)."""
        provider, model = self._data.get("default_provider"), self._data.get("default_model")
        return (
            provider if isinstance(provider, str) and provider else None,
            model if isinstance(model, str) and model and provider else None,
        )

    def set_default_target(self, provider_id: str | None, model: str | None) -> None:
        self._data.pop("default_model", None)
        self.set("default_provider", provider_id or None)
        if provider_id and model and model.strip():
            self.set("default_model", model.strip())

    def start_provider(self) -> str | None:
        """The provider the window starts on: the default chosen in Preferences, else the last
        one used; a default model becomes the one that provider preselects."""
        provider, model = self.default_target
        if provider is None:
            return self.provider_id
        if model is not None and self.model_for(provider) != model:
            self.set_model_for(provider, model)
        return provider

    @property
    def proxy(self) -> str | None:
        """The proxy for every provider that has none of its own."""
        value = self._data.get("proxy")
        return value if isinstance(value, str) and value else None

    @proxy.setter
    def proxy(self, value: str | None) -> None:
        """Raises ``ValueError`` (what is wrong, what to do) for a value that is no proxy URL,
        ``SecretInSettingsError`` for one with a password."""
        value = (value or "").strip() or None
        if value is not None:
            check_proxy_url(value)
        self.set("proxy", value)

    def proxy_for(self, provider_id: str) -> str | None:
        """The provider's own proxy, else the one for every provider."""
        return self.connection_for(provider_id).get("proxy") or self.proxy

    def request_connection(self, provider_id: str) -> dict[str, str]:
        """What the provider's requests (answers, model lists) connect with: its own base URL
        and proxy, and the proxy for every provider when it has none of its own."""
        connection = self.connection_for(provider_id)
        proxy = self.proxy_for(provider_id)
        return connection | {"proxy": proxy} if proxy else connection


def check_proxy_url(value: str) -> None:
    """Refuse what httpx cannot use as a proxy, with what to type instead."""
    from urllib.parse import urlsplit  # here, not at the top: the window's start-up is timed

    check_no_secret({"proxy": value})
    example = "e.g. http://proxy.example:8080 or socks5://127.0.0.1:1080"
    try:
        parts = urlsplit(value)
        if parts.port == 0:  # a port that is not a number raises ValueError itself
            raise ValueError(value)
    except ValueError:
        raise ValueError(f"“{value}” is not a proxy URL ({example}).") from None
    if parts.scheme not in PROXY_SCHEMES:
        schemes = ", ".join(f"{scheme}://" for scheme in PROXY_SCHEMES)
        raise ValueError(f"A proxy URL starts with {schemes} ({example}).")
    if not parts.hostname:
        raise ValueError(f"The proxy URL names no host ({example}).")
