"""Ollama native API loopback server.

``POST /api/chat`` (NDJSON stream by default, ``"stream": false`` for one object),
``GET /api/tags``, ``POST /api/show``, ``GET /api/version``, ``GET /``. No auth unless
``server.api_keys`` is non-empty (then ``Authorization: Bearer``, like ollama.com).
"""

from __future__ import annotations

import hashlib
from typing import Any

from .base import EventStream, MockServer, Reply, dumps, piece_template, run_cli
from .errors import ollama_error, ollama_payload
from .openai_format import last_user_text, prompt_text
from .scenario import Answer, Behaviour, Error, RecordedRequest

CREATED_AT = "2025-01-01T00:00:00.000000000Z"
VERSION = "0.12.3"
#: Models whose ``/api/show`` lists the ``vision`` capability (as Ollama's model pages say).
VISION = ("gemma3", "llava", "llama3.2-vision", "qwen2.5vl", "minicpm-v", "moondream")
EVAL_NS = 20_000_000  # 20 ms per generated token, 2 ms per prompt token: deterministic timings


def full_name(model: str) -> str:
    """``llama3.2`` -> ``llama3.2:latest``."""
    return model if ":" in model else model + ":latest"


class OllamaServer(MockServer):
    """Ollama-format server. ``thinking`` is sent only if the request has a truthy ``think``."""

    name = "ollama"
    server_header = ""
    default_models = ("llama3.2:latest", "qwen3:0.6b")
    default_api_keys = ()
    invalid_json_message = "invalid character looking for beginning of value"

    def route(self, req: RecordedRequest) -> tuple[str, Any] | None:
        """Native API routes."""
        routes = {
            ("POST", "/api/chat"): ("chat", self.chat),
            ("GET", "/api/tags"): ("models", self.tags),
            ("POST", "/api/show"): ("show", self.show),
            ("GET", "/api/version"): ("version", self.version),
            ("GET", "/"): ("root", self.root),
            ("HEAD", "/"): ("root", self.root),
        }
        return routes.get((req.method, req.path))

    def error_reply(self, err: Error, req: RecordedRequest) -> Reply:
        """``{"error": "..."}``."""
        return ollama_error(err, req)

    def not_found(self, req: RecordedRequest) -> Reply:
        """Gin's plain-text 404."""
        return Reply(404, b"404 page not found", content_type="text/plain")

    def user_text(self, req: RecordedRequest) -> str:
        """Last user message."""
        return last_user_text(req.body_dict)

    def prompt_text(self, req: RecordedRequest) -> str:
        """All message text."""
        return prompt_text(req.body_dict)

    def known_model(self, model: str) -> bool:
        """Tag-insensitive lookup (``llama3.2`` is ``llama3.2:latest``)."""
        return super().known_model(full_name(model)) or super().known_model(model)

    def check_auth(self, req: RecordedRequest) -> None:
        """Only when ``api_keys`` is non-empty."""
        auth = req.header("authorization") or ""
        if self.api_keys and auth.removeprefix("Bearer ").strip() not in self.api_keys:
            raise self.fail(req, 401)

    # -- handlers ----------------------------------------------------------------
    def chat(self, req: RecordedRequest, behaviour: Behaviour | None) -> Reply | EventStream:
        """``POST /api/chat``."""
        self.check_auth(req)
        body = self.json_body(req)
        model = body.get("model")
        if not model:
            raise self.fail(req, 400, "model is required")
        if not self.known_model(str(model)):
            raise self.fail(req, 404)
        spec = self.stream_spec(behaviour)
        ans = self.resolve_answer(req, spec)
        if not body.get("messages"):  # an empty chat just loads the model
            ans = Answer("", "", [], [], 0, "load")
        think = bool(body.get("think")) and bool(ans.reasoning)
        base = {"model": str(model), "created_at": CREATED_AT}
        final: dict[str, Any] = {
            **base,
            "message": {"role": "assistant", "content": ""},
            "done": True,
            "done_reason": ans.finish,
        }
        if spec.usage is not False:
            final.update(_stats(ans, think))
        if body.get("stream", True) is False:
            message = {"role": "assistant", "content": ans.text}
            if think:
                message["thinking"] = ans.reasoning
            final["message"] = message
            return Reply(200, dumps(final).encode(), dict(spec.headers))
        le = self.le(spec)
        return EventStream(
            events=_events(base, ans, think, final, le),
            error_event=(dumps(ollama_payload(spec.error or Error(500), req)) + le).encode(),
            spec=spec,
            content_type="application/x-ndjson",
            comment=le.encode(),  # NDJSON has no comments: "comments" means stray empty lines
        )

    def tags(self, req: RecordedRequest, behaviour: Behaviour | None) -> Reply:
        """``GET /api/tags``."""
        self.check_auth(req)
        models = [m if isinstance(m, dict) else tag_entry(m) for m in self.model_list(behaviour)]
        return Reply(200, dumps({"models": models}).encode())

    def show(self, req: RecordedRequest, behaviour: Behaviour | None) -> Reply:
        """``POST /api/show``: details, context length and capabilities."""
        self.check_auth(req)
        model = str(self.json_body(req).get("model") or self.json_body(req).get("name") or "")
        if not model or not self.known_model(model):
            raise self.fail(req, 404, f"model '{model}' not found")
        entry = tag_entry(full_name(model))
        capabilities = (
            ["completion", "thinking"]
            if model.startswith(("qwen3", "deepseek-r1", "gpt-oss"))
            else ["completion"]
        )
        if model.startswith(VISION) and not model.startswith("gemma3:1b"):
            capabilities.append("vision")
        body = {
            "modelfile": f"FROM {entry['name']}\n",
            "parameters": 'stop "<|eot_id|>"',
            "template": "{{ .Prompt }}",
            "details": entry["details"],
            "model_info": {"general.architecture": "llama", "llama.context_length": 131072},
            "capabilities": capabilities,
            "modified_at": CREATED_AT,
        }
        return Reply(200, dumps(body).encode())

    def version(self, req: RecordedRequest, behaviour: Behaviour | None) -> Reply:
        """``GET /api/version``."""
        return Reply(200, dumps({"version": VERSION}).encode())

    def root(self, req: RecordedRequest, behaviour: Behaviour | None) -> Reply:
        """``GET /``."""
        return Reply(200, b"Ollama is running", content_type="text/plain; charset=utf-8")


