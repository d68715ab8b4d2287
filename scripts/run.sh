#!/usr/bin/env bash
# Install Roundtable into .venv (with the Qt libraries it needs) and open the window.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
# Qt's xcb platform plugin needs these on a minimal system; a desktop usually has them already.
DEBIAN_PACKAGES=(python3-venv libegl1 libgl1 libfontconfig1 libxkbcommon0 libxkbcommon-x11-0
    libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xkb1
    libxcb-render-util0 libxcb-image0 libxcb-randr0 fonts-dejavu-core gnome-keyring libgomp1
    fonts-noto-cjk fonts-noto-color-emoji)  # Chinese/Japanese/Korean and emoji, not empty boxes
# The local model runtime (llama-cpp-python): a prebuilt wheel from ../shared/wheels when there is
# one, else pip builds it from its sdist, which needs a compiler and cmake.
FIND_LINKS=()
if [ -d ../shared/wheels ]; then
    FIND_LINKS=(--find-links ../shared/wheels)
else
    DEBIAN_PACKAGES+=(gcc g++ cmake)
fi
missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ ${#FIND_LINKS[@]} -eq 0 ] && ! .venv/bin/python -c 'import llama_cpp' 2>/dev/null; then
    echo "run.sh: building the local model runtime (llama-cpp-python) takes several minutes the first time; later runs reuse it"
    # Portable code (no -march=native): the build also runs on other CPUs of the same family.
    export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}"
fi
.venv/bin/python -m pip install -q "${FIND_LINKS[@]}" -e '.[gui,local]' 'babel>=2.12'
# The translation catalogs (.qm, .mo) are build output: compile them from the sources.
scripts/translations.sh compile
exec .venv/bin/roundtable "$@"
