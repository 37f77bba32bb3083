"""β sweep of a trained GPT: the validation loss when every head's β is
multiplied by a factor f (f = 1 is the trained model), as a data frame.

    isingformer train --policy critical --steps 1000 --out runs/crit
    python examples/beta_sweep_gpt.py --checkpoint runs/crit/checkpoint.pt

Without ``--checkpoint`` a small GPT is trained first (``--tiny``: a few steps).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", default=None, help="checkpoint.pt of 'isingformer train'")
    parser.add_argument("--factors", default="0.25,0.5,0.75,1,1.5,2,4", help="β multipliers")
    parser.add_argument("--windows", type=int, default=64, help="validation windows")
    parser.add_argument("--tiny", action="store_true", help="seconds-sized run (tests)")
    args = parser.parse_args(argv)

    import pandas as pd

    from isingformer.lm.sample import beta_sweep, load_trained

    checkpoint = args.checkpoint
    if checkpoint is None:  # train a small model first
        from isingformer.lm import TrainConfig, train

        size = dict(n_layer=2, n_head=2, d_model=32, context=32, steps=8, eval_every=4)
        cfg = TrainConfig(policy="critical", batch_size=8, warmup=2, **size)
        out = Path(tempfile.mkdtemp(prefix="beta_sweep_"))
        checkpoint = train(cfg, out=out, progress=False).checkpoint
    trained = load_trained(checkpoint)
    factors = [float(f) for f in args.factors.split(",")]
    table = pd.DataFrame(beta_sweep(trained, factors, n_windows=8 if args.tiny else args.windows))
    print(f"{trained.config.policy} GPT at step {trained.step}:")
    print(table.to_string(index=False))
    best = table.loc[table["val_loss"].idxmin()]
    print(f"lowest validation loss at f = {best['factor']:g} (loss {best['val_loss']:.4f})")
    return table


if __name__ == "__main__":
    main()
