"""GRN validation, random GRNs (paper §3.2) and SERGIO's file format."""
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from grnular_lib.errors import InputError
from grnular_lib.simulate import GRN, random_grn, read_sergio, write_sergio

SERGIO = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "sergio"


def chain(**over):
    """G0 (MR) → G1 → G2, and G0 ⊣ G2."""
    kw = dict(genes=["G0", "G1", "G2"], regulator=[0, 1, 0], target=[1, 2, 2], K=[2.0, 1.5, -3.0], hill=2.0,
              master_regulators=[0], basal_rates=[[0.5, 1.0]])
    kw.update(over)
    return GRN(**kw)


def test_grn_basics():
    g = chain()
    assert g.n_cell_types == 2 and g.tfs == ["G0", "G1"]
    assert list(g.levels()) == [2, 1, 0]
    net = g.to_network_frame()
    assert list(net.columns) == ["Gene1", "Gene2", "Type"] and list(net["Type"]) == ["+", "+", "-"]
    A = g.adjacency()
    assert A[0, 1] == 1 and A[1, 0] == 0 and A.sum() == 3


@pytest.mark.parametrize("over, words", [
    (dict(regulator=[0, 1, 2], target=[1, 2, 1]), ["cyclic", "G1"]),
    (dict(regulator=[0, 1, 1], target=[1, 2, 0]), ["master regulator", "G0"]),
    (dict(regulator=[0], target=[1], K=[1.0]), ["neither", "G2"]),
    (dict(K=[2.0, 0.0, -3.0]), ["K = 0", "G1 -> G2"]),
    (dict(basal_rates=[[0.5, -1.0]]), ["G0", ">= 0"]),
    (dict(basal_rates=[[0.5], [1.0]]), ["one row of rates"]),
    (dict(hill=[2.0, -1.0, 2.0]), ["Hill", "positive"]),
    (dict(regulator=[0, 1, 0, 0], target=[1, 2, 2, 1], K=[1.0, 1.0, 1.0, 1.0]), ["listed twice"]),
    (dict(target=[1, 2, 7]), ["outside"]),
])
def test_grn_validation_errors(over, words):
    with pytest.raises(InputError) as err:
        chain(**over)
    for w in words:
        assert w in str(err.value)


@pytest.mark.parametrize("seed", range(5))
def test_random_grn_structure(seed):
    g = random_grn(100, tf_ratio=0.1, sparsity=0.1, n_cell_types=5, seed=seed)
    graph = nx.DiGraph(list(zip(g.regulator.tolist(), g.target.tolist())))
    assert nx.is_directed_acyclic_graph(graph)
    tf = np.array([int(t[1:]) for t in g.tfs])
    assert len(tf) == 10 and set(g.regulator.tolist()) <= set(tf.tolist())
    assert set(tf.tolist()) == set(g.regulator.tolist())  # every TF has a target
    non_tf = np.setdiff1d(np.arange(100), tf)
    assert set(non_tf.tolist()) <= set(g.target.tolist())  # every gene has a TF
    assert set(g.master_regulators.tolist()) <= set(tf.tolist())
    assert np.all(np.abs(g.K) >= 1) and np.all(np.abs(g.K) <= 5)
    low = (g.basal_rates >= 0.2) & (g.basal_rates <= 0.5)
    high = (g.basal_rates >= 0.7) & (g.basal_rates <= 1.0)
    assert np.all(low | high) and g.basal_rates.shape == (g.master_regulators.size, 5)
    assert g.genes[:2] == ["G0", "G1"]


def test_random_grn_options():
    many = [random_grn(100, seed=s) for s in range(10)]
    assert 0.35 < np.mean([np.mean(g.K < 0) for g in many]) < 0.65
    assert any(not np.array_equal(np.unique(g.regulator), np.arange(10)) for g in many)  # TFs anywhere
    front = random_grn(100, tfs_anywhere=False, seed=1)
    assert set(front.regulator.tolist()) <= set(range(10))
    authors = random_grn(100, p_repression=0.0, k_range=(0.0, 5.0), seed=2)
    assert np.all(authors.K > 0) and authors.K.min() < 1
    no_tf_tf = random_grn(100, tf_tf_edges=False, seed=3)
    assert len(no_tf_tf.master_regulators) == 10
    assert np.array_equal(random_grn(50, seed=9).K, random_grn(50, seed=9).K)
    with pytest.raises(InputError, match="tf_ratio"):
        random_grn(100, tf_ratio=1.5)


