#!/usr/bin/env bash
# Set up (scripts/setup.sh) and run the whole fast test suite plus lint.
# This is what CI runs (.ci/run). Heavier tests: .venv/bin/pytest -m slow
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
ruff check .
ruff format --check .
# small dense eigenproblems are 10-100x slower with multi-threaded OpenBLAS on 2 cores
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
python -m pytest -q --durations=25
