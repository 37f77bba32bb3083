"""The CUDA multi-spin Metropolis without a GPU: Philox known answers, the CUDA
kernels in Numba's simulator (the sweeps, and the device-side measurements of
the ``cuda`` sampler backend) = their CPU twin bit for bit, and the CPU twin
against Kaufman's exact torus."""

import json
import os
import subprocess
import sys

import numba
import numpy as np
import pytest
from scipy import stats

from isingformer.errors import InputError
from isingformer.physics.ising.cuda_msc import cuda_chain, philox_cpu
from isingformer.physics.ising.kaufman import exact_z_scores

SHAPE = (16, 128)


@numba.njit
def _philox(c, k):
    return philox_cpu(c[0], c[1], c[2], c[3], k[0], k[1])


@pytest.mark.parametrize(
    ("ctr", "key", "out"),
    [  # Random123 known-answer vectors of philox4x32-10
        ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
        ((2**32 - 1,) * 4, (2**32 - 1,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
        (
            (0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344),
            (0xA4093822, 0x299F31D0),
            (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1),
        ),
    ],
)
def test_philox_known_answers(ctr, key, out):
    a, b = _philox(np.array(ctr, dtype=np.uint64), np.array(key, dtype=np.uint64))
    assert int(a) == (out[0] << 32) | out[1]
    assert int(b) == (out[2] << 32) | out[3]


_SIM = """
import json, math, numpy as np
from numba import cuda
from isingformer.physics.ising.cuda_msc import cuda_available, gpu_sweeps, reference_sweeps
from isingformer.physics.ising.metropolis_msc import pack, threshold
g = np.random.default_rng(0)
P = np.ascontiguousarray(pack((1 - 2 * g.integers(0, 2, size=(1, 16, 256))).astype(np.int8))[0])
t4, t8 = threshold(math.exp(-4 * 0.44)), threshold(math.exp(-8 * 0.44))
ref = P.copy()
reference_sweeps(ref, np.uint64(7), t4, t8, 3, 2)
out = {"available": cuda_available(), "moved": int((ref != P).sum())}
for block in (8, 24):  # 4 full blocks of 8 threads; 2 blocks of 24, the last one partial
    d = cuda.to_device(P)
    gpu_sweeps(d, 7, t4, t8, 3, 2, block=block)
    out[str(block)] = bool(np.array_equal(d.copy_to_host(), ref))
# the cuda sampler backend (cuda_run): device measurements = the CPU twin's
from isingformer.physics.ising.cuda_run import run_chain, run_cuda
from isingformer.physics.ising.hamiltonian import square_ising
from isingformer.physics.ising.rng import seed_streams
from isingformer.physics.ising.rules import metropolis
from isingformer.physics.ising.sampler import Sampler
Y, X = 4, 128
spins = (1 - 2 * g.integers(0, 2, size=(2, Y * X))).astype(np.int8)
res = {}
for dev in ("cuda", "cpu"):
    s, rng = spins.copy(), seed_streams(5, 2)
    res[dev] = run_cuda(square_ising(Y, X), s, np.array([0.44, 0.3]), rng, 3, 2, device=dev)
    res[dev] += (s, rng)
out["run_cuda"] = all(np.array_equal(a, b) for a, b in zip(res["cuda"], res["cpu"]))
P = pack(spins[:1].reshape(1, Y, X))[0]
a = run_chain(P.copy(), 9, t4, t8, 3, 3, 1, "cuda", chunk=2)  # across buffer refills
b = run_chain(P.copy(), 9, t4, t8, 3, 3, 1, "cpu")
out["chunks"] = all(np.array_equal(x, y) for x, y in zip(a, b))
sampler = Sampler(square_ising(Y, X), metropolis(backend="cuda"))
state, samples = sampler.sample(sampler.init_state([0.44], seed=0), 2)
out["sampler"] = list(samples.energy.shape)
print(json.dumps(out))
"""


def test_cuda_kernel_in_the_simulator_is_the_cpu_twin():
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1", "PYTHONWARNINGS": "error"}
    proc = subprocess.run(
        [sys.executable, "-c", _SIM], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["available"]
    assert out["moved"] > 10  # two sweeps at beta = 0.44 change many words
    assert out["8"] and out["24"], out
    assert out["run_cuda"] and out["chunks"] and out["sampler"] == [1, 2], out


# docs/ising.md quotes these chi-square p-values of the device's Kaufman test
# (tests/gpu/test_cuda_msc_device.py), computed on the CPU twin: the same chain
DOCS_P = {2.269185314213022: 0.37, 2.6: 0.33, 3.0: 0.98}


@pytest.mark.regression
@pytest.mark.parametrize("T", list(DOCS_P))
def test_cpu_twin_matches_kaufman(T):
    chains = [
        cuda_chain(SHAPE, 1.0 / T, 6000, seed=seed, burn_in=300, device="cpu") for seed in range(4)
    ]
    z = exact_z_scores(chains, SHAPE, T)
    # 8 z-scores (4 seeds x energy, specific heat): chi-square with 8 dof, p > 1e-4
    p = stats.chi2.sf(np.sum(z**2), z.size)
    assert p > 1e-4, z
    assert np.max(np.abs(z)) < 4.5, z
    assert abs(p - DOCS_P[T]) < 0.005, p


def test_bad_input():
    with pytest.raises(InputError, match="128"):
        cuda_chain((16, 96), 0.4, 2, device="cpu")
    with pytest.raises(InputError, match="device"):
        cuda_chain(SHAPE, 0.4, 2, device="tpu")
    with pytest.raises(InputError, match="seed"):
        cuda_chain(SHAPE, 0.4, 2, seed=-1, device="cpu")
    with pytest.raises(InputError, match="beta"):
        cuda_chain(SHAPE, 0.0, 2, device="cpu")
