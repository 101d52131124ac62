import re

import numpy as np
import pandas as pd
import pytest

from grnular_lib.errors import InputError
from grnular_lib.expression import match_tfs, read_expression, read_tf_list


def _beeline_file(tmp_path, frame, name="ExpressionData.csv"):
    path = tmp_path / name
    frame.to_csv(path)
    return path


@pytest.fixture
def genes_by_cells():
    rng = np.random.default_rng(0)
    return pd.DataFrame(rng.random((4, 6)), index=["SOX2", "SOX7", "GATA6", "CFC1"],
                        columns=[f"type0_cell{i}" for i in range(6)])


def test_reads_beeline_layout_as_cells_by_genes(tmp_path, genes_by_cells):
    e = read_expression(_beeline_file(tmp_path, genes_by_cells, "x.csv.gz"))
    assert e.X.shape == (6, 4) and e.X.dtype == np.float32
    assert e.genes == ["SOX2", "SOX7", "GATA6", "CFC1"] and e.cells[0] == "type0_cell0"


def test_cells_in_rows_and_h5ad(tmp_path, genes_by_cells):
    e = read_expression(_beeline_file(tmp_path, genes_by_cells.T), cells_in_rows=True)
    assert e.genes[0] == "SOX2"
    import anndata

    adata = anndata.AnnData(genes_by_cells.T.to_numpy())
    adata.obs_names, adata.var_names = genes_by_cells.columns, genes_by_cells.index
    adata.write_h5ad(tmp_path / "x.h5ad")
    assert read_expression(tmp_path / "x.h5ad").genes == e.genes


def test_transposed_matrix_is_detected(tmp_path, genes_by_cells):
    path = _beeline_file(tmp_path, genes_by_cells.T)
    with pytest.raises(InputError, match="looks transposed.*--cells-in-rows"):
        read_expression(path)
    with pytest.raises(InputError, match="TF names found among the cell labels"):
        read_expression(genes_by_cells.T.T, tfs=["SOX2", "SOX7"])  # a genes × cells DataFrame


@pytest.mark.parametrize("value, message", [(np.nan, "NaN or infinite.*gene 'SOX7'"), (-1.0, "negative values")])
def test_bad_values_name_the_gene(tmp_path, genes_by_cells, value, message):
    genes_by_cells.iloc[1, 2] = value
    with pytest.raises(InputError, match=message):
        read_expression(_beeline_file(tmp_path, genes_by_cells))


def test_negative_values_allowed_on_request(genes_by_cells):
    assert read_expression(genes_by_cells.T - 0.5, allow_negative=True).X.min() < 0


def test_duplicate_genes_too_small_and_constant(tmp_path, genes_by_cells):
    dup = genes_by_cells.rename(index={"SOX7": "SOX2"})
    with pytest.raises(InputError, match=r"duplicate gene names \['SOX2'\]"):
        read_expression(_beeline_file(tmp_path, dup))
    with pytest.raises(InputError, match="need at least 3 cells and 2 genes"):
        read_expression(genes_by_cells.T.iloc[:2])  # two cells: every correlation would be ±1
    genes_by_cells.loc["GATA6"] = 3.0
    with pytest.warns(UserWarning, match="dropped 1 constant genes"):
        e = read_expression(genes_by_cells.T)
    assert "GATA6" not in e.genes


def test_a_header_without_genes_is_one_clear_error(tmp_path, genes_by_cells):
    """A BEELINE file holding only its header row (cell names, no gene rows): an error naming the size, before the
    orientation guess (which once indexed the first of no genes)."""
    path = tmp_path / "header_only.csv"
    genes_by_cells.iloc[:0].to_csv(path)
    with pytest.raises(InputError, match="0 genes; need at least 3 cells and 2 genes"):
        read_expression(path)


