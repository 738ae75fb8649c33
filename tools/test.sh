#!/usr/bin/env bash
# Run the notebook tests through nbdev-test (FLAGS="slow" also runs flagged cells), then check that the exported
# package and README match the notebooks. Ends with one line: "N passed, N failed".
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
"$VENV/bin/nbdev-test" --n-workers "${TEST_WORKERS:-2}" --do-print --timing --flags "$FLAGS" 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
total=$(grep -c '^Starting ' "$LOG" || true)
nfail=$(awk '/nbdev Tests Failed On The Following Notebooks/{f=1;next} f && /\.ipynb/{n++} END{print n+0}' "$LOG")
if [ "$rc" -ne 0 ] && [ "$nfail" -eq 0 ]; then nfail=1; fi   # nbdev-test died before naming a notebook
passed=$((passed + total - nfail)); failed=$((failed + nfail))
# The committed tree must be what the notebooks export, cleaned, with the README rendered from nbs/index.ipynb.
before=$(git status --porcelain -- aquapose nbs README.md | sha256sum)
"$VENV/bin/nbdev-export" && "$VENV/bin/nbdev-clean" && "$VENV/bin/python" tools/readme.py
after=$(git status --porcelain -- aquapose nbs README.md | sha256sum)
if [ "$before" = "$after" ]; then echo "export check: aquapose/, nbs/ and README.md match the notebooks"; passed=$((passed + 1))
else echo "export check FAILED: nbdev-export/nbdev-clean/tools/readme.py changed:"; git status --porcelain -- aquapose nbs README.md; failed=$((failed + 1)); fi
# The docs build's notebook processing (everything nbdev-docs does before quarto renders).
if "$VENV/bin/python" tools/docs_check.py > "$LOG" 2>&1; then tail -1 "$LOG"; passed=$((passed + 1))
else echo "docs check FAILED:"; tail -20 "$LOG"; failed=$((failed + 1)); fi
rm -f "$LOG"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
