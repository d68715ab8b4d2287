#!/usr/bin/env bash
# Run a command against a real, private, unlocked Secret Service (GNOME Keyring).
#
# Usage: scripts/with-keyring.sh COMMAND [ARG...]
#   e.g. scripts/with-keyring.sh .venv/bin/python -m pytest tests/unit/test_credentials.py -q
#
# Why: keyring tests must hit a real Secret Service, never the developer's own keyring and never
# a mock. The command runs in its own D-Bus session bus (dbus-run-session) with a freshly started
# gnome-keyring-daemon whose "login" collection is created, made the default and unlocked with a
# throw-away password, so keyring.set_password() works without a prompt. HOME and the XDG
# data/config/cache/state/runtime directories point into a temporary directory that is removed
# afterwards, so nothing touches the real home. The command's exit status is preserved.
#
# Exported for the command: HOME, XDG_DATA_HOME, XDG_CONFIG_HOME, XDG_CACHE_HOME, XDG_STATE_HOME,
# XDG_RUNTIME_DIR, DBUS_SESSION_BUS_ADDRESS (by dbus-run-session), GNOME_KEYRING_CONTROL, and
# ROUNDTABLE_PRIVATE_KEYRING=1, ROUNDTABLE_PRIVATE_KEYRING_PASSWORD and ROUNDTABLE_PRIVATE_KEYRING_HOME
# (the private HOME, which tests may later replace per test): tests use them to know that locking,
# unlocking and scanning the private home are safe.
#
# Needs: dbus-run-session, dbus-daemon, dbus-send (dbus), gnome-keyring-daemon (gnome-keyring),
# setsid (util-linux). Debian: apt-get install -y gnome-keyring dbus-x11 libsecret-tools
set -euo pipefail

readonly KEYRING_PASSWORD="roundtable-test"
readonly READY_TIMEOUT_STEPS=200 # x 0.05 s = 10 s

die() {
    printf 'with-keyring.sh: %s\n' "$*" >&2
    exit 2
}

# --- inner part: runs inside the private D-Bus session -------------------------------------------
if [[ "${1-}" == "--inner-session" ]]; then
    shift
    daemon_log="$ROUNDTABLE_KEYRING_TMP/gnome-keyring.log"
    password_file="$ROUNDTABLE_KEYRING_TMP/keyring-password"
    # The first daemon is our child (--foreground), so we can stop it and wait for it.
    gnome-keyring-daemon --foreground --unlock --components=secrets <"$password_file" \
        >>"$daemon_log" 2>&1 &
    daemon_pid=$!

    # Whether the daemon ever died during the run: its log then goes to stderr, always.
    daemon_died() {
        ! kill -0 "$daemon_pid" 2>/dev/null || grep -q '(re)started by D-Bus activation' "$daemon_log"
    }
    stop_daemon() {
        if daemon_died; then
            printf 'with-keyring.sh: gnome-keyring-daemon died during the run; its log:\n' >&2
            cat "$daemon_log" >&2 || true
        fi
        if kill -0 "$daemon_pid" 2>/dev/null; then
            kill "$daemon_pid" 2>/dev/null || true
            wait "$daemon_pid" 2>/dev/null || true
        fi
    }
    trap stop_daemon EXIT

    # The daemon claims its bus name asynchronously: wait until org.freedesktop.secrets has an
    # owner, or D-Bus activation could start a second one.
    ready=0
    for _ in $(seq "$READY_TIMEOUT_STEPS"); do
        if ! kill -0 "$daemon_pid" 2>/dev/null; then
            cat "$daemon_log" >&2 || true
            die "gnome-keyring-daemon exited early"
        fi
        if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
            grep -q 'boolean true'; then
            ready=1
            break
        fi
        sleep 0.05
    done
    if [[ "$ready" != 1 ]]; then
        cat "$daemon_log" "$ROUNDTABLE_KEYRING_TMP/dbus-daemon.log" >&2 || true
        die "gnome-keyring-daemon did not register org.freedesktop.secrets on the session bus"
    fi
    # Make the unlocked login collection the default alias (it normally is; be explicit).
    dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
        org.freedesktop.Secret.Service.SetAlias string:default \
        objpath:/org/freedesktop/secrets/collection/login >/dev/null ||
        die "could not make the login collection the default"

    export GNOME_KEYRING_CONTROL="$XDG_RUNTIME_DIR/keyring"
    export ROUNDTABLE_PRIVATE_KEYRING=1
    export ROUNDTABLE_PRIVATE_KEYRING_PASSWORD="$KEYRING_PASSWORD"
    export ROUNDTABLE_PRIVATE_KEYRING_HOME="$HOME"
    unset ROUNDTABLE_KEYRING_TMP

    # As a background job the session started with SIGINT/SIGQUIT ignored; give the command the
    # default handlers back (Python then raises KeyboardInterrupt as usual).
    restore_signals=()
    if env --default-signal=INT,QUIT true 2>/dev/null; then
        restore_signals=(env --default-signal=INT,QUIT)
    fi
    rc=0
    "${restore_signals[@]}" "$@" || rc=$?
    exit "$rc"
