"""Every vendor's error bodies, in one place.

Each ``*_error`` function turns an ``Error`` (status, optional code/message/retry_after)
into the exact status, headers and JSON body that vendor sends. ``*_payload`` returns the
JSON object alone, which the servers also use for mid-stream error events.
"""

from __future__ import annotations

from typing import Any

from .base import Reply, dumps, retry_headers, stable_id
from .scenario import Error, RecordedRequest

# -- OpenAI ------------------------------------------------------------------
# code -> (status, type, message template)
OPENAI_CODES: dict[str, tuple[int, str, str]] = {
    "context_length_exceeded": (
        400,
        "invalid_request_error",
        "This model's maximum context length is 128000 tokens. However, your messages resulted in "
        "130000 tokens. Please reduce the length of the messages.",
    ),
    "invalid_request": (400, "invalid_request_error", "Invalid request."),
    "invalid_api_key": (
        401,
        "invalid_request_error",
        "Incorrect API key provided: {key}. You can find your API key at "
        "https://platform.openai.com/account/api-keys.",
    ),
    "missing_api_key": (
        401,
        "invalid_request_error",
        "You didn't provide an API key. You need to provide your API key in an Authorization "
        "header using "
        "Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank "
        "username) if "
        "you're accessing the API from your browser and are prompted for a username and password. "
        "You can "
        "obtain an API key from https://platform.openai.com/account/api-keys.",
    ),
    "unsupported_country_region_territory": (
        403,
        "request_forbidden",
        "Country, region, or territory not supported",
    ),
    "model_not_found": (
        404,
        "invalid_request_error",
        "The model `{model}` does not exist or you do not have access to it.",
    ),
    "rate_limit_exceeded": (
        429,
        "requests",
        "Rate limit reached for {model} in organization org-roundtable on requests per min (RPM): "
        "Limit 3, "
        "Used 3, Requested 1. Please try again in {retry}. Visit "
        "https://platform.openai.com/account/rate-limits "
        "to learn more.",
    ),
    "insufficient_quota": (
        429,
        "insufficient_quota",
        "You exceeded your current quota, please check your plan and billing details. For more "
        "information on "
        "this error, read the docs: "
        "https://platform.openai.com/docs/guides/error-codes/api-errors.",
    ),
    "server_error": (
        500,
        "server_error",
        "The server had an error while processing your request. Sorry about that!",
    ),
    "overloaded": (503, "server_error", "The server is overloaded or not ready yet."),
}
OPENAI_BY_STATUS = {
    400: "context_length_exceeded",
    401: "invalid_api_key",
    403: "unsupported_country_region_territory",
    404: "model_not_found",
    429: "rate_limit_exceeded",
    500: "server_error",
    503: "overloaded",
}
# codes whose JSON "code" field is null on the wire
_OPENAI_NULL_CODE = {"invalid_request", "missing_api_key", "server_error", "overloaded"}


def _model(req: RecordedRequest) -> str:
    return str(req.body_dict.get("model") or "unknown")


def redact_key(key: str) -> str:
    """OpenAI-style redaction: first and last 4 characters only."""
    return key[:4] + "*" * max(0, len(key) - 8) + key[-4:] if len(key) > 8 else "*" * len(key)


def _bearer(req: RecordedRequest) -> str:
    auth = req.header("authorization") or ""
    return auth[7:] if auth.lower().startswith("bearer ") else auth


def openai_payload(err: Error, req: RecordedRequest, param: str | None = None) -> dict[str, Any]:
    """``{"error": {message, type, param, code}}`` exactly as OpenAI sends it."""
    by_status = OPENAI_BY_STATUS.get(err.status, "server_error")
    name = err.code or by_status
    _, etype, template = OPENAI_CODES.get(name) or OPENAI_CODES[by_status]
    retry = f"{err.retry_after:g}s" if err.retry_after is not None else "20s"
    message = err.message or template.format(
        model=_model(req), key=redact_key(_bearer(req)), retry=retry
    )
    code = None if name in _OPENAI_NULL_CODE else name
    if param is None and name == "context_length_exceeded":
        param = "messages"
    return {"error": {"message": message, "type": etype, "param": param, "code": code}}


