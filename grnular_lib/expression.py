"""Reading and checking expression data and TF lists, in the layouts the field uses.

- BEELINE: ``ExpressionData.csv`` is genes × cells, gene symbols in the first column (``.csv``, ``.csv.gz``, ``.tsv``).
- AnnData / ``.h5ad``: cells × genes, gene names in ``var_names`` (or a ``var`` column), from ``X``, a layer or
  ``.raw``.
- A pandas DataFrame passed in Python: cells × genes (scanpy's orientation).

Every check raises :class:`~grnular_lib.errors.InputError` with the problem and the fix; a guess the reader makes
(a table's orientation, a delimiter that differs from the file name's, a TF matched in another case) is reported in
a warning.
"""
from __future__ import annotations

import gzip
import os
import re
import warnings
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError
from .textfiles import GZIP_MAGIC, missing_file, read_text_file

#: the fewest cells any method accepts: with two cells every correlation is ±1 and every fit is exact
MIN_CELLS = 3

_CELL_LIKE = re.compile(r"(?i)(^|[_\-.])(cell|barcode)s?[_\-.]?\d*|^[ACGTN]{10,}(-\d+)?$")
_TABLE_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt", ".txt.gz")
_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
_ZIP_MAGIC = b"PK\x03\x04"
_DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon"}
#: Header words of a column of cell names (any case); another header over a column of numbers names a gene.
_CELL_COLUMN_WORDS = {"", "cell", "cells", "barcode", "barcodes", "cell_id", "cellid", "id", "index", "obs",
                      "obs_names", "unnamed: 0"}
#: Header names (any case) of the column of a TF table that holds the symbols (BEELINE's ``TF``, AnimalTFDB's
#: ``Symbol``); a one-column file starting with one of them has a header line.
_TF_HEADER_WORDS = {"tf", "tfs", "gene", "genes", "symbol", "symbols", "gene_symbol", "gene_name", "name", "regulator",
                    "tf_name", "tf_symbol", "hgnc_symbol"}
_FLOAT32_MAX = float(np.finfo(np.float32).max)


@dataclass
class Expression:
    """A checked expression matrix.

    Attributes
    ----------
    X
        Cells × genes, float32, finite.
    genes
        Unique gene names, one per column, without surrounding whitespace.
    cells
        Cell names, one per row.
    constant
        Names of the genes dropped because they are constant across cells.
    """

    X: np.ndarray
    genes: list[str]
    cells: list[str]
    constant: list[str] = field(default_factory=list)


def _looks_like_cells(labels: Sequence[str]) -> float:
    labels = list(labels)[:500]
    return float(np.mean([bool(_CELL_LIKE.search(str(s))) for s in labels])) if labels else 0.0


def _table_layout(path: Path) -> tuple[str | None, str]:
    """Compression (``"gzip"`` or ``None``, from the file's first bytes) and delimiter of a table file."""
    with open(path, "rb") as fh:
        magic = fh.read(8)
    if magic.startswith(_HDF5_MAGIC):
        raise InputError(f"{path}: an HDF5 file (an .h5ad?) under a table's name; rename it to end in .h5ad")
    if magic.startswith(_ZIP_MAGIC):
        raise InputError(f"{path}: a zip archive, not a table; unzip it and give the .csv inside")
    compression = "gzip" if magic.startswith(GZIP_MAGIC) else None
    opener = gzip.open if compression else open
    try:
        with opener(path, "rt", encoding="utf-8-sig") as fh:
            first = next((line for line in fh if line.strip()), "")
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise _damaged_gzip(path, exc) from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a text table (its bytes are not UTF-8); export it as .csv "
                         "(genes × cells, gene names in the first column)") from None
    if not first:
        raise InputError(f"{path} is empty; expected BEELINE's layout, genes × cells with gene names in the first "
                         "column and cell names in the header")
    name = path.name.lower()
    expected = "\t" if (".tsv" in name or ".txt" in name) else ","
    if expected in first:
        return compression, expected
    present = [d for d in ("\t", ",") if d in first]
    if present:
        sep = max(present, key=first.count)
        if ".txt" in name:  # a .txt name promises no delimiter
            return compression, sep
        warnings.warn(f"{path}: the name says {_DELIMITER_NAMES[expected]}-separated, but the file is "
                      f"{_DELIMITER_NAMES[sep]}-separated; read it as such", stacklevel=4)
        return compression, sep
    if compression:
        _check_gzip_stream(path)
    if ";" in first:
        raise InputError(f"{path}: semicolon-separated (a spreadsheet's regional CSV export?); save it as a "
                         "comma-separated .csv or a tab-separated .tsv, with '.' as decimal point")
    raise InputError(f"{path}: the first line has no comma or tab, so the table has one column; expected BEELINE's "
                     "layout, genes × cells with gene names in the first column and cell names in the header")


def _damaged_gzip(path: Path, exc: BaseException) -> InputError:
    return InputError(f"{path}: the gzip stream is damaged or truncated ({exc}); download or copy the file again")


