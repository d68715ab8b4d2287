"""Self-checks of the loopback vendor servers, driven with plain httpx (raw bytes)."""

from __future__ import annotations

import ast
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.servers import (
    AnthropicServer,
    Drop,
    Error,
    GeminiServer,
    Models,
    OllamaServer,
    OpenAIServer,
    OpenWebUIServer,
    Raw,
    Stall,
    Stream,
)

KEY = "test-key-123"
BEARER = {"Authorization": f"Bearer {KEY}"}
ANTHROPIC_H = {"x-api-key": KEY, "anthropic-version": "2023-06-01"}
GEMINI_H = {"x-goog-api-key": KEY}


def chat(text: str = "hello", **extra: Any) -> dict[str, Any]:
    """An OpenAI-format chat body."""
    return {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": text}], **extra}


def data_lines(raw: bytes, le: bytes = b"\n") -> list[bytes]:
    """Payloads of the ``data:`` lines of an SSE body."""
    return [line[6:] for line in raw.split(le) if line.startswith(b"data: ")]


def stream_raw(client: httpx.Client, url: str, body: Any, headers: dict[str, str]) -> list[bytes]:
    """POST and collect the body exactly as the socket delivered it (one item per chunk)."""
    with client.stream("POST", url, json=body, headers=headers) as response:
        assert response.status_code == 200, response.read()
        return list(response.iter_raw())


# -- OpenAI ----------------------------------------------------------------------------------


def test_openai_stream_framing(openai_server: OpenAIServer) -> None:
    body = chat(stream=True, stream_options={"include_usage": True})
    url = openai_server.base_url + "/chat/completions"
    with httpx.Client() as client, client.stream("POST", url, json=body, headers=BEARER) as r:
        raw = r.read()
    assert r.headers["content-type"] == "text/event-stream"
    assert r.headers["transfer-encoding"] == "chunked"
    assert raw.endswith(b"\n\ndata: [DONE]\n\n")
    chunks = [json.loads(d) for d in data_lines(raw)[:-1]]
    assert chunks[0]["object"] == "chat.completion.chunk"
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": "", "refusal": None}
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert text == "You said: hello"
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["total_tokens"] > 0
    recorded = openai_server.last_request
    assert recorded is not None and recorded.json == body
    assert recorded.header("Authorization") == f"Bearer {KEY}"


def test_openai_reasoning_non_stream_and_models(openai_server: OpenAIServer) -> None:
    openai_server.push(Stream(text="Four.", reasoning="2+2"), Models(["m-1", "m-2"]))
    with httpx.Client(base_url=openai_server.base_url, headers=BEARER) as client:
        raw = b"".join(stream_raw(client, "/chat/completions", chat(stream=True), BEARER))
        deltas = [json.loads(d)["choices"][0]["delta"] for d in data_lines(raw)[:-1]]
        assert "".join(d.get("reasoning_content") or "" for d in deltas) == "2+2"
        whole = client.post("/chat/completions", json=chat("hi")).json()
        models = client.get("/models").json()
    assert whole["object"] == "chat.completion"
    assert whole["choices"][0]["message"]["content"] == "You said: hi"
    assert models["object"] == "list" and [m["id"] for m in models["data"]] == ["m-1", "m-2"]
    assert models["data"][0]["object"] == "model"


def test_openai_401_exact_body(openai_server: OpenAIServer) -> None:
    headers = {"Authorization": "Bearer sk-wrong-0000000000"}
    r = httpx.post(openai_server.base_url + "/chat/completions", json=chat(), headers=headers)
    assert r.status_code == 401
    assert r.json() == {
        "error": {
            "message": "Incorrect API key provided: sk-w***********0000. You can find your API key "
            "at https://platform.openai.com/account/api-keys.",
            "type": "invalid_request_error",
            "param": None,
            "code": "invalid_api_key",
        }
    }


def test_openai_429_retry_after_is_one_shot(openai_server: OpenAIServer) -> None:
    openai_server.push(Error(status=429, retry_after=1.5))
    with httpx.Client(base_url=openai_server.base_url, headers=BEARER) as client:
        limited = client.post("/chat/completions", json=chat())
        ok = client.post("/chat/completions", json=chat())
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "2" and limited.headers["retry-after-ms"] == "1500"
    assert limited.json()["error"]["code"] == "rate_limit_exceeded"
    assert ok.status_code == 200 and openai_server.pending == []


def test_split_writes_reassemble_to_same_bytes(openai_server: OpenAIServer) -> None:
    openai_server.answer = "héllo wörld 🙂 漢字"
    body = chat(stream=True)
    openai_server.push(Stream(line_ending="\r\n"), Stream(line_ending="\r\n", split_writes=True))
    with httpx.Client(base_url=openai_server.base_url) as client:
        whole = stream_raw(client, "/chat/completions", body, BEARER)
        pieces = stream_raw(client, "/chat/completions", body, BEARER)
    assert b"".join(pieces) == b"".join(whole)
    assert len(pieces) > 3 * len(data_lines(b"".join(whole), b"\r\n"))
    assert any(p.endswith(b"\r") for p in pieces)

    def cuts_a_character(piece: bytes) -> bool:
        try:
            piece.decode()
        except UnicodeDecodeError:
            return True
        return False

    assert any(cuts_a_character(p) for p in pieces)


def test_drop_after_closes_mid_stream(openai_server: OpenAIServer) -> None:
    openai_server.push(Stream(drop_after=2))
    received = b""
    with pytest.raises(httpx.RemoteProtocolError), httpx.Client() as client:
        url = openai_server.base_url + "/chat/completions"
        with client.stream("POST", url, json=chat(stream=True), headers=BEARER) as r:
            for piece in r.iter_raw():
                received += piece
    assert len(data_lines(received)) == 2


def test_stall_after_stalls_and_shutdown_is_fast() -> None:
    server = OpenAIServer().start()
    server.push(Stream(stall_after=1), Stream(stall_after=1, stall_seconds=0.2))
    url = server.base_url + "/chat/completions"
    with httpx.Client(timeout=httpx.Timeout(5, read=0.3)) as client:
        with pytest.raises(httpx.ReadTimeout):  # noqa: SIM117 - the stream must be open to time out
            with client.stream("POST", url, json=chat(stream=True), headers=BEARER) as r:
                for _ in r.iter_raw():
                    pass
        started = time.monotonic()
        resumed = client.post(url, json=chat(stream=True), headers=BEARER)
        assert time.monotonic() - started >= 0.2
        assert resumed.text.endswith("data: [DONE]\n\n")
        server.push(Stream(stall_after=1))
        with client.stream("POST", url, json=chat(stream=True), headers=BEARER) as r:
            next(r.iter_raw())
            started = time.monotonic()
            server.stop()  # a handler is stalled right now
            assert time.monotonic() - started < 1.0
    assert server.errors == []


def test_error_after_sends_openai_error_event(openai_server: OpenAIServer) -> None:
    openai_server.push(Stream(error_after=2))
    with httpx.Client() as client:
        url = openai_server.base_url + "/chat/completions"
        raw = b"".join(stream_raw(client, url, chat(stream=True), BEARER))
    lines = data_lines(raw)
    assert len(lines) == 3 and b"[DONE]" not in raw
    assert json.loads(lines[-1])["error"]["type"] == "server_error"


def test_azure_mode(openai_server: OpenAIServer) -> None:
    path = "/openai/deployments/my-gpt/chat/completions"
    body = {"messages": [{"role": "user", "content": "hi"}], "stream": True}
    with httpx.Client(base_url=openai_server.azure_endpoint, headers={"api-key": KEY}) as client:
        missing = client.post(path, json=body)
        raw = b"".join(stream_raw(client, path + "?api-version=2024-10-21", body, {}))
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": "404", "message": "Resource not found"}}
    first, second = (json.loads(d) for d in data_lines(raw)[:2])
    assert first["choices"] == [] and "prompt_filter_results" in first
    assert second["model"] == "my-gpt"


# -- Anthropic -------------------------------------------------------------------------------


def anthropic_body(**extra: Any) -> dict[str, Any]:
    """A Messages API body."""
    messages = [{"role": "user", "content": "hello"}]
    return {"model": "claude-x", "max_tokens": 2048, "messages": messages, **extra}


def event_names(raw: bytes) -> list[str]:
    """The ``event:`` names of an SSE body, in order."""
    return [line[7:].decode() for line in raw.split(b"\n") if line.startswith(b"event: ")]


def test_anthropic_stream_and_thinking(anthropic_server: AnthropicServer) -> None:
    anthropic_server.default.reasoning = "Let me think."
    thinking = {"type": "enabled", "budget_tokens": 1024}
    with httpx.Client(base_url=anthropic_server.base_url) as client:
        plain_body = anthropic_body(stream=True)
        plain = b"".join(stream_raw(client, "/v1/messages", plain_body, ANTHROPIC_H))
        body = anthropic_body(stream=True, thinking=thinking)
        deep = b"".join(stream_raw(client, "/v1/messages", body, ANTHROPIC_H))
    assert event_names(plain) == [
        "message_start", "content_block_start", "ping", "content_block_delta",
        "content_block_delta", "content_block_delta", "content_block_stop", "message_delta",
        "message_stop",
    ]  # fmt: skip
    deltas = [json.loads(d)["delta"] for d in data_lines(deep) if b'"content_block_delta"' in d]
    assert "".join(d.get("thinking", "") for d in deltas) == "Let me think."
    assert any(d["type"] == "signature_delta" for d in deltas)
    assert "".join(d.get("text", "") for d in deltas) == "You said: hello"
    final = json.loads(data_lines(deep)[-2])
    assert final["delta"]["stop_reason"] == "end_turn" and final["usage"]["output_tokens"] > 0


def test_anthropic_errors(anthropic_server: AnthropicServer) -> None:
    url = anthropic_server.base_url + "/v1/messages"
    with httpx.Client() as client:
        no_version = client.post(url, json=anthropic_body(), headers={"x-api-key": KEY})
        no_max = client.post(url, json={"model": "m", "messages": []}, headers=ANTHROPIC_H)
        bad_key = client.post(url, json=anthropic_body(), headers={**ANTHROPIC_H, "x-api-key": "x"})
        anthropic_server.push(Error(529), Stream(error_after=1))
        overloaded = client.post(url, json=anthropic_body(), headers=ANTHROPIC_H)
        raw = b"".join(stream_raw(client, url, anthropic_body(stream=True), ANTHROPIC_H))
    assert no_version.status_code == 400
    assert no_version.json()["error"]["message"] == "anthropic-version: header is required"
    assert no_max.status_code == 400 and no_max.json()["error"]["type"] == "invalid_request_error"
    assert bad_key.status_code == 401
    error = bad_key.json()
    assert error["error"] == {"type": "authentication_error", "message": "invalid x-api-key"}
    assert error["type"] == "error" and error["request_id"].startswith("req_")
    assert overloaded.status_code == 529
    assert overloaded.json()["error"]["type"] == "overloaded_error"
    assert event_names(raw) == ["message_start", "error"]
    assert json.loads(data_lines(raw)[-1]) == {
        "type": "error",
        "error": {"type": "overloaded_error", "message": "Overloaded"},
    }


def test_anthropic_models_paging(anthropic_server: AnthropicServer) -> None:
    with httpx.Client(base_url=anthropic_server.base_url, headers=ANTHROPIC_H) as client:
        first = client.get("/v1/models", params={"limit": 2}).json()
        rest = client.get("/v1/models", params={"limit": 2, "after_id": first["last_id"]}).json()
    assert first["has_more"] is True and len(first["data"]) == 2
    assert first["data"][0]["type"] == "model" and first["data"][0]["display_name"]
    assert rest["has_more"] is False and len(rest["data"]) == 1


# -- Gemini ----------------------------------------------------------------------------------


def test_gemini_sse_crlf_and_thoughts(gemini_server: GeminiServer) -> None:
    gemini_server.default.reasoning = "Hmm."
    config = {"maxOutputTokens": 50, "thinkingConfig": {"includeThoughts": True}}
    contents = [{"role": "user", "parts": [{"text": "hello"}]}]
    body = {"contents": contents, "generationConfig": config}
    path = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    with httpx.Client(base_url=gemini_server.base_url) as client:
        raw = b"".join(stream_raw(client, path, body, GEMINI_H))
    assert raw.startswith(b"data: {") and raw.endswith(b"}\r\n\r\n") and b"[DONE]" not in raw
    chunks = [json.loads(d) for d in data_lines(raw, b"\r\n")]
    parts = [p for c in chunks for p in c["candidates"][0]["content"]["parts"]]
    assert [p["text"] for p in parts if p.get("thought")] == ["Hmm."]
    assert "".join(p["text"] for p in parts if not p.get("thought")) == "You said: hello"
    last = chunks[-1]
    assert last["candidates"][0]["finishReason"] == "STOP"
    usage = last["usageMetadata"]
    parts_total = sum(
        usage[k] for k in ("promptTokenCount", "candidatesTokenCount", "thoughtsTokenCount")
    )
    assert usage["totalTokenCount"] == parts_total


def test_gemini_errors_and_models(gemini_server: GeminiServer) -> None:
    body = {"contents": [{"parts": [{"text": "hi"}]}]}
    path = "/v1beta/models/gemini-2.5-flash:generateContent"
    with httpx.Client(base_url=gemini_server.base_url) as client:
        bad_key = client.post(path, json=body, params={"key": "nope"})
        no_key = client.post(path, json=body)
        gemini_server.push(Error(429, retry_after=17))
        limited = client.post(path, json=body, headers=GEMINI_H)
        first = client.get("/v1beta/models", params={"pageSize": 3}, headers=GEMINI_H).json()
        token = first["nextPageToken"]
        rest = client.get("/v1beta/models", params={"pageToken": token}, headers=GEMINI_H).json()
    assert bad_key.status_code == 400
    error = bad_key.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    assert error["message"] == "API key not valid. Please pass a valid API key."
    assert error["details"][0]["reason"] == "API_KEY_INVALID"
    assert no_key.status_code == 403 and no_key.json()["error"]["status"] == "PERMISSION_DENIED"
    assert limited.status_code == 429 and limited.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert limited.json()["error"]["details"][-1]["retryDelay"] == "17s"
    assert first["models"][0]["name"] == "models/gemini-2.5-flash"
    assert "generateContent" in first["models"][0]["supportedGenerationMethods"]
    assert len(first["models"]) == 3 and len(rest["models"]) == 1 and "nextPageToken" not in rest


# -- Ollama ----------------------------------------------------------------------------------


def test_ollama_ndjson(ollama_server: OllamaServer) -> None:
    body = {"model": "llama3.2", "messages": [{"role": "user", "content": "hello"}]}
    with httpx.Client(base_url=ollama_server.base_url) as client:
        with client.stream("POST", "/api/chat", json=body) as r:
            raw = r.read()
        whole = client.post("/api/chat", json={**body, "stream": False}).json()
        tags = client.get("/api/tags").json()
        ollama_server.strict_models = True
        missing = client.post("/api/chat", json={**body, "model": "nope"})
    assert r.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in raw.splitlines()]
    assert all(not line["done"] for line in lines[:-1])
    assert "".join(line["message"]["content"] for line in lines) == "You said: hello"
    assert lines[-1]["done"] is True and lines[-1]["done_reason"] == "stop"
    assert lines[-1]["eval_count"] > 0 and lines[-1]["prompt_eval_count"] > 0
    assert whole["message"]["content"] == "You said: hello" and whole["done"] is True
    assert tags["models"][0]["name"] == "llama3.2:latest"
    assert missing.status_code == 404
    assert missing.json() == {"error": 'model "nope" not found, try pulling it first'}