def test_duplicate_genes_in_the_header_are_not_renamed(tmp_path, genes_by_cells):
    """A cells × genes file repeating a gene in its header: pandas would rename the repeat SOX2.1."""
    dup = genes_by_cells.rename(index={"SOX7": "SOX2"}).T
    with pytest.raises(InputError, match=r"duplicate gene names \['SOX2'\]"):
        read_expression(_beeline_file(tmp_path, dup), cells_in_rows=True)
    assert read_expression(_beeline_file(tmp_path, genes_by_cells.rename(index={"SOX7": "SOX2.1"}).T),
                           cells_in_rows=True).genes[1] == "SOX2.1"


def test_non_numeric_and_unknown_format(tmp_path, genes_by_cells):
    genes_by_cells = genes_by_cells.astype(object)
    genes_by_cells.iloc[0, 0] = "high"
    with pytest.raises(InputError, match="non-numeric"):
        read_expression(_beeline_file(tmp_path, genes_by_cells))
    (tmp_path / "x.xlsx").write_text("")
    with pytest.raises(InputError, match="unknown expression format"):
        read_expression(tmp_path / "x.xlsx")
    with pytest.raises(InputError, match="does not exist"):
        read_expression(tmp_path / "missing.csv")


def test_tf_lists_plain_and_beeline_csv(tmp_path):
    (tmp_path / "tfs.txt").write_text("Sox2\nSOX7\n\n# comment\n")
    (tmp_path / "mouse-tfs.csv").write_text("TF,Sources\nSOX2,a\nNANOG,b\n")
    assert read_tf_list(tmp_path / "tfs.txt") == ["Sox2", "SOX7"]
    assert read_tf_list(tmp_path / "mouse-tfs.csv") == ["SOX2", "NANOG"]


def test_tf_matching_is_case_insensitive_and_reports_absent_ones():
    with pytest.warns(UserWarning) as caught:
        assert match_tfs(["sox2", "Sox7", "NANOG"], ["SOX2", "SOX7", "CFC1"]) == ["SOX2", "SOX7"]
    messages = [str(w.message) for w in caught]
    assert any("1 of 3 TFs in the TF list are not in the data" in m for m in messages)
    assert any("2 TFs in the TF list match a gene only in another case" in m for m in messages)
    with pytest.raises(InputError, match="none of the 1 TFs"):
        match_tfs(["NANOG"], ["SOX2"])


def test_constant_tfs_are_reported_as_constant_not_absent(genes_by_cells):
    genes_by_cells.loc[["SOX2", "SOX7"]] = 3.0
    with pytest.warns(UserWarning, match="dropped 2 constant genes"):
        e = read_expression(genes_by_cells.T)
    assert e.constant == ["SOX2", "SOX7"]
    with pytest.warns(UserWarning) as caught:
        assert match_tfs(["sox2", "GATA6", "NANOG"], e.genes, constant=e.constant) == ["GATA6"]
    messages = [str(w.message) for w in caught]
    assert any(re.search(r"1 of 3 TFs .* constant across cells .*\['sox2'\]", m) for m in messages)
    assert any("1 of 3 TFs in the TF list are not in the data" in m for m in messages)
    with pytest.raises(InputError, match="all constant across cells"):
        match_tfs(["SOX2", "SOX7", "NANOG"], e.genes, constant=e.constant)


def test_gene_constant_in_float32_is_dropped(genes_by_cells):
    """Differences below float32's precision vanish in the matrix the methods get: such a gene is constant."""
    genes_by_cells.loc["GATA6"] = 5.0
    genes_by_cells.loc["GATA6", "type0_cell0"] = 5.0 + 1e-9
    genes_by_cells.loc["CFC1"] = 0.0
    genes_by_cells.loc["CFC1", "type0_cell1"] = 1e-50
    with pytest.warns(UserWarning, match="dropped 2 constant genes"):
        e = read_expression(genes_by_cells.T)
    assert e.genes == ["SOX2", "SOX7"] and e.constant == ["GATA6", "CFC1"]


