"""DS-like hierarchical GRNs and the ``general`` distribution: shape, ranges, determinism, disjoint splits."""
import networkx as nx
import numpy as np
import pytest

from grnular_lib.errors import InputError
from grnular_lib.simulate import simulate_clean
from grnular_lib.simulate.general import (FAMILIES, GENERAL_SETTING, NOISE_LEVELS, SERGIO_DS_CHAIN, draw_general,
                                          general_corpus, general_seed)
from grnular_lib.simulate.hierarchical import graph_shape, hierarchical_grn


@pytest.mark.parametrize("n_genes, n_levels", [(100, 3), (400, 6), (1200, 7)])
def test_hierarchical_shape_like_ds(n_genes, n_levels):
    g = hierarchical_grn(n_genes, tf_ratio=0.1, n_levels=n_levels, seed=n_genes)
    regs = np.unique(g.regulator)
    assert [g.genes[i] for i in regs] == g.tfs  # every TF regulates something
    assert np.isin(g.master_regulators, regs).all()
    shape = graph_shape(g)
    assert shape["levels"] == n_levels and 0.4 <= shape["master_fraction"] <= 0.6
    assert 0.5 < shape["activating_fraction"] < 0.7  # both signs, about 40 % repressing
    assert shape["outdegree_max"] > 3 * shape["outdegree_median"]  # heavy-tailed out-degree
    assert 2.0 < shape["regulators_per_gene"] < 3.0 and shape["tf_tf_fraction"] < 0.1
    assert nx.is_directed_acyclic_graph(nx.DiGraph(list(zip(g.regulator, g.target))))


def test_hierarchical_few_tfs_and_simulates():
    g = hierarchical_grn(30, tf_ratio=0.05, n_levels=7, n_cell_types=2, seed=1)  # 2 TFs: the cascade is shallower
    assert len(g.tfs) == 2 and 2 <= g.levels().max() + 1 <= 3
    x = simulate_clean(g, cells_per_type=20, seed=0)
    assert x.shape == (2, 30, 20) and np.isfinite(x).all() and (x >= 0).all()


def test_hierarchical_modules_share_regulator_sets():
    """``module_sharing`` groups genes into co-regulated modules (DS1: 90 non-TF genes, 8 sets) and keeps every
    gene's number of regulators; 0 leaves the graph exactly as before the option existed."""
    free = hierarchical_grn(200, tf_ratio=0.1, n_levels=4, seed=3)
    modular = hierarchical_grn(200, tf_ratio=0.1, n_levels=4, module_sharing=0.9, seed=3)
    assert graph_shape(modular)["regulator_sets_per_gene"] < 0.3 * graph_shape(free)["regulator_sets_per_gene"]
    assert 1.5 < graph_shape(modular)["regulators_per_gene"] < 4
    same = hierarchical_grn(200, tf_ratio=0.1, n_levels=4, module_sharing=0.0, seed=3)
    np.testing.assert_array_equal(same.K, free.K) and np.testing.assert_array_equal(same.target, free.target)


def test_hierarchical_orphans_and_idle_tfs_like_a_reference_network():
    """A reference network lists no regulator for many genes and no target for many TFs (BEELINE: 13–68 % and
    8–38 %): ``orphan_fraction`` and ``idle_tf_fraction`` give exactly those shares, and the graph still simulates."""
    g = hierarchical_grn(200, tf_ratio=0.3, n_levels=4, orphan_fraction=0.5, idle_tf_fraction=0.3, seed=3)
    T = np.zeros((200, 200))
    T[g.regulator, g.target] = 1
    tf = np.array([g.genes.index(t) for t in g.tfs])
    non_tf = np.setdiff1d(np.arange(200), tf)
    assert len(tf) == 60 and np.mean(T[tf].sum(1) == 0) == pytest.approx(0.3, abs=0.02)
    assert np.mean(T[:, non_tf].sum(0) == 0) == pytest.approx(0.5, abs=0.02)
    unregulated = np.flatnonzero(T.sum(0) == 0)
    assert np.array_equal(np.sort(g.master_regulators), unregulated)  # every unregulated gene has its own rates
    x = simulate_clean(g, cells_per_type=20, seed=0)
    assert np.isfinite(x).all() and (x[:, unregulated].mean() > 0)


@pytest.mark.parametrize("kw, words", [(dict(n_levels=1), ["n_levels"]), (dict(mean_regulators=0.5), ["at least 1"]),
                                       (dict(tf_ratio=1.5), ["tf_ratio"]), (dict(master_fraction=0), ["master"]),
                                       (dict(module_sharing=1.0), ["module_sharing", "[0, 1)"]),
                                       (dict(orphan_fraction=-0.1), ["orphan_fraction"]),
                                       (dict(idle_tf_fraction=1.0), ["idle_tf_fraction"])])
