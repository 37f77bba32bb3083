"""Cost of the attention phase map relative to one forward pass.

Default model (all-MiniLM-L6-v2), 32 Shakespeare passages x 128 tokens, 200 β
values per head. Prints the time of one forward pass of the batch (best of 3,
with the Q/K capture), the analysis (best of --reps, interleaved) time without the finite-size scan and
with it, and their ratios to the forward pass. Target (issue 3): the phase
map costs at most 20x one forward pass.

    python benchmarks/bench_analyze.py [--texts 32 --tokens 128 --betas 200]
"""

from __future__ import annotations

import argparse
import time

import torch

from isingformer.probe import analyze_attention, capture_qk, default_texts, load_model


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--texts", type=int, default=32)
    ap.add_argument("--tokens", type=int, default=128)
    ap.add_argument("--betas", type=int, default=200)
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    from isingformer.threads import set_threads

    set_threads(None)  # printed below with the model size
    lm = load_model()
    texts = default_texts(a.texts)
    # interleave forward passes and analyses and keep the best of each: the
    # machine is shared, and load from other processes must hit both alike
    fwd = t_map = t_all = float("inf")
    for _ in range(a.reps):
        fwd = min(fwd, capture_qk(lm, texts, a.tokens).seconds_forward)
        t0 = time.perf_counter()
        pm = analyze_attention(
            texts=texts, max_tokens=a.tokens, n_beta=a.betas, sizes=[], loaded=lm
        )
        t_map = min(t_map, time.perf_counter() - t0)
        fwd = min(fwd, capture_qk(lm, texts, a.tokens).seconds_forward)
        t0 = time.perf_counter()
        analyze_attention(texts=texts, max_tokens=a.tokens, n_beta=a.betas, loaded=lm)
        t_all = min(t_all, time.perf_counter() - t0)
    print(
        f"{lm.name}: {a.texts} x {a.tokens} tokens, {a.betas} β per head, "
        f"{len(pm.heads)} heads, {torch.get_num_threads()} threads"
    )
    print(f"one forward pass (with capture): {fwd:7.3f} s")
    print(
        f"phase map (no finite-size scan): {t_map:7.3f} s  = {t_map / fwd:5.1f}x forward "
        f"(target <= 20x: {'ok' if t_map / fwd <= 20 else 'ABOVE TARGET'})"
    )
    print(f"phase map + finite-size scan   : {t_all:7.3f} s  = {t_all / fwd:5.1f}x forward")


if __name__ == "__main__":
    main()
