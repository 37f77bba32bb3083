"""Policy specs: one row of a comparison = a β policy with its own options.

Syntax (``--policies`` on the command line, ``policies:`` in a YAML config)::

    NAME[:KEY=VALUE[,KEY=VALUE...]]

    sqrt_dk
    fixed:beta=8.0
    fixed:beta=[8,8,4,4]              # one value per head
    annealed:target=critical,steps=300
    critical:gamma=0.5
    critical:every=50                 # re-measure β* every 50 steps
    sqrt_dk:attention=hyperbolic,curvature=-1   # any policy, hyperbolic attention

KEYs are the options of the policy (``isingformer.attention``: ``fixed``
``beta``; ``learned`` ``init``; ``critical`` ``gamma``, ``per_head``;
``log_length`` ``s_init``, ``ref_len``; ``qk_norm`` ``g_init``, ``ref_len``;
``annealed`` ``target``, ``start``, ``start_ratio``, ``steps``, ``shape``,
``gamma``) plus ``every`` (the training's re-measurement interval K, for the
policies that measure β*: ``critical`` and ``annealed``). VALUEs are numbers,
``true``/``false``, ``none``, words, or ``[a,b,...]`` lists.

A list of specs is separated by commas (or semicolons): a comma-separated
item that holds ``=`` but no ``:`` continues the previous spec, so
``sqrt_dk,annealed:target=critical,steps=300,fixed:beta=8`` is three specs.
In YAML, ``policies:`` is a list of spec strings or of mappings
``{policy: NAME, KEY: VALUE, ...}`` (or one comma-separated string).

Every spec's row is named by its normalized text (``policy`` alone when it
has no options). Unknown keys, bad values and duplicate specs are
:class:`~isingformer.errors.InputError`.
"""

from __future__ import annotations

import inspect
import math
import re
from dataclasses import dataclass, field
from typing import Any

from isingformer.errors import InputError

__all__ = ["PolicySpec", "parse_policies", "parse_policy_spec"]

# spec keys that are training settings rather than policy options
_TRAIN_KEYS = {"every": "recalibrate_every"}
# the attention kind of a row (any policy): compare hyperbolic with dot-product
# attention in one comparison, e.g. "sqrt_dk:attention=hyperbolic,curvature=-1"
_KIND_KEYS = ("attention", "curvature")
_MEASURING = ("critical", "annealed")  # policies whose β* is (re-)measured in training
_INTERNAL = {"self", "n_heads", "d_head", "max_len", "measure_kwargs"}


