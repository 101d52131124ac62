"""The one user-facing call: expression (+ TFs) in, arboreto-style edge list out."""
from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .methods import DEFAULT_METHOD, METHODS, get_method, method_names

if TYPE_CHECKING:  # numpy and pandas load on first call: ``import grnular_lib`` (and ``grnular --help``) stays fast
    import numpy as np
    import pandas as pd


def available_methods() -> tuple[str, ...]:
    """Every method name ``infer`` accepts, in the order of :data:`grnular_lib.methods.METHODS`."""
    return method_names()


def check_method(method: str) -> str:
    """Return ``method`` lower-cased, or raise :class:`InputError` listing the valid names."""
    return get_method(method).name


def score_matrix(X: np.ndarray, tf_index: np.ndarray | None, method: str, *, checkpoint: str | Path | None = None,
                 seed: int = 0, client: Any = None, gene_names: Sequence[str] | None = None) -> np.ndarray:
    """Genes × genes scores (row = regulator, column = target) of one method on a checked cells × genes matrix.

    The method runs on the data in a canonical order of genes and cells (:mod:`grnular_lib.ordering`) and its scores
    are mapped back, so any order of the same genes, TFs and cells gives the same scores.

    Parameters
    ----------
    X
        Cells × genes, float32, checked (see :func:`grnular_lib.expression.read_expression`).
    tf_index
        Columns of ``X`` that are TFs, or ``None`` for no TF information (every gene a candidate regulator, for
        the methods that allow it).
    method
        A name from :func:`available_methods`.
    checkpoint
        For the unrolled models: a checkpoint file or a shipped name; ``None`` takes the method's default for the
        data's number of cells (:func:`grnular_lib.checkpoints.checkpoint_for_cells`: for ``grnular-rank`` the
        shipped ensemble of three seeds trained on 100–3,000 cells; from 100 to 999 cells those three averaged with
        three trained on 100–1,000 only; from 1,000 to 2,999 cells those three averaged with three trained on
        1,000–3,000 only; from 3,000 cells three trained on 3,000–8,000 only, with a warning
        above 3,000; without a TF list, or with every gene as a TF, up to 3,000 cells, three trained with every gene
        a candidate; otherwise, on counts not scaled to a library size, raw or through ``log1p``, up to 3,000 cells,
        six trained mostly on SERGIO's noise chain, which ends in counts).
    seed
        Random seed (models, tree ensembles, RegDiffusion's training).
    client
        A ``distributed.Client`` (or scheduler address) for the baselines that parallelise over targets.
    gene_names
        Unique names of the columns of ``X``: they define the canonical gene order (otherwise the values do).
    """
    import numpy as np

    from .expression import MIN_CELLS
    from .ordering import canonical_order
    from .seeds import check_seed

    seed = check_seed(seed)
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[0] < MIN_CELLS or X.shape[1] < 2:
        raise InputError(f"expression of shape {X.shape}: need a cells × genes matrix with ≥ {MIN_CELLS} cells and ≥ 2 "
                         "genes")
    if tf_index is not None and len(tf_index) and (min(tf_index) < 0 or max(tf_index) >= X.shape[1]):
        raise InputError(f"TF indices must lie in 0…{X.shape[1] - 1}; got {min(tf_index)}…{max(tf_index)}")
    canonical = canonical_order(X, tf_index, gene_names)
    return canonical.restore(_method_scores(canonical.X, canonical.tf_index, method, checkpoint=checkpoint, seed=seed,
                                            client=client))


def _method_scores(X: np.ndarray, tf_index: np.ndarray | None, method: str, *, checkpoint: str | Path | None,
                   seed: int, client: Any) -> np.ndarray:
    """:func:`score_matrix` on data already in canonical order."""
    spec = get_method(method)
    name = spec.name
    if tf_index is not None and len(tf_index) == 0:
        tf_index = None
    if tf_index is None and spec.needs_tfs:
        free = ", ".join(m.name for m in METHODS.values() if not m.needs_tfs)
        raise InputError(f"method {name!r} needs a TF list (it scores TF → gene edges only); pass tfs=… (--tfs), or "
                         f"use a method that works without TFs: {free}")
    if spec.engine == "unrolled":
        from .models import predict

        if checkpoint is None:
            checkpoint = default_checkpoint_for(X, tf_index, name)
        return predict(X, tf_index, method=name, checkpoint=checkpoint, seed=seed)
    if spec.engine == "regdiffusion":
        from .regdiffusion import regdiffusion_scores

        return regdiffusion_scores(X, tf_index, seed=seed)
    from .baselines import baseline_scores

    return baseline_scores(X, tf_index, method=name, seed=seed, client=client)


