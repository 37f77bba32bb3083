"""``detect``: the output-distribution transition detector on a GPT checkpoint
or a local Hugging Face causal LM, with the validation systems alongside."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from isingformer.errors import InputError, IsingformerError, ModelLoadError
from isingformer.phases.control import detection_dict
from isingformer.phases.detector import check_grid, window_terms

__all__ = ["PARAMETERS", "detect", "load_causal_lm"]

PARAMETERS = ("temperature", "beta", "step", "prompt")


def load_causal_lm(path: str | Path, device: str = "cpu"):
    """``(model, tokenizer)`` of a local Hugging Face causal LM (no download, no
    remote code, weights from safetensors or ``torch.load(weights_only=True)``),
    attention through the isingformer adapter. One-line InputError or
    ModelLoadError if the directory does not hold a causal LM, names custom
    code (``auto_map``), cannot be read, or lacks weights the model needs
    (transformers would initialize them at random)."""
    import isingformer.attention  # noqa: F401  (registers the "isingformer" attention)
    from isingformer.probe.model import (
        _check_complete,
        _check_config,
        _first_line,
        _load_error,
        _quiet_loading,
        check_device,
    )

    dev = check_device(device)  # an absent device is an InputError, not a traceback
    p = Path(path)
    if not p.is_dir():
        raise InputError(f"--model: {p} is not a directory with a Hugging Face model")
    _check_config(p)  # config.json readable, no auto_map, a model_type transformers knows
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES

    try:
        cfg = AutoConfig.from_pretrained(p, local_files_only=True, trust_remote_code=False)
    except Exception as exc:  # transformers raises many types for a broken config
        raise InputError(
            f"--model: cannot read a model config in {p}: {_first_line(exc)}"
        ) from None
    if cfg.model_type not in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES or getattr(
        cfg, "is_encoder_decoder", False
    ):
        raise InputError(
            f"--model: {p} is a {cfg.model_type!r} model, not a causal (decoder-only) language "
            "model; give a GPT-2/Llama-like model or --checkpoint"
        )
    with _quiet_loading():  # library code never prints: no progress bars, no load report
        try:
            model, info = AutoModelForCausalLM.from_pretrained(
                p, local_files_only=True, trust_remote_code=False, weights_only=True,
                attn_implementation="isingformer", output_loading_info=True,
            )  # fmt: skip
        except IsingformerError:
            raise  # e.g. an attention that bypasses the adapter: already one line
        except Exception as exc:  # corrupt or pickled-code weights, shape mismatches, ...
            raise ModelLoadError(f"--model: cannot load {p}: {_load_error(exc)}") from None
    model = model.eval().to(dev)
    if not is_causal(model, int(cfg.vocab_size), dev):
        raise InputError(
            f"--model: {p} ({cfg.model_type}) is not a causal language model: its logits at a "
            "position change with later tokens; give a decoder-only model or --checkpoint"
        )
    _check_complete(p, model, info)
    try:
        tok = AutoTokenizer.from_pretrained(p, local_files_only=True, trust_remote_code=False)
    except Exception as exc:
        raise ModelLoadError(
            f"--model: cannot load the tokenizer of {p}: {_first_line(exc)}"
        ) from None
    return model, tok


@torch.no_grad()
def is_causal(model, vocab_size: int, device: str = "cpu", length: int = 8) -> bool:
    """Whether changing the last token leaves every earlier position's logits unchanged."""
    g = torch.Generator().manual_seed(0)
    a = torch.randint(0, vocab_size, (1, length), generator=g).to(device)
    b = a.clone()
    b[0, -1] = (a[0, -1] + 1) % vocab_size
    la, lb = (model(x).logits[0, :-1].double() for x in (a, b))
    return bool(torch.allclose(la, lb, rtol=1e-4, atol=1e-5))


