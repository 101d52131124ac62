"""The `grnular infer` / `grnular evaluate` contract, on a small network whose answer is known."""
import json

import numpy as np
import pandas as pd
import pytest

from grnular_lib import infer
from grnular_lib.cli import main
from grnular_lib.errors import InputError


@pytest.fixture
def linear_data(tmp_path):
    """Genes × cells file where TF A drives X and TF B drives Y; truth A→X, B→Y."""
    rng = np.random.default_rng(0)
    a, b, noise = rng.gamma(2, 1, 300), rng.gamma(2, 1, 300), rng.gamma(1, 0.2, (3, 300))
    frame = pd.DataFrame([a, b, 2 * a + noise[0], 3 * b + noise[1], noise[2]], index=["A", "B", "X", "Y", "Z"],
                         columns=[f"type0_cell{i}" for i in range(300)])
    frame.to_csv(tmp_path / "ExpressionData.csv.gz")
    (tmp_path / "tfs.txt").write_text("a\nB\nNOT_IN_DATA\n")
    pd.DataFrame({"Gene1": ["A", "B"], "Gene2": ["X", "Y"]}).to_csv(tmp_path / "refNetwork.csv", index=False)
    return tmp_path


def test_infer_returns_arboreto_edge_list(linear_data):
    with pytest.warns(UserWarning) as caught:
        edges = infer(linear_data / "ExpressionData.csv.gz", tfs=linear_data / "tfs.txt", method="pearson")
    messages = [str(w.message) for w in caught]
    assert any("1 of 3 TFs" in m for m in messages) and any("only in another case" in m for m in messages)
    assert list(edges.columns) == ["TF", "target", "importance"]
    assert set(edges["TF"]) == {"A", "B"} and len(edges) == 2 * 4
    assert (edges["importance"].diff().dropna() <= 0).all()
    assert {tuple(r) for r in edges[["TF", "target"]].head(2).to_numpy()} == {("A", "X"), ("B", "Y")}


