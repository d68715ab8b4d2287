"""The desktop packaging: menu entry, AppStream file, icon, wheel, PyInstaller spec, install.sh.

Building the PyInstaller bundle takes a minute, so it is not done here (scripts/package.sh does
it and smoke-tests the result); these tests check every input it relies on.
"""

from __future__ import annotations

import ast
import configparser
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from types import ModuleType
from xml.etree import ElementTree

import pytest

from app.ui.application import APP_NAME, DESKTOP_ID
from app.ui.resources import resource_path
from providers import registry

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
DESKTOP_FILE = LINUX / f"{DESKTOP_ID}.desktop"
METAINFO = LINUX / f"{DESKTOP_ID}.metainfo.xml"
SPEC = ROOT / "packaging" / "roundtable.spec"
ICON = resource_path("icons", "roundtable.svg")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian: see scripts/test.sh)")
    return path


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP_FILE, encoding="utf-8")
    return parser["Desktop Entry"]


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _spec_constant(name: str) -> object:
    """A top-level constant of the spec file (a literal, or the pattern of ``re.compile``)."""
    for node in ast.parse(SPEC.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            value = node.value
            if isinstance(value, ast.Call):  # re.compile("...")
                value = value.args[0]
            return ast.literal_eval(value)
    raise AssertionError(f"{name} is not defined in {SPEC.name}")


# ----- menu entry and AppStream ------------------------------------------------------------------


def test_desktop_file_is_valid() -> None:
    result = subprocess.run(
        [_tool("desktop-file-validate"), str(DESKTOP_FILE)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout and "warning" not in result.stdout, result.stdout


def test_desktop_file_matches_the_app() -> None:
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == APP_NAME
    assert entry["GenericName"] == "LLM Chat"
    assert entry["Exec"] in PYPROJECT["project"]["scripts"]
    assert entry["Icon"] == DESKTOP_ID
    assert entry["Terminal"] == "false"
    # On X11 Qt sets WM_CLASS to (argv[0], applicationName); on Wayland the app id is the
    # desktop file name set in create_application().
    assert entry["StartupWMClass"] == APP_NAME


def test_metainfo_is_valid() -> None:
    result = subprocess.run(
        [_tool("appstreamcli"), "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_metainfo_matches_the_project() -> None:
    component = ElementTree.parse(METAINFO).getroot()
    assert component.get("type") == "desktop-application"
    assert component.findtext("id") == DESKTOP_ID
    assert component.findtext("launchable") == DESKTOP_FILE.name
    assert component.findtext("name") == APP_NAME
    assert component.findtext("metadata_license") == "CC0-1.0"
    license = PYPROJECT["project"]["license"]
    if isinstance(license, dict):  # the older form, {text = "MIT"}
        license = license["text"]
    assert component.findtext("project_license") == license
    versions = [release.get("version") for release in component.iter("release")]
    assert versions[0] == PYPROJECT["project"]["version"], "newest release first"
    for image in component.iter("image"):
        relative = (image.text or "").split("/main/", 1)[-1]
        assert (ROOT / relative).is_file(), f"screenshot {relative} is not in the repository"


# ----- icon ---------------------------------------------------------------------------------------


def test_icon_renders(qapp: object) -> None:
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(ICON))
    assert renderer.isValid()
    assert not renderer.defaultSize().isEmpty()
    assert "currentColor" not in ICON.read_text(encoding="utf-8"), "an app icon has its own colours"
    image = _load(ROOT / "packaging" / "render_icons.py").render(ICON, 48)
    assert image.pixelColor(24, 24).alpha() == 255, "the middle is drawn"
    assert image.pixelColor(0, 0).alpha() == 0, "the corners stay transparent"


# ----- wheel --------------------------------------------------------------------------------------


def test_wheel_carries_resources_and_entry_points_but_no_tests(tmp_path: Path) -> None:
    # Build from a copy: setuptools writes build/ and *.egg-info beside the sources.
    source = tmp_path / "src"
    # Compiled catalogs (.qm, .mo) are build output: left out, so the build must make them.
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.qm", "*.mo")
    for name in ("app", "providers", "resources"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    # setup.py finds Qt's lrelease on PATH (the isolated build env has no PySide6).
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "out"),
         str(source)],
        capture_output=True, text=True, timeout=240, env=env,
    )  # fmt: skip
    if result.returncode != 0 and "No matching distribution found for" in result.stderr:
        pytest.skip("the build backend cannot be downloaded here (no package index)")
    assert result.returncode == 0, result.stderr
    (wheel,) = (tmp_path / "out").glob("roundtable-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    # The top-level resources/ folder is installed as app/resources (the package-dir mapping),
    # where resource_path() looks in an installed copy.
    resources = ROOT / "resources"
    expected = {f"app/resources/{path.relative_to(resources).as_posix()}" for path in
                resources.rglob("*") if path.is_file()}  # fmt: skip
    assert "app/resources/icons/roundtable.svg" in expected
    assert "app/resources/styles/window.qss" in expected
    # The translations, compiled by the build (setup.py), next to their sources.
    expected |= {name.replace(".ts", ".qm") for name in expected if name.endswith(".ts")}
    assert "app/resources/translations/roundtable_ru.qm" in expected
    assert "providers/locale/ru/LC_MESSAGES/roundtable.mo" in names
    assert expected <= names, f"missing: {sorted(expected - names)}"
    modules = {path.relative_to(ROOT).as_posix() for name in ("app", "providers")
               for path in (ROOT / name).rglob("__init__.py")}  # fmt: skip
    assert modules <= names, f"add to [tool.setuptools] packages: {sorted(modules - names)}"
    assert {name.split("/")[0] for name in names if not name.startswith("roundtable-")} == {
        "app",
        "providers",
    }, "only the app and providers packages (no tests/, packaging/, scripts/)"

    (entry_points,) = (name for name in names if name.endswith(".dist-info/entry_points.txt"))
    parser = configparser.ConfigParser()
    parser.read_string(zipfile.ZipFile(wheel).read(entry_points).decode())
    assert parser["console_scripts"]["roundtable"] == "app.main:main"
    assert parser["gui_scripts"]["roundtable-gui"] == "app.main:gui_main"


# ----- PyInstaller spec ---------------------------------------------------------------------------


def test_spec_hidden_imports_cover_what_is_imported_by_name() -> None:
    hidden = _spec_constant("HIDDEN_IMPORTS")
    assert isinstance(hidden, list)
    missing = set(registry._BUILTIN_MODULES) - set(hidden)
    assert not missing, f"add to HIDDEN_IMPORTS in {SPEC.name}: {sorted(missing)}"
    assert {"keyring.backends.SecretService", "secretstorage", "jeepney"} <= set(hidden)
    for name in hidden:
        assert importlib.util.find_spec(name) is not None, f"{name} does not exist"


@pytest.mark.parametrize(
    ("collected", "dropped"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", False),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", False),
        ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", False),
        ("PySide6/Qt/lib/libQt6Gui.so.6", False),
        ("libxcb-cursor.so.0", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", True),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", True),
        ("libstdc++.so.6", True),
        ("libgcc_s.so.1", True),
    ],
)
def test_spec_leaves_out_only_what_a_desktop_does_not_need(collected: str, dropped: bool) -> None:
    pattern = _spec_constant("DROP_BINARIES")
    assert isinstance(pattern, str)
    assert bool(re.search(pattern, collected)) is dropped


# ----- install.sh ---------------------------------------------------------------------------------


@pytest.fixture
def unpacked_tarball(tmp_path: Path, qapp: object) -> Path:
    """The tarball's layout as scripts/package.sh makes it, with a stand-in for the app."""
    tree = tmp_path / "roundtable-0.1.0"
    app = tree / "roundtable"
    (app / "_internal").mkdir(parents=True)
    (app / "roundtable").write_text('#!/bin/sh\necho "stand-in roundtable $*"\n')
    (app / "roundtable").chmod(0o755)
    share = tree / "share"
    (share / "applications").mkdir(parents=True)
    (share / "metainfo").mkdir()
    (share / "icons/hicolor/scalable/apps").mkdir(parents=True)
    shutil.copy(DESKTOP_FILE, share / "applications")
    shutil.copy(METAINFO, share / "metainfo")
    shutil.copy(ICON, share / f"icons/hicolor/scalable/apps/{DESKTOP_ID}.svg")
    render_icons = _load(ROOT / "packaging" / "render_icons.py")
    render_icons.write_pngs(ICON, share / "icons/hicolor", list(render_icons.DEFAULT_SIZES))
    shutil.copy(LINUX / "install.sh", tree / "install.sh")
    return tree


def _install_sh(tree: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"HOME": str(home), "PATH": os.environ["PATH"], "LANG": "C.UTF-8"}
    return subprocess.run(
        ["sh", str(tree / "install.sh"), *args], env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip


def _installed_files(home: Path) -> list[str]:
    return sorted(
        str(path.relative_to(home))
        for path in home.rglob("*")
        if (path.is_file() or path.is_symlink()) and not path.name.endswith(".cache")
    )


def test_install_sh_installs_for_the_user_and_uninstalls(
    unpacked_tarball: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    result = _install_sh(unpacked_tarball, home)
    assert result.returncode == 0, result.stderr

    local = home / ".local"
    app = local / "opt/roundtable/roundtable"
    link = local / "bin/roundtable"
    assert link.is_symlink() and link.resolve() == app.resolve()
    ran = subprocess.run([str(link), "providers"], capture_output=True, text=True)
    assert ran.stdout.strip() == "stand-in roundtable providers"
    desktop = local / f"share/applications/{DESKTOP_ID}.desktop"
    assert f'Exec="{app}"' in desktop.read_text(encoding="utf-8"), "the menu needs no PATH"
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True)
        assert check.returncode == 0, check.stdout
    for size in ("256x256", "128x128", "64x64", "48x48"):
        assert (local / f"share/icons/hicolor/{size}/apps/{DESKTOP_ID}.png").is_file()
    assert (local / f"share/icons/hicolor/scalable/apps/{DESKTOP_ID}.svg").is_file()
    assert (local / f"share/metainfo/{DESKTOP_ID}.metainfo.xml").is_file()

    again = _install_sh(unpacked_tarball, home)  # an update replaces the old install
    assert again.returncode == 0, again.stderr

    removed = _install_sh(unpacked_tarball, home, "--uninstall")
    assert removed.returncode == 0, removed.stderr
    assert _installed_files(home) == []


def test_install_sh_leaves_a_foreign_command_alone(unpacked_tarball: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    other = home / ".local/bin/roundtable"
    other.parent.mkdir(parents=True)
    other.write_text("#!/bin/sh\n# e.g. pip install --user roundtable\n")
    result = _install_sh(unpacked_tarball, home)
    assert result.returncode == 0, result.stderr
    assert "left as it is" in result.stdout + result.stderr
    assert not other.is_symlink()
    _install_sh(unpacked_tarball, home, "--uninstall")
    assert other.is_file(), "uninstall removes only its own link"


def test_shell_scripts_pass_shellcheck() -> None:
    scripts = [ROOT / "scripts" / "package.sh", LINUX / "install.sh"]
    result = subprocess.run(
        [_tool("shellcheck"), *map(str, scripts)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_shipped_files_are_found_through_one_lookup() -> None:
    """The app, the wheel and the PyInstaller build all put resources/ where resource_path()
    looks: the source tree's top-level folder, installed as app/resources."""
    assert resource_path("icons", "send.svg").is_file()
    assert resource_path("styles", "window.qss").is_file()
    assert resource_path().resolve() == (ROOT / "resources").resolve()  # this checkout
    assert '(str(ROOT / "resources"), "app/resources")' in SPEC.read_text(encoding="utf-8")
    setuptools = PYPROJECT["tool"]["setuptools"]
    assert setuptools["package-dir"]["app.resources"] == "resources"
    assert "app.resources" in setuptools["packages"]


def test_run_script_and_deb_install_fonts_for_cjk_and_emoji() -> None:
    """Without them Chinese, Japanese, Korean and emoji show as empty boxes (issue 15)."""
    script = (ROOT / "scripts" / "run.sh").read_text()
    listed = re.search(r"DEBIAN_PACKAGES=\(([^)]*)\)", script)
    assert listed is not None
    packages = listed.group(1).split()
    assert {"fonts-noto-cjk", "fonts-noto-color-emoji"} <= set(packages)
    control = (ROOT / "packaging" / "debian" / "control.in").read_text()
    recommends = next(line for line in control.splitlines() if line.startswith("Recommends:"))
    assert "fonts-noto-cjk" in recommends and "fonts-noto-color-emoji" in recommends


def test_code_cites_only_documents_in_the_repository() -> None:
    """DESIGN.md was never in the repository: citations point at docs/architecture.md."""
    architecture = (ROOT / "docs" / "architecture.md").read_text()
    cited: set[str] = set()
    for folder in ("app", "providers", "tests", "scripts"):
        for path in (ROOT / folder).rglob("*.py"):
            if path == Path(__file__):
                continue
            text = path.read_text(encoding="utf-8")
            assert "DESIGN.md" not in text, path
            cited |= set(re.findall(r'docs/architecture\.md,?\s+"([^"]+)"', text))
    assert "DESIGN.md" not in (ROOT / "pyproject.toml").read_text()
    assert cited, "the code cites architecture.md sections"
    for section in cited | {"Platform facts"}:
        title = " ".join(section.split())
        assert re.search(rf"^#+ {re.escape(title)}", architecture, re.MULTILINE), section


def test_readme_covers_keys_keyring_environment_and_every_shortcut(qapp: object) -> None:
    """What a new user looked for (issue 15): keys in the window, the keyring, the variables."""
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QWidget

    from app.ui.window_actions import WindowActions

    readme = (ROOT / "README.md").read_text()
    assert "Provider → Credentials…" in readme and "Secret Service" in readme
    assert "reads exactly what the command line reads" in readme
    window = QWidget()
    actions = WindowActions(window, "system")
    for action in (actions.new_chat, actions.history, actions.compare, actions.quit):
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.PortableText)
        assert keys or action is actions.quit  # Quit's keys come from the desktop (none offscreen)
        assert not keys or f"| {keys} |" in readme, keys
    for keys in ("Enter", "Shift+Enter", "Esc"):
        assert f"| {keys} |" in readme
