"""A small softmax transformer for in-context regression, built from
:class:`isingformer.attention.BetaAttention` (any β policy).

Tokens are ``[x_i, y_i, 0]`` for the context and ``[x_q, 0, 1]`` for the
query (the last coordinate flags the query); two pre-norm blocks
(β-attention without a causal mask, then an MLP) and a linear read-out of
the query position give ``ŷ``. Trained with Adam on fresh sequences from the
pool every step (``steps × batch`` sequences in all).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from isingformer.icl.task import IclBatch, IclTask, sample_batch

__all__ = ["TrainedSoftmax", "make_softmax_model", "train_softmax"]


def _tokens(batch: IclBatch):
    import torch

    n, ell, _ = batch.x.shape
    ctx = np.concatenate([batch.x, batch.y[..., None], np.zeros((n, ell, 1))], axis=-1)
    q = np.concatenate([batch.xq, np.zeros((n, 1)), np.ones((n, 1))], axis=-1)[:, None]
    return torch.as_tensor(np.concatenate([ctx, q], axis=1), dtype=torch.float32)


def _model_class():
    import torch
    from torch import nn

    from isingformer.attention import BetaAttention

    class SoftmaxIcl(nn.Module):
        """``[B, ℓ + 1, d + 2]`` tokens → ``[B]`` predictions."""

        def __init__(self, dim: int, width: int, heads: int, layers: int, policy: str) -> None:
            super().__init__()
            self.embed = nn.Linear(dim + 2, width)
            self.attn = nn.ModuleList(
                BetaAttention(width, heads, policy=policy, causal=False) for _ in range(layers)
            )
            self.norm1 = nn.ModuleList(nn.LayerNorm(width) for _ in range(layers))
            self.norm2 = nn.ModuleList(nn.LayerNorm(width) for _ in range(layers))
            self.mlp = nn.ModuleList(
                nn.Sequential(nn.Linear(width, 2 * width), nn.GELU(), nn.Linear(2 * width, width))
                for _ in range(layers)
            )
            self.head = nn.Linear(width, 1)

        def forward(self, z: torch.Tensor) -> torch.Tensor:
            h = self.embed(z)
            for attn, n1, n2, mlp in zip(self.attn, self.norm1, self.norm2, self.mlp, strict=True):
                h = h + attn(n1(h))
                h = h + mlp(n2(h))
            return self.head(h[:, -1]).squeeze(-1)

    return SoftmaxIcl


def make_softmax_model(
    dim: int, width: int = 32, heads: int = 2, layers: int = 2, policy: str = "sqrt_dk"
):
    """The softmax model (a torch ``nn.Module``): tokens ``[B, ℓ + 1, dim + 2]``
    → predictions ``[B]``; ``policy`` is any β policy of
    :data:`isingformer.attention.BETA_POLICIES`."""
    return _model_class()(dim, width, heads, layers, policy)


@dataclass
class TrainedSoftmax:
    """A trained model, its final training loss and its heads' critical points."""

    model: object
    final_loss: float
    beta_over_critical: list[float] = field(default_factory=list)

    def predict(self, batch: IclBatch) -> np.ndarray:
        """Predictions ``[n]`` (float64)."""
        import torch

        with torch.no_grad():
            return self.model(_tokens(batch)).double().numpy()

    def summary(self) -> dict:
        """JSON-able: final loss, per-head β/β* and their mean."""
        finite = [b for b in self.beta_over_critical if np.isfinite(b)]
        return {
            "final_loss": self.final_loss,
            "beta_over_critical_heads": self.beta_over_critical,
            "beta_over_critical": float(np.mean(finite)) if finite else None,
        }


def _critical_ratios(model, batch: IclBatch, seed: int) -> list[float]:
    """Operating β over the heat-capacity peak β* of every head (the
    ``analyze`` measurement), on the attention logits of ``batch``."""
    import torch

    from isingformer.attention import measure_critical_beta

    for attn in model.attn:
        attn.capture = True
    with torch.no_grad():
        model(_tokens(batch))
    out = []
    for attn in model.attn:
        attn.capture = False
        crit = measure_critical_beta(attn.last_q, attn.last_k, causal=False, n_boot=10, seed=seed)
        beta = attn.policy.beta().detach().double()
        out += [float(b / c) for b, c in zip(beta, crit.beta.double(), strict=True)]
    return out


def train_softmax(
    task: IclTask,
    pool: np.ndarray | None,
    rng: np.random.Generator,
    *,
    steps: int = 300,
    batch: int = 64,
    width: int = 32,
    heads: int = 2,
    layers: int = 2,
    lr: float = 1e-3,
    policy: str = "sqrt_dk",
    init_seed: int | None = None,
    critical: bool = True,
) -> TrainedSoftmax:
    """Train on sequences whose tasks come from ``pool`` ``[k, d]`` (None: fresh
    tasks), ``steps`` Adam steps of ``batch`` new sequences each, drawn from
    ``rng``. ``init_seed`` seeds the initial weights (None: drawn from ``rng``),
    so two calls with equal ``rng`` states and different ``init_seed`` are
    replicas: same data, independent initialisations. ``critical`` False skips
    the heads' critical points."""
    import torch

    torch.manual_seed(int(rng.integers(2**62)) if init_seed is None else int(init_seed))
    model = make_softmax_model(task.dim, width, heads, layers, policy)
    opt = torch.optim.Adam(model.parameters(), lr=lr, foreach=True)
    loss = torch.tensor(float("nan"))
    for _ in range(steps):
        b = sample_batch(task, batch, rng, pool)
        pred = model(_tokens(b))
        loss = torch.mean((pred - torch.as_tensor(b.yq, dtype=torch.float32)) ** 2)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    ratios = (
        _critical_ratios(model, sample_batch(task, 256, rng, pool), int(rng.integers(2**31)))
        if critical
        else []
    )
    return TrainedSoftmax(model=model, final_loss=float(loss.detach()), beta_over_critical=ratios)
