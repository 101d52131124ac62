"""Bad inputs to the Python API (``grnular_lib.infer``): one clear :class:`InputError` each, before any work."""
import os
import warnings

import numpy as np
import pandas as pd
import pytest

from grnular_lib import infer
from grnular_lib.errors import CheckpointError, InputError


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(rng.gamma(2.0, 1.0, (40, 6)), columns=[f"G{i}" for i in range(6)])


def _multiindex(df):
    out = df.copy()
    out.columns = pd.MultiIndex.from_arrays([df.columns, ["a"] * df.shape[1]])
    return out


def _with_dates(df):
    out = df.copy()
    out["G1"] = pd.Timestamp("2020") + pd.to_timedelta(np.arange(len(df)), "h")
    return out


def _tuple_labels(df):
    out = df.copy()
    out.columns = pd.Index([(g, "a") for g in df.columns], tupleize_cols=False)
    return out


BAD = [
    ("multiindex", lambda df: dict(data=_multiindex(df)), r"several levels of labels"),
    ("tuple-labels", lambda df: dict(data=_tuple_labels(df)), r"several levels of labels"),
    ("dates", lambda df: dict(data=_with_dates(df)), r"gene 'G1' holds datetime64\[ns\] values"),
    ("complex", lambda df: dict(data=df.astype(complex)), r"holds complex128 values"),
    ("tfs-int", lambda df: dict(data=df, tfs=5), r"tfs of type int"),
    ("tfs-bytes", lambda df: dict(data=df, tfs=b"G0"), r"tfs of type bytes"),
    ("tfs-none-entry", lambda df: dict(data=df, tfs=["G0", None]), r"1 entries that are not names \(e.g. None\)"),
    ("tfs-one-symbol", lambda df: dict(data=df, tfs="G0"), r"\(in Python, tfs=\['G0'\] also works\)"),
    ("tfs-empty-string", lambda df: dict(data=df, tfs=""), r"tfs is an empty string"),
    ("tfs-empty-list", lambda df: dict(data=df, tfs=[]), r"tfs is empty; .* or tfs=None"),
    ("checkpoint-int", lambda df: dict(data=df, checkpoint=3), r"checkpoint=3: give the name"),
    ("checkpoint-baseline", lambda df: dict(data=df, method="pearson", checkpoint="grnular-clean"),
     r"pearson has none, so drop it"),
    ("flag-string", lambda df: dict(data=-df, method="pearson", allow_negative="no"),
     r"allow_negative='no': give True or False"),
    ("cells-in-rows-frame", lambda df: dict(data=df, method="pearson", cells_in_rows=True),
     r"applies to table files; a DataFrame"),
    ("top-zero", lambda df: dict(data=df, top=0), r"top=0 \(--top\): give a whole number of edges to keep"),
    ("top-fraction", lambda df: dict(data=df, top=0.5), r"top=0.5 \(--top\)"),
    ("top-flag", lambda df: dict(data=df, top=True), r"top=True \(--top\)"),
]


