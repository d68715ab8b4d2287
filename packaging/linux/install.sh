#!/bin/sh
# Install Roundtable for the current user, no root needed:
#   ~/.local/opt/roundtable/                 the app (the folder beside this script)
#   ~/.local/bin/roundtable                  a link to it, for the terminal
#   ~/.local/share/applications, icons, metainfo: so the desktop's menu and search show it
#
# Usage: ./install.sh              install, or replace an earlier install
#        ./install.sh --uninstall  remove what install.sh put there (keys in the keyring, history
#                                  and settings stay; they belong to the user, not to the app)
# PREFIX=DIR puts the app in DIR/opt and the link in DIR/bin (default ~/.local); the desktop
# files go to $XDG_DATA_HOME (default ~/.local/share).
set -eu

APP_ID=io.github.roundtable.Roundtable
HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX=${PREFIX:-$HOME/.local}
DATA_DIR=${XDG_DATA_HOME:-$HOME/.local/share}
APP_DIR=$PREFIX/opt/roundtable
LINK=$PREFIX/bin/roundtable
ICON_SIZES="scalable 256x256 128x128 64x64 48x48"

say() { printf 'roundtable: %s\n' "$*"; }

is_our_app() { [ -x "$1/roundtable" ] && [ -d "$1/_internal" ]; }

refresh_desktop() {
    # Menus and icon caches pick the change up at once where these tools exist.
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$DATA_DIR/applications" 2>/dev/null || true
    fi
    touch "$DATA_DIR/icons/hicolor" 2>/dev/null || true
    # Only refresh an icon cache that exists: a new one would hide icons that other programs
    # later put there without refreshing it.
    if [ -f "$DATA_DIR/icons/hicolor/icon-theme.cache" ] && command -v gtk-update-icon-cache >/dev/null 2>&1; then
        gtk-update-icon-cache -q -t -f "$DATA_DIR/icons/hicolor" 2>/dev/null || true
    fi
}

icon_file() { # SIZE -> the icon's path in the hicolor theme
    if [ "$1" = scalable ]; then
        echo "$DATA_DIR/icons/hicolor/scalable/apps/$APP_ID.svg"
    else
        echo "$DATA_DIR/icons/hicolor/$1/apps/$APP_ID.png"
    fi
}

uninstall() {
    if [ -L "$LINK" ] && [ "$(readlink "$LINK")" = "$APP_DIR/roundtable" ]; then
        rm -f "$LINK"
    fi
    if is_our_app "$APP_DIR"; then
        rm -rf "$APP_DIR"
    fi
    rm -f "$DATA_DIR/applications/$APP_ID.desktop" "$DATA_DIR/metainfo/$APP_ID.metainfo.xml"
    for size in $ICON_SIZES; do
        rm -f "$(icon_file "$size")"
    done
    refresh_desktop
    say "uninstalled"
}

install() {
    is_our_app "$HERE/roundtable" || { say "no app folder beside install.sh ($HERE/roundtable)" >&2; exit 1; }
    if [ -e "$APP_DIR" ] && ! is_our_app "$APP_DIR"; then
        say "$APP_DIR exists and is not a Roundtable install; move it away first" >&2
        exit 1
    fi
    mkdir -p "$PREFIX/opt" "$PREFIX/bin" "$DATA_DIR/applications" "$DATA_DIR/metainfo"
    # Copy next to the old install, then swap, so a failed copy leaves the old one working.
    rm -rf "$APP_DIR.new"
    cp -R "$HERE/roundtable" "$APP_DIR.new"
    rm -rf "$APP_DIR"
    mv "$APP_DIR.new" "$APP_DIR"

    if [ -e "$LINK" ] && [ ! -L "$LINK" ]; then
        say "$LINK exists and is not a link (a pip install?); left as it is" >&2
    else
        ln -sfn "$APP_DIR/roundtable" "$LINK"
    fi

    # The menu entry runs the app by its full path: ~/.local/bin is not on every session's PATH.
    sed "s|^Exec=roundtable\$|Exec=\"$APP_DIR/roundtable\"|" \
        "$HERE/share/applications/$APP_ID.desktop" >"$DATA_DIR/applications/$APP_ID.desktop"
    cp "$HERE/share/metainfo/$APP_ID.metainfo.xml" "$DATA_DIR/metainfo/"
    for size in $ICON_SIZES; do
        target=$(icon_file "$size")
        mkdir -p "$(dirname "$target")"
        cp "$HERE/share/icons/hicolor/$size/apps/$(basename "$target")" "$target"
    done
    refresh_desktop

    say "installed in $APP_DIR; start it from the menu or with: roundtable"
    case ":$PATH:" in
        *":$PREFIX/bin:"*) ;;
        *) say "note: $PREFIX/bin is not on your PATH; the terminal command is $LINK" ;;
    esac
}

case "${1:-}" in
    "") install ;;
    --uninstall) uninstall ;;
    -h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" ;;
    *) say "unknown option: $1 (try --help)" >&2; exit 2 ;;
esac