fi

# --- outer part: temporary directories, the session bus, cleanup ----------------------------------
[[ $# -gt 0 ]] || die "usage: scripts/with-keyring.sh COMMAND [ARG...]"
for tool in dbus-run-session dbus-send gnome-keyring-daemon setsid; do
    command -v "$tool" >/dev/null 2>&1 ||
        die "$tool not found; install it: apt-get install -y dbus gnome-keyring dbus-x11"
done

script_path="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/roundtable-keyring.XXXXXX")"
session_pid=""

cleanup() {
    rm -rf -- "$tmp"
}

# On a signal, stop the whole private session (command, keyring daemon, bus) with SIGTERM, give
# it up to 5 s, then SIGKILL what is left and clean up: a CI timeout or a Ctrl-C must not leave
# daemons or temp dirs behind. (SIGTERM for every signal: the session is a background job, so
# bash starts it with SIGINT ignored, and dbus-run-session would die first on SIGINT anyway.)
on_signal() {
    local code="$1"
    trap '' INT TERM HUP
    if [[ -n "$session_pid" ]]; then
        kill -s TERM -- "-$session_pid" 2>/dev/null || true
        for _ in $(seq 100); do
            kill -0 "$session_pid" 2>/dev/null || break
            sleep 0.05
        done
        kill -s KILL -- "-$session_pid" 2>/dev/null || true
        wait "$session_pid" 2>/dev/null || true
    fi
    exit "$code"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
trap 'on_signal 129' HUP

export HOME="$tmp/home"
export XDG_DATA_HOME="$HOME/.local/share"
export XDG_CONFIG_HOME="$HOME/.config"
export XDG_CACHE_HOME="$HOME/.cache"
export XDG_STATE_HOME="$HOME/.local/state"
export XDG_RUNTIME_DIR="$tmp/runtime"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$tmp" "$HOME" "$XDG_RUNTIME_DIR"
export ROUNDTABLE_KEYRING_TMP="$tmp"
# Never let an outer session's keyring or bus leak in.
unset GNOME_KEYRING_CONTROL DBUS_SESSION_BUS_ADDRESS SSH_AUTH_SOCK PYTHON_KEYRING_BACKEND

# The password on stdin creates the "login" collection (made the default) or unlocks it.
password_file="$tmp/keyring-password"
(umask 077 && printf %s "$KEYRING_PASSWORD" >"$password_file")

# Supervision: gnome-keyring-daemon can abort on a race of its own (a client that disconnects
# while its request is still queued: "assertion 'client' failed" ... g_error). Should it die,
# the next Secret Service call must reach a fresh, unlocked daemon, not a locked one that the
# system's D-Bus activation file would start. Our own activation file (in XDG_DATA_HOME, which
# the session bus searches before /usr/share) restarts it unlocked with the same password and
# re-sets the default alias; every (re)start is marked in the log.
restart_script="$tmp/restart-keyring"
daemon_log="$tmp/gnome-keyring.log"
cat >"$restart_script" <<RESTART
#!/bin/sh
printf '%s\\n' "with-keyring.sh: gnome-keyring-daemon (re)started by D-Bus activation" >>"$daemon_log"
(
for _ in \$(seq $READY_TIMEOUT_STEPS); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \\
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
        grep -q 'boolean true'; then
        dbus-send --session --dest=org.freedesktop.secrets /org/freedesktop/secrets \\
            org.freedesktop.Secret.Service.SetAlias string:default \\
            objpath:/org/freedesktop/secrets/collection/login >/dev/null 2>&1
        exit 0
    fi
    sleep 0.05
done
) </dev/null >/dev/null 2>&1 &
exec gnome-keyring-daemon --foreground --unlock --components=secrets <"$password_file" >>"$daemon_log" 2>&1
RESTART
chmod 700 "$restart_script"
mkdir -p "$XDG_DATA_HOME/dbus-1/services"
printf '[D-BUS Service]\nName=org.freedesktop.secrets\nExec=%s\n' "$restart_script" \
    >"$XDG_DATA_HOME/dbus-1/services/org.freedesktop.secrets.service"


# The bus daemon's own chatter (a harmless "Failed to set fd limit", and the GUI password prompter
# it tries to start when a test locks the keyring) goes to a log instead of the command's stderr.
dbus_daemon="$(command -v dbus-daemon)" || die "dbus-daemon not found; install it: apt-get install -y dbus"
cat >"$tmp/dbus-daemon" <<WRAPPER
#!/bin/sh
exec "$dbus_daemon" "\$@" 2>>"$tmp/dbus-daemon.log"
WRAPPER
chmod 700 "$tmp/dbus-daemon"

# setsid gives the session its own process group, so a signal reaches all of it (see on_signal).
# It runs in the background only so that our traps fire at once; "<&0" keeps the caller's stdin
# (a background job would otherwise read /dev/null).
setsid dbus-run-session --dbus-daemon="$tmp/dbus-daemon" -- \
    bash "$script_path" --inner-session "$@" <&0 &
session_pid=$!
rc=0
wait "$session_pid" || rc=$?
exit "$rc"