def test_ollama_mid_stream_error(ollama_server: OllamaServer) -> None:
    ollama_server.push(Stream(error_after=1, error=Error(message="boom")))
    body = {"model": "llama3.2", "messages": [{"role": "user", "content": "a b c"}]}
    with httpx.Client() as client:
        raw = b"".join(stream_raw(client, ollama_server.base_url + "/api/chat", body, {}))
    lines = raw.splitlines()
    assert len(lines) == 2 and json.loads(lines[-1]) == {"error": "boom"}


# -- Open WebUI ------------------------------------------------------------------------------


def test_openwebui_signin_chat_and_expiry(openwebui_server: OpenWebUIServer) -> None:
    creds = {"email": "test@example.com", "password": "test-password"}
    with httpx.Client(base_url=openwebui_server.base_url) as client:
        bad = client.post("/api/v1/auths/signin", json={**creds, "password": "wrong"})
        user = client.post("/api/v1/auths/signin", json=creds).json()
        auth = {"Authorization": f"Bearer {user['token']}"}
        models = client.get("/api/models", headers=auth).json()
        body = chat(stream=True, model="llama3.2:latest")
        raw = b"".join(stream_raw(client, "/api/chat/completions", body, auth))
        openwebui_server.expire_tokens()
        expired = client.get("/api/models", headers=auth)
    assert bad.status_code == 400 and "incorrect" in bad.json()["detail"]
    assert user["token_type"] == "Bearer" and user["email"] == creds["email"]
    assert models["data"][0]["id"] == "llama3.2:latest"
    assert raw.endswith(b"data: [DONE]\n\n")
    assert expired.status_code == 401
    assert expired.json() == {
        "detail": "Your session has expired or the token is invalid. Please sign in again."
    }