def test_hierarchical_bad_input(kw, words):
    with pytest.raises(InputError) as err:
        hierarchical_grn(50, **kw)
    assert all(w in str(err.value) for w in words)


def test_split_seeds_are_disjoint():
    keys = {s: {tuple(general_seed(0, s, i).generate_state(4)) for i in range(200)} for s in ("train", "val", "test")}
    assert not keys["train"] & keys["test"] and not keys["train"] & keys["val"] and not keys["val"] & keys["test"]
    a = general_corpus(2, 0, max_genes=60, split="train", progress=False, n_cells=100)
    b = general_corpus(2, 0, max_genes=60, split="test", progress=False, n_cells=100)
    edges = lambda p: frozenset(map(tuple, p.data.truth[["Gene1", "Gene2"]].to_numpy()))
    assert not {edges(p) for p in a} & {edges(p) for p in b}
    assert a[0].info["spawn_key"][:2] != b[0].info["spawn_key"][:2]


def test_draw_is_deterministic_and_corpus_matches_single_draws():
    corpus = general_corpus(3, 7, max_genes=80, split="val", progress=False, n_cells=150)
    again = draw_general(general_seed(7, "val", 1), max_genes=80, name="general/val/1", n_cells=150)
    assert corpus[1].info == again.info and corpus[1].data.name == again.data.name
    np.testing.assert_array_equal(corpus[1].data.expression, again.data.expression)
    shifted = general_corpus(1, 7, max_genes=80, split="val", start=2, progress=False, n_cells=150)
    np.testing.assert_array_equal(shifted[0].data.expression, corpus[2].data.expression)


def test_draws_respect_ranges_and_are_finite():
    s = GENERAL_SETTING
    seen = {"family": set(), "noise": set(), "ds_dropout": set()}
    for i in range(32):
        data, info = draw_general(general_seed(1, "train", i), max_genes=120, n_cells=min(300, 100 + 10 * i))
        assert s.genes[0] <= info["n_genes"] <= 120
        assert s.tf_ratio[0] <= info["tf_ratio"] <= s.tf_ratio[1]
        assert s.cell_types[0] <= info["n_cell_types"] <= s.cell_types[1]
        assert data.expression.shape == (info["n_cells"], info["n_genes"]) and len(data.tfs) == info["n_tfs"]
        assert np.isfinite(data.expression).all() and (data.expression >= 0).all()
        assert 0 < info["chance"] < 1 and info["n_edges"] == len(data.truth)
        if info["noise"] == "ds":  # log1p of counts, at a drawn depth, with or without the dropout step
            assert data.expression.max() < np.log1p(1e6)
            assert s.library_mean[0] <= info["library_mean"] <= s.library_mean[1]
            assert info["dropout_percentile"] == info["ds_dropout_percentile"]
            seen["ds_dropout"].add(info["ds_dropout_percentile"] is not None)
        else:
            assert info["library_mean"] is None and info["ds_dropout_percentile"] is None
        if info["family"] == "hierarchical":
            assert info["levels"] <= s.levels[1] and info["sparsity"] is None
        else:
            assert info["n_levels"] is None and s.sparsity[0] * 0.5 < info["sparsity"] <= s.sparsity[1]
        seen["family"].add(info["family"])
        seen["noise"].add(info["noise"])
    assert seen == {"family": set(FAMILIES), "noise": set(NOISE_LEVELS), "ds_dropout": {True, False}}
    assert s.to_dict()["genes"] == [50, 1200] and s.to_dict()["ds_noise"]["library_scale"] == 0.4
    assert s.to_dict(max_genes=400)["genes"] == [50, 400]


def test_overrides_fix_one_parameter_and_keep_the_others():
    base = draw_general(5, max_genes=100, n_cells=120).info
    fixed = draw_general(5, max_genes=100, n_cells=120, noise="dropout", dropout_percentile=50.0,
                         family="hierarchical").info
    assert fixed["noise"] == "dropout" and fixed["dropout_percentile"] == 50.0 and fixed["family"] == "hierarchical"
    assert all(base[k] == fixed[k] for k in ("n_genes", "tf_ratio", "n_cell_types", "noise_q", "decay"))


