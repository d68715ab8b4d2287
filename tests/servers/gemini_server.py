"""Google Gemini API (generativelanguage) loopback server.

``POST /v1beta/models/{model}:streamGenerateContent?alt=sse`` / ``:generateContent`` /
``:countTokens``, ``GET /v1beta/models`` (paged) and ``GET /v1beta/models/{model}``;
key in ``x-goog-api-key`` or ``?key=``. SSE lines end in CRLF, as Google sends them.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from .base import EventStream, MockServer, Reply, dumps, piece_template, run_cli, stable_id
from .errors import gemini_error, gemini_payload
from .scenario import Answer, Behaviour, Error, RecordedRequest, Stream, content_text

GOOGLE_JSON = (",", ": ")  # Google's odd spacing: {"a": 1,"b": 2}
METHOD_PATH = re.compile(r"^/(v1beta|v1|v1alpha)/models/([^/:]+):(\w+)$")
MODEL_PATH = re.compile(r"^/(v1beta|v1|v1alpha)/models/([^/:]+)$")
LIST_PATH = re.compile(r"^/(v1beta|v1|v1alpha)/models$")
FINISH_REASONS = {"stop": "STOP", "length": "MAX_TOKENS"}
REQUEST_FIELDS = {
    "contents", "tools", "toolConfig", "safetySettings", "systemInstruction", "generationConfig",
    "cachedContent", "model", "labels",
}  # fmt: skip
GENERATION_FIELDS = {
    "stopSequences", "responseMimeType", "responseSchema", "responseJsonSchema",
    "responseModalities", "candidateCount", "maxOutputTokens", "temperature", "topP", "topK",
    "seed", "presencePenalty", "frequencyPenalty", "responseLogprobs", "logprobs",
    "enableEnhancedCivicAnswers", "speechConfig", "thinkingConfig", "mediaResolution",
    "imageConfig",
}  # fmt: skip
THINKING_FIELDS = {"includeThoughts", "thinkingBudget", "thinkingLevel"}
GENERATE_METHODS = ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"]


def camel(name: str) -> str:
    """``max_output_tokens`` -> ``maxOutputTokens`` (proto JSON accepts both spellings)."""
    head, *rest = name.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def snake(name: str) -> str:
    """``generationConfig`` -> ``generation_config`` (as Google's error messages spell paths)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class GeminiServer(MockServer):
    """Gemini-format server. Thought parts are sent only if ``thinkingConfig.includeThoughts``."""

    name = "gemini"
    line_ending = "\r\n"
    server_header = "scaffolding on HTTPServer2"
    default_models = (
        "gemini-2.5-flash",
        "gemini-2.5-pro",
        "gemini-2.0-flash",
        "text-embedding-004",
    )
    invalid_json_message = "Invalid JSON payload received. Unexpected token."

    def route(self, req: RecordedRequest) -> tuple[str, Any] | None:
        """Model-method, model and list routes."""
        if req.method == "POST" and (m := METHOD_PATH.match(req.path)):
            if m.group(3) in ("generateContent", "streamGenerateContent"):
                return "chat", self.generate
            if m.group(3) == "countTokens":
                return "count_tokens", self.count_tokens
        if req.method == "GET" and LIST_PATH.match(req.path):
            return "models", self.list_models
        if req.method == "GET" and MODEL_PATH.match(req.path):
            return "models", self.get_model
        return None

    def error_reply(self, err: Error, req: RecordedRequest) -> Reply:
        """Google error body."""
        return gemini_error(err, req)

    def not_found(self, req: RecordedRequest) -> Reply:
        """Unknown path."""
        return gemini_error(Error(404, message=f"Method not found: {req.path}"), req)

    def user_text(self, req: RecordedRequest) -> str:
        """Last user turn (role ``user`` or no role)."""
        for content in reversed(req.body_dict.get("contents") or []):
            if isinstance(content, dict) and content.get("role", "user") == "user":
                return content_text(content.get("parts"))
        return ""

    def prompt_text(self, req: RecordedRequest) -> str:
        """System instruction plus every turn."""
        body = req.body_dict
        system = body.get("systemInstruction") or body.get("system_instruction") or {}
        parts = [content_text(system.get("parts") if isinstance(system, dict) else None)]
        parts += [
            content_text(c.get("parts")) for c in body.get("contents") or [] if isinstance(c, dict)
        ]
        return "".join(parts)

    # -- checks ----------------------------------------------------------------
    def check_key(self, req: RecordedRequest) -> None:
        """Missing key: 403 PERMISSION_DENIED; wrong key: 400 API_KEY_INVALID (as Google does)."""
        key = req.header("x-goog-api-key") or req.query.get("key")
        if not key:
            raise self.fail(req, 403)
        if self.api_keys and key not in self.api_keys:
            raise self.fail(req, 400, code="API_KEY_INVALID")

    def validate(self, req: RecordedRequest, model: str) -> dict[str, Any]:
        """Unknown-field, contents and role checks (the ones a client gets wrong)."""
        body = self.json_body(req)
        for name in body:
            if camel(name) not in REQUEST_FIELDS:
                raise self.fail(
                    req,
                    400,
                    f'Invalid JSON payload received. Unknown name "{name}": Cannot find field.',
                )
        config = body.get("generationConfig") or body.get("generation_config") or {}
        for scope, fields, names in (
            ("generation_config", GENERATION_FIELDS, config),
            ("generation_config.thinking_config", THINKING_FIELDS, thinking_config(body)),
        ):
            for name in names:
                if camel(name) not in fields:
                    raise self.fail(
                        req,
                        400,
                        f"Invalid JSON payload received. Unknown name \"{name}\" at '{scope}': "
                        f"Cannot find field.",
                    )
        contents = body.get("contents")
        if not contents or not isinstance(contents, list):
            raise self.fail(
                req, 400, "* GenerateContentRequest.contents: contents is not specified\n"
            )
        for i, content in enumerate(contents):
            if not isinstance(content, dict):
                raise self.fail(req, 400, f"Invalid value at 'contents[{i}]', expected an object.")
            if content.get("role", "user") not in ("user", "model"):
                raise self.fail(req, 400, "Please use a valid role: user, model.")
            if not content.get("parts"):
                raise self.fail(
                    req,
                    400,
                    f"* GenerateContentRequest.contents[{i}].parts: contents.parts must not be "
                    f"empty.\n",
                )
        if not self.known_model(model):
            raise self.fail(req, 404)
        return body

    # -- handlers ----------------------------------------------------------------
    def generate(self, req: RecordedRequest, behaviour: Behaviour | None) -> Reply | EventStream:
        """generateContent / streamGenerateContent (SSE if ``alt=sse``, else a JSON array)."""
        self.check_key(req)
        match = METHOD_PATH.match(req.path)
        assert match is not None
        model = match.group(2)
        body = self.validate(req, model)
        spec = self.stream_spec(behaviour)
        ans = self.resolve_answer(req, spec)
        thoughts = bool(
            thinking_config(body).get(
                "includeThoughts", thinking_config(body).get("include_thoughts")
            )
        )
        render = _Renderer(ans, spec, model, "resp-" + stable_id(req, 22), thoughts)
        if match.group(3) == "generateContent":
            return Reply(
                200, dumps(render.whole(), separators=GOOGLE_JSON).encode(), dict(spec.headers)
            )
        le = self.le(spec)
        error = dumps(gemini_payload(spec.error or Error(503), req), separators=GOOGLE_JSON)
        chunks = render.chunks()
        if req.query.get("alt") == "sse":
            return EventStream(
                events=[f"data: {c}{le}{le}".encode() for c in chunks],
                error_event=f"data: {error}{le}{le}".encode(),
                spec=spec,
                comment=f": keep-alive{le}{le}".encode(),
            )
        events = [("[" if i == 0 else f",{le}").encode() + c.encode() for i, c in enumerate(chunks)]
        events.append(f"{le}]".encode())
        return EventStream(
            events, f",{le}{error}{le}]".encode(), spec, content_type="application/json"
        )

    def count_tokens(self, req: RecordedRequest, behaviour: Behaviour | None) -> Reply:
        """``:countTokens``."""
        self.check_key(req)
        self.json_body(req)
        total = max(1, len(self.prompt_text(req)) // 4)
        details = [{"modality": "TEXT", "tokenCount": total}]
        return Reply(
            200,
            dumps(
                {"totalTokens": total, "promptTokensDetails": details}, separators=GOOGLE_JSON
            ).encode(),
        )

    def model_entries(self, behaviour: Behaviour | None) -> list[dict[str, Any]]:
        """``server.models`` (or a pushed ``Models``) as Gemini ``Model`` objects."""
        return [m if isinstance(m, dict) else model_entry(m) for m in self.model_list(behaviour)]

    def list_models(self, req: RecordedRequest, behaviour: Behaviour | None) -> Reply:
        """``GET /v1beta/models`` with ``pageSize`` (default 50) and ``pageToken`` paging."""
        self.check_key(req)
        entries = self.model_entries(behaviour)
        size = min(int(req.query.get("pageSize") or 50), 1000)
        start = 0
        if token := req.query.get("pageToken"):
            try:
                start = int(
                    base64.urlsafe_b64decode(token.encode()).decode().removeprefix("offset:")
                )
            except ValueError:
                raise self.fail(req, 400, "Invalid page token.") from None
        body: dict[str, Any] = {"models": entries[start : start + size]}
        if start + size < len(entries):
            body["nextPageToken"] = base64.urlsafe_b64encode(
                f"offset:{start + size}".encode()
            ).decode()
        return Reply(200, dumps(body, separators=GOOGLE_JSON).encode())

    def get_model(self, req: RecordedRequest, behaviour: Behaviour | None) -> Reply:
        """``GET /v1beta/models/{model}``."""
        self.check_key(req)
        name = "models/" + req.path.rsplit("/", 1)[-1]
        for entry in self.model_entries(behaviour):
            if entry.get("name") == name:
                return Reply(200, dumps(entry, separators=GOOGLE_JSON).encode())
        raise self.fail(req, 404, f"Model is not found: {name} for api version v1beta")


def thinking_config(body: dict[str, Any]) -> dict[str, Any]:
    """``generationConfig.thinkingConfig`` in either spelling."""
    config = body.get("generationConfig") or body.get("generation_config") or {}
    return config.get("thinkingConfig") or config.get("thinking_config") or {}


def model_entry(model_id: str) -> dict[str, Any]:
    """A Gemini ``Model`` object; embedding models only support ``embedContent``."""
    embedding = "embedding" in model_id
    return {
        "name": f"models/{model_id}",
        "version": "001",
        "displayName": model_id.replace("-", " ").title(),
        "description": f"Loopback stand-in for {model_id}",
        "inputTokenLimit": 2048 if embedding else 1048576,
        "outputTokenLimit": 1 if embedding else 65536,
        "supportedGenerationMethods": ["embedContent"] if embedding else GENERATE_METHODS,
        **(
            {}
            if embedding
            else {"temperature": 1, "topP": 0.95, "topK": 64, "maxTemperature": 2, "thinking": True}
        ),
    }


class _Renderer:
    """Builds ``GenerateContentResponse`` JSON for one answer."""

    def __init__(
        self, ans: Answer, spec: Stream, model: str, response_id: str, thoughts: bool
    ) -> None:
        self.ans, self.spec, self.model, self.rid = ans, spec, model, response_id
        self.thoughts = thoughts and bool(ans.reasoning)

    def usage(self, final: bool) -> dict[str, Any]:
        ans = self.ans
        usage: dict[str, Any] = {"promptTokenCount": ans.prompt_tokens}
        total = ans.prompt_tokens
        if final:
            usage["candidatesTokenCount"] = ans.completion_tokens
            total += ans.completion_tokens
        if self.thoughts:
            usage["thoughtsTokenCount"] = ans.reasoning_tokens
            total += ans.reasoning_tokens
        usage["totalTokenCount"] = total
        usage["promptTokensDetails"] = [{"modality": "TEXT", "tokenCount": ans.prompt_tokens}]
        return usage

    def response(self, parts: list[dict[str, Any]], *, final: bool) -> dict[str, Any]:
        candidate: dict[str, Any] = {"content": {"parts": parts, "role": "model"}}
        if final:
            candidate["finishReason"] = FINISH_REASONS.get(self.ans.finish, self.ans.finish)
        candidate["index"] = 0
        out: dict[str, Any] = {"candidates": [candidate]}
        if self.spec.usage is not False:
            out["usageMetadata"] = self.usage(final)
        out["modelVersion"] = self.model
        out["responseId"] = self.rid
        return out

    def whole(self) -> dict[str, Any]:
        """The ``generateContent`` body."""
        parts = [{"text": self.ans.reasoning, "thought": True}] if self.thoughts else []
        return self.response([*parts, {"text": self.ans.text}], final=True)

    def chunks(self) -> list[str]:
        """Serialized stream chunks; the last text chunk carries finishReason and full usage."""
        out: list[str] = []
        if self.thoughts:
            render = piece_template(
                self.response([{"text": "__PIECE__", "thought": True}], final=False),
                separators=GOOGLE_JSON,
            )
            out += [render(p) for p in self.ans.reasoning_pieces]
        pieces = self.ans.pieces or [""]
        render = piece_template(
            self.response([{"text": "__PIECE__"}], final=False), separators=GOOGLE_JSON
        )
        out += [render(p) for p in pieces[:-1]]
        out.append(dumps(self.response([{"text": pieces[-1]}], final=True), separators=GOOGLE_JSON))
        return out


if __name__ == "__main__":
    run_cli(GeminiServer)