def _check_gzip_stream(path: Path) -> None:
    """Read a gzip file to its end; a damaged stream is an :class:`InputError`."""
    try:
        with gzip.open(path, "rb") as fh:
            while fh.read(1 << 20):
                pass
    except (OSError, EOFError, zlib.error) as exc:
        raise _damaged_gzip(path, exc) from None


def _read_table(path: Path, cells_in_rows: bool = False) -> pd.DataFrame:
    """The table as stored in the file (first column = row labels), values not yet checked.

    With ``cells_in_rows``, a file whose first column holds numbers under a header field that names a gene (not
    empty, not a word such as ``cell`` or ``barcode``) has no column of cell names (arboreto's layout): every column
    is a gene, and the cells are named ``cell1``, ``cell2``, … in file order.
    """
    compression, sep = _table_layout(path)
    options = {"sep": sep, "compression": compression, "encoding": "utf-8-sig"}
    try:
        frame = pd.read_csv(path, index_col=0, **options)
        # pandas renames repeated header names (G, G.1): take the file's own, so that a repeat is reported as such
        header = pd.read_csv(path, header=None, nrows=1, dtype=str, keep_default_na=False, **options).iloc[0]
    except pd.errors.EmptyDataError:
        raise InputError(f"{path} holds no table; expected BEELINE's layout, genes × cells with gene names in the "
                         "first column") from None
    except (EOFError, OSError, zlib.error) as exc:
        if compression:
            raise _damaged_gzip(path, exc) from None
        raise InputError(f"{path}: cannot be read ({exc})") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read as a {_DELIMITER_NAMES[sep]}-separated table "
                         f"({str(exc).strip()}); every row needs the same number of fields") from None
    if len(header) >= frame.shape[1]:
        frame.columns = header.to_numpy()[len(header) - frame.shape[1]:]
    labels = frame.index
    if (cells_in_rows and len(header) == frame.shape[1] + 1 and pd.api.types.is_numeric_dtype(labels)
            and str(header.iloc[0]).strip().lower() not in _CELL_COLUMN_WORDS):
        frame = pd.read_csv(path, index_col=False, **options)
        frame.columns = header.to_numpy()
        frame.index = pd.Index([f"cell{i + 1}" for i in range(frame.shape[0])])
        labels = frame.index
    if pd.api.types.is_float_dtype(labels) and (labels.dropna() % 1 != 0).any():
        raise InputError(f"{path}: the first column holds numbers (e.g. {str(labels[0])!r}), not names — the file "
                         "seems to have no name column; add one (gene names in BEELINE's genes × cells layout), or "
                         "pass --cells-in-rows (cells_in_rows=True) if it is cells × genes with the gene names in its "
                         "header (arboreto's layout)")
    if labels.isna().any() or pd.api.types.is_numeric_dtype(labels):
        # names such as NA or null, which pandas reads as missing, and numbers such as 0042, which it reads as 42
        names = pd.read_csv(path, usecols=[0], dtype=str, keep_default_na=False, **options).iloc[:, 0]
        frame.index = pd.Index(names.to_numpy(), name=labels.name)
    if _header_is_data(frame.columns):
        raise InputError(f"{path}: the first row holds numbers (e.g. {str(frame.columns[0])!r}), not column names — the "
                         "file seems to have no header row; add one (cell names in BEELINE's genes × cells layout)")
    return frame


def _header_is_data(labels: pd.Index) -> bool:
    """Whether column labels look like a row of values: all numbers, with a fraction or a repeat among them.

    Distinct whole numbers (cell ids 0, 1, 2, …) are accepted as labels."""
    values = pd.to_numeric(pd.Series(labels, dtype=object), errors="coerce")
    if len(values) < 2 or values.isna().any():
        return False
    return bool((values % 1 != 0).any() or values.duplicated().any())


def _first_non_numeric(frame: pd.DataFrame) -> tuple[Any, Any, Any] | None:
    """(row label, column label, value) of the first non-numeric entry in reading order, or ``None``."""
    best: tuple[int, int, Any] | None = None
    for j, (column, dtype) in enumerate(frame.dtypes.items()):
        if pd.api.types.is_numeric_dtype(dtype):
            continue
        values = frame.iloc[:, j]
        coerced = pd.to_numeric(values, errors="coerce")
        bad = np.flatnonzero(coerced.isna().to_numpy() & values.notna().to_numpy())
        if len(bad) and (best is None or bad[0] < best[0]):
            best = (int(bad[0]), j, values.iloc[bad[0]])
    if best is None:
        return None
    return frame.index[best[0]], frame.columns[best[1]], best[2]


