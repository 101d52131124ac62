"""RegDiffusion as a method of `infer`: scores, TF rows, seeds, cache, bad input, the CLI contract."""
import random

import numpy as np
import pandas as pd
import pytest

from grnular_lib import infer
from grnular_lib import regdiffusion as rd
from grnular_lib.cli import main
from grnular_lib.errors import InputError
from grnular_lib.infer import score_matrix

STEPS = 40


@pytest.fixture(autouse=True)
def small_and_cached_here(tmp_path, monkeypatch):
    monkeypatch.setenv("GRNULAR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(rd, "DEFAULT_STEPS", STEPS)  # the package's 1,000 steps take a minute even on toy data


@pytest.fixture(scope="module")
def X():
    rng = np.random.default_rng(0)
    a = rng.gamma(2, 1, 200)
    x = np.column_stack([a, 2 * a + rng.gamma(1, .2, 200), rng.gamma(2, 1, (200, 6))])
    return np.log1p(x).astype(np.float32)


def test_scores_shape_sign_tf_rows_and_seed(X):
    S = rd.regdiffusion_scores(X, seed=3)
    assert S.shape == (8, 8) and S.dtype == np.float32 and (S >= 0).all() and not np.diag(S).any()
    assert (S > 0).sum() > 8  # a trained network, not an empty one
    np.testing.assert_array_equal(S, rd.regdiffusion_scores(X, seed=3, cache=False))  # same seed, same scores
    assert not np.array_equal(S, rd.regdiffusion_scores(X, seed=4, cache=False))
    T = rd.regdiffusion_scores(X, np.array([0, 2]), seed=3)
    np.testing.assert_array_equal(T[[0, 2]], S[[0, 2]])  # TF rows of the all-pairs network
    assert not np.delete(T, [0, 2], axis=0).any()
    A, B = score_matrix(X, None, "regdiffusion", seed=3), score_matrix(X, np.array([0, 2]), "regdiffusion", seed=3)
    np.testing.assert_array_equal(B[[0, 2]], A[[0, 2]])  # through infer's canonical order too
    assert not np.delete(B, [0, 2], axis=0).any()


def test_cache_is_used_and_keyed_by_seed(X, monkeypatch):
    first = rd.regdiffusion_scores(X, seed=5)
    monkeypatch.setattr(rd, "_train", lambda *a, **k: pytest.fail("trained again despite a cached result"))
    np.testing.assert_array_equal(rd.regdiffusion_scores(X, seed=5), first)
    with pytest.raises(pytest.fail.Exception):
        rd.regdiffusion_scores(X, seed=6)


def test_global_random_states_are_left_alone(X):
    random.seed(1), np.random.seed(1)
    expected = (random.random(), np.random.rand())
    random.seed(1), np.random.seed(1)
    rd.regdiffusion_scores(X, seed=7, cache=False)
    assert (random.random(), np.random.rand()) == expected


def test_constant_gene_and_empty_cell_get_no_scores(X):
    Y = X.copy()
    Y[:, 3] = 0.0  # constant after the per-cell scaling too
    Y[10] = 0.0
    S = rd.regdiffusion_scores(Y, seed=0, cache=False)
    assert np.isfinite(S).all() and not S[3].any() and not S[:, 3].any() and S.sum() > 0


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, True, "1"])
def test_bad_seed_is_a_clear_error(X, seed):
    with pytest.raises(InputError, match="seed .*(not an integer|out of range)"):
        rd.regdiffusion_scores(X, seed=seed)


def test_bad_input_is_a_clear_error(X):
    with pytest.raises(InputError, match="≥ 2 varying genes"):
        rd.regdiffusion_scores(np.ones((50, 4), np.float32), cache=False)
    with pytest.raises(InputError, match="n_steps"):
        rd.regdiffusion_scores(X, n_steps=0)
    with pytest.raises(InputError, match="TF indices"):
        rd.regdiffusion_scores(X, np.array([9]))


def test_cli_infer_regdiffusion(X, tmp_path, capsys):
    genes = [f"G{i}" for i in range(X.shape[1])]
    pd.DataFrame(X.T, index=genes).to_csv(tmp_path / "expr.csv")
    (tmp_path / "tfs.txt").write_text("G0\nG1\n")
    out, again = tmp_path / "edges.tsv", tmp_path / "again.tsv"
    args = ["infer", str(tmp_path / "expr.csv"), "--method", "regdiffusion", "--seed", "2"]
    assert main(args + ["--tfs", str(tmp_path / "tfs.txt"), "-o", str(out)]) == 0
    edges = pd.read_csv(out, sep="\t")
    assert set(edges["TF"]) == {"G0", "G1"} and len(edges) == 2 * 7
    assert main(args + ["-o", str(again)]) == 0  # without TFs: every gene a candidate regulator
    assert len(pd.read_csv(again, sep="\t")) == 8 * 7
    capsys.readouterr()
    assert main(["infer", str(tmp_path / "expr.csv"), "--method", "regdiffusion", "--seed", "-3", "-o",
                 str(tmp_path / "bad.tsv")]) == 2
    assert "grnular: error: --seed -3 is out of range" in capsys.readouterr().err and not (tmp_path / "bad.tsv").exists()


def test_infer_frame_input(X):
    frame = pd.DataFrame(X, columns=[f"G{i}" for i in range(X.shape[1])])
    edges = infer(frame, tfs=["G0"], method="regdiffusion", seed=1)
    assert edges["TF"].eq("G0").all() and edges["importance"].is_monotonic_decreasing
