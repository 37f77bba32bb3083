"""A transformer of the document's form (seed 003): token embeddings and, per
block ℓ, an attention mechanism (W^Q_ℓ, W^K_ℓ, W^V_ℓ), a feed-forward map FFN_ℓ
with FFN_ℓ(W^V_ℓ x) a token for every token x, and an inverse temperature β_ℓ.

Specs load from JSON::

    {"tokens": {"x0": [1, 0], "x1": [0, 1]},
     "text": ["x0", "x1", "x0"],
     "M": 6,
     "blocks": [{"WQ": [[1, 0], [0, 1]], "WK": [[0, 1], [1, 0]],
                 "WV": [[1, 0], [0, 1]], "FFN": "identity", "beta": 1.0}, ...]}

``beta`` defaults to 1/sqrt(d) (the document's formula s_i = <W^Q x_n, W^K x_i>/sqrt(d),
d the embedding dimension); the document's worked Example only comes out with
unscaled dot products, i.e. ``"beta": 1.0``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field

from isingformer.errors import InputError
from isingformer.validate import Schema, check_seed, parse_model, read_json

#: Tolerance within which FFN(W^V x) must equal a token's embedding.
TOKEN_TOL = 1e-9

_TOP_KEYS = {"tokens", "text", "blocks", "M", "vacuum_token", "description"}
_BLOCK_KEYS = {"WQ", "WK", "WV", "FFN", "beta"}


@dataclass(frozen=True)
class BlockSpec:
    """One transformer block: attention (W^Q, W^K, W^V), FFN and β.

    Shapes: ``WQ``, ``WK`` [d', d]; ``WV``, ``FFN`` [d, d]; ``value_map`` [N] —
    the index of the token FFN(W^V x_a) for every token a.
    """

    WQ: np.ndarray
    WK: np.ndarray
    WV: np.ndarray
    FFN: np.ndarray
    beta: float
    value_map: np.ndarray
    ffn_identity: bool = True
    beta_explicit: bool = True  # False when β took the default 1/sqrt(d)


@dataclass(frozen=True)
class TransformerSpec:
    """Tokens, input text and blocks of a transformer of the document's form.

    ``embeddings`` [N, d]; ``text`` token indices (length n); ``M`` the Fock-space
    truncation F^(M)(h) (at least n + L); ``vacuum_token`` is x_0 of the Appendix,
    the token that Φ(1) = |x_0><x_0| prepares from the vacuum.
    """

    token_names: tuple[str, ...]
    embeddings: np.ndarray
    text: tuple[int, ...]
    blocks: tuple[BlockSpec, ...]
    M: int
    vacuum_token: int = 0
    description: str = ""
    source: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def n_tokens(self) -> int:
        """N, the size of the token set (dimension of h)."""
        return len(self.token_names)

    @property
    def d(self) -> int:
        """Embedding dimension d."""
        return int(self.embeddings.shape[1])

    @property
    def n(self) -> int:
        """Length of the input text."""
        return len(self.text)

    @property
    def L(self) -> int:
        """Number of blocks = number of generated tokens."""
        return len(self.blocks)

    def score_matrix(self, block: int) -> np.ndarray:
        """S[a, b] = β_ℓ <W^Q x_a, W^K x_b> for query token a and key token b, [N, N]."""
        b = self.blocks[block]
        q = self.embeddings @ b.WQ.T  # [N, d']
        k = self.embeddings @ b.WK.T  # [N, d']
        return b.beta * (q @ k.T)

    def names(self, ids: tuple[int, ...] | list[int]) -> list[str]:
        """Token names of a sequence of token indices."""
        return [self.token_names[i] for i in ids]

    def to_dict(self) -> dict[str, Any]:
        """The spec in its JSON form (β written out explicitly)."""
        blocks = []
        for b in self.blocks:
            blocks.append(
                {
                    "WQ": b.WQ.tolist(),
                    "WK": b.WK.tolist(),
                    "WV": b.WV.tolist(),
                    "FFN": "identity" if b.ffn_identity else b.FFN.tolist(),
                    "beta": b.beta,
                }
            )
        out: dict[str, Any] = {
            "tokens": {
                n: e.tolist() for n, e in zip(self.token_names, self.embeddings, strict=True)
            },
            "text": self.names(self.text),
            "M": self.M,
            "vacuum_token": self.token_names[self.vacuum_token],
            "blocks": blocks,
        }
        if self.description:
            out["description"] = self.description
        return out


def _matrix(value: Any, what: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{what}: expected a matrix of numbers (list of rows)") from None
    if arr.ndim != 2 or arr.size == 0:
        raise InputError(
            f"{what}: expected a non-empty matrix (list of rows), got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise InputError(f"{what}: entries must be finite numbers")
    return arr


def _match_token(vec: np.ndarray, embeddings: np.ndarray) -> int | None:
    dist = np.max(np.abs(embeddings - vec[None, :]), axis=1)
    best = int(np.argmin(dist))
    return best if dist[best] <= TOKEN_TOL else None


def _parse_block(raw: Any, ell: int, names: tuple[str, ...], emb: np.ndarray) -> BlockSpec:
    where = f"blocks[{ell}]"
    if not isinstance(raw, dict):
        raise InputError(f"{where}: expected an object with keys WQ, WK, WV, FFN, beta")
    unknown = set(raw) - _BLOCK_KEYS
    if unknown:
        raise InputError(
            f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_BLOCK_KEYS)}"
        )
    missing = {"WQ", "WK", "WV"} - set(raw)
    if missing:
        raise InputError(f"{where}: missing key(s) {sorted(missing)}")
    d = emb.shape[1]
    WQ, WK, WV = (_matrix(raw[k], f"{where}.{k}") for k in ("WQ", "WK", "WV"))
    if WQ.shape[1] != d or WK.shape[1] != d:
        raise InputError(
            f"{where}: WQ and WK must have d = {d} columns (they act on embeddings), "
            f"got {WQ.shape} and {WK.shape}"
        )
    if WQ.shape[0] != WK.shape[0]:
        raise InputError(
            f"{where}: WQ and WK must have the same number of rows d', got {WQ.shape} and {WK.shape}"
        )
    if WV.shape != (d, d):
        raise InputError(f"{where}.WV: expected a {d} x {d} matrix, got {WV.shape}")
    ffn_raw = raw.get("FFN", "identity")
    if isinstance(ffn_raw, str):
        if ffn_raw != "identity":
            raise InputError(
                f'{where}.FFN: expected "identity" or a {d} x {d} matrix, got {ffn_raw!r}'
            )
        FFN, ident = np.eye(d), True
    else:
        FFN, ident = _matrix(ffn_raw, f"{where}.FFN"), False
        if FFN.shape != (d, d):
            raise InputError(f"{where}.FFN: expected a {d} x {d} matrix, got {FFN.shape}")
    beta_raw = raw.get("beta", None)
    if beta_raw is None:
        beta = 1.0 / math.sqrt(d)
    else:
        if isinstance(beta_raw, bool) or not isinstance(beta_raw, int | float):
            raise InputError(f"{where}.beta: expected a number, got {beta_raw!r}")
        beta = float(beta_raw)
        if not math.isfinite(beta):
            raise InputError(f"{where}.beta: must be finite, got {beta_raw!r}")
    value_map = np.empty(len(names), dtype=np.int64)
    for a, name in enumerate(names):
        out = FFN @ (WV @ emb[a])
        hit = _match_token(out, emb)
        if hit is None:
            raise InputError(
                f"{where}: FFN(W^V {name}) = {np.round(out, 6).tolist()} is not a token "
                f"embedding (to {TOKEN_TOL:g}); the model needs FFN(W^V x) to be a token for every token x"
            )
        value_map[a] = hit
    return BlockSpec(
        WQ=WQ,
        WK=WK,
        WV=WV,
        FFN=FFN,
        beta=beta,
        value_map=value_map,
        ffn_identity=ident,
        beta_explicit=beta_raw is not None,
    )


#: Ceilings of a spec's sizes and entries (a spec is a small hand-written model).
MAX_TOKENS = 4096
MAX_DIM = 1024
MAX_TEXT = 4096
MAX_BLOCKS = 256
MAX_M = 4096
MAX_ENTRY = 1e100  # |matrix entries|: products of two stay finite in float64

_Entry = Annotated[float, Field(ge=-MAX_ENTRY, le=MAX_ENTRY)]
_Matrix = Annotated[
    list[Annotated[list[_Entry], Field(min_length=1, max_length=MAX_DIM)]],
    Field(min_length=1, max_length=MAX_DIM),
]


class _BlockSchema(Schema, extra="allow"):  # unknown keys: named by _parse_block
    WQ: _Matrix
    WK: _Matrix
    WV: _Matrix
    FFN: Literal["identity"] | _Matrix | None = None
    beta: Annotated[float, Field(gt=-MAX_ENTRY, lt=MAX_ENTRY)] | None = None


class _SpecSchema(Schema):
    """The JSON form's types and sizes (meaning is checked by spec_from_dict):
    numbers are finite and not booleans, names are strings, sizes bounded."""

    tokens: Annotated[
        dict[str, Annotated[list[_Entry], Field(min_length=1, max_length=MAX_DIM)]],
        Field(min_length=1, max_length=MAX_TOKENS),
    ]
    text: Annotated[list[str], Field(max_length=MAX_TEXT)]
    blocks: Annotated[list[_BlockSchema], Field(max_length=MAX_BLOCKS)]
    M: Annotated[int, Field(ge=1, le=MAX_M)] | None = None
    vacuum_token: str | None = None
    description: Annotated[str, Field(max_length=100_000)] = ""


def spec_from_dict(raw: Any) -> TransformerSpec:
    """Validate a spec in its JSON form and build a :class:`TransformerSpec`.

    Raises :class:`InputError` (one line) for unknown keys, wrong types
    (booleans or lists where numbers or names belong), non-finite or huge
    entries, sizes over the ceilings (``MAX_*``), dimension mismatches,
    duplicate embeddings, an empty text, FFN outputs that are not tokens, or
    an ``M`` smaller than n + L.
    """
    if not isinstance(raw, dict):
        raise InputError("spec: expected a JSON object with keys tokens, text, blocks")
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        raise InputError(f"spec: unknown key(s) {sorted(unknown)}; allowed: {sorted(_TOP_KEYS)}")
    for key in ("tokens", "text", "blocks"):
        if key not in raw:
            raise InputError(f"spec: missing key {key!r}")
    parse_model(_SpecSchema, raw, "spec")
    tokens = raw["tokens"]
    if not isinstance(tokens, dict) or not tokens:
        raise InputError('spec.tokens: expected a non-empty object {"name": [embedding...], ...}')
    names = tuple(str(k) for k in tokens)
    for name in names:
        if "," in name:
            raise InputError(f"spec.tokens: token name {name!r} must not contain a comma")
    rows = []
    for name in names:
        vec = tokens[name]
        if not isinstance(vec, list) or not vec:
            raise InputError(f"spec.tokens.{name}: expected a non-empty list of numbers")
        rows.append(vec)
    dims = {len(r) for r in rows}
    if len(dims) != 1:
        raise InputError(
            f"spec.tokens: all embeddings must have the same dimension d, got {sorted(dims)}"
        )
    emb = _matrix(rows, "spec.tokens")
    for a in range(len(names)):
        for b in range(a):
            if np.max(np.abs(emb[a] - emb[b])) <= TOKEN_TOL:
                raise InputError(
                    f"spec.tokens: {names[a]!r} and {names[b]!r} have the same embedding; "
                    "tokens must be distinct vectors"
                )
    text_raw = raw["text"]
    if not isinstance(text_raw, list):
        raise InputError("spec.text: expected a list of token names")
    if not text_raw:
        raise InputError("spec.text: the text is empty; give at least one token")
    index = {n: i for i, n in enumerate(names)}
    text = []
    for t in text_raw:
        if t not in index:
            raise InputError(f"spec.text: unknown token {t!r}; known tokens: {list(names)}")
        text.append(index[t])
    blocks_raw = raw["blocks"]
    if not isinstance(blocks_raw, list) or not blocks_raw:
        raise InputError("spec.blocks: expected a non-empty list of blocks")
    blocks = tuple(_parse_block(b, i, names, emb) for i, b in enumerate(blocks_raw))
    n, L = len(text), len(blocks)
    M_raw = raw.get("M", n + L)
    if isinstance(M_raw, bool) or not isinstance(M_raw, int):
        raise InputError(f"spec.M: expected an integer, got {M_raw!r}")
    if M_raw < n + L:
        raise InputError(
            f"spec.M = {M_raw} is too small: the Fock space F^(M) must hold n + L = {n} + {L} = {n + L} tokens"
        )
    vac = raw.get("vacuum_token", names[0])
    if vac not in index:
        raise InputError(f"spec.vacuum_token: unknown token {vac!r}")
    desc = raw.get("description", "")
    if not isinstance(desc, str):
        raise InputError("spec.description: expected a string")
    return TransformerSpec(
        token_names=names,
        embeddings=emb,
        text=tuple(text),
        blocks=blocks,
        M=int(M_raw),
        vacuum_token=index[vac],
        description=desc,
        source=raw,
    )


def load_spec(path: str | Path) -> TransformerSpec:
    """Read and validate a JSON spec file (see the module docstring for the form):
    strict UTF-8, bounded size, depth and number length, then :func:`spec_from_dict`."""
    return spec_from_dict(read_json(path, "--spec"))


def example_spec() -> TransformerSpec:
    """The document's worked Example: two tokens, T = (x0, x1, x0), F^(6)(C²), β = 1."""
    path = Path(__file__).with_name("examples") / "paper_example.json"
    return load_spec(path)


def random_spec(
    n_tokens: int,
    text_len: int,
    n_blocks: int,
    *,
    d: int | None = None,
    d_attn: int | None = None,
    beta: float | None = None,
    M: int | None = None,
    injective: bool = False,
    seed: int = 0,
) -> TransformerSpec:
    """A random spec whose FFN∘W^V maps tokens to tokens.

    Embeddings are random orthonormal vectors in R^d (d ≥ N, default N); W^V sends token a to token f(a) for a random map f, solved
    exactly by linearity (a random permutation when ``injective``, which gives
    the most branches); FFN is the identity on even blocks and a permutation of
    the tokens on odd ones; W^Q, W^K are Gaussian [d', d] / sqrt(d). β defaults
    to 1/sqrt(d). With ``injective`` the text is also drawn without repeats when
    it fits, so every position yields a distinct token.
    """
    if n_tokens < 1 or text_len < 1 or n_blocks < 1:
        raise InputError("random_spec: n_tokens, text_len and n_blocks must be >= 1")
    d = n_tokens if d is None else d
    if d < n_tokens:
        raise InputError(f"random_spec: need d >= n_tokens for independent embeddings, got d = {d}")
    d_attn = d if d_attn is None else d_attn
    rng = np.random.default_rng(check_seed(seed))
    # random orthonormal embedding rows (well conditioned, so W^V is exact to ~1e-15)
    q, _ = np.linalg.qr(rng.standard_normal((d, n_tokens)))
    emb = q.T  # [N, d]
    pinv = emb  # [N, d]: emb @ emb.T = I_N
    names = [f"t{i}" for i in range(n_tokens)]
    blocks = []
    for ell in range(n_blocks):
        f = rng.permutation(n_tokens) if injective else rng.integers(0, n_tokens, size=n_tokens)
        WV = emb[f].T @ pinv  # WV emb[a] = emb[f[a]]
        block: dict[str, Any] = {
            "WQ": (rng.standard_normal((d_attn, d)) / math.sqrt(d)).tolist(),
            "WK": (rng.standard_normal((d_attn, d)) / math.sqrt(d)).tolist(),
            "WV": WV.tolist(),
            "FFN": "identity",
        }
        if ell % 2 == 1:  # exercise a non-trivial FFN on every other block
            g = rng.permutation(n_tokens)
            block["FFN"] = (emb[g].T @ pinv).tolist()
        if beta is not None:
            block["beta"] = beta
        blocks.append(block)
    if injective and text_len <= n_tokens:
        ids = rng.choice(n_tokens, size=text_len, replace=False)
    else:
        ids = rng.integers(0, n_tokens, size=text_len)
    text = [names[i] for i in ids]
    raw: dict[str, Any] = {
        "tokens": {nm: e.tolist() for nm, e in zip(names, emb, strict=True)},
        "text": text,
        "blocks": blocks,
    }
    if M is not None:
        raw["M"] = M
    return spec_from_dict(raw)
