"""Parallel-tempering sweeps of the SK model: compiled (Numba) vs per-spin Python.

Run: ``python benchmarks/bench_glass.py``. Prints the time per replica sweep
of each implementation and the speed-up of the compiled kernel over two
straightforward per-spin Python loops measured in the same process:

- ``python-dot``: ΔE_i = 2 s_i (J_i · s) recomputed for every attempt;
- ``python-fields``: the same Metropolis algorithm as the kernel (local
  fields updated after each accepted flip with one NumPy row operation).

Target (issue 7): ≥ 20x.
"""

from __future__ import annotations

import math
import time

import numpy as np

from isingformer.physics.glass.spinglass import geometric_ladder, parallel_tempering, sk_couplings


def python_pt(J, betas, n_sweeps, seed, incremental):
    """Reference PT: per-spin Metropolis in Python, neighbour swaps each sweep."""
    rng = np.random.default_rng(seed)
    n, r = J.shape[0], len(betas)
    s = rng.choice([-1.0, 1.0], size=(r, n))
    f = s @ J
    e = -0.5 * np.einsum("ri,ri->r", s, f)
    acc = np.zeros(r - 1)
    for t in range(n_sweeps):
        for k in range(r):
            sk, fk, beta = s[k], f[k], betas[k]
            for i in range(n):
                de = 2.0 * sk[i] * (fk[i] if incremental else J[i] @ sk)
                if de <= 0 or rng.random() < math.exp(-beta * de):
                    if incremental:
                        fk -= 2.0 * sk[i] * J[i]
                    sk[i] = -sk[i]
                    e[k] += de
        for k in range(t % 2, r - 1, 2):
            d = (betas[k + 1] - betas[k]) * (e[k + 1] - e[k])
            if d >= 0 or rng.random() < math.exp(d):
                s[[k, k + 1]] = s[[k + 1, k]]
                f[[k, k + 1]] = f[[k + 1, k]]
                e[[k, k + 1]] = e[[k + 1, k]]
                acc[k] += 1
    return e, acc / max(1, n_sweeps // 2)


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def main() -> None:
    from isingformer.threads import set_threads

    print(f"{set_threads(None)} thread(s) (isingformer.threads; set ISINGFORMER_THREADS to change)")
    for n in (64, 256):
        J = sk_couplings(n, 0)
        betas = geometric_ladder(0.3, 1.6, 16)
        r = len(betas)
        parallel_tempering(J, betas, n_sweeps=5, seed=0)  # JIT warm-up (cached)
        py_sweeps = 20 if n == 64 else 5
        t_dot, _ = timed(python_pt, J, betas, py_sweeps, 0, False)
        t_fld, _ = timed(python_pt, J, betas, py_sweeps, 0, True)
        nb_sweeps = 4000 if n == 64 else 1000
        t_nb, res = timed(parallel_tempering, J, betas, n_sweeps=nb_sweeps, seed=0)
        per = {
            "python-dot": t_dot / (py_sweeps * r),
            "python-fields": t_fld / (py_sweeps * r),
            "numba": t_nb / (nb_sweeps * r),
        }
        print(f"SK N = {n}, {r} replicas (PT swap acceptance {res.acceptance.mean():.2f})")
        for name, sec in per.items():
            print(
                f"  {name:14s} {sec * 1e6:10.1f} µs per replica sweep "
                f"({n / sec / 1e6:8.2f} M spin attempts/s)"
            )
        print(f"  speed-up numba / python-dot    = {per['python-dot'] / per['numba']:8.1f}x")
        print(
            f"  speed-up numba / python-fields = {per['python-fields'] / per['numba']:8.1f}x"
            "   (target >= 20x)"
        )


if __name__ == "__main__":
    main()