@pytest.mark.parametrize("make,match", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_api_input(frame, make, match):
    kwargs = {"method": "pearson", **make(frame)}
    with pytest.raises(InputError, match=match):
        infer(**kwargs)


def test_tf_collections_and_a_generator_give_the_same_network(frame):
    want = infer(frame, tfs=["G0", "G1"], method="pearson")
    for tfs in (("G1", "G0"), {"G0", "G1"}, pd.Series(["G0", "G1"]), iter(["G0", "G1"])):
        got = infer(frame, tfs=tfs, method="pearson")
        pd.testing.assert_frame_equal(got, want)


def test_a_transposed_frame_without_names_for_its_cells_is_warned_about(frame):
    """genes × cells read as cells × genes: the cells' numbers become gene labels and the gene names cell labels."""
    with pytest.warns(UserWarning, match=r"genes are labelled by position .* cells carry names \(e.g. 'G0'\); .*df.T"):
        infer(frame.T, method="pearson")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        infer(frame, method="pearson")  # the right way round: no warning
        infer(frame.reset_index(drop=True).T.reset_index(drop=True).T, method="pearson")  # no names at all


def test_a_file_named_like_a_shipped_checkpoint_is_refused(frame, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "grnular-clean").write_bytes(b"")
    with pytest.raises(CheckpointError, match=r"names both a shipped checkpoint and the file ./grnular-clean"):
        infer(frame, tfs=["G0", "G1"], method="grnular", checkpoint="grnular-clean")
    assert os.path.exists("grnular-clean")


def test_a_backed_sparse_anndata_is_read(frame, tmp_path):
    """``read_h5ad(..., backed="r")`` with a sparse X: the same network as in memory (its X is a dataset there)."""
    import anndata
    from scipy import sparse

    adata = anndata.AnnData(sparse.csr_matrix(frame.to_numpy(np.float32)))
    adata.var_names, adata.obs_names = list(frame.columns), [f"c{i}" for i in range(len(frame))]
    adata.write_h5ad(tmp_path / "x.h5ad")
    backed = anndata.read_h5ad(tmp_path / "x.h5ad", backed="r")
    pd.testing.assert_frame_equal(infer(backed, tfs=["G0", "G1"], method="pearson"),
                                  infer(adata, tfs=["G0", "G1"], method="pearson"))
    assert backed.isbacked  # the user's object is left as it was


def test_scoring_takes_arboreto_and_beeline_column_names_and_refuses_others(frame):
    """score_edge_list with arboreto's ``source`` and BEELINE's ``EdgeWeight`` scores as with the project's names; a
    NaN importance or an unknown column is an InputError naming the fix; a dataset's truth may use them too, and a
    truth without an edge among the dataset's genes is refused."""
    from grnular_lib.dataset import GRNDataset
    from grnular_lib.evaluate import evaluate, score_edge_list

    edges = pd.DataFrame({"TF": ["G0", "G1", "G0"], "target": ["G3", "G4", "G4"], "importance": [0.9, 0.8, 0.1]})
    truth = pd.DataFrame({"Gene1": ["G0", "G1"], "Gene2": ["G3", "G4"]})
    want = score_edge_list(edges, truth)
    arboreto = edges.rename(columns={"TF": "source", "importance": "EdgeWeight"})
    assert score_edge_list(arboreto, truth.rename(columns={"Gene1": "regulator", "Gene2": "target"})) == want
    with pytest.raises(InputError, match=r"3 missing, non-numeric, NaN or infinite importances"):
        score_edge_list(edges.assign(importance=np.nan), truth)
    with pytest.raises(InputError, match=r"columns \['a', 'target', 'importance'\], not TF, target, importance "
                       r"\(any case"):
        score_edge_list(edges.rename(columns={"TF": "a"}), truth)
    from scipy import sparse

    data = GRNDataset("d", sparse.csr_matrix(frame.to_numpy()), list(frame.columns),
                      truth=truth.rename(columns={"Gene1": "TF"}))
    assert data.expression.shape == frame.shape
    assert evaluate("pearson", data)["n_true_edges"].iloc[0] == 2
    elsewhere = GRNDataset("d", frame.to_numpy(), list(frame.columns), truth=pd.DataFrame({"Gene1": ["x"],
                                                                                            "Gene2": ["y"]}))
    with pytest.raises(InputError, match=r"its truth network has no edge between two of its genes"):
        evaluate("pearson", elsewhere)


def test_a_network_beyond_the_machines_memory_is_refused_before_the_work(frame, monkeypatch):
    import grnular_lib.environment as environment

    monkeypatch.setattr(environment, "physical_memory", lambda: 1024)  # a machine of 1 KiB
    with pytest.raises(InputError, match=r"grnular-rank on 6 candidate regulators × 6 genes needs about .* GiB of "
                       r"memory, more than this machine's .*; give a TF list \(--tfs, tfs=\)"):
        infer(frame)
    with pytest.raises(InputError, match=r"pearson on 2 candidate regulators × 6 genes .* keep fewer genes"):
        infer(frame, tfs=["G0", "G1"], method="pearson")


def test_top_keeps_the_head_of_the_full_edge_list_ties_included():
    from grnular_lib.network import edges_from_matrix

    rng = np.random.default_rng(3)
    S = rng.integers(0, 4, (9, 9)).astype(float)  # many ties
    genes = [f"g{i}" for i in rng.permutation(9)]
    full = edges_from_matrix(S, genes, [0, 2, 5])
    for top in (1, 3, 7, 10, 24, 100):
        pd.testing.assert_frame_equal(edges_from_matrix(S, genes, [0, 2, 5], top=top),
                                      full.head(top).reset_index(drop=True))
