import isingformer.layers as layers

PUBLIC = {
    "bch2_relative",
    "boltzmann_product",
    "boltzmann_sum",
    "certified_product_vs_sum",
    "commutator",
    "commutator_norms",
    "commuting_family",
    "layer_attention",
    "perturbed_family",
    "product_vs_sum",
    "rollout_tv",
    "spectral_norm",
    "symmetric_part",
    "trotter_bound_log10",
    "trotter_product",
    "two_level_error",
    "two_level_pair",
}


def test_public_names_are_pinned():
    assert set(layers.__all__) == PUBLIC
    for name in PUBLIC:
        assert callable(getattr(layers, name))