def openai_error(err: Error, req: RecordedRequest, param: str | None = None) -> Reply:
    """OpenAI error response with ``retry-after`` + ``retry-after-ms`` and ``x-request-id``."""
    headers = {
        "x-request-id": "req_" + stable_id(req, 32),
        **retry_headers(err.retry_after, ms=True),
    }
    return Reply(err.status, dumps(openai_payload(err, req, param)).encode(), headers)


# -- Azure OpenAI --------------------------------------------------------------
AZURE_BY_STATUS: dict[int, tuple[str, str]] = {
    400: ("BadRequest", "API version not supported"),
    401: (
        "401",
        "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide "
        "a valid key "
        "for an active subscription and use a correct regional API endpoint for your resource.",
    ),
    404: ("404", "Resource not found"),
    429: (
        "429",
        "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version {version} "
        "have exceeded "
        "token rate limit of your current OpenAI S0 pricing tier. Please retry after {retry} "
        "seconds.",
    ),
    500: (
        "InternalServerError",
        "The server had an error while processing your request. Sorry about that!",
    ),
}
AZURE_DEPLOYMENT_NOT_FOUND = (
    "The API deployment for this resource does not exist. If you created the deployment within the "
    "last 5 "
    "minutes, please wait a moment and try again."
)


def azure_error(err: Error, req: RecordedRequest) -> Reply:
    """Azure OpenAI ``{"error": {"code", "message"}}`` with retry headers."""
    code, template = AZURE_BY_STATUS.get(err.status, (str(err.status), "Request failed"))
    if err.code == "DeploymentNotFound":
        code, template = err.code, AZURE_DEPLOYMENT_NOT_FOUND
    retry = str(retry_headers(err.retry_after).get("retry-after", "6"))
    message = err.message or template.format(version=req.query.get("api-version", ""), retry=retry)
    headers = {"apim-request-id": stable_id(req, 32), **retry_headers(err.retry_after, ms=True)}
    return Reply(
        err.status,
        dumps({"error": {"code": err.code or code, "message": message}}).encode(),
        headers,
    )


# -- Anthropic -------------------------------------------------------------------
ANTHROPIC_BY_STATUS: dict[int, tuple[str, str]] = {
    400: ("invalid_request_error", "Invalid request"),
    401: ("authentication_error", "invalid x-api-key"),
    403: (
        "permission_error",
        "Your API key does not have permission to use the specified resource.",
    ),
    404: ("not_found_error", "model: {model}"),
    413: ("request_too_large", "Request exceeds the maximum allowed number of bytes."),
    429: (
        "rate_limit_error",
        "This request would exceed the rate limit for your organization of 50 requests per minute. "
        "For details, refer to: https://docs.claude.com/en/api/rate-limits.",
    ),
    500: ("api_error", "Internal server error"),
    529: ("overloaded_error", "Overloaded"),
}


def anthropic_payload(err: Error, req: RecordedRequest) -> dict[str, Any]:
    """``{"type": "error", "error": {"type", "message"}}`` (no request_id: the stream form)."""
    etype, template = ANTHROPIC_BY_STATUS.get(err.status, ("api_error", "Internal server error"))
    return {
        "type": "error",
        "error": {
            "type": err.code or etype,
            "message": err.message or template.format(model=_model(req)),
        },
    }


def anthropic_error(err: Error, req: RecordedRequest) -> Reply:
    """Anthropic error: body with ``request_id``; ``request-id`` and ``retry-after`` headers."""
    request_id = "req_" + stable_id(req, 24)
    body = {**anthropic_payload(err, req), "request_id": request_id}
    headers = {"request-id": request_id, **retry_headers(err.retry_after)}
    if err.status in (408, 409, 429) or err.status >= 500:
        headers["x-should-retry"] = "true"
    return Reply(err.status, dumps(body).encode(), headers)