@pytest.mark.skipif(not SERGIO.exists(), reason="SERGIO mirror not available")
@pytest.mark.parametrize("name, cid, genes, edges, masters", [("DS1", 4, 100, 258, 7), ("DS2", 5, 400, 1155, 20),
                                                              ("DS3", 6, 1200, 2713, 67)])
def test_read_shipped_ds(name, cid, genes, edges, masters, tmp_path):
    d = SERGIO / name
    g = read_sergio(d / f"Interaction_cID_{cid}.txt", d / f"Regs_cID_{cid}.txt")
    assert (g.n_genes, len(g.K), len(g.master_regulators), g.n_cell_types) == (genes, edges, masters, 9)
    gt = np.loadtxt(d / "gt_GRN.csv", delimiter=",", ndmin=2).astype(int)
    assert set(map(tuple, gt.tolist())) == set(zip(g.regulator.tolist(), g.target.tolist()))
    write_sergio(g, tmp_path / "i.txt", tmp_path / "r.txt")
    again = read_sergio(tmp_path / "i.txt", tmp_path / "r.txt")
    assert set(zip(again.regulator.tolist(), again.target.tolist(), again.K.tolist())) == \
        set(zip(g.regulator.tolist(), g.target.tolist(), g.K.tolist()))
    np.testing.assert_array_equal(again.basal_rates, g.basal_rates)


GOOD_I = "1.0,1.0,0.0,2.5,2.0\n2.0,2.0,0.0,1.0,-1.5,3.0,2.0,2.0\n"
GOOD_R = "0.0,0.5,0.9\n"


@pytest.mark.parametrize("inter, regs, words", [
    ("1.0,1.0,0.0,abc,2.0\n2.0,1.0,0.0,1.0,2.0\n", GOOD_R, ["line 1", "'abc'", "not a number"]),
    ("1.0,1.0,0.0,2.5,2.0\n2.0,2.0,0.0,1.0,-1.5,3.0,2.0\n", GOOD_R, ["line 2", "n_regs"]),
    ("1.0,1.0,0.0,2.5,2.0\n2.0,1.0,0.0,0.0,2.0\n", GOOD_R, ["line 2", "K = 0"]),
    (GOOD_I, "0.0,0.5,0.9\n3.0,0.5\n", ["r.txt, line 2", "missing rate"]),
    (GOOD_I, "0.0,0.5,0.9\n3.0,0.5,0.1,0.3\n", ["line 2", "extra rate"]),
    (GOOD_I, "0.0,0.5,-0.9\n", ["line 1", "negative"]),
    (GOOD_I, "0.0,0.5,0.9\n2.0,0.5,0.9\n", ["line 2", "G2", "master regulator", "line 2 of"]),
    ("1.0,1.0,0.0,2.5,2.0\n3.0,1.0,0.0,2.5,2.0\n", GOOD_R, ["G2", "neither"]),
    ("1.0,1.0,2.0,2.5,2.0\n2.0,1.0,1.0,2.5,2.0\n", GOOD_R, ["cyclic"]),
    ("1.0,1.0,0.0,2.5,2.0\n1.0,1.0,0.0,2.5,2.0\n", GOOD_R, ["line 2", "already listed on line 1"]),
])
def test_read_sergio_errors(tmp_path, inter, regs, words):
    (tmp_path / "i.txt").write_text(inter)
    (tmp_path / "r.txt").write_text(regs)
    with pytest.raises(InputError) as err:
        read_sergio(tmp_path / "i.txt", tmp_path / "r.txt")
    for w in words:
        assert w in str(err.value)


def test_read_sergio_good_and_missing(tmp_path):
    (tmp_path / "i.txt").write_text(GOOD_I)
    (tmp_path / "r.txt").write_text(GOOD_R)
    g = read_sergio(tmp_path / "i.txt", tmp_path / "r.txt")
    assert g.genes == ["G0", "G1", "G2"] and g.n_cell_types == 2 and list(g.K) == [2.5, -1.5, 3.0]
    with pytest.raises(InputError, match="does not exist"):
        read_sergio(tmp_path / "nope.txt", tmp_path / "r.txt")
