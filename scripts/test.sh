#!/usr/bin/env bash
# Set up (scripts/setup.sh) and run the whole fast test suite plus lint.
# This is what CI runs (.ci/run). Heavier tests: .venv/bin/pytest -m slow
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
ruff check .
ruff format --check .
python -m pytest -q
