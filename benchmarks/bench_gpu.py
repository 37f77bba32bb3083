"""GPU speed: flips/ns of the torch Metropolis kernel and the ensemble core.

    python benchmarks/bench_gpu.py [--size 1024 --sweeps 200 --json]

On a CUDA device: flips/ns of the torch checkerboard Metropolis at L = 1024,
T_c (one replica, float32 spins, median of 3), set against NVIDIA's published
multi-spin-coded figures (~384 flips/ns per V100, ~900 per H100; issue 19
asks for >= 50 %), and the ensemble core (1000 x 1024 states, 256 β, float32)
on the GPU against the same call on the CPU in this process. Without a CUDA
device it says so and exits 0 (no ratio rows).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time

import numpy as np
import torch

NVIDIA_FLIPS_PER_NS = {"V100": 384.0, "H100": 900.0}


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def _median_seconds(fn, device: str, repeat: int = 3) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        _sync(device)
        t0 = time.perf_counter()
        fn()
        _sync(device)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--sweeps", type=int, default=200)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--device", default="cuda", help="cuda (default); cpu checks the script")
    a = ap.parse_args()
    dev = a.device
    if dev.startswith("cuda") and not torch.cuda.is_available():
        print("no CUDA device: GPU benchmark not run")
        return
    from isingformer.ensemble import thermodynamics
    from isingformer.physics import Sampler, metropolis, square_ising
    from isingformer.threads import set_threads

    threads = set_threads(None)
    name = torch.cuda.get_device_name(0) if dev.startswith("cuda") else "cpu"
    L = a.size
    beta_c = math.log(1 + math.sqrt(2)) / 2  # Onsager
    sampler = Sampler(square_ising(L), metropolis("torch", device=dev))
    state = sampler.init_state([beta_c], seed=0, start="random")
    t = _median_seconds(lambda: sampler.sweep(state, a.sweeps), dev)
    flips_ns = L * L * a.sweeps / t / 1e9
    ref = next((v for k, v in NVIDIA_FLIPS_PER_NS.items() if k in name), None)
    print(f"{name}: torch Metropolis L={L} T_c, {a.sweeps} sweeps: {flips_ns:.2f} flips/ns")
    if ref is not None:
        print(
            f"  share of NVIDIA's multi-spin figure ({ref:g} flips/ns) = {flips_ns / ref:.3f}x "
            f"(target >= 0.5x)"
        )
    g = torch.Generator().manual_seed(0)
    E = torch.randn(1000, 1024, generator=g)
    betas = torch.linspace(0.01, 5, 256)
    Ed, bd = E.to(dev), betas.to(dev)
    t_gpu = _median_seconds(lambda: thermodynamics(Ed, bd), dev)
    t0 = time.perf_counter()
    for _ in range(3):
        thermodynamics(E, betas)
    t_cpu = (time.perf_counter() - t0) / 3
    err = (thermodynamics(Ed, bd).var_energy.cpu() - thermodynamics(E, betas).var_energy).abs()
    print(
        f"ensemble core 1000x1024, 256 β, float32, {threads} CPU thread(s): "
        f"GPU {t_gpu * 1e3:.2f} ms, CPU {t_cpu * 1e3:.1f} ms, speed-up = {t_cpu / t_gpu:.1f}x "
        f"(max |ΔVar| {float(err.max()):.1e})"
    )
    if a.json:
        out = {
            "device": name,
            "metropolis_flips_per_ns": flips_ns,
            "nvidia_reference_flips_per_ns": ref,
            "ensemble_gpu_s": t_gpu,
            "ensemble_cpu_s": t_cpu,
            "cpu_threads": threads,
            "max_abs_dvar": float(err.max()),
            "numpy": np.__version__,
        }
        print(json.dumps(out))


if __name__ == "__main__":
    main()
