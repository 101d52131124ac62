"""Loaders against the local mirror: BEELINE subsets, the mESC case study, GO sets, regenerated SERGIO DS data."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from grnular_lib.data.beeline import list_beeline, load_beeline, parse_cell_names
from grnular_lib.data.case_study import load_mesc_case_study, read_go_sets
from grnular_lib.data.sergio_ds import load_sergio_ds
from grnular_lib.errors import DataUnavailableError, InputError

MIRROR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
pytestmark = pytest.mark.skipif(not MIRROR.is_dir(), reason="the local data mirror ../shared/data is absent")


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GRNULAR_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def mesc():
    return load_beeline("mESC", "TFs+500", "STRING")


def test_mesc_counts_match_the_data_readme(mesc):
    assert (mesc.n_genes, len(mesc.tfs), mesc.n_cells) == (1120, 620, 421)
    assert {"SOX2", "SOX7", "SOX17", "GATA6"} <= set(mesc.genes)
    assert mesc.expression.dtype == np.float32
    t = mesc.truth
    assert len(t) > 0 and set(t["Gene1"]) | set(t["Gene2"]) <= set(mesc.genes)
    assert not (t["Gene1"] == t["Gene2"]).any() and not t.duplicated().any()
    assert mesc.obs["time"].value_counts().to_dict() == {"72h": 91, "00h": 90, "24h": 90, "48h": 82, "12h": 68}
    assert mesc.name == "mESC/TFs+500/STRING"


def test_paper_preprocessing(mesc):
    p = load_beeline("mESC", "TFs+500", "STRING", preprocessing="paper")
    assert p.n_genes == 500 and p.n_cells == 421 and p.name.endswith("/paper")
    assert set(p.tfs) <= set(p.genes) & set(mesc.tfs)
    assert ((p.expression > 0).mean(axis=0) > 0.1).all()
    assert set(p.truth["Gene1"]) | set(p.truth["Gene2"]) <= set(p.genes)
    # the kept genes are the most variable of the expressed ones
    expressed = (mesc.expression > 0).mean(axis=0) > 0.1
    var = mesc.expression.astype(np.float64).var(axis=0)
    kept = np.isin(mesc.genes, p.genes)
    assert var[kept].min() >= var[expressed & ~kept].max()


def test_networks_without_expression_are_reported_not_crashed_on():
    table = list_beeline()
    assert {"dataset", "geneset", "network", "species", "available", "reason"} <= set(table.columns)
    avail = table.set_index(["dataset", "geneset", "network"])["available"]
    assert avail[("mESC", "TFs+500", "STRING")] and avail[("hHEP", "TFs+1000", "Specific-ChIP-seq")]
    assert not avail[("hESC", "TFs+500", "STRING")] and not avail[("mESC", "TFs+1000", "STRING")]
    assert table.loc[~table["available"], "reason"].str.len().gt(0).all()
    assert set(table.loc[table["available"], "dataset"]) == {"mESC", "mDC", "hHEP", "mHSC-GM"}
    with pytest.raises(DataUnavailableError, match="no expression"):
        load_beeline("hESC", "TFs+500", "STRING")
    with pytest.raises(InputError, match="network"):
        load_beeline("mESC", "TFs+500", "STRONG")


def test_human_dataset_uses_the_human_tf_list():
    h = load_beeline("hHEP", "TFs+500", "NonSpecific-ChIP-seq")
    assert h.n_genes == 948 and len(h.tfs) == 448 and h.n_cells == 425
    assert h.obs["sample"].nunique() == 7


def test_cell_name_parsing():
    obs = parse_cell_names(["RamDA_mESC_00h_A04", "LPS_4h_S17", "B5_ih1", "HSPC_025"])
    assert obs["time"].tolist()[:2] == ["00h", "4h"]
    assert obs["sample"].tolist() == ["RamDA_mESC", "LPS", "ih1", "HSPC"]


def test_mesc_case_study():
    data, pt = load_mesc_case_study()
    assert (data.n_genes, data.n_cells) == (1121, 421)
    assert {"CFC1", "SOX2", "NANOG", "POU5F1"} <= set(data.genes)
    assert list(pt.index) == list(data.obs.index)
    assert np.isnan(pt["RamDA_mESC_48h_C06"]) and pt.isna().sum() == 1
    means = data.obs.groupby("time")["pseudotime"].mean().round()
    assert means.tolist() == sorted(means.tolist())  # pseudotime follows capture time


def test_go_sets():
    sets = read_go_sets()
    assert len(sets) == 17
    endo = read_go_sets(["endoderm development"])
    (key, genes), = endo.items()
    assert key == "GO:0007492 endoderm development" and len(genes) == 51 and "CFC1" in genes
    full = read_go_sets(["GO:0046034"])  # not among the shipped 17: read from the GMT
    assert list(full) == ["GO:0046034 ATP metabolic process"]
    with pytest.raises(InputError, match="not found"):
        read_go_sets(["GO:9999999"])


def test_sergio_ds1_regenerated():
    a = load_sergio_ds("DS1", 0, cells_per_type=20)
    assert (a.n_genes, len(a.tfs), a.n_cells, len(a.truth)) == (100, 10, 180, 258)
    assert a.name == "DS1/rep0/clean" and a.obs["cell_type"].nunique() == 9
    assert set(a.tfs) == set(a.truth["Gene1"])
    again = load_sergio_ds("DS1", 0, cells_per_type=20)  # from the on-disk cache
    assert np.array_equal(a.expression, again.expression)
    fresh = load_sergio_ds("DS1", 0, cells_per_type=20, cache=False)  # recomputed: same seeds, same data
    assert np.array_equal(a.expression, fresh.expression)
    other = load_sergio_ds("DS1", 1, cells_per_type=20)
    assert not np.array_equal(a.expression, other.expression)


def test_sergio_noise_variants():
    clean = load_sergio_ds("DS1", 0, cells_per_type=20)
    ds = load_sergio_ds("DS1", 0, noise="ds", cells_per_type=20)
    drop = load_sergio_ds("DS1", 0, noise="dropout", cells_per_type=20)
    assert (clean.expression == 0).mean() < 0.1
    assert 0.6 < (ds.expression == 0).mean() < 0.95 and 0.6 < (drop.expression == 0).mean() < 0.95
    counts = np.expm1(ds.expression.astype(np.float64))
    assert np.allclose(counts, np.round(counts), atol=1e-3)  # log1p of integer counts
    kept = drop.expression > 0
    assert np.array_equal(drop.expression[kept], clean.expression[kept])  # dropout only zeroes entries
    with pytest.raises(InputError, match="replicate"):
        load_sergio_ds("DS1", 15)
    with pytest.raises(InputError, match="DS1"):
        load_sergio_ds("DS4")


def test_sergio_reference_replicate():
    """The replicate the original SERGIO code made: DS1's genes, TFs and network, 9 × 300 cells, clean or as log1p of
    SERGIO's own noisy counts; each cell type's block of cells in order, as the regenerated replicates are."""
    from grnular_lib.data.sergio_ds import load_sergio_reference
    from grnular_lib.generalisation import sergio_reference_cells

    clean, ds = load_sergio_reference(), load_sergio_reference("ds")
    regenerated = load_sergio_ds("DS1", 0, cells_per_type=20)
    for d in (clean, ds):
        assert (d.n_genes, d.n_cells, len(d.truth)) == (100, 2700, 258) and d.tfs == regenerated.tfs
        assert d.genes == regenerated.genes and d.obs["cell_type"].tolist() == sorted(d.obs["cell_type"])
    assert clean.name == "DS1/sergio-v1/clean" and (clean.expression == 0).mean() < 0.05
    counts = np.expm1(ds.expression.astype(np.float64))
    assert np.allclose(counts, np.round(counts), atol=1e-3) and 0.6 < (ds.expression == 0).mean() < 0.95
    assert np.allclose(load_sergio_reference("ds", log1p=False).expression, counts, atol=1e-2)
    with pytest.raises(InputError, match="'clean' and 'ds'"):
        load_sergio_reference("dropout")
    assert [c.name for c in sergio_reference_cells()] == ["DS1 (SERGIO v1)/clean", "DS1 (SERGIO v1)/ds"]
