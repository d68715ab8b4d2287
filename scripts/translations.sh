#!/usr/bin/env bash
# The translation catalogs: the window's (Qt .ts -> .qm) and the providers'/CLI's (gettext .po -> .mo).
#
# Usage: scripts/translations.sh update    extract every string marked in app/ui (pyside6-lupdate)
#                                          and in providers/ + app/cli*.py (pybabel), merge them
#                                          into the catalogs, then compile; translate what is new
#                                          (pyside6-linguist or any editor) and run it again
#        scripts/translations.sh compile   .ts -> .qm (pyside6-lrelease), .po -> .mo (pybabel)
#        scripts/translations.sh check     fail when a catalog has unfinished or obsolete entries
# New language: add its code to LANGUAGES below, run update, translate, and add it to
# app/ui/i18n.py LANGUAGES (README "Adding a language").
# The compiled .qm/.mo files are build output (.gitignore): test.sh, run.sh, package.sh and the
# wheel build (setup.py) make them.
set -euo pipefail
cd "$(dirname "$0")/.."

LANGUAGES=(ru)
BIN=${VENV_BIN:-.venv/bin}
TS_DIR=resources/translations
PO_DIR=providers/locale
DOMAIN=roundtable

lupdate() { "$BIN/pyside6-lupdate" "$@"; }
lrelease() { "$BIN/pyside6-lrelease" "$@"; }
pybabel() { "$BIN/pybabel" -q "$@"; }

compile() {
    # English is the source language; its catalog holds only the plural forms (1 token, 2 tokens).
    lrelease -silent "$TS_DIR/${DOMAIN}_en.ts" -qm "$TS_DIR/${DOMAIN}_en.qm"
    for lang in "${LANGUAGES[@]}"; do
        lrelease -silent "$TS_DIR/${DOMAIN}_$lang.ts" -qm "$TS_DIR/${DOMAIN}_$lang.qm"
        pybabel compile -D "$DOMAIN" -d "$PO_DIR" -l "$lang"
    done
}

update() {
    mapfile -t sources < <(find app/ui -name '*.py' | sort)
    for lang in "${LANGUAGES[@]}"; do
        lupdate -silent -no-obsolete -locations none "${sources[@]}" -ts "$TS_DIR/${DOMAIN}_$lang.ts"
    done
    lupdate -silent -no-obsolete -locations none -pluralonly -source-language en \
        -target-language en "${sources[@]}" -ts "$TS_DIR/${DOMAIN}_en.ts"
    mkdir -p "$PO_DIR"
    pybabel extract --no-location --sort-output --project Roundtable -k _ -k N_ -k ngettext:1,2 \
        -o "$PO_DIR/$DOMAIN.pot" providers app/cli*.py app/params.py
    for lang in "${LANGUAGES[@]}"; do
        if [ -f "$PO_DIR/$lang/LC_MESSAGES/$DOMAIN.po" ]; then
            pybabel update --no-fuzzy-matching --ignore-obsolete -D "$DOMAIN" \
                -i "$PO_DIR/$DOMAIN.pot" -d "$PO_DIR" -l "$lang"
        else
            pybabel init -D "$DOMAIN" -i "$PO_DIR/$DOMAIN.pot" -d "$PO_DIR" -l "$lang"
        fi
    done
    compile
}

check() {
    # An unfinished or obsolete message in any catalog fails (tests/unit/test_translations.py
    # also re-runs lupdate into a copy to catch strings not yet extracted).
    status=0
    for lang in en "${LANGUAGES[@]}"; do
        if grep -nE 'type="(unfinished|obsolete|vanished)"' "$TS_DIR/${DOMAIN}_$lang.ts"; then
            echo "translations.sh: $TS_DIR/${DOMAIN}_$lang.ts has unfinished or obsolete messages" >&2
            status=1
        fi
    done
    exit $status
}

case "${1:-}" in
    update) update ;;
    compile) compile ;;
    check) check ;;
    *) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 2 ;;
esac
