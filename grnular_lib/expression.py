"""Reading and checking expression data and TF lists, in the layouts the field uses.

- BEELINE: ``ExpressionData.csv`` is genes × cells, gene symbols in the first column (``.csv``, ``.csv.gz``, ``.tsv``).
- AnnData / ``.h5ad``: cells × genes, gene names in ``var_names``.
- A pandas DataFrame passed in Python: cells × genes (scanpy's orientation).

Every check raises :class:`~grnular_lib.errors.InputError` with the problem and the fix.
"""
from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError

_CELL_LIKE = re.compile(r"(?i)(^|[_\-.])(cell|barcode)s?[_\-.]?\d*|^[ACGTN]{10,}(-\d+)?$")
_TABLE_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt", ".txt.gz")


@dataclass
class Expression:
    """A checked expression matrix.

    Attributes
    ----------
    X
        Cells × genes, float32, finite.
    genes
        Unique gene names, one per column.
    cells
        Cell names, one per row.
    """

    X: np.ndarray
    genes: list[str]
    cells: list[str]


def _looks_like_cells(labels: Sequence[str]) -> float:
    labels = list(labels)[:500]
    return float(np.mean([bool(_CELL_LIKE.search(str(s))) for s in labels])) if labels else 0.0


def _read_table(path: Path, cells_in_rows: bool) -> pd.DataFrame:
    name = path.name.lower()
    sep = "\t" if (".tsv" in name or ".txt" in name) else ","
    try:
        df = pd.read_csv(path, sep=sep, index_col=0)
    except (pd.errors.ParserError, UnicodeDecodeError, EOFError, OSError) as exc:
        raise InputError(f"{path}: cannot be read as a {'tab' if sep == chr(9) else 'comma'}-separated table "
                         f"({exc}); expected BEELINE's layout, genes × cells with gene names in the first column") from exc
    return df if cells_in_rows else df.T


def _to_frame(data: Any, cells_in_rows: bool) -> tuple[pd.DataFrame, str]:
    """Cells × genes DataFrame from any accepted input, and a short description of the source for messages."""
    if isinstance(data, (str, Path)):
        path = Path(data)
        if not path.exists():
            raise InputError(f"expression file {path} does not exist; give the path of a BEELINE-style .csv/.csv.gz/"
                             ".tsv (genes × cells) or an .h5ad file")
        name = path.name.lower()
        if name.endswith(".h5ad"):
            import anndata

            try:
                adata = anndata.read_h5ad(path)
            except Exception as exc:  # h5py/anndata raise many types for a broken file
                raise InputError(f"{path}: cannot be read as .h5ad ({exc}); is the file complete?") from exc
            return _to_frame(adata, cells_in_rows=True)[0], str(path)
        if not name.endswith(_TABLE_SUFFIXES):
            raise InputError(f"{path}: unknown expression format; use .csv, .csv.gz, .tsv (genes × cells, BEELINE "
                             "layout) or .h5ad (cells × genes)")
        return _read_table(path, cells_in_rows), str(path)
    if isinstance(data, pd.DataFrame):
        return data, "DataFrame"
    if type(data).__name__ == "AnnData":
        X = data.X
        X = X.toarray() if hasattr(X, "toarray") else np.asarray(X)
        return pd.DataFrame(X, index=data.obs_names.astype(str), columns=data.var_names.astype(str)), "AnnData"
    raise InputError(f"cannot read expression from {type(data).__name__}; pass an AnnData, a cells × genes "
                     "DataFrame, or a path to a .csv/.csv.gz/.tsv/.h5ad file")


