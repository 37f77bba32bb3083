"""Named errors. The CLI turns every :class:`IsingformerError` into one line on
stderr and exit code 2; library code raises them and never prints."""


class IsingformerError(Exception):
    """Base class of every error this package raises on purpose."""

    exit_code: int = 2


class InputError(IsingformerError, ValueError):
    """A parameter, file or option given by the user is not valid."""


class StoreError(IsingformerError):
    """The results store cannot be opened, read or written."""


class ModelLoadError(IsingformerError):
    """A model directory or checkpoint cannot be loaded safely."""


class PhysicsError(IsingformerError):
    """A computation was asked outside the domain where it is defined."""