# -- shared machinery --------------------------------------------------------------------------


def test_raw_stall_and_drop_behaviours(ollama_server: OllamaServer) -> None:
    html = "<html><body>502 Bad Gateway</body></html>"
    ollama_server.push(Raw(502, html, content_type="text/html"), Stall(0.2), Drop())
    with httpx.Client(base_url=ollama_server.base_url) as client:
        proxy = client.get("/api/tags")
        started = time.monotonic()
        late = client.get("/api/tags")
        assert time.monotonic() - started >= 0.2
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/api/tags")
    assert proxy.status_code == 502 and proxy.text == html
    assert late.status_code == 200
    assert [r.kind for r in ollama_server.requests] == ["models"] * 3


def test_benchmark_sized_stream_is_fast(openai_server: OpenAIServer) -> None:
    openai_server.answer = "0123456789" * 200_000  # 2 MB
    openai_server.default.chunk_count = 20_000
    started = time.monotonic()
    with httpx.Client() as client:
        url = openai_server.base_url + "/chat/completions"
        raw = b"".join(stream_raw(client, url, chat(stream=True), BEARER))
    assert time.monotonic() - started < 3
    assert len(data_lines(raw)) == 20_000 + 3  # role, 20k deltas, finish, [DONE]


def test_client_disconnect_is_silent(
    openai_server: OpenAIServer, capfd: pytest.CaptureFixture[str]
) -> None:
    openai_server.push(Stream(chunk_count=50, delay=0.01))
    with httpx.Client() as client:
        url = openai_server.base_url + "/chat/completions"
        with client.stream("POST", url, json=chat(stream=True), headers=BEARER) as r:
            next(r.iter_raw())
    time.sleep(0.1)
    openai_server.stop()
    assert openai_server.errors == [] and "Traceback" not in capfd.readouterr().err


def test_servers_never_import_the_client_code() -> None:
    for path in Path(__file__).parents[1].joinpath("servers").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            assert not any(n.split(".")[0] in ("providers", "app") for n in names), path
