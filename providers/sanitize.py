"""Making server text safe to show, store and print: the one place for masking and cleaning.

Everything a server sends is untrusted. JSON may carry lone surrogates (``"\\ud800"``), which
neither SQLite nor a UTF-8 terminal accepts; error text may echo the key or a URL with a
password. Masking always comes before cutting: a cut key is no longer recognisable.
"""

from __future__ import annotations

import re

import httpx

from . import credentials

_SURROGATE = re.compile("[\ud800-\udfff]")
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s'\"<>?#]+@")


def clean_text(text: str) -> str:
    """``text`` that encodes as UTF-8: every unpaired surrogate becomes U+FFFD.

    Cheap for the common case (an ASCII check is O(1) in CPython), since it runs on every chunk.
    """
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


def redact(text: str, *secrets: str | None) -> str:
    """``text`` with every secret (and its long prefix, as vendors echo) replaced by a mask,
    and the user name and password of any URL in it hidden."""
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, credentials.mask_secret(secret))
            text = text.replace(secret[:-4], credentials.mask_secret(secret)[:-4])
    return redact_urls(text)


def excerpt(text: str, limit: int, *secrets: str | None) -> str:
    """At most ``limit`` characters of server text, masked first (then a cut key cannot leak)."""
    text = clean_text(redact(text, *secrets))
    return text if len(text) <= limit else text[:limit] + "…"


def redact_urls(text: str) -> str:
    """``text`` with the ``user:password@`` part of every URL in it replaced by ``***@``."""
    if "@" not in text:
        return text
    return _URL_USERINFO.sub(r"\1***@", text)


def redact_url(url: str) -> str:
    """A URL as it may be shown, logged or stored: without user name and password."""
    return redact_urls(str(url))


def has_userinfo(url: str) -> bool:
    """Whether ``url`` carries a user name or password (``http://user:pass@host``)."""
    try:
        return bool(httpx.URL(url).userinfo)
    except (httpx.InvalidURL, TypeError):
        return "@" in url.partition("://")[2].partition("/")[0]
