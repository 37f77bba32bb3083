"""The full layer analysis of MiniLM against one ``analyze`` run.

Run: ``python benchmarks/bench_layers.py [N_TEXTS]``. Both on the packaged
MiniLM, the same N_TEXTS (default 16) Shakespeare passages at 128 tokens, in
the same process (analyze gets the loaded model; layers loads its own copy,
about a second once the files are cached):
``analyze_attention`` with its defaults (the phase map and the finite-size
scan), and ``analyze_layers`` over 32 β values (capture with every head's β*,
commutators, product-vs-sum in both readings, BCH, rollouts, the Trotter sweep
n = 1…256 on 4 passages). Prints both times and the ratio.

Target (issue 13): the layer analysis costs at most 10x one analyze run.
"""

from __future__ import annotations

import sys
import time

from isingformer.threads import set_threads


def main() -> None:
    set_threads(1)
    from isingformer.layers.analysis import analyze_layers
    from isingformer.layers.capture import capture_layers
    from isingformer.probe import analyze_attention, load_model

    n_texts = int(sys.argv[1]) if len(sys.argv) > 1 else 16
    lm = load_model()
    analyze_attention(loaded=lm, n_texts=1, max_tokens=16, sizes=[])  # warm-up
    t0 = time.perf_counter()
    pm = analyze_attention(loaded=lm, n_texts=n_texts, max_tokens=128)
    t_an = time.perf_counter() - t0
    t0 = time.perf_counter()
    stack = capture_layers(n_texts=n_texts, max_tokens=128)
    r = analyze_layers(stack=stack)
    t_la = time.perf_counter() - t0
    print(f"MiniLM, {n_texts} passages x 128 tokens ({pm.n_tokens} tokens)")
    print(f"analyze (phase map + finite size) {t_an:8.1f} s")
    print(f"layers (32 β, Trotter 1..256)     {t_la:8.1f} s  {r.seconds}")
    ratio = t_la / t_an
    print(
        f"ratio layers / analyze = {ratio:.2f}  (target <= 10: {'ok' if ratio <= 10 else 'FAIL'})"
    )


if __name__ == "__main__":
    main()
