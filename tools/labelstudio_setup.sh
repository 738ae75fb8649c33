#!/usr/bin/env bash
# Set up the Label Studio server in its OWN virtual environment (default .venv-ls), like a database server: the
# `label-studio` package pins its own numpy/opencv and (>= 1.22) an ijson that clashes with label-studio-converter,
# so it never shares the project's venv. The project only talks to it over HTTP on 127.0.0.1.
# Also runs `label-studio init --quiet` (migrations only, no user) once into a template data dir (migrations take ~45 s) that tests copy (~5 s start).
# Safe to re-run; does nothing when this script has not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${1:-.venv-ls}
PY=${PYTHON:-python3}
LS_VERSION=${LS_VERSION:-1.23.2}
STAMP="$VENV/.labelstudio-installed"
want="$(sha256sum tools/labelstudio_setup.sh | cut -c1-16)-$LS_VERSION"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then exit 0; fi
if [ ! -x "$VENV/bin/python" ]; then echo "creating $VENV (Label Studio server) with $("$PY" --version)"; "$PY" -m venv "$VENV"; fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check -q --no-cache-dir)
"${PIP[@]}" install --upgrade pip
# Pinned exactly: with a looser spec pip may silently fall back to an old server to satisfy some other pin.
"${PIP[@]}" install "label-studio==$LS_VERSION"
got=$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("label-studio"))')
[ "$got" = "$LS_VERSION" ] || { echo "expected label-studio $LS_VERSION in $VENV, got $got; remove $VENV and re-run" >&2; exit 1; }
# A migrated, empty data dir (sqlite) that tests copy instead of migrating afresh. Loopback only: no analytics,
# no version check, no Sentry.
TPL="$(cd "$VENV" && pwd)/ls-template"
rm -rf "$TPL"; mkdir -p "$TPL"
LATEST_VERSION_CHECK=false COLLECT_ANALYTICS=false SENTRY_DSN= FRONTEND_SENTRY_DSN= \
LABEL_STUDIO_BASE_DATA_DIR="$TPL" DJANGO_DB=sqlite \
  "$VENV/bin/label-studio" init --quiet --data-dir "$TPL" --database "$TPL/label_studio.sqlite3" --no-browser >"$VENV/ls-init.log" 2>&1 \
  || { echo "label-studio init failed; see $VENV/ls-init.log" >&2; tail -20 "$VENV/ls-init.log" >&2; exit 1; }
echo "label-studio $got in $VENV; template data dir $TPL"
echo "$want" > "$STAMP"
