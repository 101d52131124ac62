"""Robustness of a case study's ranking: ranks, resamples, intervals, verdicts; GO test effect size; neighbourhood."""
import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from grnular_lib import case_study as cs
from grnular_lib import rank_robustness as rr
from grnular_lib import robustness_plots
from grnular_lib.errors import InputError

GENES = ["T", "A", "B", "C", "D", "X"]
TFS = np.array([0, 1, 2, 3, 4])  # the target T is also a TF: it is never its own regulator


def column_scores(col):
    S = np.zeros((6, 6))
    S[:, 0] = col
    return S


def test_regulator_ranks_with_ties_and_errors():
    S = column_scores([9.0, 0.9, 0.5, 0.5, -0.1, 0])
    assert rr.regulator_ranks(S, GENES, TFS, "T", ["A", "B", "C", "D"]) == {"A": 1, "B": 2.5, "C": 2.5, "D": 4}
    with pytest.raises(InputError, match="not TFs"):
        rr.regulator_ranks(S, GENES, TFS, "T", ["X"])
    with pytest.raises(InputError, match="target gene 'Q'"):
        rr.regulator_ranks(S, GENES, TFS, "Q", ["A"])


def test_bootstrap_cells_are_seeded_resamples():
    a, b = rr.bootstrap_cells(50, 3, seed=1), rr.bootstrap_cells(50, 3, seed=1)
    assert len(a) == 3 and all(np.array_equal(x, y) for x, y in zip(a, b))
    assert all(len(x) == 50 and x.min() >= 0 and x.max() < 50 and len(np.unique(x)) < 50 for x in a)


def fake_score(X, tf_index, method, seed):
    """'steady': A > B > C always; 'noisy': A's score is random per seed and per resample."""
    base = [0.0, 0.8, 0.6, 0.4, 0.2, 0.0]
    if method == "noisy":
        base[1] = np.random.default_rng(seed * 1000 + int(X.sum() * 10) % 997).uniform(0, 1)
    return column_scores(base)


def test_rank_runs_intervals_and_verdicts():
    X = np.random.default_rng(0).gamma(2, 1, (40, 6))
    runs = rr.rank_runs(X, GENES, TFS, "T", ["A", "B", "C"], ["steady", "noisy"], seeds=[0, 1, 2, 3],
                        n_resamples={"steady": 5, "noisy": 10}, score=fake_score)
    counts = runs.groupby(["method_id", "source"]).size()
    assert counts[("steady", "seed")] == 3 * 3 and counts[("steady", "bootstrap")] == 5 * 3
    assert counts[("noisy", "bootstrap")] == 10 * 3 and counts[("noisy", "full data")] == 3
    iv = rr.rank_intervals(runs, level=0.9)
    steady = iv[iv["method_id"] == "steady"].set_index(["regulator", "source"])
    assert (steady["low"] == steady["high"]).all() and steady.loc[("A", "bootstrap"), "median"] == 1
    noisy = iv[(iv["method_id"] == "noisy") & (iv["regulator"] == "A")]
    assert (noisy["high"] > noisy["low"]).all()
    support = rr.claim_support(runs, above=["A", "B"], below="C").set_index("method_id")
    assert support.loc["steady", "verdict"] == "holds" and support.loc["steady", "bootstrap"] == 1.0
    assert support.loc["steady", "runs"] == 1 + 3 + 5
    assert 0 < support.loc["noisy", "bootstrap"] < 1 and support.loc["noisy", "verdict"] == "unstable"
    assert rr.verdict_across(support) == "holds for some methods"
    assert rr.verdict_across(support.loc[["steady"]]) == "holds"
    once = rr.rank_runs(X, GENES, TFS, "T", ["A", "B", "C"], ["steady"], seeds=[0], n_resamples=0, score=fake_score)
    assert rr.claim_support(once, above=["A"], below="C")["verdict"].tolist() == ["holds (1 run)"]
    never = rr.claim_support(runs, above=["C"], below="A")
    assert (never["verdict"].iloc[:1] == "does not hold").all()
    with pytest.raises(InputError, match="not followed"):
        rr.claim_support(runs, above=["D"], below="A")
    fig = robustness_plots.rank_intervals(iv, target="T", n_tfs=4)
    assert len(fig.axes) == 3


def test_rank_runs_with_real_methods():
    rng = np.random.default_rng(3)
    X = rng.gamma(2, 1, (60, 6))
    X[:, 0] = 2 * X[:, 1] + rng.normal(0, 0.1, 60)  # A drives T
    runs = rr.rank_runs(X, GENES, TFS, "T", ["A", "B"], ["pearson", "ridge"], seeds=[0], n_resamples=4)
    full = runs[runs["source"] == "full data"]
    assert set(full["method"]) == {"Pearson-TF", "Ridge-TF"} and (full.loc[full["regulator"] == "A", "rank"] == 1).all()
    assert (runs.loc[runs["regulator"] == "A", "rank"] == 1).all()  # a strong edge survives every resample


def test_go_test_effect_size():
    every = pd.DataFrame({"group": "all genes", "score": np.arange(100.0)})
    go = pd.DataFrame({"group": "GO genes", "score": [200.0, 300.0, 400.0]})
    result = cs.rank_sum_test(pd.concat([every, go]))
    assert result["prob_superiority"] == 1.0 and result["rank_biserial"] == 1.0 and result["p_value"] < 0.01
    null = cs.rank_sum_test(pd.concat([every, every.assign(group="GO genes")]))
    assert null["prob_superiority"] == pytest.approx(0.5) and null["p_value"] > 0.4
    S = np.random.default_rng(0).uniform(size=(6, 6))
    table = cs.go_tests({"M1": S, "M2": S.T}, GENES, ["A", "B", "C"], TFS)
    assert list(table["method"]) == ["M1", "M2"] and {"p_value", "rank_biserial", "n_go"} <= set(table)


def test_target_neighbourhood_is_small_and_labelled():
    S = np.random.default_rng(1).uniform(size=(6, 6))
    edges = cs.target_neighbourhood(S, GENES, TFS, "X", n_regulators=3, threshold=0.0)
    to_target = edges[edges["kind"] == "to target"]
    assert len(to_target) == 3 and (to_target["target"] == "X").all()
    among = edges[edges["kind"] == "among regulators"]
    assert len(among) == 3 and set(among["TF"]) | set(among["target"]) <= set(to_target["TF"])
    assert edges["importance"].is_monotonic_decreasing and edges["importance"].max() <= 1
    assert len(cs.target_neighbourhood(S, GENES, TFS, "X", n_regulators=3, threshold=1.0)) == 3
    with pytest.raises(InputError, match="n_regulators"):
        cs.target_neighbourhood(S, GENES, TFS, "X", n_regulators=0)
    fig = robustness_plots.neighbourhood(edges, target="X", tfs=["A", "B", "C", "D"])
    assert fig.axes[0].get_title().startswith("the 3 best-scored regulators of X")