@dataclass(frozen=True)
class PolicySpec:
    """A β policy with its options: ``policy`` (a name of
    ``isingformer.attention.BETA_POLICIES``), ``options`` (its keyword
    arguments) and ``train`` (training settings, e.g.
    ``{"recalibrate_every": 50}``). ``name`` is the normalized spec text."""

    policy: str
    options: dict = field(default_factory=dict)
    train: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        items = list(self.options.items())
        inv = {v: k for k, v in _TRAIN_KEYS.items()}
        items += [(inv.get(k, k), v) for k, v in self.train.items()]
        if not items:
            return self.policy
        return self.policy + ":" + ",".join(f"{k}={_fmt(v)}" for k, v in items)

    @property
    def slug(self) -> str:
        """A file-name-safe form of :attr:`name` (run directories)."""
        if not self.options and not self.train:
            return self.policy
        text = self.name.replace(":", "-").replace("[", "(").replace("]", ")")
        return re.sub(r"[^A-Za-z0-9._=+,()-]+", "-", text).strip("-")

    def __str__(self) -> str:
        return self.name

    def apply(self, base):
        """``base`` (a :class:`~isingformer.lm.config.TrainConfig`) with this
        policy, its options merged over ``base.policy_kwargs``, and its training
        settings; the options are checked by building the policy once."""
        from isingformer.attention import make_beta_policy

        kw = {**base.policy_kwargs, **self.options}
        try:
            cfg = base.replace(policy=self.policy, policy_kwargs=kw, **self.train)
            make_beta_policy(self.policy, cfg.n_head, cfg.d_model // cfg.n_head, **kw)
        except InputError as exc:
            raise InputError(f"policy spec {self.name!r}: {exc}") from None
        except (TypeError, ValueError, RuntimeError) as exc:
            raise InputError(f"policy spec {self.name!r}: bad value ({exc})") from None
        return cfg


def _fmt(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "none"
    if isinstance(v, list | tuple):
        return "[" + ",".join(_fmt(x) for x in v) + "]"
    if isinstance(v, float):
        return repr(v)
    return str(v)


_INT = re.compile(r"[+-]?\d+")


def _scalar(text: str, what: str) -> Any:
    s = text.strip()
    if not s:
        raise InputError(f"{what}: empty value")
    if _INT.fullmatch(s):
        return int(s)
    try:
        x = float(s)
    except ValueError:
        pass
    else:
        if not math.isfinite(x):
            raise InputError(f"{what}: value must be finite, got {s!r}")
        return x
    low = s.lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("none", "null"):
        return None
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", s):
        raise InputError(f"{what}: cannot parse value {s!r}")
    return s


def _value(text: str, what: str) -> Any:
    s = text.strip()
    if s.startswith("[") or s.endswith("]"):
        if not (s.startswith("[") and s.endswith("]")) or "[" in s[1:-1] or "]" in s[1:-1]:
            raise InputError(f"{what}: malformed list {s!r}")
        inner = s[1:-1].strip()
        return [_scalar(x, what) for x in inner.split(",")] if inner else []
    return _scalar(s, what)


def _split_top(text: str, seps: str) -> list[str]:
    """Split at the characters in ``seps`` outside brackets."""
    out, depth, cur = [], 0, []
    for ch in text:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth < 0:
                raise InputError(f"unbalanced ']' in {text!r}")
        if ch in seps and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if depth:
        raise InputError(f"unbalanced '[' in {text!r}")
    out.append("".join(cur))
    return out


def _allowed_keys(policy: str) -> list[str]:
    from isingformer.attention import BETA_POLICIES

    if policy not in BETA_POLICIES:
        raise InputError(f"unknown policy {policy!r}; choose from {', '.join(BETA_POLICIES)}")
    params = inspect.signature(BETA_POLICIES[policy].__init__).parameters
    keys = [k for k in params if k not in _INTERNAL]
    if policy in _MEASURING:
        keys += list(_TRAIN_KEYS)
    return keys + list(_KIND_KEYS)


def _build(policy: str, items: list[tuple[str, Any]], text: str) -> PolicySpec:
    allowed = _allowed_keys(policy)
    options, train = {}, {}
    for key, value in items:
        if key not in allowed:
            choice = ", ".join(allowed) if allowed else "none"
            raise InputError(
                f"policy spec {text!r}: unknown key {key!r} (keys of {policy}: {choice})"
            )
        if key in options or _TRAIN_KEYS.get(key, key) in train:
            raise InputError(f"policy spec {text!r}: key {key!r} given twice")
        if key in _KIND_KEYS:
            ok = (
                value in ("beta", "hyperbolic")
                if key == "attention"
                else (isinstance(value, int | float) and not isinstance(value, bool) and value < 0)
            )
            if not ok:
                want = "beta or hyperbolic" if key == "attention" else "a number < 0"
                raise InputError(f"policy spec {text!r}: {key} must be {want}, got {value!r}")
            train[key] = float(value) if key == "curvature" else value
        elif key in _TRAIN_KEYS:
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise InputError(
                    f"policy spec {text!r}: {key} must be an integer >= 0, got {value!r}"
                )
            train[_TRAIN_KEYS[key]] = value
        else:
            options[key] = value
    return PolicySpec(policy, options, train)


def parse_policy_spec(spec: str | dict | PolicySpec) -> PolicySpec:
    """One spec: ``"NAME[:KEY=VALUE,...]"``, a mapping ``{"policy": NAME,
    KEY: VALUE, ...}`` or a :class:`PolicySpec` (returned as is)."""
    if isinstance(spec, PolicySpec):
        return spec
    if isinstance(spec, dict):
        if "policy" not in spec or not isinstance(spec["policy"], str):
            raise InputError(f"a policy mapping needs a 'policy' name, got {spec!r}")
        items = [(str(k), v) for k, v in spec.items() if k != "policy"]
        for k, v in items:
            if isinstance(v, float) and not math.isfinite(v):
                raise InputError(f"policy {spec['policy']!r}: {k} must be finite, got {v!r}")
        return _build(spec["policy"].strip(), items, str(spec))
    if not isinstance(spec, str):
        raise InputError(f"a policy spec must be a string or a mapping, got {spec!r}")
    text = spec.strip()
    name, sep, rest = text.partition(":")
    name = name.strip()
    if not name:
        raise InputError(f"policy spec {spec!r} has no policy name")
    items = []
    if sep:
        if not rest.strip():
            raise InputError(f"policy spec {spec!r}: no options after ':'")
        for part in _split_top(rest, ","):
            key, eq, value = part.partition("=")
            key = key.strip()
            if not eq or not key:
                raise InputError(f"policy spec {spec!r}: expected KEY=VALUE, got {part.strip()!r}")
            items.append((key, _value(value, f"policy spec {spec!r}, key {key!r}")))
    return _build(name, items, text)


def parse_policies(value: str | list | tuple) -> list[PolicySpec]:
    """A list of specs: a comma/semicolon-separated string (see the module
    docstring) or a list of spec strings / mappings. Duplicates are errors."""
    if isinstance(value, str):
        groups: list[str] = []
        for chunk in _split_top(value, ";"):
            first = len(groups)
            for item in _split_top(chunk, ","):
                item = item.strip()
                if not item:
                    continue
                if "=" in item and ":" not in item:
                    if len(groups) == first or ":" not in groups[-1]:
                        raise InputError(
                            f"policy option {item!r} does not follow a spec NAME:KEY=VALUE"
                        )
                    groups[-1] += "," + item
                else:
                    groups.append(item)
        items: list = groups
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise InputError(f"policies must be a string or a list, got {value!r}")
    specs = [parse_policy_spec(x) for x in items]
    if not specs:
        raise InputError("no policies to compare")
    names = [s.name for s in specs]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise InputError(f"duplicate policies: {', '.join(dup)}")
    return specs
