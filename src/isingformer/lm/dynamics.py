"""Dynamic β during training: calibrating ``critical`` heads, stepping
``annealed`` schedules, and reading every head's current β."""

from __future__ import annotations

import torch
from torch import nn

__all__ = [
    "CALIBRATION_DTYPE",
    "beta_matrix",
    "calibrate_critical",
    "has_calibration",
    "set_schedule_step",
]

#: Precision of the heat-capacity curves when dynamic β re-measures β*
#: (unless a policy's ``measure_kwargs`` names a ``dtype``): float32 curves are
#: ~1.6x cheaper and move β* by ~1e-4 of its bootstrap error
#: (tests/lm/test_dynamics_float32.py).
CALIBRATION_DTYPE = torch.float32


def _policy(layer: nn.Module):
    return getattr(layer, "policy", None)


def _measures(pol) -> bool:
    """Does this policy measure β* when calibrated? (Every policy has a
    ``calibrate`` method; only ``critical`` and ``annealed`` with a critical
    target do anything in it.)"""
    return getattr(pol, "name", None) == "critical" or bool(getattr(pol, "critical_target", False))


def has_calibration(model) -> bool:
    """True if any attention layer's policy measures β* (``critical``)."""
    return any(_measures(_policy(m)) for m in model.attention_layers())


def beta_matrix(model) -> list[list[float]]:
    """Current β of every head, ``[n_layer][n_head]``. For the plain SDPA
    reference, 1/sqrt(d_head)."""
    out = []
    for layer in model.attention_layers():
        pol = _policy(layer)
        if pol is None:
            d_head = layer.out.in_features // layer.n_heads
            out.append([d_head**-0.5] * layer.n_heads)
            continue
        fn = getattr(pol, "current_beta", None) or pol.beta
        with torch.no_grad():
            b = torch.as_tensor(fn()).detach().float().reshape(-1).cpu()
        out.append([float(v) for v in b])
    return out


@torch.no_grad()
def calibrate_critical(model, x: torch.Tensor) -> list[list[float]]:
    """Re-measure β* of every calibratable head on the batch ``x`` [B, T].

    Layers are calibrated in depth order, each on the queries and keys it
    receives once the layers below it sit at their new β — all in **one**
    forward pass: a pre-hook on each calibratable attention module runs that
    module alone on its input to capture Q and K, calibrates its policy, and
    then lets the forward go on at the new β (Q and K do not depend on the
    layer's own β). This gives the same β as one forward pass per layer, at
    the cost of one forward pass plus one attention module per calibrated
    layer. Runs in eval mode (no dropout) inside a forked RNG, so it leaves
    the training random stream untouched. The curves are computed in
    :data:`CALIBRATION_DTYPE` unless a policy's ``measure_kwargs`` says
    otherwise. Returns the new β matrix.
    """
    targets = [m for m in model.attention_layers() if _measures(_policy(m))]
    busy: set[int] = set()

    def measure(module, args, kwargs):
        if id(module) in busy:  # the capturing call itself
            return None
        busy.add(id(module))
        module.capture = True
        try:
            module(*args, **kwargs)
            q, k = module.last_q, module.last_k  # [B, H, T, d_head]
        finally:
            module.capture = False
            module.last_q = module.last_k = None
            busy.discard(id(module))
        pol = _policy(module)
        kw = pol.measure_kwargs
        saved = dict(kw)
        kw.setdefault("dtype", CALIBRATION_DTYPE)
        try:
            pol.calibrate(q, k)
        finally:
            kw.clear()
            kw.update(saved)
        return None

    was_training = model.training
    model.eval()
    hooks = [m.register_forward_pre_hook(measure, with_kwargs=True) for m in targets]
    try:
        if targets:
            with torch.random.fork_rng(devices=[]):
                model(x)
    finally:
        for h in hooks:
            h.remove()
        model.train(was_training)
    return beta_matrix(model)


def set_schedule_step(model, step: int) -> None:
    """Advance every scheduled (``annealed``) policy to ``step``."""
    for layer in model.attention_layers():
        pol = _policy(layer)
        if hasattr(pol, "set_step"):
            pol.set_step(step)