def test_cli_infer_then_evaluate(linear_data, capsys):
    out = linear_data / "edges.tsv"
    assert main(["infer", str(linear_data / "ExpressionData.csv.gz"), "--tfs", str(linear_data / "tfs.txt"),
                 "--method", "ridge", "-o", str(out)]) == 0
    assert pd.read_csv(out, sep="\t").columns.tolist() == ["TF", "target", "importance"]
    assert "edges (ridge) to" in capsys.readouterr().err  # no checkpoint to name
    assert main(["evaluate", str(out), "--truth", str(linear_data / "refNetwork.csv"), "--protocol", "beeline"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["auprc"] == pytest.approx(1.0) and result["n_true_edges"] == 2
    assert {"auprc", "auroc", "auprc_ratio", "epr", "n_true_edges", "density"} <= set(result)


def test_cli_errors_leave_no_output(linear_data, capsys):
    out = linear_data / "edges.tsv"
    bad = pd.read_csv(linear_data / "ExpressionData.csv.gz", index_col=0)
    bad.iloc[2, 5] = np.nan
    bad.to_csv(linear_data / "bad.csv")
    assert main(["infer", str(linear_data / "bad.csv"), "--method", "pearson", "-o", str(out)]) == 2
    assert "NaN or infinite" in capsys.readouterr().err and not out.exists()
    assert main(["infer", str(linear_data / "ExpressionData.csv.gz"), "--method", "magic", "-o", str(out)]) == 2
    assert "unknown method 'magic'" in capsys.readouterr().err and not out.exists()
    assert not list(linear_data.glob(".edges.tsv.*"))


def test_tf_aware_model_without_tfs_is_a_clear_error(linear_data):
    with pytest.raises(InputError, match="needs a TF list"):
        infer(linear_data / "ExpressionData.csv.gz", method="grnular")


def test_default_model_without_tfs_takes_every_gene_with_the_model_trained_that_way(linear_data, capsys):
    """Without a TF list grnular-rank scores every gene as a candidate regulator, with the ensemble trained on
    problems that give every gene (up to 3,000 cells); a TF list naming every gene is the same; with a TF list the
    checkpoint usual for its number of cells runs."""
    import warnings

    from grnular_lib.checkpoints import checkpoint_for_cells, shipped_every_gene
    from grnular_lib.infer import score_matrix

    assert checkpoint_for_cells("grnular-rank", 500, every_gene=True) == "grnular-rank-general-v6-ensemble"
    assert checkpoint_for_cells("grnular-rank", 2000, every_gene=True) == "grnular-rank-general-v6-ensemble"
    assert checkpoint_for_cells("grnular-rank", 5000, every_gene=True) == "grnular-rank-general-v7-ensemble"
    assert checkpoint_for_cells("grnular-jac", 500, every_gene=True) == "grnular-jac-general"
    assert shipped_every_gene("grnular-rank-general-v6-ensemble")
    assert not shipped_every_gene("grnular-rank-general-ensemble") and not shipped_every_gene("grnular-clean")
    X = pd.read_csv(linear_data / "ExpressionData.csv.gz", index_col=0).T.to_numpy(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        none = score_matrix(X, None, "grnular-rank")
        every = score_matrix(X, np.arange(5), "grnular-rank")
        trained = score_matrix(X, np.arange(5), "grnular-rank", checkpoint="grnular-rank-general-v6-ensemble")
        usual = score_matrix(X, np.arange(5), "grnular-rank", checkpoint="grnular-rank-general-ensemble")
        with_tfs = score_matrix(X, np.array([0, 1]), "grnular-rank")
        with_tfs_usual = score_matrix(X, np.array([0, 1]), "grnular-rank",
                                      checkpoint=checkpoint_for_cells("grnular-rank", X.shape[0]))
    np.testing.assert_array_equal(none, trained)
    np.testing.assert_array_equal(every, trained)
    assert not np.array_equal(trained, usual)
    np.testing.assert_array_equal(with_tfs, with_tfs_usual)
    assert (none[~np.eye(5, dtype=bool)] > 0).all() and np.allclose(none, none.T)  # every pair, undirected
    assert none[0, 2] == none[0].max() and none[1, 3] == none[1].max()  # A → X and B → Y stand out in their rows
    out = linear_data / "edges.tsv"
    assert main(["infer", str(linear_data / "ExpressionData.csv.gz"), "-o", str(out)]) == 0
    edges = pd.read_csv(out, sep="\t")
    assert set(edges["TF"]) == set("ABXYZ") and len(edges) == 5 * 4
    err = capsys.readouterr().err
    assert "error" not in err and "edges (grnular-rank, checkpoint grnular-rank-general-v6-ensemble) to" in err
    assert infer(linear_data / "ExpressionData.csv.gz").attrs["checkpoint"] == "grnular-rank-general-v6-ensemble"


def test_log1p_of_counts_takes_the_model_trained_on_them():
    """On counts not scaled to a library size, through ``log1p`` (SERGIO's noisy DS data) or raw, grnular-rank runs
    the ensemble trained mostly on SERGIO's noise chain, within its range of cells and unless every gene is a
    candidate; the same counts normalised to a library size take the checkpoint usual for their number of cells."""
    import warnings

    from grnular_lib.checkpoints import checkpoint_for_cells, shipped_noise_chain
    from grnular_lib.infer import score_matrix

    counts = "grnular-rank-general-v10v11-ensemble"
    assert checkpoint_for_cells("grnular-rank", 150, counts=True) == counts
    assert checkpoint_for_cells("grnular-rank", 2000, counts=True) == counts
    assert checkpoint_for_cells("grnular-rank", 5000, counts=True) == "grnular-rank-general-v7-ensemble"
    assert checkpoint_for_cells("grnular-rank", 500, every_gene=True, counts=True) == (
        "grnular-rank-general-v6-ensemble")
    assert checkpoint_for_cells("grnular-jac", 500, counts=True) == "grnular-jac-general"
    assert shipped_noise_chain(counts) and shipped_noise_chain("grnular-rank-general-v11-ensemble")
    assert not shipped_noise_chain("grnular-rank-general-ensemble") and not shipped_noise_chain(
        "grnular-rank-general-v8v10-ensemble") and not shipped_noise_chain("grnular-clean")
    rng = np.random.default_rng(0)
    raw = rng.poisson(rng.gamma(0.5, 20.0, (200, 8))).astype(np.float64)
    library = raw.sum(axis=1, keepdims=True)
    tfs = np.array([0, 1, 2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        logged = score_matrix(np.log1p(raw).astype(np.float32), tfs, "grnular-rank")
        logged_counts = score_matrix(np.log1p(raw).astype(np.float32), tfs, "grnular-rank", checkpoint=counts)
        usual = checkpoint_for_cells("grnular-rank", raw.shape[0])
        logged_usual = score_matrix(np.log1p(raw).astype(np.float32), tfs, "grnular-rank", checkpoint=usual)
        as_counts = score_matrix(raw.astype(np.float32), tfs, "grnular-rank")
        as_counts_routed = score_matrix(raw.astype(np.float32), tfs, "grnular-rank", checkpoint=counts)
        normalised = np.log1p(raw / np.maximum(library, 1) * np.median(library)).astype(np.float32)
        scaled = score_matrix(normalised, tfs, "grnular-rank")
        scaled_usual = score_matrix(normalised, tfs, "grnular-rank", checkpoint=usual)
    np.testing.assert_array_equal(logged, logged_counts)
    np.testing.assert_array_equal(as_counts, as_counts_routed)
    assert not np.array_equal(logged, logged_usual)
    np.testing.assert_array_equal(scaled, scaled_usual)


@pytest.mark.parametrize("header", ["TF,target\n", "regulator\ttarget\n", "gene1,gene2\n", "source target\n", ""])
def test_truth_header_is_not_counted_as_an_edge(tmp_path, header):
    from grnular_lib.network import read_truth

    sep = "\t" if "\t" in header else (" " if " " in header else ",")
    (tmp_path / "truth.csv").write_text(header + f"A{sep}X\nB{sep}Y\n")
    assert read_truth(tmp_path / "truth.csv").to_numpy().tolist() == [["A", "X"], ["B", "Y"]]


def test_edge_list_named_gz_is_gzip_compressed(linear_data, capsys):
    out = linear_data / "edges.tsv.gz"
    assert main(["infer", str(linear_data / "ExpressionData.csv.gz"), "--tfs", str(linear_data / "tfs.txt"),
                 "--method", "pearson", "-o", str(out)]) == 0
    assert out.read_bytes()[:2] == b"\x1f\x8b"
    assert pd.read_csv(out, sep="\t").columns.tolist() == ["TF", "target", "importance"]
    assert main(["evaluate", str(out), "--truth", str(linear_data / "refNetwork.csv")]) == 0
    assert json.loads(capsys.readouterr().out)["auprc"] == pytest.approx(1.0)


def test_edge_list_names_are_stripped_like_the_truth(tmp_path):
    from grnular_lib.evaluate import score_edge_list
    from grnular_lib.network import read_edge_list, read_truth

    (tmp_path / "edges.tsv").write_text("TF\ttarget\timportance\n A\tX\t0.9\nB\tY \t0.8\nA\tY\t0.1\n")
    (tmp_path / "truth.csv").write_text("Gene1,Gene2\nA,X\nB,Y\n")
    edges = read_edge_list(tmp_path / "edges.tsv")
    assert edges[["TF", "target"]].to_numpy().tolist() == [["A", "X"], ["B", "Y"], ["A", "Y"]]
    assert score_edge_list(edges, read_truth(tmp_path / "truth.csv"))["auprc"] == pytest.approx(1.0)


def test_many_cells_take_the_model_trained_on_more(tmp_path, capsys):
    """The default grnular-rank follows the number of cells: the ensemble trained on the narrowest range that holds
    them (100–999 cells: the rank3v14 ensemble, 1,000–2,999 cells: the rank3v9 ensemble, both silently, as
    documented; from 3,000 the v7 ensemble, trained on
    3,000–8,000 only), with one warning line naming both beyond the default's 3,000; nothing changes when a checkpoint
    is chosen."""
    import warnings

    from grnular_lib.checkpoints import checkpoint_for_cells
    from grnular_lib.infer import score_matrix

    assert checkpoint_for_cells("grnular-rank", 100) == "grnular-rank-general-rank3v14-ensemble"
    assert checkpoint_for_cells("grnular-rank", 999) == "grnular-rank-general-rank3v14-ensemble"
    assert checkpoint_for_cells("grnular-rank", 10) == "grnular-rank-general-ensemble"  # below every range
    assert checkpoint_for_cells("grnular-rank", 1000) == "grnular-rank-general-rank3v9-ensemble"
    assert checkpoint_for_cells("grnular-rank", 2999) == "grnular-rank-general-rank3v9-ensemble"
    assert checkpoint_for_cells("grnular-rank", 3000) == "grnular-rank-general-v7-ensemble"  # the narrower range
    assert checkpoint_for_cells("grnular-rank", 8000) == "grnular-rank-general-v7-ensemble"
    assert checkpoint_for_cells("grnular-rank", 50000) == "grnular-rank-general-v7-ensemble"  # trained on the most
    assert checkpoint_for_cells("grnular-jac", 50000) == "grnular-jac-general"  # no other range shipped
    rng = np.random.default_rng(0)
    X = rng.gamma(2, 1, (3100, 6)).astype(np.float32)
    with pytest.warns(UserWarning, match=r"3100 cells: more than the 3,000 .* using grnular-rank-general-v7-ensemble"
                                         r", trained on up to 8,000 \(pass --checkpoint grnular-rank-general-ensemble"):
        routed = score_matrix(X, np.array([0, 1]), "grnular-rank")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wide = score_matrix(X, np.array([0, 1]), "grnular-rank", checkpoint="grnular-rank-general-v7-ensemble")
        usual = score_matrix(X, np.array([0, 1]), "grnular-rank", checkpoint="grnular-rank-general-ensemble")
        within = score_matrix(X[:2000], np.array([0, 1]), "grnular-rank")
        narrow = score_matrix(X[:2000], np.array([0, 1]), "grnular-rank", checkpoint="grnular-rank-general-rank3v9-ensemble")
        few = score_matrix(X[:500], np.array([0, 1]), "grnular-rank")
        few_narrow = score_matrix(X[:500], np.array([0, 1]), "grnular-rank",
                                  checkpoint="grnular-rank-general-rank3v14-ensemble")
    np.testing.assert_array_equal(routed, wide)
    assert not np.array_equal(routed, usual)
    np.testing.assert_array_equal(within, narrow)
    np.testing.assert_array_equal(few, few_narrow)
    frame = pd.DataFrame(X.T, index=list("ABCDEF"), columns=[f"c{i}" for i in range(3100)])
    frame.to_csv(tmp_path / "many.csv")
    (tmp_path / "tfs.txt").write_text("A\nB\n")
    assert main(["infer", str(tmp_path / "many.csv"), "--tfs", str(tmp_path / "tfs.txt"), "-o",
                 str(tmp_path / "out.tsv")]) == 0
    err = capsys.readouterr().err
    warned = [line for line in err.splitlines() if "3100 cells" in line]
    assert len(warned) == 1 and warned[0].startswith("grnular: warning:")
    assert "edges (grnular-rank, checkpoint grnular-rank-general-v7-ensemble) to" in err


def test_raw_counts_warn_for_the_learned_models_only(tmp_path):
    """Counts (whole numbers) fed to a model trained on log-transformed expression get one warning naming the fix;
    the same data log-transformed, and counts fed to a floor, get none."""
    import warnings

    rng = np.random.default_rng(0)
    counts = pd.DataFrame(rng.poisson(5, (200, 6)).astype(float), columns=list("ABCDEF"))
    with pytest.warns(UserWarning, match=r"looks like raw counts \(whole numbers up to \d+\).*sc.pp.log1p"):
        infer(counts, tfs=["A", "B"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        infer(np.log1p(counts), tfs=["A", "B"])
        infer(counts, tfs=["A", "B"], method="pearson")
