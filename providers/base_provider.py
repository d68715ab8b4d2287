# ruff: noqa: F401, F403 - this module exists to re-export
"""One module that re-exports every public name of the provider contract (spec section 0)."""

from __future__ import annotations

from .authed import AsyncAuthedProvider
from .base import (
    AbstractProvider,
    AsyncGeneratorProvider,
    AsyncProvider,
    get_provider_method,
    stream_chunks,
)
from .errors import *
from .helpers import (
    async_concat_chunks,
    async_generator_to_list,
    concat_chunks,
    filter_none,
    format_cookies,
    format_prompt,
    get_last_user_message,
    get_running_loop,
    get_system_prompt,
    to_async_iterator,
    to_string,
    to_sync_generator,
)
from .mixins import AuthCacheEntry, AuthFileMixin, ProviderModelMixin, RaiseErrorMixin
from .parameters import (
    BASIC_PARAMETERS,
    PARAMETER_EXAMPLES,
    PARAMS_NAMESPACE,
    SAFE_PARAMETERS,
    classproperty,
)
from .response import *
from .types import (
    AsyncResult,
    BaseProvider,
    BaseRetryProvider,
    Cookies,
    CreateResult,
    ImageType,
    MediaListType,
    Message,
    Messages,
    ProviderType,
    Streaming,
)

__all__ = [name for name in dir() if not name.startswith("_")]
