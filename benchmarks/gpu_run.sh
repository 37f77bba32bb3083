#!/usr/bin/env bash
# The one prepared GPU run of issue 19 (speed and scale).
#
#   bash benchmarks/gpu_run.sh            # on a machine with a CUDA GPU
#
# Needs an environment whose torch is a CUDA build (scripts/setup.sh installs
# the CPU build; on the GPU machine install the project into a venv with a CUDA
# torch first, e.g. PYTHON=/path/to/venv/bin/python bash benchmarks/gpu_run.sh).
# The Numba CUDA multi-spin kernel (physics/ising/cuda_msc.py) also needs NVVM:
# pip install "numba-cuda[cu12]" in that venv (its tests skip if Numba sees no GPU).
# numba-cuda 0.30.4 under NumPy 2.5 fails at its first kernel compile (it overloads
# np.row_stack, removed in NumPy 2.5): alias np.row_stack = np.vstack before (the
# H200 run of 2026-11-29 did so in a sitecustomize; docs/performance.md, The GPU run).
# Steps, each writing into benchmarks/results/ (or $OUT_DIR):
#   1. nvidia-smi and torch's view of the device (gpu-<stamp>-device.txt);
#   2. every `cuda`-marked test (all in tests/gpu: ensemble core, β-attention vs
#      SDPA, critical calibration, torch Metropolis/heat-bath vs Kaufman,
#      training --device cuda, analyze --device cuda) as JUnit XML;
#   3. the GPU benchmark (bench_gpu.py: flips/ns of the Numba CUDA multi-spin
#      Metropolis at L = 1024 and 16384 and of the torch Metropolis at
#      L = 1024 against NVIDIA's multi-spin figures, ensemble core GPU vs CPU)
#      and the whole suite
#      (python -m benchmarks) at $THREADS CPU threads, as JSON.
# Exit code: that of the tests (the benchmarks always run). SUITE=0 leaves out
# the whole CPU suite of step 3 (minutes) when the device time is short.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
OUT=${OUT_DIR:-benchmarks/results}
THREADS=${THREADS:-$(nproc)}
mkdir -p "$OUT"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
{
  nvidia-smi || echo "nvidia-smi: not found"
  "$PY" -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, 'available', torch.cuda.is_available()); print(torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'no device')"
  "$PY" -c "import numba; from numba import cuda; print('numba', numba.__version__, 'cuda available', cuda.is_available())"
} > "$OUT/gpu-$stamp-device.txt" 2>&1
cat "$OUT/gpu-$stamp-device.txt"
if ! "$PY" -c "import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)"; then
  echo "gpu_run.sh: torch sees no CUDA device (a CPU build of torch?); nothing run" >&2
  exit 2
fi
export OMP_NUM_THREADS=$THREADS ISINGFORMER_THREADS=$THREADS
# every cuda-marked test lives in tests/gpu (tests/gpu/test_gpu_layout.py checks): collecting
# only there needs none of the optional packages other test modules import at the top
"$PY" -m pytest -q -m cuda tests/gpu -p no:cacheprovider --junitxml="$OUT/gpu-$stamp-cuda-tests.xml"
rc=$?
# BENCH_ARGS: more options of bench_gpu.py (e.g. --msc-sizes 1024,4096,16384 --blocks 128,256)
"$PY" benchmarks/bench_gpu.py --json ${BENCH_ARGS:-} > "$OUT/gpu-$stamp-bench-gpu.txt" 2>&1
tail -n 20 "$OUT/gpu-$stamp-bench-gpu.txt"
if [ "${SUITE:-1}" = 1 ]; then  # SUITE=0 skips the CPU suite when device time is short
  "$PY" -m benchmarks --threads "$THREADS" --out "$OUT"
fi
exit $rc
