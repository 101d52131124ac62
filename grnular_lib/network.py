"""Edge lists: from a score matrix and back, and reading edge lists and ground-truth networks from files."""
from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError
from .textfiles import read_text_file

EDGE_COLUMNS = ["TF", "target", "importance"]
#: Columns of a truth network (BEELINE's refNetwork.csv), and the header names that stand for them, compared by
#: :func:`header_key` (any case; spaces, ``_``, ``-`` and ``.`` ignored: ``target_gene`` is ``targetgene``).
TRUTH_COLUMNS = ["Gene1", "Gene2"]
TRUTH_HEADER_WORDS = ({"gene1", "tf", "tfs", "tfname", "tfsymbol", "tfgene", "regulator", "regulatorgene",
                       "regulatorygene", "source", "sourcegene", "from"},
                      {"gene2", "target", "targets", "targetgene", "targetname", "targetsymbol", "gene", "to"})
#: Header names of the regulator, target and score columns of an edge list (``grnular infer``'s, arboreto's, BEELINE's
#: rankedEdges.csv, GENIE3's ``regulatoryGene, targetGene, weight``).
EDGE_HEADER_WORDS = (*TRUTH_HEADER_WORDS, {"importance", "edgeweight", "weight", "score"})
#: Words of column names (split at spaces, ``_``, ``-``, ``.``) that no gene symbol is, for telling a header that
#: names its columns otherwise from a first row of genes.
_HEADER_TOKENS = {"gene", "genes", "tf", "tfs", "target", "targets", "source", "regulator", "regulators", "name",
                  "symbol", "id", "from", "to", "node", "node1", "node2", "protein", "interactor", "effector"}
_NAN_WORDS = {"", "nan", "na", "n/a", "null", "none"}


def header_key(name: object) -> str:
    """A column name as the header words are compared: lower case, without spaces, ``_``, ``-``, ``.`` or quotes."""
    return re.sub(r"[\s_\-.\"']", "", str(name).lower())


def _looks_like_header(fields: Sequence[str]) -> bool:
    """Whether the first two fields of a first line read as column names (``source_gene``, ``TF name``)."""
    return any(t in _HEADER_TOKENS for f in fields[:2] for t in re.split(r"[\s_\-.]+", f.lower()))


def _some_words(words: set[str]) -> str:
    """The shortest few of a set of header words, for a message (``tf/tfs/from/gene1/…``)."""
    shown = sorted(words, key=lambda w: (len(w), w))
    return "/".join(shown[:4]) + ("/…" if len(shown) > 4 else "")


def named_columns(frame: pd.DataFrame, names: Sequence[str], words: Sequence[set[str]], what: str,
                  fix: str = "name the columns so") -> pd.DataFrame:
    """``frame`` with the columns ``names`` (e.g. ``TF, target, importance``): kept when present, otherwise found by
    their header words (:func:`header_key`; ``words[i]`` for ``names[i]``, e.g. arboreto's ``source``) and renamed.
    Raises :class:`InputError`, naming ``what``, the columns expected and ``fix``, when a column cannot be found."""
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{what} of type {type(frame).__name__}: give a pandas DataFrame with columns "
                         f"{', '.join(names)}")
    if set(names) <= set(frame.columns):
        return frame
    found = [next((c for c in frame.columns if header_key(c) in w), None) for w in words]
    if None in found or len(set(found)) < len(names):
        raise InputError(f"{what}: columns {list(frame.columns)[:5]}, not {', '.join(names)} (any case, or: "
                         f"{'; '.join(_some_words(w) for w in words)}); {fix}")
    return frame.rename(columns=dict(zip(found, names)))


def edges_from_matrix(scores: np.ndarray, genes: Sequence[str], tf_index: Sequence[int] | None = None, *,
                      top: int | None = None) -> pd.DataFrame:
    """Edge list ``TF, target, importance`` from a genes × genes score matrix.

    Parameters
    ----------
    scores
        ``scores[i, j]`` is the confidence that gene ``i`` regulates gene ``j``. The absolute value is used.
    genes
        Gene names, one per row/column.
    tf_index
        Rows allowed as regulators. ``None`` means every gene (no TF information). Self-pairs are never listed.
    top
        Keep only the first ``top`` edges of that order (``None``: all).

    Returns
    -------
    pandas.DataFrame
        Every candidate pair (regulator in ``tf_index``, any other gene as target), sorted by importance, descending,
        ties broken by the names of regulator and target, so the list does not depend on the order of ``genes``.
    """
    S = np.abs(np.asarray(scores, dtype=np.float64))
    D = S.shape[0]
    if S.shape != (D, D) or D != len(genes):
        raise ValueError(f"score matrix of shape {S.shape} does not match {len(genes)} genes")
    rows = np.arange(D) if tf_index is None else np.asarray(tf_index, dtype=np.int64)
    r = np.repeat(rows, D)
    c = np.tile(np.arange(D), len(rows))
    keep = r != c
    r, c = r[keep], c[keep]
    imp = S[r, c]
    if top is not None and top < len(imp):  # only the pairs at or above the top-th importance need sorting
        cut = np.partition(imp, len(imp) - top)[len(imp) - top]
        above = imp >= cut
        r, c, imp = r[above], c[above], imp[above]
    names = np.asarray([str(g) for g in genes], dtype=object)
    rank = np.empty(D, dtype=np.int64)
    rank[np.argsort(names, kind="stable")] = np.arange(D)
    order = np.lexsort((rank[c], rank[r], -imp))[:top]
    return pd.DataFrame({"TF": names[r[order]], "target": names[c[order]], "importance": imp[order]}).reset_index(drop=True)


