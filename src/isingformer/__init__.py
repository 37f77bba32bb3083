"""isingformer: the statistical physics of transformers, as tested software."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("isingformer")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]

# cheap (loads neither torch nor transformers): registers the "isingformer"
# Hugging Face attention implementation when transformers loads its model code
import isingformer.attention  # noqa: F401
