"""A web host of images: what an answer's remote image URL points to (``GET /<name>``).

Serves the bytes put in ``files`` with their content type; records every request, so a test can
check that nothing was fetched before the user asked.
"""

from __future__ import annotations

from typing import Any

from .base import MockServer, Reply
from .scenario import Error, RecordedRequest


class ImageHostServer(MockServer):
    """``files``: path (``/dot.png``) → ``(content type, bytes)``; anything else is a 404."""

    name = "image-host"
    default_api_keys = ()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.files: dict[str, tuple[str, bytes]] = {}

    def route(self, req: RecordedRequest) -> tuple[str, Any] | None:
        if req.method == "GET" and req.path in self.files:
            return "file", self.file
        return None

    def file(self, req: RecordedRequest, _behaviour: Any) -> Reply:
        content_type, data = self.files[req.path]
        return Reply(200, data, content_type=content_type)

    def error_reply(self, err: Error, req: RecordedRequest) -> Reply:
        return Reply(err.status, (err.message or "error").encode(), content_type="text/plain")
