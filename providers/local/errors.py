"""The local provider's failures, each a ``ProviderError`` whose message says what to do."""

from __future__ import annotations

from ..errors import MissingRequirementsError, ModelNotFoundError, ProviderError

INSTALL_COMMAND = "pip install 'roundtable[local]'"
RUN_SCRIPT_HINT = "or run scripts/run.sh, which installs it"


class RuntimeMissingError(MissingRequirementsError):
    """llama-cpp-python is not installed."""


class ModelNotInstalledError(ModelNotFoundError):
    """No installed model has that name, and it is not a path to a .gguf file."""


class ModelFileError(ProviderError):
    """The file is missing, is not a GGUF model, or is damaged."""


class ModelTooLargeError(ProviderError):
    """The model needs more memory than the machine has free."""


class DownloadError(ProviderError):
    """A model download failed; the partial file is kept so it can resume."""