def test_sergio_ds_chain_override_gives_the_ds_data_depth():
    """The grid's ``ds`` cells use SERGIO's own chain: about 100 counts per cell and dropout at the 82nd percentile,
    so most entries are zeros; a deep draw of the chain keeps far fewer."""
    kw = dict(max_genes=100, n_genes=100, n_cells=300, noise="ds")
    sergio = draw_general(3, **kw, **SERGIO_DS_CHAIN)
    deep = draw_general(3, **kw, library_mean=9.2, ds_dropout_percentile=None)
    assert sergio.info["library_mean"] == 4.6 and sergio.info["dropout_percentile"] == 82.0
    assert np.mean(sergio.data.expression == 0) > 0.7 > 0.3 > np.mean(deep.data.expression == 0)


@pytest.mark.parametrize("kw, words", [(dict(split="holdout"), ["split"]), (dict(colour=1), ["colour", "fixable"]),
                                       (dict(noise="heavy"), ["noise", "clean"]), (dict(max_genes=10), ["max_genes"]),
                                       (dict(every_gene=1.5), ["every_gene=1.5", "True"]),
                                       (dict(normalise="yes"), ["normalise='yes'", "True"])])
def test_general_bad_input(kw, words):
    with pytest.raises(InputError) as err:
        general_corpus(1, 0, progress=False, **kw)
    assert all(w in str(err.value) for w in words)


def test_versions_4_5_and_7_of_the_ranges_differ_only_in_the_cells():
    """Versions 4 (up to 8,000 cells), 5 (1,000–3,000) and 7 (3,000–8,000) differ from the default version 3 only in
    the cells: the same seed gives the same graph and parameters, with the cell count drawn from each version's
    range."""
    from dataclasses import replace

    from grnular_lib.simulate.general import GENERAL_SETTINGS, general_setting_version

    assert GENERAL_SETTING.cells == (100, 3000) and GENERAL_SETTINGS[3] is GENERAL_SETTING
    for version, cells in ((4, (100, 8000)), (5, (1000, 3000)), (7, (3000, 8000))):
        setting = general_setting_version(version)
        assert setting == replace(GENERAL_SETTING, version=version, cells=cells)
        for i in range(3):
            old = draw_general(general_seed(2, "train", i), max_genes=80)
            new = draw_general(general_seed(2, "train", i), max_genes=80, setting=setting)
            slack = new.info["n_cell_types"]  # cells are split evenly over the cell types, so the count rounds
            assert old.info["n_cells"] <= 3000 + slack and cells[0] - slack <= new.info["n_cells"] <= cells[1] + slack
            assert old.info["n_genes"] == new.info["n_genes"]
            np.testing.assert_array_equal(old.data.truth_matrix(), new.data.truth_matrix())
    with pytest.raises(InputError, match="general setting version 2 is not in this library; choose one of 3, 4"):
        general_setting_version(2)


def test_version_6_gives_every_gene_as_a_candidate_and_changes_nothing_else():
    """Version 6 gives a method every gene as a candidate regulator; the expression, the truth and every other
    parameter are those of the same seed's version-3 draw, whose candidates are the graph's TFs, and the genes that
    are not TFs regulate nothing."""
    from grnular_lib.simulate.general import general_setting_version

    for i in range(4):
        old = draw_general(general_seed(2, "train", i), max_genes=60, n_cells=100)
        new = draw_general(general_seed(2, "train", i), max_genes=60, n_cells=100, setting=general_setting_version(6))
        np.testing.assert_array_equal(old.data.expression, new.data.expression)
        np.testing.assert_array_equal(old.data.truth_matrix(), new.data.truth_matrix())
        assert not old.info["every_gene"] and new.info["every_gene"]
        assert len(old.data.tfs) == old.info["n_tfs"] < len(old.data.genes)
        assert set(old.data.truth["Gene1"]) <= set(old.data.tfs)
        assert list(new.data.tfs) == list(new.data.genes) and new.info["n_tfs"] == old.info["n_tfs"]
        assert {k: v for k, v in old.info.items() if k not in ("every_gene", "setting")} == \
            {k: v for k, v in new.info.items() if k not in ("every_gene", "setting")}
    every = draw_general(4, max_genes=60, n_cells=100, every_gene=True).data
    assert list(every.tfs) == list(every.genes)


