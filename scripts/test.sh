#!/usr/bin/env bash
# Install everything the tests need, then run lint, types and the whole suite.
#
# Usage: scripts/test.sh [PYTEST ARGS...]
# On a fresh Debian/Ubuntu machine this installs the Debian packages (gnome-keyring and D-Bus for
# the real Secret Service the keyring tests use), creates .venv, installs the project with its
# test extras, and runs the suite inside a private, unlocked keyring session.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
DEBIAN_PACKAGES=(gnome-keyring dbus dbus-x11 libsecret-tools python3-venv procps
    desktop-file-utils appstream shellcheck libgomp1)
# The local model runtime (llama-cpp-python): the prebuilt wheel in ../shared/wheels when it is
# there (CI), else pip builds it from the sdist, which needs a compiler and cmake.
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
    echo "test.sh: installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ ${#FIND_LINKS[@]} -eq 0 ] && ! .venv/bin/python -c 'import llama_cpp' 2>/dev/null; then
    echo "test.sh: building the local model runtime (llama-cpp-python) takes 7-10 minutes the first time"
    export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}"
fi
.venv/bin/python -m pip install -q "${FIND_LINKS[@]}" -e '.[dev]'
# The translation catalogs (.qm, .mo) are build output: compile them from the sources.
scripts/translations.sh compile

echo "test.sh: ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "test.sh: mypy"
.venv/bin/mypy
echo "test.sh: translations"
scripts/translations.sh check

echo "test.sh: pytest"
export QT_QPA_PLATFORM=offscreen
# A hung test must never eat CI's time: hard stop after 20 minutes.
status=0
timeout -k 30 1200 scripts/with-keyring.sh .venv/bin/python -m pytest "$@" || status=$?
if [ "$status" -gt 128 ]; then
    # A crash (e.g. a segfault in native code) ends pytest before its summary: say so plainly.
    echo "test.sh: pytest was killed by signal $((status - 128)) before the end of the run." \
        "The 'Fatal Python error' above shows every thread's stack; the main thread's names" \
        "the test that was running." >&2
fi
exit "$status"
