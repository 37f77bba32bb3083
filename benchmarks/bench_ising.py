"""Ising Monte Carlo speed, with the baseline measured in the same process.

    python benchmarks/bench_ising.py [--seconds 2]

Prints flips/ns of the multi-spin-coded Metropolis (Numba, one thread) at
L = 1024 at T_c against a plain NumPy checkerboard (np.roll on int8), their
ratio (target >= 15x), and the Wolff rule's flipped spins per ns at L = 256
near T_c (target >= 0.05).
"""

from __future__ import annotations

import argparse
import json
import os

os.environ.setdefault("NUMBA_NUM_THREADS", "1")


def main() -> None:
    from isingformer.physics.ising.bench import bench_metropolis, bench_wolff

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--min-seconds", type=float, default=2.0, help="minimum seconds per timing")
    ap.add_argument("--size", type=int, default=1024, help="Metropolis lattice side L")
    ap.add_argument("--wolff-size", type=int, default=256, help="Wolff lattice side L")
    args = ap.parse_args()
    met = bench_metropolis(L=args.size, min_seconds=args.min_seconds)
    wol = bench_wolff(L=args.wolff_size, min_seconds=args.min_seconds)
    print(f"Metropolis L={args.size} T_c, one thread")
    print(f"  multi-spin coding (numba): {met['flips_per_ns']:.3f} flips/ns")
    print(f"  NumPy checkerboard       : {met['baseline_flips_per_ns']:.4f} flips/ns")
    ok = "meets" if met["ratio"] >= 15 else "MISSES"
    print(f"  ratio                    : {met['ratio']:.1f}x ({ok} the 15x target)")
    ok = "meets" if wol["flipped_spins_per_ns"] >= 0.05 else "MISSES"
    print(
        f"Wolff L={args.wolff_size} T_c: {wol['flipped_spins_per_ns']:.4f} flipped spins/ns "
        f"({ok} the 0.05 target; mean cluster {wol['mean_cluster_size']:.0f})"
    )
    print(json.dumps({"metropolis": met, "wolff": wol}))


if __name__ == "__main__":
    main()
