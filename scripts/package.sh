#!/usr/bin/env bash
# Build the installable Linux app from this checkout:
#   dist/roundtable/                             PyInstaller one-folder app: dist/roundtable/roundtable
#   dist/roundtable-VERSION-linux-ARCH.tar.gz    that folder, the menu entry, icons, AppStream file
#                                                and install.sh (per user, into ~/.local)
#   dist/roundtable_VERSION_DEBARCH.deb          the same for dpkg/apt: /opt/roundtable, /usr/bin
#
# Usage: scripts/package.sh [--no-deb] [--venv DIR]
# The build uses its own venv (default build/package-venv) holding only the app's GUI
# dependencies and PyInstaller, so no test or dev tool can end up in the bundle. The bundle runs
# on systems with at least the glibc of the build machine's libraries (printed at the end):
# build on the oldest distribution you want to support.
set -euo pipefail
cd "$(dirname "$0")/.."

APP_ID=io.github.roundtable.Roundtable
VENV=build/package-venv
BUILD_DEB=1
while [ $# -gt 0 ]; do
    case "$1" in
        --no-deb) BUILD_DEB=0 ;;
        --venv) VENV=$2; shift ;;
        -h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
        *) echo "package.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
command -v dpkg-deb >/dev/null || BUILD_DEB=0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
# Qt's xcb platform plugin needs these; with them present PyInstaller bundles them, so the app
# also starts on systems that lack some. binutils: objdump, to find the glibc the bundle needs.
# gcc, g++, cmake build the local model runtime when no prebuilt wheel is at hand; libgomp1 is
# its OpenMP library.
DEBIAN_PACKAGES=(python3-venv binutils gcc g++ cmake libgomp1 libegl1 libgl1 libfontconfig1
    libxkbcommon0 libxkbcommon-x11-0 libdbus-1-3 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
    libxcb-shape0 libxcb-xkb1 libxcb-render-util0 libxcb-image0 libxcb-randr0 libxcb-xfixes0)
if command -v dpkg-query >/dev/null; then
    missing=()
    for pkg in "${DEBIAN_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "package.sh: installing Debian packages: ${missing[*]}"
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
fi

step() { printf 'package.sh: %s (%ds)\n' "$1" "$SECONDS"; }

step "build venv $VENV"
[ -x "$VENV/bin/python" ] || "${PYTHON:-python3}" -m venv "$VENV"
PY="$VENV/bin/python"
"$PY" -m pip install -q --upgrade pip
# The app's own dependencies and its GUI extra, read from pyproject.toml; the app itself is
# not installed there: PyInstaller takes app/ and providers/ straight from this checkout.
mkdir -p build
"$PY" - >build/package-requirements.txt <<'EOF'
import tomllib

project = tomllib.load(open("pyproject.toml", "rb"))["project"]
extras = project["optional-dependencies"]
print("\n".join([*project["dependencies"], *extras["gui"], *extras["local"]]))
EOF
# The local model runtime: a prebuilt wheel from ../shared/wheels when there is one, else pip
# builds llama-cpp-python from its sdist (gcc, g++, cmake; minutes, once: pip caches it).
FIND_LINKS=()
if [ -d ../shared/wheels ]; then
    FIND_LINKS=(--find-links ../shared/wheels)
else
    echo "package.sh: building the local model runtime (llama-cpp-python) takes several minutes the first time"
    export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}"
fi
"$PY" -m pip install -q "${FIND_LINKS[@]}" -r build/package-requirements.txt 'pyinstaller>=6.22,<7' \
    'babel>=2.12'
