"""An image a model answered with as a web address, fetched only when the user clicks to see it.

Model output is untrusted: the window never loads a remote image by itself (that would tell the
host the answer was read). On a click, ``fetch_image`` downloads it once, at most
``MAX_REMOTE_IMAGE`` bytes, and keeps it only if its bytes are an image. Qt-free.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from providers import media
from providers.lazy import lazy_module

from .attachments import AttachmentError

if TYPE_CHECKING:
    import httpx

    from providers import http
else:  # the network stack once the user asks for an image, not to show an answer
    httpx = lazy_module("httpx")
    http = lazy_module("providers.http")

MAX_REMOTE_IMAGE = 20 * 1024 * 1024
_WEB = re.compile(r"^https?://", re.I)


def host_of(url: str) -> str:
    """The host a click would contact (shown on the placeholder before anything is fetched)."""
    return urlparse(url).hostname or url[:40]


async def fetch_image(url: str, *, proxy: str | None = None, timeout: float = 30.0) -> bytes:
    """The image at ``url``; an ``AttachmentError`` saying why when it cannot be shown."""
    host = host_of(url)
    if not _WEB.match(url):
        raise AttachmentError(f"{url[:60]!r} is not a web address; nothing was loaded.")
    data = bytearray()
    try:
        async with (
            http.create_client(proxy=proxy, timeout=timeout) as client,
            client.stream("GET", url, follow_redirects=True) as response,
        ):
            if response.status_code != 200:
                raise AttachmentError(
                    f"The image could not be loaded from {host} (HTTP {response.status_code})."
                )
            async for chunk in response.aiter_bytes():
                data += chunk
                if len(data) > MAX_REMOTE_IMAGE:
                    raise AttachmentError(
                        f"The image at {host} is larger than "
                        f"{media.size_text(MAX_REMOTE_IMAGE)}; it was not loaded."
                    )
    except httpx.HTTPError as error:
        raise AttachmentError(
            f"The image could not be loaded from {host}: {type(error).__name__}. "
            "Check the connection and try again."
        ) from None
    if media.sniff_image(bytes(data)) is None:
        raise AttachmentError(f"What {host} sent is not an image; it is not shown.")
    return bytes(data)