def _numeric(frame: pd.DataFrame, source: str, genes_in_rows: bool) -> pd.DataFrame:
    """``frame`` with real numbers only; a non-numeric entry (or a date, duration or complex number) is an error
    naming its gene and cell."""
    for column, dtype in frame.dtypes.items():
        if (pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype)
                or pd.api.types.is_complex_dtype(dtype)):
            where = f"{'gene' if not genes_in_rows else 'cell'} {str(column)!r}"
            raise InputError(f"{source}: {where} holds {dtype} values, not expression; the matrix must hold real "
                             "numbers only")
    where = _first_non_numeric(frame)
    if where is not None:
        row, column, value = where
        gene, cell = (row, column) if genes_in_rows else (column, row)
        raise InputError(f"{source}: non-numeric value {str(value)[:40]!r} at gene {str(gene)!r}, cell {str(cell)!r}; "
                         "the matrix must hold numbers only, with names in the first column and the header")
    return frame.apply(pd.to_numeric) if any(not pd.api.types.is_numeric_dtype(t) for t in frame.dtypes) else frame


def _anndata_frame(adata: Any, source: str, *, layer: str | None, use_raw: bool,
                   gene_symbols: str | None) -> pd.DataFrame:
    """Cells × genes DataFrame of an AnnData: ``X``, a layer or ``.raw``, genes named by ``var_names`` or a column."""
    if use_raw and layer is not None:
        raise InputError("give either a layer (--layer) or the raw matrix (--use-raw), not both")
    if getattr(adata, "isbacked", False):  # read_h5ad(..., backed="r"): its sparse X is a dataset, not a matrix
        adata = adata.to_memory()
    var = adata.var
    if use_raw:
        if adata.raw is None:
            raise InputError(f"{source} has no .raw matrix; drop --use-raw (use_raw=False)")
        X, var = adata.raw.X, adata.raw.var
    elif layer is not None:
        if layer not in adata.layers:
            raise InputError(f"{source} has no layer {layer!r}; its layers: {', '.join(map(repr, adata.layers)) or 'none'}")
        X = adata.layers[layer]
    else:
        X = adata.X
        if X is None:
            options = [f"--layer {name}" for name in adata.layers] + (["--use-raw"] if adata.raw is not None else [])
            none = "none found, so set adata.X" + (" and write the file again" if source != "AnnData" else "")
            raise InputError(f"{source} has no X matrix; choose the matrix to use: "
                             f"{', '.join(options) if options else none}")
    names = var.index
    if gene_symbols is not None:
        if gene_symbols not in var.columns:
            raise InputError(f"{source}: var has no column {gene_symbols!r} for gene symbols; its columns: "
                             f"{', '.join(map(repr, var.columns)) or 'none'}")
        column = var[gene_symbols].astype(object)
        unnamed = column.isna() | (column.astype(str).str.strip() == "")
        if unnamed.any():
            raise InputError(f"{source}: {int(unnamed.sum())} of {len(column)} genes have no symbol in the var column "
                             f"{gene_symbols!r} (e.g. {str(var.index[np.flatnonzero(unnamed.to_numpy())[0]])!r}); "
                             "fill them (e.g. with their var_names) or drop those genes")
        names = pd.Index(column)
    X = X.toarray() if hasattr(X, "toarray") else np.asarray(X)
    if (not np.issubdtype(X.dtype, np.number) and X.dtype != bool) or np.iscomplexobj(X):
        raise InputError(f"{source}: the matrix holds {X.dtype} values, not numbers; pick a numeric layer (--layer)")
    frame = pd.DataFrame(X, index=adata.obs_names.astype(str), columns=names)
    if not use_raw and layer is None:  # other matrices of the file, named in the message about negative values
        frame.attrs["other_matrices"] = [f"--layer {n} (layer={n!r})" for n in adata.layers] + (
            ["--use-raw (use_raw=True)"] if adata.raw is not None else [])
    return frame