def default_checkpoint_for(X: np.ndarray, tf_index: np.ndarray | None, method: str) -> str:
    """The shipped checkpoint (or ensemble) an unrolled ``method`` runs by default on the cells × genes ``X``.

    Chosen by :func:`~grnular_lib.checkpoints.checkpoint_for_cells` from the number of cells, whether every gene is a
    candidate regulator (``tf_index`` ``None``, empty, or every gene) and whether ``X`` is counts not scaled to a
    library size, raw or through ``log1p`` (:func:`~grnular_lib.expression.looks_like_counts`,
    :func:`~grnular_lib.expression.looks_like_log_counts`); none of these depends on the order of genes or cells.
    """
    from .expression import looks_like_counts, looks_like_log_counts

    every_gene = tf_index is None or len(set(map(int, tf_index))) in (0, X.shape[1])
    counts = looks_like_log_counts(X) or looks_like_counts(X)
    return _default_for_cells(method, X.shape[0], every_gene=every_gene, counts=counts)


def _default_for_cells(method: str, n_cells: int, *, every_gene: bool = False, counts: bool = False) -> str:
    """The method's default checkpoint for ``n_cells`` cells, every gene a candidate regulator or not, the expression
    counts (raw or through ``log1p``) or not (:func:`~grnular_lib.checkpoints.checkpoint_for_cells`), with one
    warning line when the data have more cells than the usual default was trained on (a narrower range within the
    default's is chosen without one: that is the documented default), or fewer than the chosen one was."""
    import warnings

    from .checkpoints import checkpoint_for_cells, default_checkpoint, shipped_training_range

    default = default_checkpoint(method)
    chosen = checkpoint_for_cells(method, n_cells, every_gene=every_gene, counts=counts)
    trained = shipped_training_range(chosen)
    if trained is not None and n_cells < trained[1]:
        warnings.warn(f"{n_cells} cells: fewer than the {trained[1]:,} that {chosen} was trained on at the least; "
                      f"with so few cells every method's ranking is less reliable (compare with --method pearson "
                      f"(method='pearson'))", stacklevel=3)
    if chosen == default:
        return chosen
    top = shipped_training_range(default)[2]  # another choice implies the default has a training range
    if n_cells > top:
        warnings.warn(f"{n_cells} cells: more than the {top:,} the default {method} checkpoint was trained on; "
                      f"using {chosen}, trained on up to {shipped_training_range(chosen)[2]:,} (pass --checkpoint "
                      f"{default} (checkpoint={default!r}) to use the default anyway)", stacklevel=3)
    return chosen


def _check_options(method: str, checkpoint: Any, *, cells_in_rows: Any, allow_negative: Any, use_raw: Any,
                   top: Any) -> None:
    """Refuse option values of :func:`infer` of the wrong kind before any data are read."""
    import numpy as np

    if top is not None and (isinstance(top, (bool, np.bool_)) or not isinstance(top, (int, np.integer)) or top < 1):
        raise InputError(f"top={top!r} (--top): give a whole number of edges to keep, at least 1 (or leave it out "
                         "to keep every candidate pair)")

    if checkpoint is not None:
        if not isinstance(checkpoint, (str, os.PathLike)):
            raise InputError(f"checkpoint={checkpoint!r}: give the name of a shipped checkpoint or the path of a file "
                             "written by `grnular train`")
        if METHODS[method].engine != "unrolled":
            unrolled = ", ".join(method_names(engine="unrolled"))
            raise InputError(f"--checkpoint applies to the unrolled models ({unrolled}); {method} has none, so drop it "
                             "(checkpoint=None)")
    for flag, value, none_ok in (("cells_in_rows", cells_in_rows, True), ("allow_negative", allow_negative, False),
                                 ("use_raw", use_raw, False)):
        if not (isinstance(value, (bool, np.bool_)) or (none_ok and value is None)):
            raise InputError(f"{flag}={value!r}: give True or False{' (or None)' if none_ok else ''}")


#: Bytes of memory per gene pair that any method holds at once (the genes × genes correlations, their inverse and the
#: scores, in float64).
_BYTES_PER_GENE_PAIR = 40


def _check_fits(method: str, n_genes: int, n_regulators: int, every_gene: bool) -> None:
    """One line before the work starts when the network cannot fit in this machine's memory (an out-of-memory kill
    after an hour says nothing): the dense genes × genes matrices every method holds, and the method's own memory per
    regulator–target pair (:attr:`~grnular_lib.methods.Method.bytes_per_pair`)."""
    from .environment import check_fits_in_memory

    nbytes = (_BYTES_PER_GENE_PAIR * float(n_genes) ** 2
              + METHODS[method].bytes_per_pair * float(n_regulators) * n_genes)
    fix = ("give a TF list (--tfs, tfs=) so that only TFs are candidate regulators, or keep fewer genes (scanpy: "
           "sc.pp.highly_variable_genes)" if every_gene else
           "keep fewer genes (scanpy: sc.pp.highly_variable_genes) or TFs")
    check_fits_in_memory(nbytes, f"{method} on {n_regulators:,} candidate regulators × {n_genes:,} genes", fix)


