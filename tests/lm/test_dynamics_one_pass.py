"""calibrate_critical in one forward pass (pre-hooks) gives the β of the
definition: one forward pass per layer, in depth order, each layer measured
on the input it gets once the layers below sit at their new β."""

from __future__ import annotations

import copy

import torch

from isingformer.lm.config import TrainConfig
from isingformer.lm.dynamics import CALIBRATION_DTYPE, beta_matrix, calibrate_critical
from isingformer.lm.train import build_model


@torch.no_grad()
def _per_layer_reference(model, x):
    """The definition, literally: one full forward pass per calibrated layer."""
    model.eval()
    for layer in model.attention_layers():
        layer.policy.measure_kwargs["dtype"] = CALIBRATION_DTYPE  # as calibrate_critical
        layer.capture = True
        model(x)
        layer.capture = False
        layer.policy.calibrate(layer.last_q, layer.last_k)
    return beta_matrix(model)


def test_one_pass_equals_one_forward_per_layer():
    cfg = TrainConfig(n_layer=3, n_head=2, d_model=16, context=24, dropout=0.1, policy="critical")
    model = build_model(cfg, vocab_size=40)
    model.train()
    x = torch.randint(0, 40, (4, 24), generator=torch.Generator().manual_seed(1))
    ref_model = copy.deepcopy(model)
    ref = _per_layer_reference(ref_model, x)
    torch.manual_seed(7)
    got = calibrate_critical(model, x)
    after = torch.rand(3)
    torch.manual_seed(7)
    assert torch.equal(after, torch.rand(3))  # the training random stream is untouched
    assert model.training  # mode restored
    assert all(not m._forward_pre_hooks for m in model.attention_layers())  # hooks removed
    assert torch.allclose(torch.tensor(got), torch.tensor(ref), rtol=1e-12, atol=0)
    # the upper layers were measured on inputs that depend on the lower layers' new β
    assert (torch.tensor(got) != 8**-0.5).all()  # every head was recalibrated
    for layer in model.attention_layers():
        assert layer.policy.n_calibrations == 1
        assert layer.last_q is None and not layer.capture