def tag_entry(name: str) -> dict[str, Any]:
    """An ``/api/tags`` entry."""
    family = name.split(":")[0].rstrip("0123456789.") or name
    return {
        "name": name,
        "model": name,
        "modified_at": CREATED_AT,
        "size": 2019393189,
        "digest": hashlib.sha256(name.encode()).hexdigest(),
        "details": {
            "parent_model": "",
            "format": "gguf",
            "family": family,
            "families": [family],
            "parameter_size": "3.2B",
            "quantization_level": "Q4_K_M",
        },
    }


def _stats(ans: Answer, think: bool) -> dict[str, int]:
    evals = ans.completion_tokens + ans.reasoning_tokens * think
    prompt_ns, eval_ns, load_ns = ans.prompt_tokens * EVAL_NS // 10, evals * EVAL_NS, 1_000_000
    return {
        "total_duration": load_ns + prompt_ns + eval_ns,
        "load_duration": load_ns,
        "prompt_eval_count": ans.prompt_tokens,
        "prompt_eval_duration": prompt_ns,
        "eval_count": evals,
        "eval_duration": eval_ns,
    }


def _events(
    base: dict[str, Any], ans: Answer, think: bool, final: dict[str, Any], le: str
) -> list[bytes]:
    """NDJSON lines: thinking pieces, content pieces, then the ``done`` object."""
    events: list[bytes] = []
    kinds: list[tuple[list[str], dict[str, str]]] = [
        (ans.pieces, {"role": "assistant", "content": "__PIECE__"})
    ]
    if think:
        kinds.insert(
            0, (ans.reasoning_pieces, {"role": "assistant", "content": "", "thinking": "__PIECE__"})
        )
    for pieces, message in kinds:
        render = piece_template({**base, "message": message, "done": False})
        events += [(render(p) + le).encode() for p in pieces]
    events.append((dumps(final) + le).encode())
    return events


if __name__ == "__main__":
    run_cli(OllamaServer)
