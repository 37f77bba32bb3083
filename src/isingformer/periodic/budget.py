"""The combined work and memory ceiling of ``isingformer periodic``, checked
before anything is trained or loaded (via :func:`isingformer.validate.check_work`
and :func:`~isingformer.validate.check_memory`, the helpers behind
``cli/_limits.py``; limits ``ISINGFORMER_MAX_WORK``, default 1e12, and
``ISINGFORMER_MAX_MEMORY``).

Rough estimates, in multiply-adds:

- training (models trained here): runs x steps x tokens per step x 3 x
  parameters (forward 1, backward 2 multiply-adds per parameter and token),
  runs = 4 bias rows x 2 β policies x seeds;
- measures: models x windows x layers·heads x T² x (β grid points) x 10
  (a softmax, two moments and their update per logit and grid point);
- memory: one model's float64 logits ``[windows, L·H, T, T]`` with 8
  temporaries of that size, plus its ``[windows, L·H, T, K]`` heat capacities.
"""

from __future__ import annotations

__all__ = ["CHAR_VOCAB", "check_study_budget", "gpt_params", "study_cost"]

F8 = 8.0
CHAR_VOCAB = 65  # characters of the packaged Shakespeare corpus
OPS_PER_LOGIT = 10.0
TEMPORARIES = 8


def gpt_params(n_layer: int, d_model: int, context: int, vocab: int = CHAR_VOCAB) -> int:
    """An upper estimate of a GPT's parameter count: 12·L·d² (attention and
    MLP) + 2·V·d (embedding and head) + T·d (positions)."""
    return 12 * n_layer * d_model * d_model + 2 * vocab * d_model + context * d_model


def study_cost(
    *,
    runs: int,
    steps: int,
    tokens_per_step: int,
    n_params: int,
    models: int,
    windows: int,
    heads: int,
    keys: int,
    grid: int,
) -> tuple[float, float]:
    """``(work, memory)``: multiply-adds of training and measuring, and peak
    bytes of one model's measures (see the module docstring)."""
    train = 3.0 * float(n_params) * tokens_per_step * steps * runs
    logits = float(windows) * heads * keys * keys
    measure = OPS_PER_LOGIT * models * logits * grid
    memory = F8 * (TEMPORARIES * logits + float(windows) * heads * keys * grid)
    return train + measure, memory


def check_study_budget(
    *,
    seeds: int,
    steps: int,
    windows: int,
    trained_here: bool,
    models: int = 0,
    heads: int = 0,
    keys: int = 0,
    encoder: bool = False,
) -> dict:
    """Refuse (:class:`~isingformer.errors.InputError`, one line naming the
    estimate and the limit) a study over the work or memory ceiling; returns
    the estimate. ``trained_here``: the models are trained with the tiny
    configuration (``seeds`` per row); otherwise ``models`` checkpoints of
    ``heads`` layer-heads and context ``keys``. ``encoder`` adds MiniLM's
    measures (16 passages x 72 layer-heads x 64 tokens, 3 biases)."""
    from isingformer.periodic.study import DEFAULT_BETAS, XI_BETAS
    from isingformer.periodic.training import POLICIES, ROWS, TINY_MODEL
    from isingformer.validate import check_memory, check_work

    grid = len(DEFAULT_BETAS) + len(XI_BETAS)
    if trained_here:
        tm = TINY_MODEL
        runs = len(ROWS) * len(POLICIES) * seeds
        models, heads, keys = 3 * seeds, tm["n_layer"] * tm["n_head"], tm["context"]
        n_params = gpt_params(tm["n_layer"], tm["d_model"], tm["context"])
        tokens = tm["batch_size"] * tm["context"]
    else:
        runs, n_params, tokens = 0, 0, 0
    work, memory = study_cost(
        runs=runs,
        steps=steps,
        tokens_per_step=tokens,
        n_params=n_params,
        models=models,
        windows=windows,
        heads=heads,
        keys=keys,
        grid=grid,
    )
    if encoder:
        enc_work, enc_memory = study_cost(
            runs=0,
            steps=0,
            tokens_per_step=0,
            n_params=0,
            models=3,
            windows=16,
            heads=72,
            keys=64,
            grid=grid,
        )
        work, memory = work + enc_work, max(memory, enc_memory)
    if trained_here:
        what = (
            f"--seeds {seeds} x --steps {steps} ({runs} runs of {n_params:,} parameters) "
            f"and --n-texts {windows} on {grid} β values"
        )
    else:
        what = f"{models} checkpoints x --n-texts {windows} ({heads} heads, T = {keys}) on {grid} β values"
    check_memory(memory, what)
    check_work(work, None, what, "multiply-adds")
    return {"work": work, "memory": memory, "unit": "multiply-adds"}