def _text_lines(path: Path, what: str, fix: str) -> list[str]:
    """Non-empty lines of a small text file (:func:`~grnular_lib.textfiles.read_text_file`: gzip or not, UTF-8, a
    byte-order mark dropped), or :class:`InputError`; ``fix`` starts with "give"."""
    lines = [ln for ln in read_text_file(path, what, fix.removeprefix("give ")).splitlines() if ln.strip()]
    if not lines:
        raise InputError(f"{what} {path} is empty; {fix}")
    return lines


def _parse(lines: list[str], path: Path, fix: str, *, sep: str, header: int | None) -> pd.DataFrame:
    """The lines as a table of strings, or :class:`InputError` for rows whose fields do not line up: a row with
    another number of fields than the first, or an unclosed quote."""
    if sep in ("\t", ","):
        counts = [len(row) for row in csv.reader(lines, delimiter=sep)]
        width = counts[0] if counts else 0
        odd = [i for i, n in enumerate(counts) if n != width]
        if len(counts) != len(lines) or odd:
            i = odd[0] if odd else len(counts) - 1
            holder = "a tab" if sep == "\t" else "a comma"
            raise InputError(f"{path}: row {i + 1} has {counts[i]} field{'s' * (counts[i] != 1)} where row 1 has "
                             f"{width} (a name holding {holder}, or an unclosed quote?); {fix}")
    try:
        return pd.read_csv(io.StringIO("\n".join(lines)), sep=sep, header=header, dtype=str, keep_default_na=False,
                           index_col=False, engine="python" if sep == r"\s+" else "c")
    except pd.errors.ParserError as exc:
        raise InputError(f"{path}: cannot be read as a table ({str(exc).strip()}); {fix}") from None


def read_edge_list(path: str | Path) -> pd.DataFrame:
    """An edge list ``TF, target, importance``: written by ``grnular infer``, by arboreto (with or without its header
    line) or BEELINE (``rankedEdges.csv``: ``Gene1, Gene2, EdgeWeight``); checked, names stripped of surrounding
    whitespace (as :func:`read_truth` strips them).

    The delimiter is read from the first line: a tab, else a comma, else whitespace. The first line is a header unless
    its third field is a number; a header names the regulator, target and score columns by any of the words of
    :data:`EDGE_HEADER_WORDS` (any case), and a headerless list is read as regulator, target, score.

    Raises :class:`InputError` for a missing, empty or non-tabular file, missing columns, a non-numeric or NaN
    importance, a pair listed twice with different importances, or no edge at all. A pair listed twice with the same
    importance is kept once, with a warning.
    """
    path = Path(path)
    fix = ("give an edge list with columns TF, target, importance, as `grnular infer … -o edges.tsv` writes "
           "(arboreto's and BEELINE's rankedEdges.csv are read too)")
    lines = _text_lines(path, "edge list", fix)
    first = lines[0]
    sep = "\t" if "\t" in first else ("," if "," in first else r"\s+")
    fields = [f.strip().strip("\"'") for f in re.split(sep, first.strip() if sep == r"\s+" else first.strip(" \r\n"))]
    if len(fields) >= 3 and re.fullmatch(r"[+-]?\d+,\d+", fields[2]):
        raise InputError(f"{path}: line 1 has the importance {fields[2]!r}, a decimal comma; write numbers with a "
                         "decimal point (0.9)")
    # The first line is the first edge when its third field is a score, or a missing one (then refused below).
    headerless = len(fields) >= 3 and (pd.notna(pd.to_numeric(fields[2], errors="coerce"))
                                       or (fields[2].lower() in _NAN_WORDS and not _looks_like_header(fields)))
    edges = _parse(lines, path, fix, sep=sep, header=None if headerless else 0)
    if headerless:
        edges = edges.set_axis([*EDGE_COLUMNS, *map(str, edges.columns[3:])], axis=1)
    else:
        edges = named_columns(edges, EDGE_COLUMNS, EDGE_HEADER_WORDS, str(path), fix)
    line_of_first_edge = 1 if headerless else 2
    edges = edges[EDGE_COLUMNS].assign(TF=edges["TF"].str.strip(), target=edges["target"].str.strip())
    if edges.empty:
        raise InputError(f"{path} lists no edges (a header only); {fix}")
    blank = (edges["TF"] == "") | (edges["target"] == "")
    if blank.any():
        raise InputError(f"{path}: row {int(np.flatnonzero(blank.to_numpy())[0]) + line_of_first_edge} has no TF or "
                         f"target name; {fix}")
    importance = pd.to_numeric(edges["importance"], errors="coerce")
    bad = importance.isna() | ~np.isfinite(importance.fillna(0))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"{path}: edges with a missing, non-numeric, NaN or infinite importance: {int(bad.sum())} "
                         f"(first: line {i + line_of_first_edge}, {edges['TF'].iloc[i]} → {edges['target'].iloc[i]}: "
                         f"{edges['importance'].iloc[i]!r}); give every edge a finite number")
    edges = edges.assign(importance=importance.astype(float))
    pair = edges[["TF", "target"]].apply(tuple, axis=1)
    repeated = pair.duplicated(keep=False)
    if repeated.any():
        spread = edges[repeated].groupby(["TF", "target"])["importance"].agg(lambda v: v.max() - v.min())
        conflicting = spread[spread > 0]
        if len(conflicting):
            tf, target = conflicting.index[0]
            raise InputError(f"{path}: TF → target pairs listed more than once with different importances: "
                             f"{len(conflicting)} (first: {tf} → {target}); keep one row per pair")
        warnings.warn(f"{path}: {int(pair.duplicated().sum())} repeated rows (same pair, same importance) counted "
                      "once", stacklevel=2)
        edges = edges[~pair.duplicated()]
    return edges.reset_index(drop=True)