def test_gene_names_lose_surrounding_whitespace(tmp_path, genes_by_cells):
    """A hand-written "cell, SOX2, SOX7" header: the genes are SOX2 and SOX7, matched by the TF list."""
    path = tmp_path / "x.csv"
    path.write_text(genes_by_cells.T.to_csv().replace(",", ", "))
    e = read_expression(path, cells_in_rows=True, tfs=["SOX2"])
    assert e.genes == ["SOX2", "SOX7", "GATA6", "CFC1"]
    with pytest.raises(InputError, match=r"duplicate gene names \['SOX2'\]"):
        read_expression(genes_by_cells.T.set_axis(["SOX2", " SOX2", "GATA6", "CFC1"], axis=1))


def test_a_table_without_header_row_is_refused(tmp_path, genes_by_cells):
    path = tmp_path / "noheader.csv"
    genes_by_cells.to_csv(path, header=False)
    with pytest.raises(InputError, match="no header row; add one"):
        read_expression(path)
    ids = genes_by_cells.set_axis([str(i) for i in range(genes_by_cells.shape[1])], axis=1)
    ids.to_csv(path)  # distinct whole numbers are cell ids, not data
    assert read_expression(path, cells_in_rows=False).cells[:3] == ["0", "1", "2"]


def test_tfs_absent_from_ensembl_ids_point_to_gene_symbols():
    with pytest.raises(InputError, match=r"look like Ensembl ids and the TFs like symbols: .*for an .h5ad, "
                       r"--gene-symbols"):
        match_tfs(["SOX2"], ["ENSG00000181449", "ENSG00000171056"])
    with pytest.raises(InputError, match=r"Ensembl ids\)\.$"):  # both ids: no symbols to suggest
        match_tfs(["ENSG00000000001"], ["ENSG00000181449", "ENSG00000171056"])
    with pytest.raises(InputError, match=r"Ensembl ids\)\.$"):
        match_tfs(["SOX2"], ["GATA6", "CFC1"])


@pytest.mark.parametrize("cells_in_rows", [False, True])
def test_repeated_cell_names_are_kept_with_one_warning(tmp_path, genes_by_cells, cells_in_rows):
    """As anndata warns on non-unique obs_names: each row stays a cell, and the warning names the repeat."""
    dup = genes_by_cells.rename(columns={"type0_cell3": "type0_cell1"})
    path = _beeline_file(tmp_path, dup.T if cells_in_rows else dup)
    with pytest.warns(UserWarning, match=r"1 cell names occur more than once \(e.g. \['type0_cell1'\]\)"):
        e = read_expression(path, cells_in_rows=cells_in_rows)
    assert e.X.shape == (6, 4) and e.cells.count("type0_cell1") == 2


def test_log1p_of_counts_is_told_from_normalised_and_raw_expression(tmp_path):
    """``log1p`` of counts passes, in float32 and through a text file written with six significant digits; the same
    counts normalised to a library size, in log2, raw, or binary do not."""
    from grnular_lib.expression import looks_like_log_counts

    rng = np.random.default_rng(0)
    counts = rng.poisson(rng.gamma(0.5, 20.0, (300, 40))).astype(np.float64)
    assert looks_like_log_counts(np.log1p(counts)) and looks_like_log_counts(np.log1p(counts).astype(np.float32))
    frame = pd.DataFrame(np.log1p(counts).T, index=[f"g{i}" for i in range(40)])
    frame.to_csv(tmp_path / "x.csv", float_format="%.6g")
    assert looks_like_log_counts(read_expression(tmp_path / "x.csv", cells_in_rows=False).X)
    library = counts.sum(axis=1, keepdims=True)
    assert not looks_like_log_counts(np.log1p(counts / library * np.median(library)))
    assert not looks_like_log_counts(np.log2(counts + 1))
    assert not looks_like_log_counts(counts)
    assert not looks_like_log_counts(np.log1p((counts > 0).astype(float)))
    assert not looks_like_log_counts(np.log1p(counts) - 1.0)
