"""Hostile answers: what a broken, malicious or misconfigured server can send after a 200.

Each ``Hostile`` is a behaviour to push on a vendor server plus what a client must show: the
text before the fault (on stdout, for the CLI), then one clear error, or the whole text when the
answer is odd but usable. Never imports ``providers`` or ``app``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .scenario import Behaviour, Pour, Raw

SSE = "text/event-stream"
#: What every scenario shows before its fault.
GOOD = "Hello world"
MB = 1024 * 1024


def event(obj: Any) -> bytes:
    """One OpenAI-format SSE event (ASCII JSON: ``\\u`` escapes stay as sent)."""
    return b"data: " + json.dumps(obj, separators=(",", ":")).encode() + b"\n\n"


def delta(**fields: Any) -> dict[str, Any]:
    return {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": fields}]}


ROLE = event(delta(role="assistant", content=""))
HEAD = ROLE + event(delta(content="Hello")) + event(delta(content=" world"))
DONE = b"data: [DONE]\n\n"
FINISH = event({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
COMPLETION = {
    "object": "chat.completion",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": GOOD},
                 "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
}  # fmt: skip
FORMAT = "not in the expected format"
EMPTY = "empty or not in OpenAI's format"
PORTAL = (
    "<!DOCTYPE html><html><head><title>Hotel Wi-Fi: sign in</title></head>"
    "<body><form action='/login'><input name='room'></form></body></html>"
)


@dataclass(frozen=True)
class Hostile:
    """One hostile answer and what a client must make of it."""

    name: str
    behaviour: Behaviour
    text: str = GOOD  # the text shown before the fault (a prefix for endless scenarios)
    fails: bool = True  # False: the answer is odd but usable and must arrive whole
    vendor: str = "openai"  # the server fixture that serves it: ``<vendor>_server``
    params: tuple[str, ...] = ()  # extra ``--param`` values, e.g. a short total_timeout
    endless: bool = False  # ``text`` is a prefix: more text may follow before the error
    says: str = ""  # what the error must say (a case-insensitive substring)


def sse_raw(body: bytes, content_type: str = SSE) -> Raw:
    return Raw(200, body, content_type=content_type, on="chat")


SCENARIOS: list[Hostile] = [
    # A lone surrogate in the text and in the error that follows.
    Hostile(
        "surrogate",
        sse_raw(
            HEAD
            + b'data: {"choices":[{"index":0,"delta":{"content":"\\ud800!"}}]}\n\n'
            + b'data: {"error":{"message":"broken \\udfff here","type":"server_error"}}\n\n'
        ),
        text=GOOD + "\ufffd!",
        says="broken \ufffd here",
    ),
    # 24 MB without a line break.
    Hostile(
        "huge-line",
        Pour(head=HEAD + b"data: ", body=b"x" * MB, times=64, on="chat"),
        says="more than 16 MB",
    ),
    # A few kB of gzip that inflate to 1 GB of zeros.
    Hostile(
        "gzip-bomb",
        Pour(head=HEAD + b"data: ", body=bytes(MB), times=256, gzip=True, on="chat"),
        says="more than 16 MB",
    ),
    # One byte every 50 ms, forever: each read is quick, the answer never ends.
    Hostile(
        "trickle",
        Pour(head=HEAD, body=b":", times=None, delay=0.05, on="chat"),
        params=("total_timeout=2",),
        says="total_timeout",
    ),
    # Valid text forever.
    Hostile(
        "endless",
        Pour(head=HEAD, body=event(delta(content=" more")), times=None, delay=0.01, on="chat"),
        params=("total_timeout=2",),
        endless=True,
        says="within 2 s",
    ),
    Hostile(
        "html-200",
        sse_raw(PORTAL.encode(), "text/html; charset=utf-8"),
        text="",
        says="web page titled 'Hotel Wi-Fi: sign in'",
    ),
    # One JSON body where a stream was asked for (LiteLLM's Anthropic mock does this).
    Hostile(
        "json-instead-of-stream",
        sse_raw(json.dumps(COMPLETION).encode(), "application/json"),
        fails=False,
    ),
    Hostile(
        "anthropic-json-instead-of-stream",
        sse_raw(
            json.dumps(
                {
                    "id": "msg_1",
                    "type": "message",
                    "role": "assistant",
                    "model": "claude",
                    "content": [{"type": "text", "text": GOOD}],
                    "stop_reason": "end_turn",
                    "usage": {"input_tokens": 3, "output_tokens": 2},
                }
            ).encode(),
            "application/json",
        ),  # fmt: skip
        fails=False,
        vendor="anthropic",
    ),
    Hostile("choices-string", sse_raw(HEAD + event({"choices": "oops"}) + DONE), says=FORMAT),
    Hostile("choices-list", sse_raw(HEAD + event({"choices": ["a"]}) + DONE), says=FORMAT),
    Hostile("choices-null", sse_raw(ROLE + event({"choices": None}) + DONE), text="", says=EMPTY),
    Hostile(
        "delta-string", sse_raw(HEAD + event({"choices": [{"delta": "x"}]}) + DONE), says=FORMAT
    ),
    Hostile("content-number", sse_raw(HEAD + event(delta(content=42)) + DONE), says=FORMAT),
    Hostile(
        "reasoning-object",
        sse_raw(HEAD + event(delta(reasoning_content={"a": 1})) + DONE),
        says=FORMAT,
    ),
    Hostile(
        "usage-list",
        sse_raw(HEAD + FINISH + event({"choices": [], "usage": [1, 2]}) + DONE),
        fails=False,
    ),
    Hostile(
        "usage-odd-values",
        sse_raw(HEAD + FINISH + event({"choices": [], "usage": {"prompt_tokens": "many"}}) + DONE),
        fails=False,
    ),
    Hostile(
        "deep-nesting",
        sse_raw(HEAD + b"data: " + b"[" * 200_000 + b"]" * 200_000 + b"\n\n" + DONE),
        says=FORMAT,
    ),
    # Ollama: lines without message text ("done" and all), and one huge line.
    Hostile(
        "ollama-no-message-text",
        sse_raw(
            b'{"model":"llama3.2","response":"Hi","done":false}\n'
            b'{"model":"llama3.2","done":true,"done_reason":"stop"}\n',
            "application/x-ndjson",
        ),
        text="",
        vendor="ollama",
        says="empty or not in Ollama's format",
    ),
    Hostile(
        "ollama-huge-line",
        Pour(
            head=b'{"message":{"role":"assistant","content":"Hello world"},"done":false}\n{"x":"',
            body=b"y" * MB,
            times=24,
            content_type="application/x-ndjson",
            on="chat",
        ),  # fmt: skip
        vendor="ollama",
        says="more than 16 MB without a line break",
    ),
]