def infer(data: Any, tfs: Sequence[str] | str | Path | None = None, method: str = DEFAULT_METHOD,
          checkpoint: str | Path | None = None, seed: int = 0, *, cells_in_rows: bool | None = None,
          allow_negative: bool = False, client: Any = None, layer: str | None = None, use_raw: bool = False,
          gene_symbols: str | None = None, top: int | None = None) -> pd.DataFrame:
    """Infer a gene regulatory network.

    Parameters
    ----------
    data
        AnnData, cells × genes DataFrame, a :class:`~grnular_lib.dataset.GRNDataset`, or a path to a BEELINE-style
        ``.csv``/``.csv.gz``/``.tsv`` (genes × cells) or an ``.h5ad`` file.
    tfs
        TF symbols, or a path to a TF file (symbols separated by newlines, commas or spaces, or a CSV with a header
        and symbols in the first column). Matched to the genes exactly, else case-insensitively when that is
        unambiguous (with a warning); absent TFs are reported and ignored. Their order does not matter. ``None``: no
        TF information (a dataset's own TFs are used when ``data`` is a ``GRNDataset``): every gene is a candidate
        regulator for the methods whose TF list is optional, ``grnular-rank`` among them.
    method
        A name of :data:`grnular_lib.methods.METHODS`: ``grnular-rank`` (default: the project's best model trained on
        the broad ``general`` distribution), the paper's ``grnular``, ``grnular-base``, ``glad``, ``glad-tf``, the
        variant ``grnular-jac``, ``regdiffusion``, or a baseline: ``grnboost2``, ``genie3``, ``glasso``, ``pearson``,
        ``precision``, ``ridge``, ``rank-average``.
    checkpoint
        Checkpoint of a trained unrolled model: a file or the name of a shipped one (the paper's settings: e.g.
        ``"grnular-clean"``); ``None`` uses the method's default shipped with the package (``grnular-rank``: a
        shipped ensemble of ``general`` checkpoints chosen by the number of cells, whether every gene is a
        candidate regulator and whether the expression is counts (raw or through ``log1p``), with a warning beyond
        3,000 cells: :func:`grnular_lib.checkpoints.checkpoint_for_cells`;
        the others: their ``general`` checkpoint).
    seed
        Random seed, 0 … 2³² − 1; the same seed gives the same network, whatever the order of genes and cells.
    cells_in_rows
        For table files: ``True``, cells are rows; ``False``, genes are rows (BEELINE); ``None`` (default), genes are
        rows, with a warning when neither the TFs nor the labels confirm it.
    allow_negative
        Accept negative expression values (centred data).
    client
        Optional Dask client for the parallel baselines.
    layer, use_raw, gene_symbols
        For AnnData / ``.h5ad``: use ``adata.layers[layer]`` or ``adata.raw`` instead of ``X``, and name genes by the
        ``var`` column ``gene_symbols`` (see :func:`grnular_lib.expression.read_expression`).
    top
        Keep only the ``top`` highest-scoring edges (``None``: every candidate pair; a genome-wide network without
        a TF list has hundreds of millions).

    Returns
    -------
    pandas.DataFrame
        Columns ``TF, target, importance``, every candidate pair, sorted by importance, descending (arboreto's
        convention). With TFs, only TFs appear as regulators; TF–TF pairs are listed in both directions.
        For the unrolled models ``attrs["checkpoint"]`` names the checkpoint or shipped ensemble that ran.
    """
    import warnings

    import numpy as np
    import pandas as pd

    from .dataset import GRNDataset
    from .expression import looks_like_counts, match_tfs, read_expression, tf_symbols
    from .network import edges_from_matrix

    from .seeds import check_seed

    name = check_method(method)
    seed = check_seed(seed)
    _check_options(name, checkpoint, cells_in_rows=cells_in_rows, allow_negative=allow_negative, use_raw=use_raw,
                   top=top)
    tfs = tf_symbols(tfs)
    if isinstance(data, GRNDataset):
        if tfs is None and data.tfs:
            tfs = data.tfs
        data = pd.DataFrame(data.expression, columns=data.genes)
    expr = read_expression(data, cells_in_rows=cells_in_rows, tfs=tfs, allow_negative=allow_negative, layer=layer,
                           use_raw=use_raw, gene_symbols=gene_symbols)
    tf_index = None  # a TF list that matches no gene fails before any warning
    if tfs is not None:
        present = match_tfs(list(tfs), expr.genes, constant=expr.constant)
        pos = {g: i for i, g in enumerate(expr.genes)}
        tf_index = np.array([pos[t] for t in present], dtype=np.int64)
    if METHODS[name].engine == "unrolled" and looks_like_counts(expr.X):
        warnings.warn(f"the expression looks like raw counts (whole numbers up to {float(expr.X.max()):.0f}); the "
                      f"{name} models were trained on log-transformed expression and keep only part of their lead "
                      "on counts: log-transform first (scanpy: sc.pp.normalize_total then sc.pp.log1p)", stacklevel=2)
    _check_fits(name, len(expr.genes), len(expr.genes) if tf_index is None else len(tf_index), tfs is None)
    unrolled = METHODS[name].engine == "unrolled"
    if unrolled and checkpoint is None:
        checkpoint = default_checkpoint_for(expr.X, tf_index, name)
    scores = score_matrix(expr.X, tf_index, name, checkpoint=checkpoint, seed=seed, client=client,
                          gene_names=expr.genes)
    edges = edges_from_matrix(scores, expr.genes, tf_index, top=None if top is None else int(top))
    if unrolled:
        edges.attrs["checkpoint"] = str(checkpoint)
    return edges
