#!/usr/bin/env bash
# Set up (or bring up to date) the project's virtual environment: the pinned torch pair first, then the package
# in editable mode with its dev and cluster extras. Safe to re-run; does nothing when pyproject.toml has not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${1:-.venv}
PY=${PYTHON:-python3}
STAMP="$VENV/.aquapose-installed"
want="$(sha256sum pyproject.toml tools/setup.sh | sha256sum | cut -c1-16)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then exit 0; fi
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 10))' || { echo "aquapose needs Python >= 3.10; set PYTHON=/path/to/python3.11" >&2; exit 1; }
  echo "creating $VENV with $("$PY" --version)"
  "$PY" -m venv "$VENV"
fi
if [ ! -f "$STAMP" ]; then   # a first install: torch's build alone is 5.5 GB; pip's own error comes only mid-way
  free_gb=$(df -Pk . | awk 'NR == 2 {print int($4 / 1048576)}')
  if [ "${free_gb:-99}" -lt 7 ]; then
    echo "warning: $free_gb GB free here; the set-up needs about 7 GB ($VENV: torch 5.5 GB, the rest 1 GB)." \
         "If pip stops with 'No space left on device', free some space and run it again." >&2
  fi
fi
# No pip cache: a wheel would be stored twice, in the cache and in the venv.
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check -q --no-cache-dir)
"${PIP[@]}" install --upgrade pip
# The torch pair first: a bare `torch` would pull a multi-GB build; the project itself only declares ranges.
"${PIP[@]}" install "torch==2.14.1" "torchvision==0.29.1"
# SAM2 ships as an sdist whose isolated build would fetch another torch: build it against the torch above, without
# its optional CUDA extension (sam2 runs without it).
"${PIP[@]}" install "setuptools>=61"
SAM2_BUILD_CUDA=0 "${PIP[@]}" install --no-build-isolation "sam2==1.1.0"
"${PIP[@]}" install -e ".[dev,cluster]"
"$VENV/bin/python" -c "import aquapose, torch, cv2, pycocotools; print('aquapose', aquapose.__version__, '| torch', torch.__version__, '| cv2', cv2.__version__)"
echo "$want" > "$STAMP"