VERSION=$("$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
ARCH=$(uname -m)

step "translations"
# .ts -> .qm (Qt's lrelease from the venv's PySide6), .po -> .mo (Babel): the bundle carries them.
VENV_BIN="$VENV/bin" scripts/translations.sh compile

step "PyInstaller"
"$VENV/bin/pyinstaller" --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
    packaging/roundtable.spec
APP=dist/roundtable

step "smoke test"
# In a throw-away home: the command line works, and the window comes up and stays up.
SMOKE=$(mktemp -d)
trap 'rm -rf "$SMOKE"' EXIT
mkdir -m 0700 "$SMOKE/run"
smoke() {
    env -i HOME="$SMOKE" XDG_RUNTIME_DIR="$SMOKE/run" PATH=/usr/bin:/bin LANG=C.UTF-8 \
        QT_QPA_PLATFORM=offscreen "$@"
}
smoke "$APP/roundtable" --help >/dev/null
smoke "$APP/roundtable" providers | grep -q '^openai '
# The bundled runtime and starter model answer a prompt (a few tokens; offline).
smoke "$APP/roundtable" chat -p local --param max_tokens=4 "Say hi." | grep -q .
status=0
smoke timeout -k 2 4 "$APP/roundtable" >/dev/null 2>"$SMOKE/stderr" || status=$?
# 124: still running when timeout stopped it. The offscreen platform's notes are expected.
if [ "$status" -ne 124 ] || grep -v 'propagateSizeHints' "$SMOKE/stderr" | grep -q .; then
    echo "package.sh: the window did not stay up quietly (exit $status):" >&2
    cat "$SMOKE/stderr" >&2
    exit 1
fi

# The newest glibc symbol version any bundled binary asks for: the oldest system it runs on.
GLIBC=$(find "$APP" -type f \( -name '*.so*' -o -name roundtable \) -exec objdump -p {} + 2>/dev/null |
    grep -oE 'GLIBC_[0-9]+\.[0-9]+' | sed 's/GLIBC_//' | sort -uV | tail -n 1)

step "desktop files and icons"
STAGE=build/package
rm -rf "$STAGE"
SHARE=$STAGE/share
mkdir -p "$SHARE/applications" "$SHARE/metainfo" "$SHARE/icons/hicolor/scalable/apps"
cp "packaging/linux/$APP_ID.desktop" "$SHARE/applications/"
cp "packaging/linux/$APP_ID.metainfo.xml" "$SHARE/metainfo/"
cp resources/icons/roundtable.svg "$SHARE/icons/hicolor/scalable/apps/$APP_ID.svg"
QT_QPA_PLATFORM=offscreen "$PY" packaging/render_icons.py resources/icons/roundtable.svg \
    "$SHARE/icons/hicolor" >/dev/null

step "tarball"
NAME=roundtable-$VERSION
TREE=$STAGE/tar/$NAME
mkdir -p "$TREE"
cp -a "$APP" "$TREE/roundtable"
cp -a "$SHARE" "$TREE/share"
install -m 0755 packaging/linux/install.sh "$TREE/install.sh"
TARBALL=dist/$NAME-linux-$ARCH.tar.gz
tar -C "$STAGE/tar" -czf "$TARBALL" "$NAME"

if [ "$BUILD_DEB" -eq 1 ]; then
    step ".deb"
    DEB_ARCH=$(dpkg --print-architecture)
    ROOT=$STAGE/deb
    mkdir -p "$ROOT/opt" "$ROOT/usr/bin" "$ROOT/usr/share/doc/roundtable" "$ROOT/DEBIAN"
    cp -a "$APP" "$ROOT/opt/roundtable"
    cp -a "$SHARE/." "$ROOT/usr/share/"
    ln -s /opt/roundtable/roundtable "$ROOT/usr/bin/roundtable"
    install -m 0644 packaging/debian/copyright "$ROOT/usr/share/doc/roundtable/copyright"
    SIZE_KB=$(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
    sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$DEB_ARCH/" -e "s/@INSTALLED_SIZE@/$SIZE_KB/" \
        -e "s/@GLIBC@/$GLIBC/" packaging/debian/control.in >"$ROOT/DEBIAN/control"
    # No maintainer scripts: desktop-file-utils and hicolor-icon-theme refresh their caches
    # through dpkg triggers on /usr/share/applications and /usr/share/icons.
    DEB=dist/roundtable_${VERSION}_$DEB_ARCH.deb
    # xz: the smallest .deb every dpkg reads (~1 min here); DEB_COMPRESSION=zstd takes ~5 s.
    dpkg-deb --root-owner-group -Z"${DEB_COMPRESSION:-xz}" --build "$ROOT" "$DEB" >/dev/null
fi

step "done"
du -sh "$APP" "$TARBALL" ${DEB:+"$DEB"}
echo "package.sh: the bundle needs glibc >= $GLIBC"
