"""Anthropic Messages API loopback server.

``POST /v1/messages`` (stream or not), ``POST /v1/messages/count_tokens``, ``GET /v1/models``;
``x-api-key`` and ``anthropic-version`` headers required.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from .base import EventStream, MockServer, Reply, dumps, piece_template, run_cli, sse, stable_id
from .errors import anthropic_error, anthropic_payload
from .scenario import Answer, Behaviour, Error, RecordedRequest, Stream, content_text

STOP_REASONS = {"stop": "end_turn", "length": "max_tokens"}
DISPLAY_NAMES = {
    "claude-sonnet-4-5-20250929": "Claude Sonnet 4.5",
    "claude-opus-4-1-20250805": "Claude Opus 4.1",
    "claude-haiku-4-5-20251001": "Claude Haiku 4.5",
}
MODEL_CREATED_AT = "2025-09-29T00:00:00Z"


class AnthropicServer(MockServer):
    """Anthropic-format server. Thinking is streamed only if the request enables ``thinking``."""

    name = "anthropic"
    server_header = "cloudflare"
    default_models = tuple(DISPLAY_NAMES)
    invalid_json_message = (
        "There was an issue with your request body. Please check that it's valid JSON"
    )

    def route(self, req: RecordedRequest) -> tuple[str, Any] | None:
        """Messages, token counting and model routes."""
        if req.method == "POST" and req.path == "/v1/messages":
            return "chat", self.messages
        if req.method == "POST" and req.path == "/v1/messages/count_tokens":
            return "count_tokens", self.count_tokens
        if req.method == "GET" and req.path == "/v1/models":
            return "models", self.list_models
        return None

    def error_reply(self, err: Error, req: RecordedRequest) -> Reply:
        """Anthropic error body."""
        return anthropic_error(err, req)

    def not_found(self, req: RecordedRequest) -> Reply:
        """Unknown path."""
        return anthropic_error(Error(404, message="Not Found"), req)

    def user_text(self, req: RecordedRequest) -> str:
        """Last user message."""
        for msg in reversed(req.body_dict.get("messages") or []):
            if isinstance(msg, dict) and msg.get("role") == "user":
                return content_text(msg.get("content"))
        return ""

    def prompt_text(self, req: RecordedRequest) -> str:
        """System prompt plus all messages."""
        body = req.body_dict
        parts = [content_text(body.get("system"))]
        parts += [
            content_text(m.get("content"))
            for m in body.get("messages") or []
            if isinstance(m, dict)
        ]
        return "".join(parts)

    # -- checks ----------------------------------------------------------------
    def check_headers(self, req: RecordedRequest) -> None:
        """``x-api-key`` (an empty ``api_keys`` accepts any) then ``anthropic-version``."""
        key = req.header("x-api-key")
        if not key:
            raise self.fail(req, 401, "x-api-key header is required")
        if self.api_keys and key not in self.api_keys:
            raise self.fail(req, 401)
        if not req.header("anthropic-version"):
            raise self.fail(req, 400, "anthropic-version: header is required")

    def validate(self, req: RecordedRequest) -> dict[str, Any]:
        """The body checks the Messages API makes that a client can get wrong."""
        body = self.json_body(req)
        for name in ("model", "max_tokens", "messages"):
            if name not in body:
                raise self.fail(req, 400, f"{name}: Field required")
        messages = body["messages"]
        for i, msg in enumerate(messages if isinstance(messages, list) else []):
            role = msg.get("role") if isinstance(msg, dict) else None
            if role not in ("user", "assistant"):
                raise self.fail(
                    req,
                    400,
                    f'messages: Unexpected role "{role}". The Messages API accepts a top-level '
                    '`system` parameter, not "system" as an input message role.'
                    if role == "system"
                    else f"messages.{i}.role: Input should be 'user' or 'assistant'",
                )
            last_assistant = i == len(messages) - 1 and role == "assistant"
            if not content_text(msg.get("content")) and not last_assistant and not _has_blocks(msg):
                raise self.fail(
                    req,
                    400,
                    f"messages.{i}: all messages must have non-empty content except for the "
                    f"optional final "
                    "assistant message",
                )
        thinking = body.get("thinking") or {}
        if thinking.get("type") == "enabled":
            budget = thinking.get("budget_tokens")
            if not isinstance(budget, int) or budget < 1024:
                raise self.fail(
                    req,
                    400,
                    "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024",
                )
            if body["max_tokens"] <= budget:
                raise self.fail(
                    req, 400, "`max_tokens` must be greater than `thinking.budget_tokens`."
                )
        if not self.known_model(str(body["model"])):
            raise self.fail(req, 404)
        return body

    # -- handlers ----------------------------------------------------------------
    def messages(self, req: RecordedRequest, behaviour: Behaviour | None) -> Reply | EventStream:
        """``POST /v1/messages``."""
        self.check_headers(req)
        body = self.validate(req)
        spec = self.stream_spec(behaviour)
        ans = self.resolve_answer(req, spec)
        thinking = (body.get("thinking") or {}).get("type") in ("enabled", "adaptive") and bool(
            ans.reasoning
        )
        msg_id = "msg_" + stable_id(req)
        headers = {"request-id": "req_" + stable_id(req), **spec.headers}
        if not body.get("stream"):
            content: list[dict[str, Any]] = [{"type": "text", "text": ans.text}]
            if thinking:
                content.insert(
                    0, {"type": "thinking", "thinking": ans.reasoning, "signature": _signature(req)}
                )
            message = _message(msg_id, str(body["model"]), ans, content, usage=True)
            message["stop_reason"] = STOP_REASONS.get(ans.finish, ans.finish)
            message["usage"]["output_tokens"] = (
                ans.completion_tokens + ans.reasoning_tokens * thinking
            )
            return Reply(200, dumps(message).encode(), headers)
        le = self.le(spec)
        return EventStream(
            events=self.events(req, body, spec, ans, thinking, msg_id),
            error_event=sse(dumps(anthropic_payload(spec.error or Error(529), req)), le, "error"),
            spec=spec,
            comment=f": keep-alive{le}{le}".encode(),
            headers=headers,
        )

    def events(
        self,
        req: RecordedRequest,
        body: dict[str, Any],
        spec: Stream,
        ans: Answer,
        thinking: bool,
        msg_id: str,
    ) -> list[bytes]:
        """message_start, [thinking block], ping, text block, message_delta, message_stop."""
        le = self.le(spec)

        def ev(name: str, data: dict[str, Any]) -> bytes:
            return sse(dumps({"type": name, **data}), le, name)

        def deltas(index: int, kind: str, field: str, pieces: list[str]) -> list[bytes]:
            delta = {
                "type": "content_block_delta",
                "index": index,
                "delta": {"type": kind, field: "__PIECE__"},
            }
            render = piece_template(delta)
            head = f"event: content_block_delta{le}data: "
            return [f"{head}{render(p)}{le}{le}".encode() for p in pieces]

        start = _message(msg_id, str(body["model"]), ans, [], usage=spec.usage is not False)
        events = [ev("message_start", {"message": start})]
        index = 0
        if thinking:
            events.append(
                ev(
                    "content_block_start",
                    {
                        "index": 0,
                        "content_block": {"type": "thinking", "thinking": "", "signature": ""},
                    },
                )
            )
            events.append(ev("ping", {}))
            events += deltas(0, "thinking_delta", "thinking", ans.reasoning_pieces)
            events.append(
                ev(
                    "content_block_delta",
                    {
                        "index": 0,
                        "delta": {"type": "signature_delta", "signature": _signature(req)},
                    },
                )
            )
            events.append(ev("content_block_stop", {"index": 0}))
            index = 1
        events.append(
            ev(
                "content_block_start",
                {"index": index, "content_block": {"type": "text", "text": ""}},
            )
        )
        if not thinking:
            events.append(ev("ping", {}))
        events += deltas(index, "text_delta", "text", ans.pieces)
        events.append(ev("content_block_stop", {"index": index}))
        delta: dict[str, Any] = {
            "delta": {
                "stop_reason": STOP_REASONS.get(ans.finish, ans.finish),
                "stop_sequence": None,
            }
        }
        if spec.usage is not False:
            delta["usage"] = {
                "output_tokens": ans.completion_tokens + ans.reasoning_tokens * thinking
            }
        events.append(ev("message_delta", delta))
        events.append(ev("message_stop", {}))
        return events

    def count_tokens(self, req: RecordedRequest, behaviour: Behaviour | None) -> Reply:
        """``POST /v1/messages/count_tokens``."""
        self.check_headers(req)
        self.json_body(req)
        return Reply(200, dumps({"input_tokens": max(1, len(self.prompt_text(req)) // 4)}).encode())

    def list_models(self, req: RecordedRequest, behaviour: Behaviour | None) -> Reply:
        """``GET /v1/models`` with ``limit`` / ``after_id`` / ``before_id`` paging."""
        self.check_headers(req)
        data = [
            m
            if isinstance(m, dict)
            else {
                "type": "model",
                "id": m,
                "display_name": DISPLAY_NAMES.get(m, m),
                "created_at": MODEL_CREATED_AT,
            }
            for m in self.model_list(behaviour)
        ]
        ids = [str(m.get("id")) for m in data]
        limit = int(req.query.get("limit") or 20)
        lo, hi = 0, len(data)
        if (after := req.query.get("after_id")) in ids:
            lo = ids.index(after) + 1
        if (before := req.query.get("before_id")) in ids:
            hi = ids.index(before)
            lo = max(lo, hi - limit)
        page = data[lo : min(hi, lo + limit)]
        body = {
            "data": page,
            "has_more": lo + len(page) < hi,
            "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None,
        }
        return Reply(200, dumps(body).encode())


def _has_blocks(msg: dict[str, Any]) -> bool:
    """Non-text blocks (images, tool results) count as content."""
    content = msg.get("content")
    return isinstance(content, list) and any(
        isinstance(b, dict) and b.get("type") != "text" for b in content
    )


def _signature(req: RecordedRequest) -> str:
    return base64.b64encode(hashlib.sha256(b"sig" + req.body).digest() * 3).decode()


def _message(
    msg_id: str, model: str, ans: Answer, content: list[dict[str, Any]], *, usage: bool
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "id": msg_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": None,
        "stop_sequence": None,
    }
    if usage:
        message["usage"] = {
            "input_tokens": ans.prompt_tokens,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "output_tokens": 1,
        }
    return message


if __name__ == "__main__":
    run_cli(AnthropicServer)
