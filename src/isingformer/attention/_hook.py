"""Lazy registration of the ``"isingformer"`` attention with ``transformers``.

Importing ``transformers.modeling_utils`` costs seconds, so importing
isingformer must not do it. Instead :func:`install` registers at once if
``transformers.modeling_utils`` is already loaded, and otherwise puts a tiny
finder on ``sys.meta_path`` that registers right after ``transformers``
loads it (i.e. before any ``from_pretrained`` can run). This module imports
nothing heavy.
"""

from __future__ import annotations

import importlib.abc
import sys
import warnings

_TARGET = "transformers.modeling_utils"


def _register() -> None:
    try:
        from isingformer.attention.hf import register_hf_attention

        register_hf_attention()
    except Exception as exc:  # never break the user's import of transformers
        warnings.warn(
            f"isingformer could not register its attention with transformers: {exc!r}",
            RuntimeWarning,
            stacklevel=2,
        )


class _Loader(importlib.abc.Loader):
    def __init__(self, inner) -> None:
        self.inner = inner

    def create_module(self, spec):
        return self.inner.create_module(spec)

    def exec_module(self, module) -> None:
        self.inner.exec_module(module)
        _register()

    def __getattr__(self, name):  # get_source, get_filename, ... of the real loader
        return getattr(self.inner, name)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname != _TARGET:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _Loader(spec.loader)
        return spec


def install() -> None:
    """Register now if transformers' modeling code is loaded, else on its import."""
    if _TARGET in sys.modules:
        _register()
        return
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
