"""Pin the public names of isingformer.probe."""

import isingformer.probe as probe


def test_public_names():
    assert set(probe.__all__) == {
        "PHASES",
        "CapturedBatch",
        "HeadPhase",
        "LoadedModel",
        "PhaseMap",
        "analyze_attention",
        "capture_qk",
        "classify_phase",
        "corpus_dir",
        "default_model_path",
        "default_texts",
        "load_model",
        "phase_map_job",
        "phase_map_section",
        "read_texts",
    }
    assert probe.PHASES == ("disordered", "near-critical", "ordered")