def read_truth(path: str | Path) -> pd.DataFrame:
    """Ground-truth edges ``Gene1, Gene2``: BEELINE's ``refNetwork.csv`` or a list of pairs.

    The delimiter is read from the first line: a tab, else a comma, else whitespace. The first line is a header when
    it names a regulator and a target column, ``Gene1`` and ``Gene2`` or any of :data:`TRUTH_HEADER_WORDS` (``TF``,
    ``target``, ``source``, ``regulator``, …; any case), and the columns are then taken by name, in any order;
    otherwise it is the first pair, the first column the regulator. Extra columns (e.g. BEELINE's ``Type``) are
    ignored; repeated pairs are counted once. Raises :class:`InputError` for a missing or empty file, fewer than two
    columns, a first line that reads as a header of other names (``source_gene``), or no pair; warns when a column
    holds scores (an edge list given as the truth: every listed pair counts as true).
    """
    path = Path(path)
    fix = "give a CSV with columns Gene1,Gene2 (BEELINE's refNetwork.csv) or one regulator–target pair per line"
    lines = _text_lines(path, "truth network", fix)
    first = lines[0]
    sep = "\t" if "\t" in first else ("," if "," in first else r"\s+")
    fields = [f.strip().strip("\"'") for f in re.split(sep, first.strip())]
    keys = [header_key(f) for f in fields]
    named = any(k in TRUTH_HEADER_WORDS[0] for k in keys) and any(k in TRUTH_HEADER_WORDS[1] for k in keys)
    if not named and _looks_like_header(fields):
        raise InputError(f"{path}: the first line {first.strip()[:60]!r} reads as a header, but it names no regulator "
                         "and target column; name them Gene1,Gene2 (or TF,target), or remove the line if it is a pair")
    truth = _parse(lines, path, fix, sep=sep, header=0 if named else None)
    if named:
        truth = named_columns(truth, TRUTH_COLUMNS, TRUTH_HEADER_WORDS, str(path), fix)
        scores = [c for c in truth.columns if header_key(c) in EDGE_HEADER_WORDS[2]]
        if scores:
            warnings.warn(f"{path}: the truth network has a score column ({scores[0]!r}), as an edge list has; every "
                          "listed pair counts as a true edge, whatever its score", stacklevel=2)
    else:
        if truth.shape[1] < 2:
            raise InputError(f"{path}: one column; a truth network needs two, regulator and target; {fix}")
        truth.columns = ["Gene1", "Gene2", *map(str, truth.columns[2:])]
    truth = truth[["Gene1", "Gene2"]].apply(lambda c: c.str.strip().str.strip("\"'"))
    truth = truth[(truth["Gene1"] != "") & (truth["Gene2"] != "")].drop_duplicates()
    if truth.empty:
        raise InputError(f"{path} lists no regulator–target pair; {fix}")
    return truth.reset_index(drop=True)