def _to_frame(data: Any, cells_in_rows: bool | None, anndata_options: dict[str, Any]) -> tuple[pd.DataFrame, str, str]:
    """Cells × genes DataFrame of numbers from any accepted input, a description of the source for messages, and the
    kind of input (``"table"``, ``"DataFrame"`` or ``"AnnData"``)."""
    if isinstance(data, (str, Path)):
        path = Path(data)
        if not path.exists():
            raise InputError(f"{missing_file(path, 'expression file')}; give the path of a BEELINE-style .csv/.csv.gz/"
                             ".tsv (genes × cells) or an .h5ad file")
        if path.is_dir():
            raise InputError(f"{path} is a directory; {_directory_hint(path)}")
        name = path.name.lower()
        if name.endswith(".h5ad"):
            _no_orientation(cells_in_rows, f"{path}: ", "an .h5ad")
            import anndata

            try:
                with warnings.catch_warnings():  # repeated names are reported below, in this command's words
                    warnings.filterwarnings("ignore", message=r"(Variable|Observation) names are not unique")
                    adata = anndata.read_h5ad(path)
            except Exception as exc:  # h5py/anndata raise many types for a broken file
                raise InputError(f"{path}: cannot be read as .h5ad ({type(exc).__name__}: {str(exc)[:200]}); is the "
                                 "file complete?") from None
            return _numeric(_anndata_frame(adata, str(path), **anndata_options), str(path), False), str(path), "AnnData"
        if not name.endswith(_TABLE_SUFFIXES):
            tenx = (" A 10x file converts with scanpy: sc.read_10x_h5(path) or sc.read_10x_mtx(folder), then "
                    ".write_h5ad('expr.h5ad')" if name.endswith((".mtx", ".mtx.gz", ".h5")) else "")
            raise InputError(f"{path}: unknown expression format; use .csv, .csv.gz, .tsv (genes × cells, BEELINE "
                             f"layout) or .h5ad (cells × genes).{tenx}")
        _no_anndata_options(anndata_options, str(path))
        table = _numeric(_read_table(path, bool(cells_in_rows)), str(path), genes_in_rows=not cells_in_rows)
        return (table if cells_in_rows else table.T), str(path), "table"
    _no_orientation(cells_in_rows, "", "a DataFrame or an AnnData")
    if isinstance(data, pd.DataFrame):
        tuples = any(isinstance(label, tuple) for label in (*data.columns[:1000], *data.index[:1000]))
        if isinstance(data.columns, pd.MultiIndex) or isinstance(data.index, pd.MultiIndex) or tuples:
            raise InputError("the DataFrame has several levels of labels (a MultiIndex); give one gene name per "
                             "column and one cell name per row (e.g. df.columns = df.columns.get_level_values(0))")
        _no_anndata_options(anndata_options, "a DataFrame")
        return _numeric(data, "DataFrame", genes_in_rows=False), "DataFrame", "DataFrame"
    if type(data).__name__ == "AnnData":
        return _numeric(_anndata_frame(data, "AnnData", **anndata_options), "AnnData", False), "AnnData", "AnnData"
    raise InputError(f"cannot read expression from {type(data).__name__}; pass an AnnData, a cells × genes "
                     "DataFrame, or a path to a .csv/.csv.gz/.tsv/.h5ad file")


def _directory_hint(path: Path) -> str:
    """What to give instead of the folder ``path``: the expression files inside it, or how to convert a 10x folder."""
    files = sorted(p.name for p in path.iterdir() if p.is_file())
    readable = [f for f in files if f.lower().endswith((*_TABLE_SUFFIXES, ".h5ad")) and not re.search(
        r"(?i)(network|tfs?|pseudotime)\b", f)]
    if readable:
        return f"give the expression file inside it (there: {', '.join(readable[:3])})"
    if any(f.startswith("matrix.mtx") for f in files):
        return ("it holds a 10x matrix (matrix.mtx), which is not read directly; convert it with scanpy "
                "(sc.read_10x_mtx(folder).write_h5ad('expr.h5ad')) and give the .h5ad")
    return "give the expression file inside it (.csv/.csv.gz/.tsv, genes × cells, or .h5ad)"


def _no_orientation(cells_in_rows: bool | None, prefix: str, what: str) -> None:
    """Refuse an orientation given for ``what``, which is always cells × genes (the option is for table files)."""
    if cells_in_rows is not None:
        flag = "--cells-in-rows" if cells_in_rows else "--genes-in-rows"
        raise InputError(f"{prefix}{flag} (cells_in_rows={cells_in_rows}) applies to table files; {what} is always "
                         "cells × genes, so drop it")


def _no_anndata_options(options: dict[str, Any], what: str) -> None:
    given = [flag for flag, key in (("--layer", "layer"), ("--use-raw", "use_raw"), ("--gene-symbols", "gene_symbols"))
             if options.get(key)]
    if given:
        raise InputError(f"{', '.join(given)} appl{'ies' if len(given) == 1 else 'y'} to .h5ad files and AnnData only, "
                         f"not to {what}; drop {'it' if len(given) == 1 else 'them'}")


def _is_position_labels(labels: pd.Index) -> bool:
    """Whether ``labels`` are the positions 0…n−1 (or 1…n) in any order, as numbers or as their text: no names."""
    try:
        values = np.array([int(str(v)) for v in labels])
    except ValueError:
        return False
    start = values.min() if len(values) else 0
    return len(values) > 1 and start in (0, 1) and np.array_equal(np.sort(values), np.arange(len(values)) + start)


def _share_named(labels: pd.Index) -> float:
    """The share of ``labels`` that hold a letter (names rather than numbers)."""
    sample = list(labels)[:500]
    return float(np.mean([any(c.isalpha() for c in str(v)) for v in sample])) if sample else 0.0


def _transposed_fix(kind: str, cells_in_rows: bool | None) -> str:
    if kind == "table":
        if cells_in_rows:
            return "The file was read with cells in rows as asked (--cells-in-rows); drop that option if genes are in rows"
        return ("Table files are read as genes × cells (BEELINE); pass --cells-in-rows (cells_in_rows=True) if the "
                "file has cells in rows")
    if kind == "AnnData":
        return ("An AnnData must be cells × genes (obs = cells, var = genes); save it transposed "
                "(adata.T.write_h5ad(...)) or pass adata.T")
    return "A DataFrame must be cells × genes; transpose it (df.T)"


