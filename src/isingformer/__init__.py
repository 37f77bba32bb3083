"""isingformer: the statistical physics of transformers, as tested software."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("isingformer")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]

import isingformer.attention  # noqa: E402, F401  (cheap; registers the "isingformer" HF attention lazily)