def test_version_8_normalises_half_of_the_ds_chain_problems_and_changes_nothing_else():
    """Version 8 scales the DS chain's counts to the median library size before ``log1p`` in about half of its DS
    problems (a sixth stream of the seed decides); the counts, the truth and every other parameter are those of the
    same seed's version-3 draw, and the other noise levels are untouched."""
    from grnular_lib.simulate.general import general_setting_version, normalise_total

    v8 = general_setting_version(8)
    assert v8.ds_normalise_probability == 0.5 and GENERAL_SETTING.ds_normalise_probability == 0.0
    flags = [draw_general(general_seed(2, "train", i), max_genes=60, n_cells=100, noise="ds",
                          setting=v8).info["normalise"] for i in range(16)]
    assert 0 < sum(flags) < 16
    for i in range(3):
        old = draw_general(general_seed(2, "train", i), max_genes=60, n_cells=100, noise="ds")
        new = draw_general(general_seed(2, "train", i), max_genes=60, n_cells=100, noise="ds", setting=v8,
                           normalise=True)
        counts = np.rint(np.expm1(old.data.expression.astype(np.float64)))
        np.testing.assert_allclose(new.data.expression, np.log1p(normalise_total(counts)), rtol=1e-5, atol=1e-6)
        library = np.expm1(new.data.expression.astype(np.float64)).sum(axis=1)
        assert np.allclose(library[library > 0], np.median(counts.sum(axis=1)[counts.sum(axis=1) > 0]), rtol=1e-4)
        np.testing.assert_array_equal(old.data.truth_matrix(), new.data.truth_matrix())
        assert old.info["normalise"] is False and new.info["normalise"] is True
        assert {k: v for k, v in old.info.items() if k not in ("normalise", "setting")} == \
            {k: v for k, v in new.info.items() if k not in ("normalise", "setting")}
        clean = draw_general(general_seed(2, "train", i), max_genes=60, n_cells=100, noise="clean", setting=v8)
        assert clean.info["normalise"] is None
        np.testing.assert_array_equal(clean.data.expression, draw_general(
            general_seed(2, "train", i), max_genes=60, n_cells=100, noise="clean").data.expression)
    zero = normalise_total(np.array([[0.0, 0.0], [1.0, 3.0], [2.0, 0.0]]))
    np.testing.assert_allclose(zero, [[0.0, 0.0], [0.75, 2.25], [3.0, 0.0]])


def test_version_9_is_version_5_cells_with_version_8_normalisation():
    """Version 9 draws the cells of version 5 (1,000–3,000) and normalises like version 8; nothing else differs."""
    from dataclasses import replace

    from grnular_lib.simulate.general import GENERAL_SETTINGS

    v5, v8, v9 = GENERAL_SETTINGS[5], GENERAL_SETTINGS[8], GENERAL_SETTINGS[9]
    assert v9 == replace(v5, version=9, ds_normalise_probability=v8.ds_normalise_probability)
    assert v9 == replace(v8, version=9, cells=v5.cells)
    problem = draw_general(general_seed(2, "train", 0), max_genes=60, noise="ds", setting=v9, normalise=True)
    assert 1000 - problem.info["n_cell_types"] <= problem.info["n_cells"] <= 3000 + problem.info["n_cell_types"]
    assert problem.info["normalise"] is True and problem.info["setting"] == "general-v9"


def test_version_10_is_version_8_with_half_the_problems_through_the_noise_chain():
    """Version 10 draws SERGIO's noise chain for half of its problems (version 8: 30 %); nothing else differs."""
    from dataclasses import replace

    from grnular_lib.simulate.general import GENERAL_SETTINGS, _draw_parameters

    v8, v10 = GENERAL_SETTINGS[8], GENERAL_SETTINGS[10]
    assert v10 == replace(v8, version=10, noise_weights=(0.2, 0.3, 0.5))
    rngs = [np.random.default_rng(i) for i in range(5)]
    for setting, share in ((v8, 0.3), (v10, 0.5)):
        noises = [_draw_parameters(*rngs, setting, 60)["noise"] for _ in range(400)]
        assert abs(noises.count("ds") / len(noises) - share) < 0.08


def test_version_11_is_version_3_with_every_problem_through_the_noise_chain_as_counts():
    """Version 11 sends every problem through SERGIO's noise chain and takes its counts as they are (log1p without
    normalisation); nothing else differs from version 3, and its draws are log1p of whole numbers."""
    from dataclasses import replace

    from grnular_lib.expression import looks_like_log_counts
    from grnular_lib.simulate.general import GENERAL_SETTINGS, _draw_parameters, draw_general

    v3, v11 = GENERAL_SETTINGS[3], GENERAL_SETTINGS[11]
    assert v11 == replace(v3, version=11, noise_weights=(0.0, 0.0, 1.0))
    rngs = [np.random.default_rng(i) for i in range(5)]
    draws = [_draw_parameters(*rngs, v11, 60) for _ in range(200)]
    assert {d["noise"] for d in draws} == {"ds"} and not any(d["normalise"] for d in draws)
    problem = draw_general(general_seed(3, "train", 0), max_genes=60, setting=v11, n_cells=120)
    assert problem.info["noise"] == "ds" and looks_like_log_counts(problem.data.expression)
