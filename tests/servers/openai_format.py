"""OpenAI Chat Completions wire format, shared by the OpenAI and Open WebUI servers."""

from __future__ import annotations

from typing import Any

from .base import CREATED, EventStream, MockServer, Reply, dumps, piece_template, sse, stable_id
from .errors import openai_payload
from .scenario import Answer, Behaviour, Error, RecordedRequest, content_text

FINGERPRINT = "fp_roundtable"
AZURE_FILTER = {
    name: {"filtered": False, "severity": "safe"}
    for name in ("hate", "self_harm", "sexual", "violence")
}


def last_user_text(body: dict[str, Any]) -> str:
    """Text of the last ``role: user`` message."""
    for msg in reversed(body.get("messages") or []):
        if isinstance(msg, dict) and msg.get("role") == "user":
            return content_text(msg.get("content"))
    return ""


def prompt_text(body: dict[str, Any]) -> str:
    """All message text of a chat request."""
    return "".join(
        content_text(m.get("content")) for m in body.get("messages") or [] if isinstance(m, dict)
    )


def validate_chat(server: MockServer, req: RecordedRequest) -> dict[str, Any]:
    """Body checks OpenAI itself does: a model and a non-empty messages list."""
    body = server.json_body(req)
    if not body.get("model"):
        raise server.fail(req, 400, "you must provide a model parameter", "invalid_request")
    if not isinstance(body.get("messages"), list) or not body["messages"]:
        raise server.fail(
            req, 400, "Missing required parameter: 'messages'.", "missing_required_parameter"
        )
    return body


def usage(ans: Answer) -> dict[str, Any]:
    """OpenAI ``usage`` object (completion_tokens includes reasoning tokens)."""
    completion = ans.completion_tokens + ans.reasoning_tokens
    return {
        "prompt_tokens": ans.prompt_tokens,
        "completion_tokens": completion,
        "total_tokens": ans.prompt_tokens + completion,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": ans.reasoning_tokens,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def chat_reply(
    server: MockServer,
    req: RecordedRequest,
    body: dict[str, Any],
    behaviour: Behaviour | None,
    *,
    reasoning_field: str = "reasoning_content",
    azure: bool = False,
) -> Reply | EventStream:
    """Answer a validated chat request: SSE stream or one ``chat.completion``."""
    spec = server.stream_spec(behaviour)
    ans = server.resolve_answer(req, spec)
    cid = "chatcmpl-" + stable_id(req)
    model = str(body["model"])
    if not body.get("stream"):
        message: dict[str, Any] = {
            "role": "assistant",
            "content": ans.text,
            "refusal": None,
            "annotations": [],
        }
        if ans.reasoning:
            message[reasoning_field] = ans.reasoning
        completion = {
            "id": cid,
            "object": "chat.completion",
            "created": CREATED,
            "model": model,
            "choices": [
                {"index": 0, "message": message, "logprobs": None, "finish_reason": ans.finish}
            ],
            "usage": usage(ans),
            "service_tier": "default",
            "system_fingerprint": FINGERPRINT,
        }
        return Reply(200, dumps(completion).encode(), dict(spec.headers))
    include_usage = spec.usage
    if include_usage is None:
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
    le = server.le(spec)
    return EventStream(
        events=chat_events(ans, cid, model, le, include_usage, reasoning_field, azure),
        error_event=sse(dumps(openai_payload(spec.error or Error(500), req)), le),
        spec=spec,
        comment=f": keep-alive{le}{le}".encode(),
    )


def chat_events(
    ans: Answer,
    cid: str,
    model: str,
    le: str,
    include_usage: bool,
    reasoning_field: str,
    azure: bool,
) -> list[bytes]:
    """Framed ``chat.completion.chunk`` events, ending with ``data: [DONE]``."""
    head: dict[str, Any] = {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": model,
    }
    head["system_fingerprint"] = FINGERPRINT
    tail = {"usage": None} if include_usage else {}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return {**head, "choices": [choice], **tail}

    def frame(obj: dict[str, Any]) -> bytes:
        return sse(dumps(obj), le)

    events: list[bytes] = []
    if azure:
        filters = [{"prompt_index": 0, "content_filter_results": AZURE_FILTER}]
        events.append(
            frame(
                {
                    "choices": [],
                    "created": 0,
                    "id": "",
                    "model": "",
                    "object": "",
                    "prompt_filter_results": filters,
                }
            )
        )
    events.append(frame(chunk({"role": "assistant", "content": "", "refusal": None})))
    for pieces, delta in (
        (ans.reasoning_pieces, {"content": None, reasoning_field: "__PIECE__"}),
        (ans.pieces, {"content": "__PIECE__"}),
    ):
        if pieces:
            render = piece_template(chunk(delta))
            events.extend(f"data: {render(p)}{le}{le}".encode() for p in pieces)
    events.append(frame(chunk({}, ans.finish)))
    if include_usage:
        events.append(frame({**head, "choices": [], "usage": usage(ans)}))
    events.append(f"data: [DONE]{le}{le}".encode())
    return events
