"""Training-speed targets of the β-attention GPT (issue 5), as ratios in one run.

1. Throughput with the ``sqrt_dk`` policy against the same GPT written with
   plain ``F.scaled_dot_product_attention`` (target: >= 0.9x).
2. The cost of re-measuring critical β every K = 100 steps, as a share of
   training time (target: <= 2%): blocks of training steps of a ``critical``
   model at fixed β interleaved with calibrations on the same model (median
   step, median calibration), and the calibration as it was (one forward
   pass per layer) and with float64 heat-capacity curves timed alongside.

Times are CPU time of this process (``time.process_time``, one torch thread by
default), which is robust to other jobs sharing the cores.

    python benchmarks/bench_training.py [--steps 30] [--threads 1] [--size default|small] [--calibrations 7]
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
    return train_steps(model, opt, cfg, data, steps + 3, start=0)[3:]  # warm-up steps excluded


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--size", choices=sorted(SIZES), default="default")
    ap.add_argument("--K", type=int, default=100)
    ap.add_argument("--calibrations", type=int, default=7, help="interleaved calibrations (n)")
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

    # 2. dynamic β: the critical policy re-measured every K steps, against the
    # same model at fixed β. Blocks of training steps and calibrations are
    # interleaved on one model, so load and cache state hit both alike.
    cfg = base.replace(policy="critical")
    model = build_model(cfg, data.vocab_size)
    opt = make_optimizer(model, cfg)
    n_cal = max(3, args.calibrations)
    per_block = max(2, args.steps // n_cal)

    def calib_batch(i: int) -> torch.Tensor:
        return get_batch(data.train, cfg.calib_batch, cfg.context, batch_generator(0, i, 1))[0]

    calibrate_critical(model, calib_batch(0))  # warm-up (compilation)
    steps, cal, cal_ref, cal64 = [], [], [], []
    for i in range(n_cal):
        steps += train_steps(model, opt, cfg, data, per_block, start=i * per_block)
        t0 = time.process_time()
        calibrate_critical(model, calib_batch(i + 1))
        cal.append(time.process_time() - t0)
        t0 = time.process_time()
        calibrate_per_layer(model, calib_batch(i + 1))
        cal_ref.append(time.process_time() - t0)
        t0 = time.process_time()
        calibrate_float64(model, calib_batch(i + 1))
        cal64.append(time.process_time() - t0)
    ts, tc, tr, t64 = (statistics.median(v) for v in (steps, cal, cal_ref, cal64))
    share = tc / (args.K * ts + tc)
    print(
        f"critical training step (fixed β): {ts * 1e3:.2f} ms (median of {len(steps)}); "
        f"one calibration ({cfg.n_layer} layers, batch {cfg.calib_batch}, one forward pass): "
        f"{tc * 1e3:.1f} ms (median of {n_cal}); with one forward pass per layer "
        f"(before): {tr * 1e3:.1f} ms"
    )
    print(
        f"one calibration with float64 curves: {t64 * 1e3:.1f} ms (median of {n_cal}); "
        f"float64 / float32 (the default) = {t64 / tc:.2f}x"
    )
    print(
        f"training time with dynamic β / fixed β at K = {args.K}: {1 + tc / (args.K * ts):.4f}x "
        f"(target <= 1.02x)"
    )
    print(
        f"re-measuring β every K = {args.K} steps costs {100 * share:.2f}% of training time "
        f"(target <= 2%: {'PASS' if share <= 0.02 else 'FAIL'}; "
        f"before: {100 * tr / (args.K * ts + tr):.2f}%)"
    )


@torch.no_grad()
def calibrate_per_layer(model, x: torch.Tensor) -> None:
    """The calibration as it was: one full forward pass per layer (timing reference)."""
    model.eval()
    with torch.random.fork_rng(devices=[]):
        for layer in model.attention_layers():
            layer.capture = True
            model(x)
            layer.capture = False
            layer.policy.calibrate(layer.last_q, layer.last_k)
            layer.last_q = layer.last_k = None
    model.train()


@torch.no_grad()
def calibrate_float64(model, x: torch.Tensor) -> None:
    """The one-pass calibration with float64 heat-capacity curves (timing reference)."""
    for layer in model.attention_layers():
        layer.policy.measure_kwargs["dtype"] = torch.float64
    try:
        calibrate_critical(model, x)
    finally:
        for layer in model.attention_layers():
            layer.policy.measure_kwargs.pop("dtype", None)


def train_steps(model, opt, cfg: TrainConfig, data, n: int, start: int) -> list[float]:
    """CPU time of ``n`` training steps of ``model`` (batches ``start …``)."""
    times = []
    for step in range(start, start + n):
        x, y = get_batch(data.train, cfg.batch_size, cfg.context, batch_generator(0, step))
        t0 = time.process_time()
        _, loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        times.append(time.process_time() - t0)
    return times


if __name__ == "__main__":
    main()
