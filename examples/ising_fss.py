"""An Ising finite-size-scaling study: Binder-cumulant crossings give T_c and
ν, the susceptibility peak γ/ν; compared with Onsager's exact answers.

    python examples/ising_fss.py                    # L = 16, 32, 64
    python examples/ising_fss.py --sizes 8,16,32 --sweeps 5000
"""

from __future__ import annotations

import argparse


def main(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="16,32,64", help="lattice sides L")
    parser.add_argument("--sweeps", type=int, default=20000, help="Wolff sweeps per point")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tiny", action="store_true", help="seconds-sized run (tests)")
    args = parser.parse_args(argv)

    import numpy as np
    import pandas as pd

    from isingformer.physics import tc_study

    sizes = [8, 12] if args.tiny else [int(s) for s in args.sizes.split(",")]
    temps = np.linspace(2.0, 2.6, 7 if args.tiny else 13)
    r = tc_study(
        sizes,
        temps,
        sweeps=400 if args.tiny else args.sweeps,
        seed=args.seed,
        executor="serial" if args.tiny else "process",
        progress=False,
        n_boot=20 if args.tiny else 200,
    )
    curves = pd.DataFrame(
        [
            {"L": L, "T": T, "binder": u, "binder_err": du, "chi": x}
            for L, us, dus, xs in zip(
                r["sizes"],
                r["curves"]["binder"],
                r["curves"]["binder_err"],
                r["curves"]["susceptibility"],
                strict=True,
            )
            for T, u, du, x in zip(r["temperatures"], us, dus, xs, strict=True)
        ]
    )
    print(curves.pivot(index="T", columns="L", values="binder").round(4).to_string())
    print(f"T_c = {r['tc']:.4f} ± {r['tc_err']:.4f}  (exact {r['exact_tc']:.4f})")
    print(f"ν = {r['nu']:.3f} ± {r['nu_err']:.3f}  (exact {r['exact_nu']})")
    print(f"γ/ν = {r['gamma_over_nu']:.3f} ± {r['gamma_over_nu_err']:.3f}  (exact 1.75)")
    return r, curves


if __name__ == "__main__":
    main()
