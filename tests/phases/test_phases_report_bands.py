"""The detector figure's caption says what its bands are and over how many prompts."""

from isingformer.phases.report import detection_figure


def test_caption_states_the_bootstrap_and_its_n():
    x = [2.0, 3.0, 4.0]
    curve, band = [0.1, 0.5, 0.1], [[0.0, 0.4, 0.0], [0.2, 0.6, 0.2]]
    result = {
        "parameter": "temperature", "spacing": "linear", "points": x, "n_prompts": 12,
        "n_boot": 50, "indicators": dict.fromkeys(("tv", "js", "linear"), curve),
        "bands": dict.fromkeys(("tv", "js", "linear"), band),
        "peaks": [{"indicator": "linear", "value": 3.0, "ci": [2.5, 3.5], "at_edge": False}],
    }  # fmt: skip
    caption = detection_figure(result).caption
    assert "percentile bootstrap over the 12 prompts (50 resamples)" in caption


def test_legend_names_the_divergences_in_words(monkeypatch):
    import isingformer.phases.report as rep

    figs = []
    monkeypatch.setattr(rep, "figure", lambda fig, caption="": figs.append(fig))
    x = [2.0, 3.0, 4.0]
    curve, band = [0.1, 0.5, 0.1], [[0.0, 0.4, 0.0], [0.2, 0.6, 0.2]]
    result = {
        "parameter": "temperature", "spacing": "linear", "points": x,
        "indicators": dict.fromkeys(("tv", "js", "linear"), curve),
        "bands": dict.fromkeys(("tv", "js", "linear"), band), "peaks": [],
    }  # fmt: skip
    rep.detection_figure(result)
    texts = [t.get_text() for t in figs[0].get_axes()[0].get_legend().get_texts()]
    assert "total variation" in texts and "Jensen–Shannon (bits)" in texts


def test_caption_states_the_band_method_of_a_current_result():
    from isingformer.phases.detector import BAND_METHOD

    x = [2.0, 3.0, 4.0]
    curve, band = [0.1, 0.5, 0.1], [[0.0, 0.4, 0.0], [0.2, 0.6, 0.2]]
    result = {
        "parameter": "temperature", "spacing": "linear", "points": x, "n_prompts": 5,
        "n_boot": 50, "band_method": BAND_METHOD,
        "indicators": dict.fromkeys(("tv", "js", "linear"), curve),
        "bands": dict.fromkeys(("tv", "js", "linear"), band),
        "peaks": [{"indicator": "linear", "value": 3.0, "ci": [2.5, 3.5], "at_edge": False}],
    }  # fmt: skip
    caption = detection_figure(result).caption
    assert "Student-t" in caption and "n = 5" in caption and "percentile" not in caption


def test_validation_caption_states_a_shared_band_method_once():
    from isingformer.phases.detector import BAND_METHOD
    from isingformer.phases.report import validation_figure

    x = [2.0, 2.2, 2.4, 2.6, 2.8]
    curve = [0.1, 0.3, 0.5, 0.3, 0.1]
    band = [[c - 0.05 for c in curve], [c + 0.05 for c in curve]]

    def det(n: int, method: str = BAND_METHOD) -> dict:
        return {
            "points": x, "n_prompts": n, "n_boot": 50, "band_method": method,
            "indicators": dict.fromkeys(("tv", "js", "linear"), curve),
            "bands": dict.fromkeys(("tv", "js", "linear"), band),
            "peaks": [{"indicator": "linear", "value": 2.4, "ci": [2.3, 2.5], "at_edge": False}],
        }  # fmt: skip

    systems = [("toy LM", 32), ("2D Ising", 8)]
    caption = validation_figure(
        [{"system": s, "detection": det(n), "expected": 2.4} for s, n in systems]
    ).caption
    assert caption.count(BAND_METHOD) == 1 and "n = toy LM 32, 2D Ising 8" in caption
    mixed = validation_figure(
        [
            {"system": "toy LM", "detection": det(32), "expected": 2.4},
            {"system": "2D Ising", "detection": det(2, "no band: 2 prompt(s)"), "expected": 2.4},
        ]
    ).caption
    assert f"toy LM: {BAND_METHOD}, n = 32" in mixed and "2D Ising: no band" in mixed
