import isingformer.phases as phases


def test_public_names_are_pinned():
    assert sorted(phases.__all__) == sorted(
        [
            "INDICATORS", "ONSAGER_TC", "PARAMETERS", "Detection", "TwoPhaseLM", "detect",
            "detect_from_terms", "fisher_from_linear", "ising_validation", "jensen_shannon",
            "linear_divergence", "load_causal_lm", "rem_validation", "toy_validation",
            "total_variation", "window_terms", "gpt_bond_matrix", "gpt_layer_graph", "layered_bond_matrix",
            "powerlaw_fit", "spin_study", "tc_closed_form", "tc_layered", "tc_squared_bonds",
            "tc_tap", "critical_weights", "hidden_order_direction", "spin_mc",
            "susceptibility_tc", "tap_solve", "tc_tap_iteration", "sampled_temperature_terms",
            "sequence_logprobs", "checkpoint_series", "detect_on_grid", "NumberSwitchLM",
            "prompt_validation", "ConfigurationScorer", "PromptScorer", "Scorer",
            "TemperatureScorer", "beta_scorer", "checkpoint_scorer", "indicator_errors",
            "sampled_terms", "monte_carlo_tc", "policy_run", "summarize_policies",
            "curie_weiss_overlap", "overlap_tc",
        ]
    )  # fmt: skip
    for name in phases.__all__:
        assert getattr(phases, name) is not None
