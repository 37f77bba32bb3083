"""Phase map of a model: every attention head's own β against the critical β*
of its attention rows, as a pandas data frame.

    python examples/phase_map.py                       # the packaged MiniLM
    python examples/phase_map.py --model DIR_OR_HUB_ID # any local HF model
    python examples/phase_map.py --model DIR --csv heads.csv

A model trained by ``isingformer train`` works too, after
``isingformer export-hf --checkpoint runs/.../checkpoint.pt --out DIR``.
"""

from __future__ import annotations

import argparse


def main(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="HF model directory or cached hub id")
    parser.add_argument("--n-texts", type=int, default=None, help="passages (default 32)")
    parser.add_argument(
        "--max-tokens", type=int, default=None, help="tokens per passage (default 128)"
    )
    parser.add_argument("--csv", default=None, help="also write the table here")
    parser.add_argument("--tiny", action="store_true", help="seconds-sized run (tests)")
    args = parser.parse_args(argv)

    from isingformer.probe import analyze_attention

    # the option names of `isingformer analyze`, whose errors name them
    small = {"n_texts": 2, "max_tokens": 16, "sizes": [], "n_boot": 5} if args.tiny else {}
    given = {"n_texts": args.n_texts, "max_tokens": args.max_tokens}
    pmap = analyze_attention(
        args.model,
        **{"n_texts": 32, "max_tokens": 128, **small, **{k: v for k, v in given.items() if v}},
    )
    heads = pmap.to_dataframe()  # one row per (layer, head)
    print(f"{pmap.model}: {pmap.n_layers} layers x {pmap.n_heads} heads, {pmap.counts()}")
    print(heads[["layer", "head", "beta_model", "beta_peak", "ratio", "phase"]].to_string())
    print(heads.groupby("layer")["ratio"].median().rename("median β_model/β* per layer"))
    if args.csv:
        heads.to_csv(args.csv, index=False)
    return heads


if __name__ == "__main__":
    main()
