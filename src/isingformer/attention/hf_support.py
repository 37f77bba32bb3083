"""What isingformer adds to ``transformers`` around its attention function.

- **A load-time refusal.** A model class whose attention modules never call
  the attention interface (Bloom, Falcon, …) would accept
  ``attn_implementation="isingformer"`` and silently ignore it (or fail
  later with a cryptic ``KeyError``). Building such a model with the
  isingformer attention raises :class:`~isingformer.errors.ModelLoadError`.
- **A build-time refusal** of a model some of whose attention modules
  compute their softmax themselves although others call the interface
  (LongT5's local attention): :func:`own_attention_modules`.
- **Layer indices.** Attention modules without a ``layer_idx`` (DistilBERT,
  ViT) are numbered in module order when the model is built, so a per-layer
  β and :class:`~isingformer.attention.QKCapture` know their layer.
- **β in generate and forward.** ``model.generate(**batch, beta=...)`` and
  ``model(**batch, beta=...)`` run inside
  :func:`~isingformer.attention.hf.beta_scope` (every form of ``beta``
  works: number, ``[H]``, ``[L, H]``, callable), so ``beta`` reaches every
  attention call even in models whose layers do not pass their keyword
  arguments on to the attention (StableLM: a ``beta`` keyword was silently
  dropped there). A model whose ``forward`` has its own ``beta`` parameter
  gets it unchanged; any other model without the isingformer attention is an
  :class:`~isingformer.errors.InputError` (its attention would ignore ``beta``).

These wrap four methods of ``transformers`` (``PreTrainedModel.post_init``,
``PreTrainedModel._check_and_adjust_attn_implementation``,
``PreTrainedModel.__call__``, ``GenerationMixin.generate``) once; each wrapper
calls the original and acts only for models using the isingformer attention
(or, for ``generate`` and ``__call__``, only when ``beta`` is given).
"""

from __future__ import annotations

import functools
import inspect
import re
import sys

from isingformer.errors import InputError, ModelLoadError

__all__ = ["index_layers", "install_support", "own_attention_modules", "reaches_adapter"]

_ATTENTION_CLASS = re.compile(r"^class \w*Attention\w*\(nn\.Module\):", re.MULTILINE)
_CALLS_INTERFACE: dict[type, bool] = {}


def reaches_adapter(model_cls: type) -> bool:
    """Whether the attention modules of ``model_cls`` call the ``transformers``
    attention interface. The modeling source of the class is read: if it
    defines an ``…Attention…(nn.Module)`` class it must use
    ``ALL_ATTENTION_FUNCTIONS``; a module without attention classes (a wrapper
    of other models) passes."""
    module = sys.modules.get(model_cls.__module__)
    if module is None:
        return True
    try:
        code = inspect.getsource(module)
    except (OSError, TypeError):
        return True
    if not _ATTENTION_CLASS.search(code):
        return True
    return "ALL_ATTENTION_FUNCTIONS" in code


_OWN_SOFTMAX: dict[type, bool] = {}


def own_attention_modules(model) -> list[str]:
    """Class names of the attention modules in ``model`` that compute their
    softmax themselves instead of calling the attention interface, in a model
    whose other attention modules do call it (LongT5's local and
    transient-global attention): ``reaches_adapter`` reads the whole modeling
    source and passes such a model."""
    names: list[str] = []
    for m in model.modules():
        cls = type(m)
        if cls not in _OWN_SOFTMAX:
            try:
                src = inspect.getsource(cls.forward)
            except (OSError, TypeError, AttributeError):
                src = ""
            _OWN_SOFTMAX[cls] = (
                "Attention" in cls.__name__
                and "softmax" in src
                and "ALL_ATTENTION_FUNCTIONS" not in src
            )
        if _OWN_SOFTMAX[cls] and cls.__name__ not in names:
            names.append(cls.__name__)
    return names


def _calls_interface(cls: type) -> bool:
    if cls not in _CALLS_INTERFACE:
        try:
            src = inspect.getsource(cls.forward)
        except (OSError, TypeError, AttributeError):
            src = ""
        _CALLS_INTERFACE[cls] = "ALL_ATTENTION_FUNCTIONS" in src
    return _CALLS_INTERFACE[cls]


def index_layers(model) -> int:
    """Number the attention modules of ``model`` that call the attention
    interface but carry no ``layer_idx`` (in module order, from 0). Returns
    how many were numbered. If there are fewer of them than the model has
    layers, each module serves several layers (ALBERT's shared layers): they
    are marked shared, and a per-layer β is refused for them."""
    numbered = []
    for m in model.modules():
        if getattr(m, "layer_idx", None) is None and _calls_interface(type(m)):
            m._isingformer_layer = len(numbered)
            numbered.append(m)
    depth = getattr(getattr(model, "config", None), "num_hidden_layers", None)
    if isinstance(depth, int) and 0 < len(numbered) < depth:
        for m in numbered:
            m._isingformer_shared = True
    return len(numbered)


def _uses(model, name: str) -> bool:
    cfg = getattr(model, "config", None)
    return getattr(cfg, "_attn_implementation", None) == name


def _patch(owner, attr: str, make) -> None:
    """Replace ``owner.attr`` by ``make(original)`` once (skipped if this
    ``transformers`` version has no such method)."""
    original = getattr(owner, attr, None)
    if original is None or getattr(original, "_isingformer", False):
        return
    wrapper = functools.wraps(original)(make(original))
    wrapper._isingformer = True
    setattr(owner, attr, wrapper)


def install_support(name: str) -> None:
    """Wrap the ``transformers`` methods listed in the module docstring (idempotent)."""
    from transformers import GenerationMixin, PreTrainedModel

    def checked(check):
        def run(self, *args, **kwargs):
            impl = check(self, *args, **kwargs)
            if impl == name:
                if not reaches_adapter(type(self)):
                    raise ModelLoadError(
                        f"{type(self).__name__} does not call the transformers attention "
                        f"interface, so attn_implementation={name!r} would be ignored; "
                        "isingformer cannot read or change its attention"
                    )
                index_layers(self)
            return impl

        return run

    def post_init(post):
        def run(self, *args, **kwargs):
            out = post(self, *args, **kwargs)
            if _uses(self, name):
                own = own_attention_modules(self)
                if own:
                    raise ModelLoadError(
                        f"{type(self).__name__} has attention modules that compute their "
                        f"softmax themselves ({', '.join(own)}), so attn_implementation="
                        f"{name!r} would be ignored there; isingformer cannot read or change "
                        "their attention"
                    )
                index_layers(self)
            return out

        return run

    def with_beta(call, what: str):
        def run(self, *args, beta=None, **kwargs):
            if beta is None or "beta" in inspect.signature(self.forward).parameters:
                kwargs = kwargs if beta is None else {**kwargs, "beta": beta}
                return call(self, *args, **kwargs)  # the model takes beta itself
            if not _uses(self, name):
                raise InputError(
                    f"{what}(beta=...) needs a model loaded with attn_implementation={name!r}"
                )
            from isingformer.attention.hf import beta_scope

            with beta_scope(beta):
                return call(self, *args, **kwargs)

        return run

    _patch(PreTrainedModel, "_check_and_adjust_attn_implementation", checked)
    _patch(PreTrainedModel, "post_init", post_init)
    _patch(PreTrainedModel, "__call__", lambda call: with_beta(call, "forward"))
    _patch(GenerationMixin, "generate", lambda generate: with_beta(generate, "generate"))