def read_expression(data: Any, *, cells_in_rows: bool = False, tfs: Sequence[str] | None = None,
                    allow_negative: bool = False, drop_constant: bool = True) -> Expression:
    """Read and check expression data.

    Parameters
    ----------
    data
        AnnData, cells × genes DataFrame, or a path: ``.csv``/``.csv.gz``/``.tsv`` in BEELINE's layout (genes × cells,
        gene names in the first column) or ``.h5ad`` (cells × genes).
    cells_in_rows
        For table files only: the file is cells × genes (cell names in the first column) instead.
    tfs
        Known TF symbols; used only to detect a matrix in the wrong orientation.
    allow_negative
        Accept negative values (e.g. centred data). By default they are an error: the models and baselines expect
        non-negative expression (counts or log-normalised).
    drop_constant
        Drop genes with zero variance, with a warning (they carry no information about regulation).

    Returns
    -------
    Expression
        The checked matrix (cells × genes, float32), gene names and cell names.
    """
    frame, source = _to_frame(data, cells_in_rows)
    genes = pd.Index(frame.columns)
    cells = pd.Index(frame.index)
    if tfs is not None:
        tf_upper = {str(t).upper() for t in tfs}
        in_genes = sum(str(g).upper() in tf_upper for g in genes)
        in_cells = sum(str(c).upper() in tf_upper for c in cells)
        if in_cells > in_genes:
            raise InputError(
                f"{source}: {in_cells} TF names found among the cell labels but {in_genes} among the gene labels — the "
                "matrix looks transposed. Table files are read as genes × cells (BEELINE); pass --cells-in-rows "
                "(cells_in_rows=True) if the file has cells in rows")
    if _looks_like_cells(genes) > 0.5 and _looks_like_cells(cells) < 0.5:
        raise InputError(
            f"{source}: the gene labels look like cell names (e.g. {str(genes[0])!r}) — the matrix looks transposed. "
            "Table files are read as genes × cells (BEELINE); pass --cells-in-rows (cells_in_rows=True) if the file "
            "has cells in rows, or transpose your DataFrame to cells × genes")
    if genes.isna().any() or any(str(g).strip() == "" or str(g).startswith("Unnamed:") for g in genes):
        raise InputError(f"{source}: some genes have no name; every gene needs a name in the first column")
    genes = genes.astype(str)
    if genes.duplicated().any():
        dup = genes[genes.duplicated()].unique().tolist()
        raise InputError(f"{source}: duplicate gene names {dup[:5]} ({len(dup)} in all); make gene names unique "
                         "(e.g. aggregate or suffix duplicates) before inference")
    if frame.shape[0] < 2 or frame.shape[1] < 2:
        raise InputError(f"{source}: {frame.shape[0]} cells × {frame.shape[1]} genes; need at least 2 of each")
    bad_cols = [c for c, t in frame.dtypes.items() if not pd.api.types.is_numeric_dtype(t)]
    if bad_cols:
        raise InputError(f"{source}: non-numeric values for gene {str(bad_cols[0])!r} ({len(bad_cols)} genes in all); "
                         "the matrix must hold numbers only, with names in the first column/row")
    X = frame.to_numpy(dtype=np.float64)
    finite = np.isfinite(X)
    if not finite.all():
        i, j = np.argwhere(~finite)[0]
        raise InputError(f"{source}: {int((~finite).sum())} NaN or infinite values (first: gene {genes[j]!r}, cell "
                         f"{str(cells[i])!r}); impute or remove them (e.g. fill missing with 0) before inference")
    if not allow_negative and (X < 0).any():
        i, j = np.argwhere(X < 0)[0]
        raise InputError(f"{source}: {int((X < 0).sum())} negative values (first: gene {genes[j]!r}, cell "
                         f"{str(cells[i])!r}); expected counts or log-normalised expression. Pass allow_negative=True "
                         "(--allow-negative) if your data are centred on purpose")
    keep = np.ones(X.shape[1], dtype=bool)
    if drop_constant:
        keep = X.std(axis=0) > 0
        if not keep.any():
            raise InputError(f"{source}: every gene is constant across cells; nothing to infer from")
        if not keep.all():
            dropped = genes[~keep].tolist()
            warnings.warn(f"{source}: dropped {len(dropped)} constant genes (e.g. {dropped[:5]}); they get no edges",
                          stacklevel=2)
        if keep.sum() < 2:
            raise InputError(f"{source}: fewer than 2 non-constant genes; nothing to infer from")
    return Expression(X=X[:, keep].astype(np.float32), genes=genes[keep].tolist(), cells=cells.astype(str).tolist())


def read_tf_list(path: str | Path) -> list[str]:
    """TF symbols from a file: one per line, or a CSV whose first column holds them (BEELINE's ``*-tfs.csv``)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"TF file {path} does not exist; give one symbol per line or a CSV with symbols in its "
                         "first column (e.g. BEELINE's mouse-tfs.csv)")
    text = path.read_text(errors="replace")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise InputError(f"TF file {path} is empty; list one TF symbol per line")
    sep = "," if "," in lines[0] else ("\t" if "\t" in lines[0] else None)
    symbols = [ln.split(sep)[0].strip().strip('"') if sep else ln.split()[0] for ln in lines]
    if symbols and symbols[0].lower() in {"tf", "tfs", "gene", "genes", "symbol", "gene_symbol", "name"}:
        symbols = symbols[1:]
    return list(dict.fromkeys(s for s in symbols if s))


def match_tfs(tfs: Sequence[str], genes: Sequence[str], *, source: str = "TF list") -> list[str]:
    """The TFs present among ``genes``, matched case-insensitively and spelled as in ``genes``.

    TFs absent from the data are reported in a warning (count and the first few); none left is an error.
    """
    by_upper = {str(g).upper(): str(g) for g in genes}
    found, missing = [], []
    for t in tfs:
        g = by_upper.get(str(t).upper())
        (found if g is not None else missing).append(g if g is not None else str(t))
    found = list(dict.fromkeys(found))
    if not found:
        raise InputError(f"none of the {len(tfs)} TFs in the {source} is among the {len(genes)} genes of the data "
                         f"(first TFs: {list(tfs)[:5]}, first genes: {list(genes)[:5]}); check the species and "
                         "the gene identifiers (symbols vs Ensembl ids)")
    if missing:
        warnings.warn(f"{len(missing)} of {len(tfs)} TFs in the {source} are not in the data and are ignored "
                      f"(e.g. {missing[:5]})", stacklevel=2)
    return found
