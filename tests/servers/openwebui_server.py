"""Open WebUI loopback server.

``POST /api/v1/auths/signin`` -> JWT-like token; ``GET /api/v1/auths/`` (session user);
``GET /api/models`` and ``POST /api/chat/completions`` (OpenAI-format SSE) with
``Authorization: Bearer <token or API key>``. ``expire_tokens()`` invalidates issued tokens.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
from typing import Any

from .base import CREATED, EventStream, MockServer, Reply, dumps, run_cli
from .errors import OPENWEBUI_ACCESS_PROHIBITED, OPENWEBUI_INVALID_CRED, openwebui_error
from .openai_format import chat_reply, last_user_text, prompt_text, validate_chat
from .scenario import Behaviour, Error, RecordedRequest

DEFAULT_USER = ("test@example.com", "test-password")
PERMISSIONS = {
    "chat": {"controls": True, "file_upload": True, "delete": True, "edit": True, "temporary": True}
}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class OpenWebUIServer(MockServer):
    """Open WebUI server: users sign in for tokens; ``api_keys`` also work as bearer tokens."""

    name = "openwebui"
    server_header = "uvicorn"
    default_models = ("llama3.2:latest", "gpt-4o-mini")
    invalid_json_message = "There was an error parsing the body"

    def __init__(self, *, users: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.users: dict[str, str] = dict(users) if users is not None else dict([DEFAULT_USER])
        self.tokens: dict[str, str] = {}  # live token -> email
        self.expired: set[str] = set()
        #: Accounts signed up but not yet approved: they sign in (role "pending") and every
        #: other request is a 401 ACCESS_PROHIBITED, as Open WebUI answers them.
        self.unapproved: set[str] = set()
        self.reasoning_field = "reasoning_content"
        self._serial = itertools.count(1)

    # -- token control ------------------------------------------------------------
    def issue_token(self, email: str = DEFAULT_USER[0]) -> str:
        """Mint a valid token for ``email`` without a sign-in request."""
        payload = {"id": _user_id(email), "jti": next(self._serial)}
        head = _b64(b'{"alg":"HS256","typ":"JWT"}')
        body = _b64(json.dumps(payload, separators=(",", ":")).encode())
        token = f"{head}.{body}.{_b64(hashlib.sha256(f'{head}.{body}'.encode()).digest())}"
        with self._lock:
            self.tokens[token] = email
        return token

    def expire_tokens(self) -> None:
        """Make every token issued so far invalid (401 on next use)."""
        with self._lock:
            self.expired.update(self.tokens)
            self.tokens.clear()

    def describe(self) -> str:
        """Also list the users that can sign in."""
        users = ", ".join(f"{email} / {password}" for email, password in self.users.items())
        return f"{super().describe()} users={users}"

    # -- vendor hooks ----------------------------------------------------------------
    def route(self, req: RecordedRequest) -> tuple[str, Any] | None:
        """Open WebUI routes."""
        routes = {
            ("POST", "/api/v1/auths/signin"): ("signin", self.signin),
            ("GET", "/api/v1/auths/"): ("session", self.session),
            ("GET", "/api/models"): ("models", self.list_models),
            ("POST", "/api/chat/completions"): ("chat", self.chat),
            ("GET", "/api/version"): ("version", self.version),
        }
        return routes.get((req.method, req.path))

    def error_reply(self, err: Error, req: RecordedRequest) -> Reply:
        """``{"detail": "..."}``."""
        return openwebui_error(err, req)

    def not_found(self, req: RecordedRequest) -> Reply:
        """FastAPI's 404."""
        return openwebui_error(Error(404, message="Not Found"), req)

    def user_text(self, req: RecordedRequest) -> str:
        """Last user message."""
        return last_user_text(req.body_dict)

    def prompt_text(self, req: RecordedRequest) -> str:
        """All message text."""
        return prompt_text(req.body_dict)

    def check_auth(self, req: RecordedRequest) -> str:
        """Return the user's email; 403 without a bearer, 401 for a bad or expired one."""
        auth = req.header("authorization") or ""
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        if not token:
            raise self.fail(req, 403, "Not authenticated")
        with self._lock:
            email = self.tokens.get(token)
        if email is not None and email in self.unapproved:
            raise self.fail(req, 401, OPENWEBUI_ACCESS_PROHIBITED)
        if email is not None:
            return email
        if token in self.api_keys:
            return next(iter(self.users), DEFAULT_USER[0])
        raise self.fail(req, 401)

    # -- handlers ----------------------------------------------------------------------
    def signin(self, req: RecordedRequest, behaviour: Behaviour | None) -> Reply:
        """``POST /api/v1/auths/signin``."""
        body = self.json_body(req)
        email, password = str(body.get("email", "")).lower(), body.get("password")
        if self.users.get(email) != password:
            raise self.fail(req, 400, OPENWEBUI_INVALID_CRED)
        return Reply(200, dumps(self._user(email, self.issue_token(email))).encode())

    def session(self, req: RecordedRequest, behaviour: Behaviour | None) -> Reply:
        """``GET /api/v1/auths/``: the signed-in user."""
        email = self.check_auth(req)
        token = (req.header("authorization") or "")[7:].strip()
        return Reply(200, dumps(self._user(email, token)).encode())

    def list_models(self, req: RecordedRequest, behaviour: Behaviour | None) -> Reply:
        """``GET /api/models``."""
        self.check_auth(req)
        data = [m if isinstance(m, dict) else model_entry(m) for m in self.model_list(behaviour)]
        return Reply(200, dumps({"data": data}).encode())

    def chat(self, req: RecordedRequest, behaviour: Behaviour | None) -> Reply | EventStream:
        """``POST /api/chat/completions`` (OpenAI format)."""
        self.check_auth(req)
        body = validate_chat(self, req)
        if not self.known_model(str(body["model"])):
            raise self.fail(req, 404)
        return chat_reply(self, req, body, behaviour, reasoning_field=self.reasoning_field)

    def version(self, req: RecordedRequest, behaviour: Behaviour | None) -> Reply:
        """``GET /api/version``."""
        return Reply(200, dumps({"version": "0.6.34"}).encode())

    def _user(self, email: str, token: str) -> dict[str, Any]:
        return {
            "id": _user_id(email),
            "email": email,
            "name": email.split("@")[0].title(),
            "role": "pending" if email in self.unapproved else "user",
            "profile_image_url": "/user.png",
            "token": token,
            "token_type": "Bearer",
            "expires_at": None,
            "permissions": PERMISSIONS,
        }


def _user_id(email: str) -> str:
    h = hashlib.sha256(email.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def model_entry(model_id: str) -> dict[str, Any]:
    """An ``/api/models`` entry (``:tag`` ids look like Ollama models)."""
    local = ":" in model_id
    return {
        "id": model_id,
        "name": model_id,
        "object": "model",
        "created": CREATED,
        "owned_by": "ollama" if local else "openai",
        "connection_type": "local" if local else "external",
        "tags": [],
        "actions": [],
        "filters": [],
    }


if __name__ == "__main__":
    run_cli(OpenWebUIServer)
