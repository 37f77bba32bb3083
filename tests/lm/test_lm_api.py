"""The public names of isingformer.lm are pinned."""

import isingformer.lm as lm


def test_public_api():
    assert sorted(lm.__all__) == sorted(
        [
            "GPT",
            "Comparison",
            "PolicySpec",
            "TokenData",
            "TrainConfig",
            "TrainResult",
            "beta_matrix",
            "build_model",
            "calibrate_critical",
            "clean_gutenberg",
            "compare",
            "control_verdict",
            "cost_to_target",
            "load_checkpoint",
            "load_config",
            "load_corpus",
            "lr_at",
            "parse_policies",
            "parse_policy_spec",
            "prepare_data",
            "prepare_data_for",
            "resume_config",
            "save_checkpoint",
            "train",
            "verdict",
        ]
    )
    assert all(hasattr(lm, name) for name in lm.__all__)
