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
