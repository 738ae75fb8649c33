#!/usr/bin/env bash
# Run the notebook tests through nbdev-test (FLAGS="slow" also runs flagged cells), then check that the exported
# package and README match the notebooks, and the package on its own (tools/api_check.py). Ends with one line
# "N passed, N failed", counting test cells (tools/count_tests.py) plus one for each of the three checks.
# FLAGS containing "labelstudio" first sets up the Label Studio server's own venv (.venv-ls, tools/labelstudio_setup.sh)
# that those cells start a real server from.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
FLAGS=${FLAGS:-}
LOG=$(mktemp)
passed=0; failed=0
if [[ " $FLAGS " == *" labelstudio "* ]]; then
  export AQUAPOSE_LS_VENV="$PWD/${LS_VENV:-.venv-ls}"
  if bash tools/labelstudio_setup.sh "$AQUAPOSE_LS_VENV" 2>&1 | grep -v "^WARNING: Location"; [ "${PIPESTATUS[0]}" -eq 0 ]; then
    echo "Label Studio server venv ready: $AQUAPOSE_LS_VENV"
  else echo "Label Studio server set-up FAILED (tools/labelstudio_setup.sh); its notebook cells will fail too"; failed=$((failed + 1)); fi
fi
# Every cell reports its time (--cell-timing-min -1), so tools/count_tests.py can count test cells, not notebooks, and
# name the slow ones; the per-cell lines go to the log only.
"$VENV/bin/nbdev-test" --n-workers "${TEST_WORKERS:-2}" --do-print --flags "$FLAGS" --cell-timing-min -1 2>&1 | tee "$LOG" \
  | grep -v -E '^[^ ]+\.ipynb:[^ ]+: [0-9.]+s$'
rc=${PIPESTATUS[0]}
counts=$("$VENV/bin/python" tools/count_tests.py "$LOG" "$FLAGS" 2>&1); echo "$counts"
line=$(echo "$counts" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
n_ok=0; n_bad=0
if [ -n "$line" ]; then n_ok=${line%% passed*}; n_bad=$(echo "$line" | sed -E 's/.* ([0-9]+) failed/\1/'); fi
if [ "$rc" -ne 0 ] && [ "$n_bad" -eq 0 ]; then n_bad=1; echo "nbdev-test failed before naming a failing cell"; fi
passed=$((passed + n_ok)); failed=$((failed + n_bad))
# The committed tree must be what the notebooks export, cleaned, with the README rendered from nbs/index.ipynb.
before=$(git status --porcelain -- aquapose nbs README.md | sha256sum)
"$VENV/bin/nbdev-export" && "$VENV/bin/nbdev-clean" && "$VENV/bin/python" tools/readme.py
after=$(git status --porcelain -- aquapose nbs README.md | sha256sum)
if [ "$before" = "$after" ]; then echo "export check: aquapose/, nbs/ and README.md match the notebooks"; passed=$((passed + 1))
else echo "export check FAILED: nbdev-export/nbdev-clean/tools/readme.py changed:"; git status --porcelain -- aquapose nbs README.md; failed=$((failed + 1)); fi
# The exported package on its own: fresh imports, pyflakes, line lengths, private names, docments (tools/api_check.py).
if "$VENV/bin/python" tools/api_check.py > "$LOG" 2>&1; then tail -1 "$LOG"; passed=$((passed + 1))
else echo "api check FAILED:"; cat "$LOG"; failed=$((failed + 1)); fi
# The docs build's notebook processing (everything nbdev-docs does before quarto renders).
if "$VENV/bin/python" tools/docs_check.py > "$LOG" 2>&1; then tail -1 "$LOG"; passed=$((passed + 1))
else echo "docs check FAILED:"; tail -20 "$LOG"; failed=$((failed + 1)); fi
rm -f "$LOG"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
