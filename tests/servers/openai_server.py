"""OpenAI Chat Completions (and Azure OpenAI) loopback server.

``POST /v1/chat/completions``, ``GET /v1/models`` with ``Authorization: Bearer``;
Azure: ``POST /openai/deployments/{deployment}/chat/completions?api-version=...`` and
``POST /openai/v1/chat/completions`` with an ``api-key`` header.
"""

from __future__ import annotations

import re
from typing import Any

from .base import CREATED, EventStream, HTTPFail, MockServer, Reply, dumps, run_cli
from .errors import azure_error, openai_error
from .openai_format import chat_reply, last_user_text, prompt_text, validate_chat
from .scenario import Behaviour, Error, RecordedRequest

AZURE_CHAT = re.compile(r"^/openai/deployments/([^/]+)/chat/completions$")
REASONING_MODEL = re.compile(r"^(o\d|gpt-5)")


def _is_azure(req: RecordedRequest) -> bool:
    return req.path.startswith("/openai/")


class OpenAIServer(MockServer):
    """OpenAI-format server; ``reasoning_field`` picks the streamed reasoning key."""

    name = "openai"
    base_path = "/v1"
    server_header = "cloudflare"
    default_models = ("gpt-4o-mini", "gpt-4o", "o3-mini")
    invalid_json_message = (
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
        "using your "
        "HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not "
        "valid JSON. "
        "If you have trouble figuring out how to fix this, please contact us through our help "
        "center at "
        "help.openai.com.)"
    )
    invalid_json_code = "invalid_request"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.reasoning_field = "reasoning_content"  # DeepSeek style; OpenRouter uses "reasoning"
        self.azure_deployments: set[str] | None = None  # None: every deployment name exists
        #: False: no key needed at all, as a local server (LM Studio, llama.cpp, vLLM) runs.
        self.key_required = True

    @property
    def azure_endpoint(self) -> str:
        """What an Azure client configures as its endpoint (the resource root)."""
        return self.url

    def route(self, req: RecordedRequest) -> tuple[str, Any] | None:
        """OpenAI and Azure routes."""
        if req.method == "POST" and req.path == "/v1/chat/completions":
            return "chat", self.chat
        if req.method == "GET" and req.path == "/v1/models":
            return "models", self.list_models
        if req.method == "POST" and (
            AZURE_CHAT.match(req.path) or req.path == "/openai/v1/chat/completions"
        ):
            return "chat", self.azure_chat
        return None

    def error_reply(self, err: Error, req: RecordedRequest) -> Reply:
        """OpenAI error body, or Azure's on Azure paths."""
        return azure_error(err, req) if _is_azure(req) else openai_error(err, req)

    def not_found(self, req: RecordedRequest) -> Reply:
        """``Invalid URL (POST /v1/x)`` as OpenAI says it."""
        if _is_azure(req):
            return azure_error(Error(404), req)
        return openai_error(
            Error(404, message=f"Invalid URL ({req.method} {req.path})", code="invalid_request"),
            req,
        )

    def user_text(self, req: RecordedRequest) -> str:
        """Last user message."""
        return last_user_text(req.body_dict)

    def prompt_text(self, req: RecordedRequest) -> str:
        """All message text."""
        return prompt_text(req.body_dict)

    # -- handlers ------------------------------------------------------------
    def check_auth(self, req: RecordedRequest) -> None:
        """``Authorization: Bearer <key>``; an empty ``api_keys`` accepts any key."""
        auth = req.header("authorization") or ""
        key = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        if not key and not self.key_required:
            return
        if not key:
            raise self.fail(req, 401, code="missing_api_key")
        if self.api_keys and key not in self.api_keys:
            raise self.fail(req, 401, code="invalid_api_key")

    def chat(self, req: RecordedRequest, behaviour: Behaviour | None) -> Reply | EventStream:
        """``POST /v1/chat/completions``."""
        self.check_auth(req)
        body = validate_chat(self, req)
        self._check_reasoning_params(req, body)
        if not self.known_model(str(body["model"])):
            raise self.fail(req, 404, code="model_not_found")
        return chat_reply(self, req, body, behaviour, reasoning_field=self.reasoning_field)

    def _check_reasoning_params(self, req: RecordedRequest, body: dict[str, Any]) -> None:
        """o-series/gpt-5 reject ``max_tokens`` and a non-default ``temperature`` (as OpenAI)."""
        if not REASONING_MODEL.match(str(body["model"])):
            return
        if "max_tokens" in body:
            message = (
                "Unsupported parameter: 'max_tokens' is not supported with this model. "
                "Use 'max_completion_tokens' instead."
            )
            raise HTTPFail(
                openai_error(
                    Error(400, message=message, code="unsupported_parameter"), req, "max_tokens"
                )
            )
        if body.get("temperature") not in (None, 1):
            message = (
                f"Unsupported value: 'temperature' does not support {body['temperature']} with "
                f"this model. "
                "Only the default (1) value is supported."
            )
            raise HTTPFail(
                openai_error(
                    Error(400, message=message, code="unsupported_value"), req, "temperature"
                )
            )

    def azure_chat(self, req: RecordedRequest, behaviour: Behaviour | None) -> Reply | EventStream:
        """Azure deployment (needs ``api-version``) or Azure v1 chat endpoint."""
        match = AZURE_CHAT.match(req.path)
        if match and not req.query.get("api-version"):
            raise self.fail(req, 404)
        key = req.header("api-key") or ""
        if not key or (self.api_keys and key not in self.api_keys):
            raise self.fail(req, 401)
        body = self.json_body(req)
        deployment = match.group(1) if match else str(body.get("model") or "")
        if self.azure_deployments is not None and deployment not in self.azure_deployments:
            raise self.fail(req, 404, code="DeploymentNotFound")
        if not isinstance(body.get("messages"), list) or not body["messages"]:
            raise self.fail(req, 400, "Missing required parameter: 'messages'.", "BadRequest")
        body = {**body, "model": body.get("model") or deployment}
        return chat_reply(
            self, req, body, behaviour, reasoning_field=self.reasoning_field, azure=True
        )

    def list_models(self, req: RecordedRequest, behaviour: Behaviour | None) -> Reply:
        """``GET /v1/models``."""
        self.check_auth(req)
        data = [
            m
            if isinstance(m, dict)
            else {"id": m, "object": "model", "created": CREATED, "owned_by": "system"}
            for m in self.model_list(behaviour)
        ]
        return Reply(200, dumps({"object": "list", "data": data}).encode())


if __name__ == "__main__":
    run_cli(OpenAIServer)