def _gpt_prompts(trained, n_prompts: int, tokens: int, seed: int) -> torch.Tensor:
    val = torch.as_tensor(np.array(trained.data.val))  # a copy: the corpus may be read-only
    S = min(tokens, trained.config.context, len(val) - 1)
    g = torch.Generator().manual_seed(seed)
    starts = torch.randint(0, len(val) - S, (n_prompts,), generator=g)
    return torch.stack([val[s : s + S] for s in starts.tolist()]).long()


def _hf_prompts(tok, n_prompts: int, tokens: int, seed: int, texts: str | None) -> torch.Tensor:
    from isingformer.probe.texts import default_texts, read_texts

    passages = (
        default_texts(n_prompts, seed=seed) if texts is None else read_texts(texts, n_prompts)
    )
    ids = [tok(t)["input_ids"][:tokens] for t in passages]
    S = min(len(i) for i in ids)
    if S < 2:
        raise InputError("--texts: every passage needs at least 2 tokens")
    return torch.tensor([i[:S] for i in ids], dtype=torch.long)


def detect(
    *,
    parameter: str,
    grid=None,
    checkpoint: str | Path | None = None,
    model: str | Path | None = None,
    texts: str | None = None,
    n_prompts: int = 16,
    tokens: int = 64,
    n_boot: int = 200,
    seed: int = 0,
    validate: bool = True,
    spacing: str = "linear",
    device: str = "cpu",
    continuation: int = 1,
    samples: int = 64,
    checkpoints: str | Path | None = None,
    templates: list[str] | None = None,
) -> dict:
    """Dissimilarity indicators of the next-token distributions over ``grid``.

    ``parameter``: ``temperature`` (sampling temperature T) or ``beta`` (the
    factor multiplying every head's own β; 1 is the model as it is). Exactly
    one of ``checkpoint`` (a GPT of ``isingformer train``) and ``model`` (a
    local Hugging Face causal LM directory). ``spacing="log"``: the detector
    works in ln λ (for values spanning decades: F is then the Fisher
    information in ln λ, scale-free; on a linear T grid ``F_T = Var(z)/T⁴``
    always grows towards T → 0). ``continuation`` > 1: the
    output is a continuation of that many tokens, which cannot be enumerated;
    the indicators are estimated from ``samples`` sampled continuations per
    prompt and grid point (:mod:`isingformer.phases.sampled`). Returns the contract keys
    ``grid``, ``indicators`` {``tv``, ``js``, ``linear``}, ``peaks``
    (``value``, ``ci``), ``validated_on`` and the details (``points``,
    ``bands``, ``fisher``, ``model_value``: where the model itself sits).

    ``parameter`` ``step`` (``checkpoints``: the GPT checkpoints of one run, the
    grid is their training steps) and ``prompt`` (``templates`` with a slot
    ``{x}`` filled with the ``grid`` values): :func:`~isingformer.phases.control.detect_control`.
    On a non-uniform grid the peak is the maximum of the Fisher information
    (:func:`~isingformer.phases.control.detect_on_grid`).
    """
    if parameter not in PARAMETERS:
        raise InputError(f"--parameter must be one of {', '.join(PARAMETERS)}, got {parameter!r}")
    if parameter in ("step", "prompt"):
        from isingformer.phases.control import detect_control

        res = detect_control(
            parameter=parameter, grid=grid, checkpoints=checkpoints, checkpoint=checkpoint,
            model=model, templates=templates, n_prompts=n_prompts, tokens=tokens,
            n_boot=n_boot, seed=seed, spacing=spacing, device=device,
            continuation=continuation, samples=samples,
        )  # fmt: skip
        res["validated_on"] = validation_results(prompt=parameter == "prompt") if validate else []
        return res
    if checkpoints is not None or templates:
        raise InputError(
            "--checkpoints is for --parameter step, --template for --parameter prompt; "
            f"--parameter {parameter} takes --checkpoint or --model"
        )
    g = check_grid(grid)
    if np.any(g <= 0):
        raise InputError("--grid: values must be > 0")
    if (checkpoint is None) == (model is None):
        raise InputError("give exactly one of --checkpoint and --model")
    if checkpoint is not None:
        from isingformer.lm.sample import load_trained

        if not Path(checkpoint).is_file():
            raise InputError(f"--checkpoint: no file {checkpoint}")
        trained = load_trained(checkpoint, device=device)
        net, idx, source = trained.model, _gpt_prompts(trained, n_prompts, tokens, seed), "gpt"
    else:
        net, tok = load_causal_lm(model, device=device)
        idx, source = _hf_prompts(tok, n_prompts, tokens, seed, texts), "hf"
    if continuation > 1:  # prompt + continuation must fit the model's context
        cfg = getattr(net, "config", None)
        ctx = trained.config.context if source == "gpt" else getattr(cfg, "n_positions", None)
        ctx = ctx or getattr(cfg, "max_position_embeddings", None)
        if ctx is not None and idx.shape[1] + continuation > ctx:
            if ctx - continuation < 1:
                raise InputError(f"--continuation {continuation} does not fit a context of {ctx}")
            idx = idx[:, : ctx - continuation]
    idx = idx.to(device)
    if spacing not in ("linear", "log"):
        raise InputError(f"--spacing must be linear or log, got {spacing!r}")
    x = np.log(g) if spacing == "log" else g  # the detector's coordinate
    if continuation < 1 or samples < 2:
        raise InputError("--continuation must be >= 1 and --samples >= 2")
    if continuation > 1:  # sampled continuations: T in one scoring pass, β one per point
        from isingformer.phases.sampled import TemperatureScorer, beta_scorer, sampled_terms

        if parameter == "temperature":
            scorer = TemperatureScorer(net, g)
        else:
            scorer = beta_scorer(net, g, source)
        terms = sampled_terms(scorer, idx, n_samples=samples, length=continuation, seed=seed)
    elif parameter == "temperature":  # one forward pass; all grid points in one compiled sweep
        from isingformer.phases.lm import lm_logits, temperature_terms

        terms = temperature_terms(lm_logits(net, idx), g)
    elif source == "gpt":  # one forward pass per grid point
        from isingformer.phases.lm import gpt_beta_distributions

        dist = gpt_beta_distributions(net, idx, g)
    else:
        from isingformer.phases.lm import hf_beta_distributions

        dist = hf_beta_distributions(net, idx, g)
    if parameter != "temperature" and continuation == 1:
        terms = window_terms(dist, g.size)
    out = detection_dict(x, g, terms, spacing=spacing, n_boot=n_boot, seed=seed)
    out.update(
        {
            "parameter": parameter,
            "spacing": spacing,
            "source": str(checkpoint if checkpoint is not None else model),
            "seed": int(seed),  # the prompts and the bootstrap: enough to rerun it
            "n_positions": int(idx.shape[1]),
            "continuation": continuation,
            "output": "exact next-token distributions"
            if continuation == 1
            else f"{samples} sampled continuations of {continuation} tokens per prompt",
            "model_value": 1.0,
            "model_inside_ci": [
                None if p["ci"] is None else bool(p["ci"][0] <= 1.0 <= p["ci"][1])
                for p in out["peaks"]
            ],
        }
    )
    out["validated_on"] = validation_results() if validate else []
    return out


def validation_results(quick: bool = True, prompt: bool = False) -> list[dict]:
    """The validation systems at test size (``quick``) or report size; ``prompt``:
    also the number-switch toy LM over a prompt parameter."""
    from isingformer.phases.validation import (
        ising_validation,
        rem_validation,
        toy_validation,
        validation_summary,
    )

    res = [toy_validation(), rem_validation()]
    res.append(ising_validation(16, sweeps=600 if quick else 4000))
    if prompt:
        from isingformer.phases.prompt import prompt_validation

        res.append(prompt_validation())
    return validation_summary(res)
