"""The detector over the control parameters that are not a knob of one model:
the training step (a series of checkpoints) and a prompt parameter; and the
peak on a non-uniform grid.

On a non-uniform grid the linear indicator at λᵢ compares P(λᵢ₋₁) with
P(λᵢ₊₁), whose distance ``hᵢ = (λᵢ₊₁ − λᵢ₋₁)/2`` changes from point to point:
``D_lin ≈ hᵢ² F(λᵢ)``, so its maximum would favour the wide steps of the grid.
:func:`detect_on_grid` then places the peak at the maximum of the Fisher
information ``F = D_lin / hᵢ²`` (bootstrap over the same resamples); on a
uniform grid both are the same point.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from isingformer.errors import InputError
from isingformer.phases.detector import Detection, detect_from_terms, window_terms

__all__ = ["detect_control", "detect_on_grid", "detection_dict", "is_uniform"]


def is_uniform(x: np.ndarray, rtol: float = 1e-6) -> bool:
    """Whether the grid ``x [n]`` has equal steps (to ``rtol`` of the mean step)."""
    h = np.diff(np.asarray(x, dtype=np.float64))
    return bool(np.all(np.abs(h - h.mean()) <= rtol * abs(h.mean())))


def detect_on_grid(
    x, terms: dict[str, np.ndarray], *, n_boot: int = 200, seed: int = 0
) -> Detection:
    """:func:`~isingformer.phases.detector.detect_from_terms` (window 1) whose peak
    is that of the Fisher information ``F(λᵢ) = D_lin / hᵢ²`` where the grid ``x``
    is not uniform (``indicator``: ``"fisher"``); ``terms {name: [n − 2, P]}``."""
    x = np.asarray(x, dtype=np.float64)
    det = detect_from_terms(x, terms, n_boot=n_boot, seed=seed)
    if x.size >= 3 and not is_uniform(x):
        h2 = ((x[2:] - x[:-2]) / 2.0)[:, None] ** 2
        per_f = detect_from_terms(
            x, {**terms, "linear": terms["linear"] / h2}, n_boot=n_boot, seed=seed
        )
        det.peaks = [{**p, "indicator": "fisher"} for p in per_f.peaks]
    return det


def detection_dict(
    x, grid, terms: dict[str, np.ndarray], *, spacing: str, n_boot: int, seed: int
) -> dict:
    """:func:`detect_on_grid` as the command's JSON: with ``indicators_se`` when
    ``terms`` come from sampled continuations (they carry ``*_se``), and with the
    ``grid`` (the values λ) and the points and peaks back in λ when ``spacing`` is
    ``log`` (``x = ln λ``; F stays the Fisher information in ln λ)."""
    det = detect_on_grid(x, terms, n_boot=n_boot, seed=seed)
    out = det.to_dict()
    if "linear_se" in terms:  # the sampling error of each indicator (inside the bands too)
        from isingformer.phases.sampled import indicator_errors

        out["indicators_se"] = {k: v.tolist() for k, v in indicator_errors(terms).items()}
    if spacing == "log":
        out["grid"], out["points"] = np.asarray(grid).tolist(), np.exp(det.points).tolist()
        for p in out["peaks"]:
            p["value"] = float(np.exp(p["value"]))
            for key in ("ci", "ci_widened"):
                if p.get(key) is not None:  # back in λ, inside the grid (exp rounding)
                    lo_g, hi_g = float(np.min(grid)), float(np.max(grid))
                    p[key] = [min(max(float(np.exp(c)), lo_g), hi_g) for c in p[key]]
    return out


def _series(checkpoints, n_prompts: int, tokens: int, seed: int, continuation: int):
    """``(steps [G], paths, prompts [P, S])`` of a directory of checkpoints; the
    prompts cropped to ``context − continuation`` tokens when ``continuation`` > 1."""
    from isingformer.lm.sample import load_trained
    from isingformer.phases.api import _gpt_prompts
    from isingformer.phases.detector import MIN_GRID
    from isingformer.phases.series import checkpoint_series

    rows = checkpoint_series(checkpoints)
    if len(rows) < MIN_GRID:
        raise InputError(
            f"--checkpoints: {len(rows)} checkpoints in {checkpoints}; the detector needs at "
            f"least {MIN_GRID} (steps {', '.join(str(s) for s, _ in rows)})"
        )
    first = load_trained(rows[0][1])
    idx = _gpt_prompts(first, n_prompts, tokens, seed)
    if continuation > 1:  # prompt + continuation must fit the context (the same in every one)
        room = first.config.context - continuation
        if room < 1:
            raise InputError(
                f"--continuation {continuation} does not fit a context of {first.config.context}"
            )
        idx = idx[:, :room]
    steps = np.array([s for s, _ in rows], dtype=np.float64)
    return steps, [p for _, p in rows], idx


def _prompt_model(checkpoint, model, device: str):
    """``(model, encode, context)`` of ``--checkpoint`` or ``--model``."""
    if checkpoint is not None:
        from isingformer.lm.sample import load_trained

        if not Path(checkpoint).is_file():
            raise InputError(f"--checkpoint: no file {checkpoint}")
        trained = load_trained(checkpoint, device=device)
        tok = trained.tokenizer

        def encode(text: str):
            try:
                return tok.encode(text)
            except InputError as exc:
                raise InputError(
                    f"--template: {exc} of the checkpoint's {tok.kind} tokenizer (in {text[:60]!r})"
                ) from None

        return trained.model, encode, trained.config.context
    from isingformer.phases.api import load_causal_lm

    net, tok = load_causal_lm(model, device=device)
    cfg = net.config
    ctx = getattr(cfg, "n_positions", None) or getattr(cfg, "max_position_embeddings", None)

    def encode(text: str):
        return tok(text)["input_ids"]

    return net, encode, ctx


def detect_control(
    *,
    parameter: str,
    grid=None,
    checkpoints: str | Path | None = None,
    checkpoint: str | Path | None = None,
    model: str | Path | None = None,
    templates=None,
    n_prompts: int = 16,
    tokens: int = 64,
    n_boot: int = 200,
    seed: int = 0,
    spacing: str = "linear",
    device: str = "cpu",
    continuation: int = 1,
    samples: int = 64,
) -> dict:
    """The detector over ``parameter`` ``step`` (``checkpoints``: a directory of GPT
    checkpoints of one run; the grid is their training steps, ``grid`` must be
    None; prompts: ``n_prompts`` validation windows of ``tokens`` tokens of the
    run's corpus, the same for every checkpoint; every position counts) or
    ``prompt`` (``templates`` with the slot ``{x}`` filled with every value of
    ``grid``; the next-token distribution after the whole prompt; exactly one of
    ``checkpoint`` and ``model``). ``spacing="log"``: the detector works in ln λ
    (λ > 0). ``continuation`` > 1: the output compared is the continuation of
    that many tokens after the whole prompt, from ``samples`` sampled
    continuations per prompt and grid point
    (:func:`~isingformer.phases.sampled.sampled_terms`; over steps the prompts
    are cropped to ``context − continuation`` tokens, over a prompt parameter a
    prompt longer than that is refused). The peak is that of
    :func:`detect_on_grid`. Returns what
    :func:`~isingformer.phases.api.detect` returns, without ``model_value``
    (None) and ``validated_on`` (added by the caller)."""
    if spacing not in ("linear", "log"):
        raise InputError(f"--spacing must be linear or log, got {spacing!r}")
    if continuation < 1 or samples < 2:
        raise InputError("--continuation must be >= 1 and --samples >= 2")
    if parameter == "step":
        if grid is not None:
            raise InputError(
                "--grid is not used with --parameter step: the grid is the training steps of "
                "the checkpoints in --checkpoints (leave --grid out)"
            )
        if checkpoint is not None or model is not None or templates:
            raise InputError(
                "--parameter step takes --checkpoints DIR only (not --checkpoint, --model or "
                "--template)"
            )
        if checkpoints is None:
            raise InputError(
                "--parameter step needs --checkpoints DIR (the checkpoints of one run)"
            )
        g, paths, idx = _series(checkpoints, n_prompts, tokens, seed, continuation)
        extra = {"checkpoints": [str(p) for p in paths]}
        source, n_pos = str(checkpoints), int(idx.shape[1])
        if continuation > 1:
            from isingformer.phases.sampled import checkpoint_scorer

            scorer, output = checkpoint_scorer(paths, device), "of each checkpoint"
        else:
            from isingformer.phases.series import series_distributions

            dist = series_distributions(paths, idx.to(device), device)
            output = "exact next-token distributions of each checkpoint"
    elif parameter == "prompt":
        if checkpoints is not None:
            raise InputError(
                "--checkpoints is for --parameter step only; give --checkpoint or --model"
            )
        if grid is None:
            raise InputError("--parameter prompt needs --grid: the values put into {x}")
        if (checkpoint is None) == (model is None):
            raise InputError("give exactly one of --checkpoint and --model")
        from isingformer.phases.detector import check_grid
        from isingformer.phases.prompt import (
            PromptScorer,
            check_templates,
            encode_prompts,
            fill_templates,
            prompt_distributions,
        )

        g = check_grid(grid)
        texts = fill_templates(check_templates(templates), g)
        net, encode, ctx = _prompt_model(checkpoint, model, device)
        source, n_pos = str(checkpoint if checkpoint is not None else model), 1
        extra = {"templates": list(templates)}
        if continuation > 1:
            if ctx is not None and ctx - continuation < 1:
                raise InputError(f"--continuation {continuation} does not fit a context of {ctx}")
            scorer = PromptScorer(net, encode_prompts(encode, texts, ctx, continuation), device)
            idx, output = scorer.prompts(), "after the whole prompt"
        else:
            dist = prompt_distributions(net, encode, texts, context=ctx, device=device)
            output = "exact next-token distribution after the whole prompt"
    else:
        raise InputError(f"--parameter {parameter!r} is not step or prompt")
    if spacing == "log" and np.any(g <= 0):
        raise InputError(f"--spacing log needs {parameter} values > 0, got {g.min():g}")
    x = np.log(g) if spacing == "log" else g
    if continuation > 1:
        from isingformer.phases.sampled import sampled_terms

        output = f"{samples} sampled continuations of {continuation} tokens per prompt {output}"
        terms = sampled_terms(
            scorer, idx.to(device), n_samples=samples, length=continuation, seed=seed
        )
    else:
        terms = window_terms(dist, g.size)
    out = detection_dict(x, g, terms, spacing=spacing, n_boot=n_boot, seed=seed)
    out.update(
        {
            "parameter": parameter,
            "spacing": spacing,
            "source": source,
            "seed": int(seed),  # the prompts and the bootstrap: enough to rerun it
            "n_positions": n_pos,
            "continuation": continuation,
            "output": output,
            "model_value": None,
            "model_inside_ci": [],
            **extra,
        }
    )
    return out