def read_expression(data: Any, *, cells_in_rows: bool | None = None, tfs: Sequence[str] | None = None,
                    allow_negative: bool = False, drop_constant: bool = True, layer: str | None = None,
                    use_raw: bool = False, gene_symbols: str | None = None) -> Expression:
    """Read and check expression data.

    Parameters
    ----------
    data
        AnnData, cells × genes DataFrame, or a path: ``.csv``/``.csv.gz``/``.tsv`` in BEELINE's layout (genes × cells,
        gene names in the first column) or ``.h5ad`` (cells × genes). A gzip-compressed table is recognised by its
        content whatever its name; a table whose delimiter differs from its name's is read with its own, with a
        warning.
    cells_in_rows
        For table files only: ``True``, the file is cells × genes (cell names in the first column); ``False``, genes
        × cells; ``None`` (default), genes × cells, with a warning when neither the TF list nor the labels confirm it.
    tfs
        Known TF symbols; used only to detect a matrix in the wrong orientation.
    allow_negative
        Accept negative values (e.g. centred data). By default they are an error: the models and baselines expect
        non-negative expression (counts or log-normalised).
    drop_constant
        Drop genes constant across cells in float32 (the precision the methods use), with a warning (they carry no
        information about regulation).
    layer, use_raw, gene_symbols
        For AnnData / ``.h5ad`` only (scanpy's conventions): read ``adata.layers[layer]`` or ``adata.raw`` instead of
        ``X``, and name genes by the ``var`` column ``gene_symbols`` instead of ``var_names``.

    Returns
    -------
    Expression
        The checked matrix (cells × genes, float32), gene names and cell names.
    """
    frame, source, kind = _to_frame(data, cells_in_rows,
                                    {"layer": layer, "use_raw": use_raw, "gene_symbols": gene_symbols})
    genes = pd.Index([g.strip() if isinstance(g, str) else g for g in frame.columns])  # "G1, G2", padded cells
    cells = pd.Index(frame.index)
    if frame.shape[0] < MIN_CELLS or frame.shape[1] < 2:
        raise InputError(f"{source}: {frame.shape[0]} cells × {frame.shape[1]} genes; need at least {MIN_CELLS} cells "
                         "and 2 genes (networks are inferred from variation across cells)")
    decided = False
    if tfs is not None:
        tf_upper = {str(t).upper() for t in tfs}
        in_genes = sum(str(g).upper() in tf_upper for g in genes)
        in_cells = sum(str(c).upper() in tf_upper for c in cells)
        if in_cells > len(cells) / 2 and in_genes > len(genes) / 2:
            raise InputError(f"{source}: the TF list names most of the genes and most of the cells (is it the "
                             "expression file?); give the file of TF symbols, one per line")
        if in_cells > in_genes:
            raise InputError(f"{source}: {in_cells} TF names found among the cell labels but {in_genes} among the gene "
                             f"labels — the matrix looks transposed. {_transposed_fix(kind, cells_in_rows)}")
        decided = in_genes > in_cells
    if _looks_like_cells(genes) > 0.5 and _looks_like_cells(cells) < 0.5:
        raise InputError(f"{source}: the gene labels look like cell names (e.g. {str(genes[0])!r}) — the matrix looks "
                         f"transposed. {_transposed_fix(kind, cells_in_rows)}")
    decided = decided or _looks_like_cells(cells) > 0.5
    if not decided and (kind != "table" or cells_in_rows is None) and _is_position_labels(genes) \
            and _share_named(cells) > 0.5:
        orientation_hint = (f"{source}: the genes are labelled by position (0, 1, 2, …) while the cells carry names "
                            f"(e.g. {str(cells[0])!r}); if those are gene names, the matrix is transposed. "
                            f"{_transposed_fix(kind, cells_in_rows)}")
        if kind == "table":
            raise InputError(f"{orientation_hint}, or --genes-in-rows if the rows are genes after all")
        warnings.warn(orientation_hint, stacklevel=2)
        decided = True
    no_tf_found = tfs is not None and in_genes == in_cells == 0  # refused by the TF check that follows reading
    orientation = None  # said once every check has passed, so that an error stays the only line
    if kind == "table" and cells_in_rows is None and not decided and not no_tf_found:
        orientation = (f"{source}: neither a TF list nor the labels tell whether genes are rows or columns; assumed "
                       f"genes in rows (BEELINE's layout), which gives {len(genes)} genes (e.g. {str(genes[0])!r}) × "
                       f"{len(cells)} cells. Pass --cells-in-rows (cells_in_rows=True) if cells are in rows, or "
                       "--genes-in-rows (cells_in_rows=False) to confirm")
    if genes.isna().any() or any(str(g).strip() == "" or str(g).startswith("Unnamed:") for g in genes):
        raise InputError(f"{source}: some genes have no name; every gene needs a name"
                         + (f" in the var column {gene_symbols!r}" if gene_symbols else ""))
    genes = genes.astype(str)
    if genes.duplicated().any():
        dup = genes[genes.duplicated()].unique().tolist()
        raise InputError(f"{source}: duplicate gene names {dup[:5]} ({len(dup)} in all); make gene names unique "
                         "(e.g. aggregate or suffix duplicates) before inference")
    if cells.duplicated().any():
        dup = cells[cells.duplicated()].unique().astype(str).tolist()
        warnings.warn(f"{source}: {len(dup)} cell names occur more than once (e.g. {dup[:3]}); each is kept as a "
                      "separate cell. If the same cells were included twice, remove the repeats (they weigh twice); "
                      "otherwise make the names unique (anndata: obs_names_make_unique)", stacklevel=2)
    X = frame.to_numpy(dtype=np.float64)
    finite = np.isfinite(X)
    if not finite.all():
        i, j = np.argwhere(~finite)[0]
        short = " (an empty field, or a row shorter than the header, reads as NaN)" if kind == "table" else ""
        raise InputError(f"{source}: {int((~finite).sum())} NaN or infinite values (first: gene {genes[j]!r}, cell "
                         f"{str(cells[i])!r}){short}; impute or remove them (e.g. fill missing with 0) before "
                         "inference")
    too_large = np.abs(X) > _FLOAT32_MAX
    if too_large.any():
        i, j = np.argwhere(too_large)[0]
        raise InputError(f"{source}: values beyond float32's range ±{_FLOAT32_MAX:.3g}: {int(too_large.sum())} (first: "
                         f"{X[i, j]:.3g} at gene {genes[j]!r}, cell {str(cells[i])!r}); log-transform (log1p) or "
                         "rescale the data")
    if not allow_negative and (X < 0).any():
        i, j = np.argwhere(X < 0)[0]
        others = frame.attrs.get("other_matrices") or []
        hint = (f" If X was scaled (scanpy's sc.pp.scale), read the unscaled values instead: {' or '.join(others)}."
                if others else "")
        raise InputError(f"{source}: {int((X < 0).sum())} negative values (first: gene {genes[j]!r}, cell "
                         f"{str(cells[i])!r}); expected counts or log-normalised expression.{hint} Pass "
                         "allow_negative=True (--allow-negative) if your data are centred on purpose")
    X = X.astype(np.float32)  # the precision every method uses: a gene whose values differ below it is constant
    keep = np.ones(X.shape[1], dtype=bool)
    if drop_constant:
        keep = np.ptp(X, axis=0) > 0
        if not keep.any():
            raise InputError(f"{source}: every gene is constant across cells; nothing to infer from")
        if not keep.all():
            dropped = genes[~keep].tolist()
            warnings.warn(f"{source}: dropped {len(dropped)} constant genes (e.g. {dropped[:5]}); they get no edges",
                          stacklevel=2)
        if keep.sum() < 2:
            raise InputError(f"{source}: fewer than 2 non-constant genes; nothing to infer from")
    empty = ~(X[:, keep] != 0).any(axis=1)
    if empty.any():
        warnings.warn(f"{source}: {int(empty.sum())} of {len(cells)} cells express none of the genes (all zero, e.g. "
                      f"{str(cells[np.flatnonzero(empty)[0]])!r}); empty droplets or filtered-out cells distort every "
                      "correlation, so remove them first (scanpy: sc.pp.filter_cells(adata, min_genes=1))",
                      stacklevel=2)
    if orientation is not None:
        warnings.warn(orientation, stacklevel=2)
    return Expression(X=X[:, keep], genes=genes[keep].tolist(), cells=cells.astype(str).tolist(),
                      constant=genes[~keep].tolist())


