"""Dynamic β during training: calibrating ``critical`` heads, stepping
``annealed`` schedules, and reading every head's current β."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["beta_matrix", "calibrate_critical", "has_calibration", "set_schedule_step"]


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
    receives once the layers below it sit at their new β (one forward pass
    per layer). Runs in eval mode (no dropout) inside a forked RNG, so it
    leaves the training random stream untouched. Returns the new β matrix.
    """
    layers = model.attention_layers()
    was_training = model.training
    model.eval()
    try:
        with torch.random.fork_rng(devices=[]):
            for layer in layers:
                pol = _policy(layer)
                if not _measures(pol):
                    continue
                layer.capture = True
                try:
                    model(x)
                    q, k = layer.last_q, layer.last_k  # [B, H, T, d_head]
                finally:
                    layer.capture = False
                layer.last_q = layer.last_k = None
                pol.calibrate(q, k)
    finally:
        model.train(was_training)
    return beta_matrix(model)


def set_schedule_step(model, step: int) -> None:
    """Advance every scheduled (``annealed``) policy to ``step``."""
    for layer in model.attention_layers():
        pol = _policy(layer)
        if hasattr(pol, "set_step"):
            pol.set_step(step)
