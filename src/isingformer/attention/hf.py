"""Hugging Face adapter: the ``"isingformer"`` attention implementation.

After registration (automatic, see :mod:`isingformer.attention`)::

    model = AutoModel.from_pretrained(path, attn_implementation="isingformer")
    model(**batch)                      # identical to eager attention
    model(**batch, beta=0.3)            # every head at β = 0.3
    model(**batch, beta=torch.tensor([...]))        # one β per head [H]
    model(**batch, beta=torch.full((L, H), 0.3))    # one β per layer and head
    model(**batch, beta=lambda layer: 0.1 * (layer + 1))   # β of a layer index
    causal_lm.generate(**batch, beta=torch.full((L, H), 0.3))
    with QKCapture() as cap:            # Q and K (after RoPE) per layer, head
        model(**batch)
    cap.records[0].q                    # [B, H, L, d_head]

**The β convention.** ``β_model`` is the factor that multiplies the raw
``q·k`` in the model's logits: the ``scaling`` the model passes
(1/sqrt(d_head) for most, ``query_pre_attn_scalar**-0.5`` for Gemma, 1 for
T5), except for the attention classes of :data:`PRESCALED_Q` (OPT, Whisper…)
which multiply q by their ``scaling`` before the call and pass 1.0: there the
adapter divides q back and ``β_model`` is that ``scaling``. ``beta=`` replaces
``β_model`` and nothing else: the other logit terms stay as the model has
them — Gemma2's soft-capping ``c·tanh(β q·k / c)``, T5's relative position
bias and GPT-OSS's attention sinks (a per-head logit of a key without value).

The logits are ``softcap(β q·k) + bias + mask`` (plus the sink column),
softmax in at least float32, dropout; weights are returned for
``output_attentions``. Grouped-query keys are repeated to one key per query
head. Its mask function is the eager one (an additive float mask), registered
under the same name. A keyword argument the adapter does not understand is
an :class:`~isingformer.errors.InputError` (see :data:`IGNORED_KWARGS`).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from isingformer.errors import InputError

__all__ = [
    "ATTENTION_NAME",
    "IGNORED_KWARGS",
    "PRESCALED_Q",
    "QKCapture",
    "QKRecord",
    "beta_scope",
    "isingformer_attention_forward",
    "register_hf_attention",
]

ATTENTION_NAME = "isingformer"

#: Keyword arguments models pass to their attention function that eager
#: attention ignores as well (the mask already encodes them, or they only
#: concern caching, packing bookkeeping or other layers).
IGNORED_KWARGS = frozenset(
    {
        "position_ids",
        "use_cache",
        "cache_position",
        "sliding_window",
        "encoder_hidden_states",
        "deterministic",
        "output_attentions",
        "output_hidden_states",
        "output_router_logits",
        "num_items_in_batch",
        "is_causal",
        "cu_seq_lens_q",
        "cu_seq_lens_k",
        "max_length_q",
        "max_length_k",
        "seq_idx",
    }
)

#: Attention classes that multiply the query by ``module.scaling`` before the
#: attention call and pass ``scaling=1.0``.
PRESCALED_Q = frozenset(
    {
        "OPTAttention",
        "WhisperAttention",
        "VoxtralAttention",
        "Qwen2AudioAttention",
        "AudioFlamingo3Attention",
    }
)

BetaSpec = float | torch.Tensor | Callable[[int], "float | torch.Tensor"]


@dataclass
class QKRecord:
    """One attention call.

    ``q, k`` ``[B, H, Lq|Lk, d]`` (detached raw projections, after RoPE; keys
    repeated for GQA; OPT's pre-scaling undone), ``allowed`` ``[B, 1|H, Lq, Lk]``
    bool or None (all allowed), ``scale`` the model's own β (``β_model``),
    ``layer`` the module's layer index (or the call order), and the other logit
    terms: ``bias`` ``[B|1, H, Lq, Lk]`` added after β (T5's position bias),
    ``softcap`` (Gemma2), ``sink`` ``[H]`` (GPT-OSS sink logits).
    """

    layer: int
    q: torch.Tensor
    k: torch.Tensor
    allowed: torch.Tensor | None
    scale: float
    module_name: str
    bias: torch.Tensor | None = None
    softcap: float | None = None
    sink: torch.Tensor | None = None

    def logits(self, beta: float | None = None, dtype: torch.dtype | None = None) -> torch.Tensor:
        """Logits without the mask at ``beta`` (default ``β_model``), computed in
        ``dtype`` (default: the captured one): ``[B, H, Lq, Lk]``, one more key
        column (the sink) if the model has sinks."""
        b = self.scale if beta is None else float(beta)
        dtype = dtype or self.q.dtype
        x = b * (self.q.to(dtype) @ self.k.to(dtype).transpose(-1, -2))
        if self.softcap is not None:
            x = self.softcap * torch.tanh(x / self.softcap)
        if self.bias is not None:
            x = x + self.bias.to(x.dtype)
        if self.sink is not None:
            B, H, Lq, _ = x.shape
            s = self.sink.to(x.dtype).reshape(1, H, 1, 1).expand(B, H, Lq, 1)
            x = torch.cat([x, s], dim=-1)
        return x

    def energies(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Energies of every attention row at the model's own temperature and
        their allowed keys: ``E = −logits(β_model)/β_model`` ``[B, H, Lq, Lk(+1)]``
        and ``allowed`` ``[B, 1|H, Lq, Lk(+1)]``, so that ``softmax(−β_model E)``
        over the allowed keys is the model's attention row exactly. Without
        extra logit terms ``E = −q·k``. Float64."""
        E = -self.logits(dtype=torch.float64) / self.scale
        B, Lq, Lk = self.q.shape[0], self.q.shape[2], self.k.shape[2]
        a = self.allowed
        if a is None:
            a = torch.ones(B, 1, Lq, Lk, dtype=torch.bool, device=E.device)
        if self.sink is not None:
            a = torch.cat([a, torch.ones_like(a[..., :1])], dim=-1)
        return E, a


_ACTIVE: list[QKCapture] = []
_SCOPE: contextvars.ContextVar[BetaSpec | None] = contextvars.ContextVar(
    "isingformer_beta", default=None
)


class QKCapture:
    """Context manager that records Q and K of every ``"isingformer"``
    attention call made inside it (in call order)."""

    def __init__(self, dtype: torch.dtype | None = None) -> None:
        self.dtype = dtype
        self.records: list[QKRecord] = []

    def __enter__(self) -> QKCapture:
        _ACTIVE.append(self)
        return self

    def __exit__(self, *exc) -> None:
        _ACTIVE.remove(self)

    def record(self, module, q, k, allowed, scale: float, **terms) -> None:
        layer = layer_index(module)
        if layer is None:
            layer = len(self.records)

        def cast(t):
            if t is None or not isinstance(t, torch.Tensor):
                return t
            return t.detach().to(self.dtype) if self.dtype else t.detach()

        self.records.append(
            QKRecord(
                int(layer),
                cast(q),
                cast(k),
                None if allowed is None else allowed.detach(),
                float(scale),
                type(module).__name__,
                bias=cast(terms.get("bias")),
                softcap=None if terms.get("softcap") is None else float(terms["softcap"]),
                sink=cast(terms.get("sink")),
            )
        )


@contextlib.contextmanager
def beta_scope(beta: BetaSpec | None) -> Iterator[None]:
    """Every ``"isingformer"`` attention call inside runs at ``beta`` (any form
    that ``beta=`` takes) unless the call passes its own ``beta=``. This is how
    ``generate(..., beta=...)`` is implemented; nested scopes restore the outer one."""
    if beta is not None and not callable(beta):
        _check_beta(torch.as_tensor(beta, dtype=torch.float64))
    token = _SCOPE.set(beta)
    try:
        yield
    finally:
        _SCOPE.reset(token)


def layer_index(module) -> int | None:
    """The layer index of an attention module: ``layer_idx`` or, for models
    whose modules carry none (DistilBERT, ViT), the one isingformer assigned."""
    idx = getattr(module, "layer_idx", None)
    if idx is None:
        idx = getattr(module, "_isingformer_layer", None)
    return None if idx is None else int(idx)


def _check_beta(b: torch.Tensor) -> None:
    """β values must be finite and >= 0 (checked where it costs no device sync:
    numbers and CPU tensors)."""
    if b.device.type == "cpu" and not bool((torch.isfinite(b) & (b >= 0)).all()):
        raise InputError(f"beta must be finite and >= 0, got {b.tolist()}")


def _beta_factor(beta: BetaSpec, module, n_heads: int, like: torch.Tensor) -> torch.Tensor:
    """β as a tensor broadcastable to logits ``[B, H, Lq, Lk]``."""
    layer = layer_index(module)
    per_layer = (callable(beta) and not isinstance(beta, torch.Tensor)) or (
        isinstance(beta, torch.Tensor) and beta.ndim == 2 and beta.shape[1] == n_heads
    )
    if per_layer and getattr(module, "_isingformer_shared", False):
        raise InputError(
            f"beta: one {type(module).__name__} module serves several layers (shared layers), "
            "so a per-layer β cannot tell them apart; give one β or one per head"
        )
    if callable(beta) and not isinstance(beta, torch.Tensor):
        if layer is None:
            raise InputError(
                f"beta: a callable needs layer indices, and {type(module).__name__} has none"
            )
        beta = beta(layer)
    if like.device.type != "cpu" and not isinstance(beta, torch.Tensor):
        _check_beta(torch.as_tensor(beta, dtype=torch.float64))  # a number, before the device
    b = torch.as_tensor(beta, dtype=like.dtype, device=like.device)
    _check_beta(b)  # on the CPU: numbers and tensors
    if b.ndim == 2 and b.shape[1] == n_heads:
        if layer is None:
            raise InputError(
                f"beta: a per-layer [L, H] β needs layer indices, and {type(module).__name__} "
                "has none"
            )
        if layer >= b.shape[0]:
            raise InputError(
                f"beta: shape {tuple(b.shape)} has {b.shape[0]} layers but layer {layer} was called"
            )
        b = b[layer]
    if b.ndim == 0:
        return b
    if b.shape == (n_heads,):
        return b[None, :, None, None]
    raise InputError(
        f"beta must be a number, a tensor of shape [{n_heads}] (per head) or [L, {n_heads}] "
        f"(per layer and head), or a callable of the layer index; got shape {tuple(b.shape)}"
    )


def _repeat_heads(x: torch.Tensor, n_heads: int) -> torch.Tensor:
    """[B, Hkv, L, d] -> [B, H, L, d] (each key/value head shared by H/Hkv query heads)."""
    hkv = x.shape[1]
    if hkv == n_heads:
        return x
    if n_heads % hkv:
        raise InputError(f"{n_heads} query heads cannot share {hkv} key heads")
    return x.repeat_interleave(n_heads // hkv, dim=1)


def _check_kwargs(module, kwargs: dict) -> None:
    unknown = sorted(k for k, v in kwargs.items() if v is not None and k not in IGNORED_KWARGS)
    if unknown:
        raise InputError(
            f"the isingformer attention does not understand the argument(s) {unknown} that "
            f"{type(module).__name__} passes; its logits would differ from the model's — use "
            "attn_implementation='eager' for this model"
        )


def isingformer_attention_forward(
    module,
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    attention_mask: torch.Tensor | None,
    scaling: float | None = None,
    dropout: float = 0.0,
    beta: BetaSpec | None = None,
    softcap: float | None = None,
    position_bias: torch.Tensor | None = None,
    s_aux: torch.Tensor | None = None,
    **kwargs,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Attention function with the ``transformers`` AttentionInterface signature.

    ``query`` ``[B, H, Lq, d]``, ``key``/``value`` ``[B, Hkv, Lk, d]``,
    ``attention_mask`` additive ``[B, 1, Lq, Lk]`` or None. ``beta`` (a float,
    a per-head tensor ``[H]``, a per-layer tensor ``[L, H]`` or a callable of
    the layer index; default: the innermost :func:`beta_scope`, else
    ``β_model``) replaces ``β_model``. ``softcap``, ``position_bias``
    ``[B|1, H, Lq, Lk]`` and ``s_aux`` ``[H]`` are the logit terms of Gemma2,
    T5 and GPT-OSS. Returns ``(output [B, Lq, H, d], weights [B, H, Lq, Lk])``.
    """
    _check_kwargs(module, kwargs)
    H, d = query.shape[1], query.shape[-1]
    key = _repeat_heads(key, H)
    value = _repeat_heads(value, H)
    own = float(scaling) if scaling is not None else d**-0.5
    q_raw = query
    if type(module).__name__ in PRESCALED_Q and own == 1.0:
        own = float(module.scaling)
        q_raw = query / own
    causal_skip = (
        attention_mask is None
        and bool(getattr(module, "is_causal", False))
        and query.shape[2] == key.shape[2]
        and query.shape[2] > 1
    )
    if _ACTIVE:
        if attention_mask is not None:
            allowed = attention_mask > torch.finfo(attention_mask.dtype).min / 2
        elif causal_skip:
            L = query.shape[2]
            allowed = torch.ones(L, L, dtype=torch.bool, device=query.device).tril()[None, None]
        else:
            allowed = None
        for cap in _ACTIVE:
            cap.record(
                module, q_raw, key, allowed, own, bias=position_bias, softcap=softcap, sink=s_aux
            )
    if beta is None:
        beta = _SCOPE.get()
    if beta is None:  # exactly the eager computation
        logits = torch.matmul(query, key.transpose(2, 3)) * (own if q_raw is query else 1.0)
    else:
        logits = torch.matmul(q_raw, key.transpose(2, 3)) * _beta_factor(beta, module, H, query)
    if softcap is not None:
        logits = softcap * torch.tanh(logits / softcap)
    if position_bias is not None:
        logits = logits + position_bias
    if attention_mask is not None:
        logits = logits + attention_mask
    elif causal_skip:
        L = logits.shape[-1]
        future = torch.ones(L, L, dtype=torch.bool, device=logits.device).triu(1)
        logits = logits.masked_fill(future, float("-inf"))
    dtype = torch.promote_types(logits.dtype, torch.float32)
    if s_aux is not None:  # a sink key per head, without value (GPT-OSS)
        B, _, Lq, _ = logits.shape
        sinks = s_aux.to(logits.dtype).reshape(1, -1, 1, 1).expand(B, -1, Lq, 1)
        combined = torch.cat([logits, sinks], dim=-1)
        combined = combined - combined.max(dim=-1, keepdim=True).values
        weights = F.softmax(combined, dim=-1, dtype=dtype)[..., :-1]
    else:
        weights = F.softmax(logits, dim=-1, dtype=dtype)
    weights = F.dropout(weights.to(value.dtype), p=dropout, training=module.training)
    out = torch.matmul(weights, value).transpose(1, 2).contiguous()  # [B, Lq, H, d]
    return out, weights


_REGISTERED: set[str] = set()


def register_hf_attention(name: str = ATTENTION_NAME) -> None:
    """Register :func:`isingformer_attention_forward` and the eager mask
    function with ``transformers`` under ``name`` (idempotent), and install
    the load-time checks and ``generate(beta=...)`` of
    :mod:`isingformer.attention.hf_support`."""
    from transformers import AttentionInterface
    from transformers.masking_utils import ALL_MASK_ATTENTION_FUNCTIONS, AttentionMaskInterface

    from isingformer.attention.hf_support import install_support

    AttentionInterface.register(name, isingformer_attention_forward)
    AttentionMaskInterface.register(name, ALL_MASK_ATTENTION_FUNCTIONS["eager"])
    _REGISTERED.add(name)
    install_support(name)
