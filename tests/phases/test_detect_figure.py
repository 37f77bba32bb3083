"""The detector figure names its control parameter on the axis and in the caption."""

import numpy as np
import pytest

from isingformer.phases.report import detection_figure


def _result(parameter: str) -> dict:
    grid = np.linspace(1.0, 9.0, 9)
    inner = grid[1:-1]
    curve = np.exp(-((inner - 5.0) ** 2)).tolist()
    band = [[0.9 * v for v in curve], [1.1 * v for v in curve]]
    return {
        "parameter": parameter,
        "spacing": "linear",
        "source": "run/checkpoint.pt",
        "grid": grid.tolist(),
        "points": inner.tolist(),
        "indicators": {"tv": curve, "js": curve, "linear": curve},
        "bands": {"tv": band, "js": band, "linear": band},
        "peaks": [{"indicator": "linear", "value": 5.0, "ci": [4.5, 5.5], "at_edge": False}],
    }


@pytest.mark.parametrize(
    ("parameter", "words"),
    [
        ("temperature", "sampling temperature"),
        ("beta", "β / β_model"),
        ("step", "training step"),
        ("prompt", "number x in the prompt"),
    ],
)
def test_axis_names_the_parameter(parameter, words):
    fig = detection_figure(_result(parameter))
    assert words in fig.caption
    assert fig.png.startswith(b"\x89PNG")
