"""A prompt parameter as the control parameter: templates with a slot ``{x}``
filled with every grid value; the compared distribution is the exact
next-token distribution after the whole prompt (its last position).
The templates are the "prompts" the bootstrap resamples.

    texts = fill_templates(["The year is {x}. Next year is"], [1990, 2000, 2010])
    dist = prompt_distributions(model, encode, texts)      # dist(j) -> [P, V]

With ``--continuation N`` the compared distribution is that of the N-token
continuation after the whole prompt: :class:`PromptScorer` makes the prompt
the grid point of :func:`~isingformer.phases.sampled.sampled_terms` (the
continuations sampled after template p filled with x_j are scored after the
same template filled with x_{j ± 2}).

:class:`NumberSwitchLM` is a causal toy LM whose next-token distribution
switches at a known value of the number in the prompt
(:func:`prompt_validation`: the detector must find it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch
from torch import nn

from isingformer.errors import InputError

__all__ = [
    "SLOT",
    "NumberSwitchLM",
    "PromptScorer",
    "check_templates",
    "encode_prompts",
    "fill_templates",
    "format_values",
    "prompt_distributions",
    "prompt_validation",
    "read_templates",
]

SLOT = "{x}"
MAX_TEMPLATE_CHARS = 4096


def check_templates(templates: Sequence[str] | None, option: str = "--template") -> list[str]:
    """Non-empty templates of at most 4096 characters, each with the slot ``{x}``
    (errors name ``option``)."""
    if not templates:
        raise InputError(
            '--parameter prompt needs --template "TEXT WITH {x}" (repeatable) or --templates FILE'
        )
    out = []
    for t in templates:
        t = str(t)
        if SLOT not in t:
            raise InputError(f"{option}: {t[:60]!r} has no slot {{x}} for the grid values")
        if len(t) > MAX_TEMPLATE_CHARS:
            raise InputError(f"{option}: at most {MAX_TEMPLATE_CHARS} characters, got {len(t)}")
        if t in out:  # a copy would count as another sample of the bootstrap
            raise InputError(f"{option}: {t[:60]!r} given twice; give each template once")
        out.append(t)
    return out


def read_templates(path, max_templates: int = 256) -> list[str]:
    """The templates of a UTF-8 text file, one per line: line ends (``\\n``,
    ``\\r\\n``) removed, every other character kept (a trailing space is part of
    the prompt), blank lines skipped. Each checked by :func:`check_templates`;
    InputError for an unreadable, binary or non-UTF-8 file, no template, or more
    than ``max_templates``."""
    from isingformer.validate.readers import read_text

    option = f"--templates {path}"
    text = read_text(path, "--templates", max_bytes=(max_templates + 1) * MAX_TEMPLATE_CHARS * 4)
    lines = [t.removesuffix("\r") for t in text.split("\n")]
    out = [t for t in lines if t.strip()]
    if not out:
        raise InputError(f"{option}: no template (one per line, each with the slot {{x}})")
    if len(out) > max_templates:
        raise InputError(f"{option}: {len(out)} templates, at most {max_templates}")
    return check_templates(out, option)


def format_values(values) -> list[str]:
    """The grid values as text: integers when every value is integral (``1990``, not
    ``1990.0``), else the shortest decimal that round-trips (``0.25``)."""
    v = np.asarray(values, dtype=np.float64)
    if np.all(v == np.round(v)) and np.all(np.abs(v) < 2**53):
        return [str(int(x)) for x in v]
    return [np.format_float_positional(x, trim="-") for x in v]


def fill_templates(templates: Sequence[str], values) -> list[list[str]]:
    """``texts[j][p]``: template ``p`` with every ``{x}`` replaced by grid value ``j``."""
    return [[t.replace(SLOT, s) for t in templates] for s in format_values(values)]


def encode_prompts(
    encode: Callable[[str], Sequence[int]],
    texts: list[list[str]],
    context: int | None = None,
    continuation: int = 0,
) -> list[list[np.ndarray]]:
    """``ids[j][p]``: the tokens of ``texts[j][p]``. InputError if a prompt is empty or
    longer than ``context − continuation`` tokens (the model's context less the
    room for a continuation of that many tokens)."""
    ids = [[np.asarray(encode(t), dtype=np.int64) for t in row] for row in texts]
    less = f" less --continuation {continuation}" if continuation else ""
    for row, trow in zip(ids, texts, strict=True):
        for i, t in zip(row, trow, strict=True):
            if i.size == 0:
                raise InputError(f"--template: {t[:60]!r} gives no tokens")
            if context is not None and i.size > context - continuation:
                raise InputError(
                    f"--template: {t[:60]!r} is {i.size} tokens, longer than the model's "
                    f"context of {context}{less}"
                )
    return ids


def prompt_distributions(
    model,
    encode: Callable[[str], Sequence[int]],
    texts: list[list[str]],
    *,
    context: int | None = None,
    device: str = "cpu",
) -> Callable[[int], np.ndarray]:
    """``dist(j) -> [P, V]``: softmax of the model's logits at the last position of
    each prompt ``texts[j][p]`` (tokenized by ``encode``; the prompts of one grid
    point in one batch, padded on the right, which a causal LM's logits at the
    earlier positions do not see). InputError if a prompt is empty or longer
    than ``context`` tokens."""
    from isingformer.phases.lm import lm_logits

    ids = encode_prompts(encode, texts, context)

    def dist(j: int) -> np.ndarray:
        lens = torch.tensor([i.size for i in ids[j]])
        batch = torch.zeros(len(ids[j]), int(lens.max()), dtype=torch.long)
        for p, i in enumerate(ids[j]):  # right padding: a causal LM's earlier logits ignore it
            batch[p, : i.size] = torch.from_numpy(i)
        logits = lm_logits(model, batch.to(device))  # [P, L, V]
        return torch.softmax(logits[torch.arange(lens.numel()), lens - 1], dim=-1).numpy()

    return dist


class PromptScorer:
    """The prompt as the grid point of sampled continuations
    (:class:`~isingformer.phases.sampled.Scorer`): grid point j, template p is
    the prompt ``ids[j][p]`` (tokens; lengths may differ between templates and
    grid points). The "prompt" that :func:`~isingformer.phases.sampled.sampled_terms`
    passes around is the template's index, ``idx = scorer.prompts()`` (``[P, 1]``):
    ``sample(j, …)`` draws continuations after ``ids[j][p]`` and ``score(…, js)``
    puts the same continuations after ``ids[k][p]`` for every ``k`` in ``js``.
    Prompts of equal length share a forward pass (one pass per distinct length).
    """

    def __init__(self, model, ids: list[list[np.ndarray]], device: str = "cpu") -> None:
        self.model, self.device, self.size = model, device, len(ids)
        self.ids = [[torch.as_tensor(i, dtype=torch.long) for i in row] for row in ids]

    def prompts(self) -> torch.Tensor:
        """The template indices ``[[0], [1], …, [P − 1]]``: the ``idx`` of ``sampled_terms``."""
        return torch.arange(len(self.ids[0]), device=self.device)[:, None]

    def _groups(self, j: int, p: torch.Tensor) -> dict[int, torch.Tensor]:
        """``{length: rows}``: the rows of ``p [B]`` (template indices) by the token
        length of their prompt at grid point j."""
        lens = torch.tensor([self.ids[j][int(t)].numel() for t in p.tolist()])
        return {int(n): torch.nonzero(lens == n)[:, 0] for n in torch.unique(lens)}

    def _with_prompts(self, j: int, p: torch.Tensor, cont: torch.Tensor) -> torch.Tensor:
        """``[B, S + L]``: the prompts of templates ``p [B]`` (all of length S at j)
        followed by ``cont [B, L]``."""
        pre = torch.stack([self.ids[j][int(t)] for t in p.tolist()]).to(cont.device)
        return torch.cat([pre, cont], dim=1)

    def sample(self, j, idx, n, length, g):
        from isingformer.phases.sampled import _logits, _sample

        out = idx.repeat_interleave(n, dim=0)
        out = torch.cat([out, out.new_zeros((out.shape[0], length))], dim=1)
        ar = torch.arange(n)
        for S, rows in self._groups(j, idx[:, 0].cpu()).items():  # rows of idx
            pre = self._with_prompts(j, idx[rows, 0].cpu(), idx.new_zeros((rows.numel(), 0)))
            seqs = _sample(
                lambda x: _logits(self.model, x, slice(-1, None))[:, 0], pre, n, length, g
            )
            at = (rows[:, None] * n + ar[None, :]).reshape(-1).to(out.device)  # prompt-major
            out[at, idx.shape[1] :] = seqs[:, S:].to(out.device)
        return out

    def score(self, seqs, start, js):
        from isingformer.phases.sampled import sequence_logprobs

        p, cont = seqs[:, 0].cpu(), seqs[:, start:]
        out = torch.empty((len(js), seqs.shape[0]), dtype=torch.float64)
        for a, j in enumerate(js):
            for S, rows in self._groups(j, p).items():
                x = self._with_prompts(j, p[rows], cont[rows.to(cont.device)])
                out[a, rows] = sequence_logprobs(self.model, x, S, [1.0])[0]
        return out


class NumberSwitchLM(nn.Module):
    """A causal toy LM whose next token switches when the number in the prompt
    crosses a threshold.

    Character vocabulary ``chars``. At position ``t`` let ``v`` be the value of
    the last run of digits in the prefix (0 if none) and ``x₀ = threshold +
    shift[first token]`` (the shifts, fixed per token, uniform in ``±spread``):
    the logit of ``chars[0]`` is ``(v − x₀)/width``, of ``chars[1]`` its
    negative, of every other token a fixed number in ``[−8, −6]`` that depends
    on the previous token (so the Fisher information in ``v`` peaks at ``x₀``). ``forward(idx [B, T]) -> (logits [B, T, V], None)``.
    """

    def __init__(
        self,
        chars: str,
        threshold: float = 1950.0,
        width: float = 4.0,
        spread: float = 3.0,
        seed: int = 0,
    ):
        super().__init__()
        self.chars, self.threshold, self.width = chars, float(threshold), float(width)
        g = torch.Generator().manual_seed(seed)
        V = len(chars)
        self.register_buffer("shift", (torch.rand(V, generator=g, dtype=torch.float64) * 2 - 1))
        self.shift.mul_(spread)
        self.register_buffer(
            "rest", -6.0 - 2.0 * torch.rand(V, V, generator=g, dtype=torch.float64)
        )
        self.digit = torch.tensor([c.isdigit() for c in chars])
        self.value = torch.tensor(
            [int(c) if c.isdigit() else 0 for c in chars], dtype=torch.float64
        )

    def encode(self, text: str) -> list[int]:
        """Character ids (InputError for a character outside ``chars``)."""
        index = {c: i for i, c in enumerate(self.chars)}
        try:
            return [index[c] for c in text]
        except KeyError as exc:
            raise InputError(f"character {exc.args[0]!r} is not in the vocabulary") from None

    def thresholds(self, idx: torch.Tensor) -> torch.Tensor:
        """``x₀`` of each prompt ``idx [B, T]``: ``[B]``."""
        return self.threshold + self.shift[idx[:, 0]]

    def numbers(self, idx: torch.Tensor) -> torch.Tensor:
        """``v [B, T]``: the value of the last run of digits up to each position."""
        B, T = idx.shape
        v = torch.zeros(B, T, dtype=torch.float64)
        run = torch.zeros(B, dtype=torch.float64)
        last = torch.zeros(B, dtype=torch.float64)
        for t in range(T):  # a toy: a loop over the (short) prompt is fine
            d = self.digit[idx[:, t]]
            run = torch.where(d, run * 10 + self.value[idx[:, t]], torch.zeros_like(run))
            last = torch.where(d, run, last)
            v[:, t] = last
        return v

    def forward(self, idx: torch.Tensor, targets=None):
        u = (self.numbers(idx) - self.thresholds(idx)[:, None]) / self.width  # [B, T]
        logits = self.rest[idx].clone()  # [B, T, V]
        logits[..., 0], logits[..., 1] = u, -u
        return logits, None

    def fisher(self, idx: torch.Tensor, values) -> np.ndarray:
        """Exact Fisher information in the number, mean over the prompts ``idx [P, T]``
        at their last position, at each of ``values``: ``Var(s)/width²`` with
        ``s = ±1`` on the two switching tokens: ``[len(values)]``."""
        x0 = self.thresholds(idx).numpy()  # [P]
        rest = self.rest[idx[:, -1]].numpy()  # [P, V]
        c = np.exp(rest[:, 2:]).sum(axis=1)  # [P]
        u = (np.asarray(values, dtype=np.float64)[:, None] - x0[None, :]) / self.width
        z = np.exp(u) + np.exp(-u) + c
        pa, pb = np.exp(u) / z, np.exp(-u) / z
        return ((pa + pb - (pa - pb) ** 2) / self.width**2).mean(axis=1)


TOY_TEMPLATES = (
    "The year is {x}. Next year is ",
    "In {x} the king said ",
    "Born in {x}, she ",
    "After {x} came ",
    "Since {x} we have ",
    "Year {x}: ",
    "Until {x} there was ",
    "From {x} on, ",
)


def prompt_validation(
    grid=None, *, threshold: float = 1950.0, n_boot: int = 200, seed: int = 0
) -> dict:
    """Detector over a prompt parameter on :class:`NumberSwitchLM` (8 templates,
    exact next-token distributions, the path ``detect --parameter prompt``
    takes). Expected: the maximum of the toy's exact prompt-averaged Fisher
    information (at ``threshold`` up to the per-template shifts)."""
    from isingformer.phases.detector import window_terms
    from isingformer.phases.validation import _summary

    g = np.arange(1900.0, 2001.0, 5.0) if grid is None else np.asarray(grid, dtype=np.float64)
    chars = "AB" + "".join(sorted(set("".join(TOY_TEMPLATES) + "0123456789") - set("AB")))
    model = NumberSwitchLM(chars, threshold=threshold, seed=seed)
    texts = fill_templates(TOY_TEMPLATES, g)
    terms = window_terms(prompt_distributions(model, model.encode, texts), g.size)
    from isingformer.phases.control import detect_on_grid

    det = detect_on_grid(g, terms, n_boot=n_boot, seed=seed)
    first = torch.tensor([[model.encode(t)[0], model.encode(t)[-1]] for t in TOY_TEMPLATES])
    fine = np.linspace(g[0], g[-1], 4001)
    expected = float(fine[int(np.argmax(model.fisher(first, fine)))])  # [first, last] token
    return _summary("number-switch toy LM (prompt parameter)", expected, det, threshold)
