"""One exception hierarchy for every failure a user can meet.

Each class stands for one situation; the message says what happened and, where the user can act,
what to do next. Messages never contain secrets (keys, tokens, passwords, cookies).
"""

from __future__ import annotations

_SURROGATES = "".join(chr(c) for c in range(0xD800, 0xE000))
_TO_REPLACEMENT = str.maketrans(dict.fromkeys(_SURROGATES, "\ufffd"))


class ProviderError(Exception):
    """Base of every error raised by the provider framework and the vendor providers.

    Its text often quotes a server: lone surrogates in it become U+FFFD, so that every message
    can be printed, logged and stored (history, export) whatever the server sent.
    """

    def __init__(self, *args: object) -> None:
        super().__init__(
            *(
                arg.translate(_TO_REPLACEMENT)
                if isinstance(arg, str) and not arg.isascii()
                else arg
                for arg in args
            )
        )


class ProviderNotFoundError(ProviderError):
    """No provider has the requested id or name."""


class ProviderNotWorkingError(ProviderError):
    """The provider is known not to work."""


class StreamNotSupportedError(ProviderError):
    """Streaming was requested from a provider that cannot stream."""


class ModelNotFoundError(ProviderError):
    """The model does not exist for this provider."""


class ModelNotSupportedError(ModelNotFoundError):
    """The model is not in the provider's list of valid models."""


class ModelNotAllowedError(ProviderError):
    """The account may not use this model."""


class RetryProviderError(ProviderError):
    """Every provider of a retry group failed."""


class RetryNoProviderError(ProviderError):
    """A retry group has no provider to try."""


class VersionNotFoundError(ProviderError):
    """A version could not be determined."""


class MissingRequirementsError(ProviderError):
    """An optional dependency or a runtime condition is missing."""


class NestAsyncioError(MissingRequirementsError, RuntimeError):
    """A synchronous bridge was used inside a running event loop; use the async API instead."""


class MissingAuthError(ProviderError):
    """No credentials, or the service rejected them (HTTP 401)."""


class PaymentRequiredError(ProviderError):
    """The account has no credit or quota left (HTTP 402)."""


class NoMediaResponseError(ProviderError):
    """The service returned no media where media was expected."""


class NoValidHarFileError(ProviderError):
    """No usable captured session (kept for interface compatibility; we keep no HAR files)."""


class ConversationLimitError(ProviderError):
    """The conversation reached the service's limit."""


class ProviderException(ProviderError):
    """Generic provider failure."""


class ResponseError(ProviderError):
    """The service answered with an error body or an unusable response."""


class ResponseFormatError(ResponseError):
    """The server answered, but not in the vendor's format (odd JSON, an empty answer, ...)."""


class ResponseTooLargeError(ResponseError):
    """The server sent more than one line, event or body may hold (a memory bound)."""


class ResponseStatusError(ResponseError):
    """The service answered with a non-success HTTP status."""

    def __init__(self, message: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class CloudflareError(ResponseStatusError):
    """A bot-protection challenge page was returned instead of an answer."""


class BadRequestError(ResponseStatusError):
    """The service rejected the request as malformed (HTTP 400)."""


class RateLimitError(ResponseStatusError):
    """Too many requests (HTTP 429); ``retry_after`` is the server's advice in seconds, if any."""

    def __init__(
        self, message: str = "", status: int | None = 429, retry_after: float | None = None
    ) -> None:
        super().__init__(message, status)
        self.retry_after = retry_after


class ServiceUnavailableError(ResponseStatusError):
    """The service is overloaded or down (HTTP 500/502/503/504/529)."""


class ProviderTimeoutError(ProviderError, TimeoutError):
    """An operation or a stream read took longer than allowed."""


class ProviderConnectionError(ProviderError):
    """The service could not be reached or the connection broke."""


class SecretStoreError(ProviderError):
    """The system keyring cannot be used; the message says what to install or unlock."""


class NoKeyringError(SecretStoreError):
    """There is no secure keyring here at all (not a locked or failing one): a key cannot be
    stored, but it can still be used for one run. Callers tell the cases apart by this type,
    never by the (translated) message."""


class ParameterError(ProviderError, ValueError):
    """A request parameter is unknown or has the wrong type."""
