"""Training-speed targets of the β-attention GPT (issue 5), as ratios in one run.

1. Throughput with the ``sqrt_dk`` policy against the same GPT written with
   plain ``F.scaled_dot_product_attention`` (target: >= 0.9x).
2. The cost of re-measuring critical β every K = 100 steps, as a share of
   training time (target: <= 5%).

Times are CPU time of this process (``time.process_time``, one torch thread by
default), which is robust to other jobs sharing the cores.

    python benchmarks/bench_training.py [--steps 30] [--threads 1] [--size default|small]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from isingformer.lm.config import TrainConfig
from isingformer.lm.corpus import batch_generator, get_batch, prepare_data
from isingformer.lm.dynamics import calibrate_critical
from isingformer.lm.train import build_model, make_optimizer

SIZES = {
    "default": dict(n_layer=4, n_head=4, d_model=128, context=128, batch_size=32),
    "small": dict(n_layer=2, n_head=4, d_model=64, context=64, batch_size=16),
}


def step_times(cfg: TrainConfig, data, attention: str, steps: int) -> list[float]:
    model = build_model(cfg, data.vocab_size, attention=attention)
    opt = make_optimizer(model, cfg)
    times = []
    for step in range(steps + 3):
        x, y = get_batch(data.train, cfg.batch_size, cfg.context, batch_generator(0, step))
        t0 = time.process_time()
        _, loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step >= 3:  # warm-up steps excluded
            times.append(time.process_time() - t0)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--size", choices=sorted(SIZES), default="default")
    ap.add_argument("--K", type=int, default=100)
    args = ap.parse_args()
    from isingformer.threads import set_threads

    set_threads(args.threads)
    data = prepare_data("shakespeare", "char")
    base = TrainConfig(**SIZES[args.size])
    print(
        f"GPT {args.size}: {base.n_layer} layers, {base.n_head} heads, width {base.d_model}, "
        f"context {base.context}, batch {base.batch_size}; {args.threads} thread(s)"
    )

    # 1. sqrt_dk BetaAttention vs plain SDPA, interleaved repeats, median step time
    beta_t, sdpa_t = [], []
    for _ in range(args.repeats):
        sdpa_t += step_times(base, data, "sdpa", args.steps)
        beta_t += step_times(base, data, "beta", args.steps)
    tb, ts = statistics.median(beta_t), statistics.median(sdpa_t)
    tokens = base.batch_size * base.context
    print(f"plain SDPA GPT        : {ts * 1e3:8.2f} ms/step  {tokens / ts:10,.0f} tokens/s")
    print(f"BetaAttention sqrt_dk : {tb * 1e3:8.2f} ms/step  {tokens / tb:10,.0f} tokens/s")
    ratio = ts / tb
    print(
        f"throughput ratio sqrt_dk / plain = {ratio:.3f}  (target >= 0.9: {'PASS' if ratio >= 0.9 else 'FAIL'})"
    )

    # 2. critical re-measurement every K steps
    cfg = base.replace(policy="critical")
    model = build_model(cfg, data.vocab_size)
    crit_steps = statistics.median(step_times(cfg, data, "beta", args.steps))
    cal = []
    for i in range(args.repeats):
        x, _ = get_batch(data.train, cfg.calib_batch, cfg.context, batch_generator(0, i, 1))
        t0 = time.process_time()
        calibrate_critical(model, x)
        cal.append(time.process_time() - t0)
    tc = statistics.median(cal)
    share = tc / (args.K * crit_steps + tc)
    print(
        f"one calibration ({cfg.n_layer} layers, batch {cfg.calib_batch}): {tc * 1e3:.1f} ms; "
        f"critical training step: {crit_steps * 1e3:.2f} ms"
    )
    print(
        f"re-measuring β every K = {args.K} steps costs {100 * share:.2f}% of training time "
        f"(target <= 5%: {'PASS' if share <= 0.05 else 'FAIL'})"
    )


if __name__ == "__main__":
    main()