def looks_like_counts(X: np.ndarray) -> bool:
    """Whether an expression matrix looks like raw counts: every value a non-negative whole number, some above 1.

    Log-transformed expression (``log1p`` of counts, normalised or not) almost never consists of whole numbers;
    binary (0/1) matrices are not counted as counts.
    """
    values = np.asarray(X)
    return bool(values.size and values.min() >= 0 and values.max() > 1 and np.all(values == np.rint(values)))


def looks_like_log_counts(X: np.ndarray) -> bool:
    """Whether an expression matrix looks like ``log1p`` of counts not scaled to a common library size: every value
    the natural log of one plus a non-negative whole number, some of them above ``log1p(1)``.

    That is how SERGIO's DS data reach a user through its noise chain (Poisson counts, then ``log1p``), and how UMI
    counts look when ``sc.pp.log1p`` runs without ``sc.pp.normalize_total``. Normalised expression (scaled to a
    library size, TPM, ``log2``), raw counts and binary matrices almost never pass: their values are not logs of
    whole numbers above 1. The tolerance allows for float32 storage and for six significant digits in a text file.
    """
    X = np.asarray(X)
    if not X.size or X.ndim != 2 or X.min() < 0 or X.max() < np.log1p(1.5):
        return False
    rows = max(1, 2**20 // X.shape[1])  # blocks of about a million values: little memory, an early no
    for start in range(0, X.shape[0], rows):
        with np.errstate(over="ignore", invalid="ignore"):  # raw counts beyond e**709: inf, not a whole number
            counts = np.expm1(X[start:start + rows].astype(np.float64))
            whole = np.all(np.abs(counts - np.rint(counts)) <= 1e-4 + 2e-5 * (counts + 1))
        if not whole:
            return False
    return True


def _tf_tokens(line: str) -> list[str]:
    """Symbols on one line of a TF file: split on commas, semicolons and whitespace, quotes stripped."""
    return [t for t in (s.strip().strip("\"'") for s in re.split(r"[,;\s]+", line)) if t]


def _tf_table_column(lines: list[str], path: Path) -> list[str] | None:
    """The symbols of a TF file that is a table (two or more lines with the same number ≥ 2 of tab-, comma- or
    semicolon-separated fields): the first column whose header is a word of :data:`_TF_HEADER_WORDS` (BEELINE's
    ``TF``, AnimalTFDB's ``Symbol``). ``None`` when the file is not such a table, or has no such column and no field
    repeats (symbols wrapped over lines). A table without such a column whose fields repeat (a network's regulators,
    signs, families) gives its first column, its first line included (a header word there is no gene and is
    reported as absent), with a warning: its other columns are no TF symbols."""
    sep = next((d for d in ("\t", ",", ";") if d in lines[0]), None)
    if sep is None or len(lines) < 2:
        return None
    rows = [[f.strip().strip("\"'") for f in ln.split(sep)] for ln in lines]
    if len({len(r) for r in rows}) != 1 or len(rows[0]) < 2:
        return None
    header = [f.lower() for f in rows[0]]
    column = next((i for i, f in enumerate(header) if f in _TF_HEADER_WORDS), None)
    fields = [f for r in rows for f in r]
    if column is None and len(set(fields)) == len(fields):
        return None  # no repeats: a list of symbols wrapped over lines, not a table (whose columns repeat values)
    if column is None:
        warnings.warn(f"TF file {path} is a table of {len(rows[0])} columns (first line {rows[0][:4]}) and none is "
                      "named TF, Gene, Symbol or Name; took the TF symbols from its first column. Give one symbol per "
                      "line, or name the column of symbols TF, to silence this", stacklevel=4)
        return [r[0] for r in rows if r[0]]
    return [r[column] for r in rows[1:] if r[column]]


def read_tf_list(path: str | Path) -> list[str]:
    """TF symbols from a file, in file order without repeats.

    Accepted layouts: symbols separated by newlines, commas, semicolons or whitespace (any mix, quotes stripped), or
    a table (tab-, comma- or semicolon-separated) whose symbols are in the column headed ``TF``, ``Gene``, ``Symbol``
    or ``Name`` (BEELINE's ``*-tfs.csv``; AnimalTFDB's lists); from a table with no such column, its first column,
    with a warning (:func:`_tf_table_column`). UTF-8 with or without a byte-order mark, optionally gzip-compressed;
    ``#`` starts a comment line.
    """
    text = read_text_file(Path(path), "TF file", "a text file with one TF symbol per line, or a table with a column "
                          "headed TF (e.g. BEELINE's mouse-tfs.csv)")
    path = Path(path)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise InputError(f"TF file {path} is empty; list one TF symbol per line")
    header = _tf_tokens(lines[0])
    symbols = _tf_table_column(lines, path)
    if symbols is None and header and header[0].lower() in _TF_HEADER_WORDS:
        if len(header) > 1:  # a table whose rows vary in length: the symbols are its first column
            sep = "\t" if "\t" in lines[0] else ("," if "," in lines[0] else None)
            symbols = [t for ln in lines[1:] for t in _tf_tokens(ln.split(sep)[0])[:1]]
        else:
            symbols = [t for ln in lines[1:] for t in _tf_tokens(ln)]
    elif symbols is None:
        symbols = [t for ln in lines for t in _tf_tokens(ln)]
    if not symbols:
        raise InputError(f"TF file {path} has a header but no TF symbols; list one TF symbol per line")
    return list(dict.fromkeys(symbols))


def tf_symbols(tfs: Any) -> list[str] | None:
    """The TF symbols of :func:`grnular_lib.infer`'s ``tfs``: ``None``, a path of a TF file (:func:`read_tf_list`),
    or a collection of names (list, tuple, set, pandas Series or Index, array; whole numbers are accepted as names,
    as genes may be named by them). Anything else, and entries that are no names (``None``, NaN), is an error."""
    if tfs is None:
        return None
    if isinstance(tfs, (str, os.PathLike)):
        if str(tfs).strip() == "":
            raise InputError("tfs is an empty string; give the path of a TF file or the TF symbols as a list")
        if isinstance(tfs, str) and not Path(tfs).exists() and tfs.strip().lower() in ("all", "none", "*"):
            raise InputError(f"TF file {tfs} does not exist; to make every gene a candidate regulator, leave the TF "
                             "list out (drop --tfs; tfs=None)")
        if isinstance(tfs, str) and not Path(tfs).exists() and not re.search(r"[/\\.]", tfs):
            raise InputError(f"TF file {tfs} does not exist; --tfs takes a file with one symbol per line (in Python, "
                             f"tfs={_tf_tokens(tfs)!r} also works)")
        return read_tf_list(tfs)
    if isinstance(tfs, (bytes, pd.DataFrame, dict)) or not isinstance(tfs, Iterable):
        raise InputError(f"tfs of type {type(tfs).__name__}: give the TF symbols as a list (or tuple, set, pandas "
                         "Series) of names, or the path of a TF file")
    symbols = list(tfs)
    if not symbols:
        raise InputError("tfs is empty; give at least one TF symbol, or tfs=None (no --tfs) to make every gene a "
                         "candidate regulator")
    bad = [t for t in symbols if not isinstance(t, (str, int, np.integer)) or isinstance(t, bool)]
    if bad:
        raise InputError(f"tfs holds {len(bad)} entries that are not names (e.g. {bad[0]!r}); give TF symbols as "
                         "strings")
    return [str(t) for t in symbols]


def _unversioned(name: str) -> str:
    """An Ensembl id without its version (``ENSMUSG00000000001.4`` → ``ENSMUSG00000000001``), upper case."""
    return re.sub(r"\.\d+$", "", name.upper()) if name.upper().startswith("ENS") else name.upper()


def match_tfs(tfs: Sequence[str], genes: Sequence[str], *, source: str = "TF list",
              constant: Sequence[str] = ()) -> list[str]:
    """The TFs present among ``genes``, spelled as in ``genes``.

    A TF is matched exactly when a gene has its name; otherwise case-insensitively when exactly one gene has the
    name in another case (reported in a warning); a TF whose name matches several genes that differ only in case
    is ignored with a warning. TFs among the ``constant`` genes (dropped by :func:`read_expression`, any case) and
    TFs absent from the data are reported in a warning each (count and the first few); none left is an error.
    """
    exact = {str(g) for g in genes}
    by_upper: dict[str, list[str]] = {}
    for g in genes:
        by_upper.setdefault(str(g).upper(), []).append(str(g))
    constant_upper = {str(g).upper() for g in constant}
    by_unversioned: dict[str, list[str]] = {}
    for g in genes:
        by_unversioned.setdefault(_unversioned(str(g)), []).append(str(g))
    found, missing, folded, ambiguous, flat, versioned = [], [], [], [], [], []
    for t in map(str, tfs):
        if t in exact:
            found.append(t)
            continue
        candidates = by_upper.get(t.upper(), [])
        other_version = by_unversioned.get(_unversioned(t), []) if t.upper().startswith("ENS") else []
        if len(candidates) == 1:
            found.append(candidates[0])
            folded.append(f"{t}→{candidates[0]}")
        elif not candidates and len(other_version) == 1:
            found.append(other_version[0])
            versioned.append(f"{t}→{other_version[0]}")
        elif candidates:
            ambiguous.append(f"{t}~{candidates[:3]}")
        elif t.upper() in constant_upper:
            flat.append(t)
        else:
            missing.append(t)
    found = list(dict.fromkeys(found))
    if not found and flat:
        raise InputError(f"the {len(flat)} TFs of the {source} found in the data are all constant across cells (e.g. "
                         f"{flat[:5]}), so none can be a regulator; check that the cells express the TFs")
    if not found:
        ensembl = sum(str(g).upper().startswith("ENS") for g in genes) > len(genes) / 2
        tf_ensembl = sum(str(t).upper().startswith("ENS") for t in tfs) > len(tfs) / 2
        hint = (" The data's genes look like Ensembl ids and the TFs like symbols: name the genes by symbols (for an "
                ".h5ad, --gene-symbols COLUMN (gene_symbols=…) names them by a var column of symbols)"
                if ensembl and not tf_ensembl else "")
        raise InputError(f"none of the {len(tfs)} TFs in the {source} is among the {len(genes)} genes of the data "
                         f"(first TFs: {list(tfs)[:5]}, first genes: {list(genes)[:5]}); check the species and "
                         f"the gene identifiers (symbols vs Ensembl ids).{hint}")
    if folded:
        warnings.warn(f"{len(folded)} TFs in the {source} match a gene only in another case and were matched to it "
                      f"(e.g. {folded[:5]}); spell them as in the data to silence this", stacklevel=2)
    if versioned:
        warnings.warn(f"{len(versioned)} TFs in the {source} match a gene only in another Ensembl version and were "
                      f"matched to it (e.g. {versioned[:3]})", stacklevel=2)
    if ambiguous:
        warnings.warn(f"{len(ambiguous)} TFs in the {source} match several genes that differ only in case and are "
                      f"ignored (e.g. {ambiguous[:3]}); spell them exactly as in the data", stacklevel=2)
    if flat:
        warnings.warn(f"{len(flat)} of {len(tfs)} TFs in the {source} are constant across cells and get no edges "
                      f"(e.g. {flat[:5]})", stacklevel=2)
    if missing:
        warnings.warn(f"{len(missing)} of {len(tfs)} TFs in the {source} are not in the data and are ignored "
                      f"(e.g. {missing[:5]})", stacklevel=2)
    return found