# -- Google Gemini ---------------------------------------------------------------
GEMINI_BY_STATUS: dict[int, tuple[str, str]] = {
    400: ("INVALID_ARGUMENT", "Request contains an invalid argument."),
    401: ("UNAUTHENTICATED", "Request had invalid authentication credentials."),
    403: (
        "PERMISSION_DENIED",
        "Method doesn't allow unregistered callers (callers without established identity). Please "
        "use API Key "
        "or other form of API consumer identity to call this API.",
    ),
    404: (
        "NOT_FOUND",
        "models/{model} is not found for API version v1beta, or is not supported for "
        "generateContent. "
        "Call ListModels to see the list of available models and their supported methods.",
    ),
    429: (
        "RESOURCE_EXHAUSTED",
        "You exceeded your current quota, please check your plan and billing details. For more "
        "information on "
        "this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
    ),
    500: (
        "INTERNAL",
        "An internal error has occurred. Please retry or report in "
        "https://developers.generativeai.google/guide/troubleshooting",
    ),
    503: ("UNAVAILABLE", "The model is overloaded. Please try again later."),
    504: ("DEADLINE_EXCEEDED", "Deadline expired before operation could complete."),
}
GEMINI_BAD_KEY = "API key not valid. Please pass a valid API key."


def gemini_payload(err: Error, req: RecordedRequest) -> dict[str, Any]:
    """Google ``{"error": {code, message, status, details?}}``.

    ``code="API_KEY_INVALID"`` gives the bad-key 400 with its ErrorInfo details.
    """
    status, template = GEMINI_BY_STATUS.get(err.status, ("UNKNOWN", "Unknown error."))
    model = req.path.rsplit("/", 1)[-1].split(":")[0]
    body: dict[str, Any] = {"code": err.status, "message": "", "status": status}
    details: list[dict[str, Any]] = []
    if err.code == "API_KEY_INVALID":
        template = GEMINI_BAD_KEY
        details = [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
                "metadata": {"service": "generativelanguage.googleapis.com"},
            },
            {
                "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                "locale": "en-US",
                "message": GEMINI_BAD_KEY,
            },
        ]
    elif err.code:
        body["status"] = err.code
    if err.retry_after is not None:
        details.append(
            {
                "@type": "type.googleapis.com/google.rpc.RetryInfo",
                "retryDelay": f"{err.retry_after:g}s",
            }
        )
    body["message"] = err.message or template.format(model=model)
    if details:
        body["details"] = details
    return {"error": body}


def gemini_error(err: Error, req: RecordedRequest) -> Reply:
    """Gemini error response (retry delay travels in ``RetryInfo``, not a header)."""
    return Reply(err.status, dumps(gemini_payload(err, req), separators=(",", ": ")).encode(), {})


# -- Ollama ----------------------------------------------------------------------
OLLAMA_BY_STATUS = {
    400: "invalid request",
    401: "unauthorized",
    404: 'model "{model}" not found, try pulling it first',
    429: "too many requests",
    500: "an error was encountered while running the model",
    503: "server busy, please try again.  maximum pending requests exceeded",
}


def ollama_payload(err: Error, req: RecordedRequest) -> dict[str, Any]:
    """``{"error": "..."}``."""
    template = OLLAMA_BY_STATUS.get(err.status, "an error was encountered while running the model")
    return {"error": err.message or template.format(model=_model(req))}


def ollama_error(err: Error, req: RecordedRequest) -> Reply:
    """Ollama error response (``Retry-After`` only if asked: Ollama itself never sends one)."""
    return Reply(
        err.status, dumps(ollama_payload(err, req)).encode(), retry_headers(err.retry_after)
    )


# -- Open WebUI ------------------------------------------------------------------
OPENWEBUI_INVALID_CRED = (
    "The email or password provided is incorrect. Please check for typos and try logging in again."
)
OPENWEBUI_INVALID_TOKEN = "Your session has expired or the token is invalid. Please sign in again."
#: ERROR_MESSAGES.ACCESS_PROHIBITED: what a not-yet-approved ("pending") account gets, with 401.
OPENWEBUI_ACCESS_PROHIBITED = (
    "You do not have permission to access this resource. Please contact your administrator for "
    "assistance."
)
OPENWEBUI_BY_STATUS = {
    400: OPENWEBUI_INVALID_CRED,
    401: OPENWEBUI_INVALID_TOKEN,
    403: "Not authenticated",
    404: "Model not found",
    429: "API rate limit exceeded",
    500: "Open WebUI: Server Connection Error",
}


def openwebui_error(err: Error, req: RecordedRequest) -> Reply:
    """FastAPI-style ``{"detail": "..."}``."""
    detail = err.message or OPENWEBUI_BY_STATUS.get(err.status, "Something went wrong :/")
    return Reply(err.status, dumps({"detail": detail}).encode(), retry_headers(err.retry_after))
