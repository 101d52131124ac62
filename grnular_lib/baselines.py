"""Baselines: GRNBoost2 and GENIE3 (arboreto's per-target core), graphical lasso, and three simple floors.

Every method maps a cells × genes matrix (and optionally the TF columns) to a genes × genes score matrix, row =
regulator, column = target, non-negative, zero diagonal. With TFs, only TF rows are non-zero (a non-TF is never a
predicted regulator); without TFs every gene is a candidate regulator (arboreto's ``tf_names='all'``).

- ``grnboost2`` / ``genie3``: arboreto 0.1.6's ``infer_partial_network`` for each target with arboreto's default
  regressors (``SGBM_KWARGS`` with early stopping / ``RF_KWARGS``) and one seed for every target, as arboreto does.
  arboreto's Dask front end fails on current Dask, so targets are scheduled here: over a ``distributed.Client`` when
  given, serially otherwise — the results are identical. arboreto retries a failing fit and then returns an empty
  frame; such targets are counted and reported in a warning, and such a partial result is not cached.
- ``glasso``: scikit-learn's graphical lasso on standardised data, ``alpha`` by cross-validation unless given; when it
  fails (non-SPD covariance, cells < genes) it warns and retries with larger penalties, then falls back to the
  inverse of the Ledoit–Wolf shrunk covariance.
- ``pearson`` (Pearson-TF): |Pearson r|.
- ``precision`` (Precision-TF): |inv(C + 0.1 I)|, C the gene correlation matrix.
- ``ridge`` (Ridge-TF): |coefficients| of a ridge regression of each z-scored gene on the z-scored TFs other than
  itself (the linear model of the paper's Eq. 2).
- ``rank-average`` (Rank-average-TF): within each target's column, the candidate regulators ranked by Pearson-TF
  and by Ridge-TF, the two ranks averaged (scaled to (0, 1] by the number of candidates, so that columns compare).

Results of the expensive methods (``grnboost2``, ``genie3``, ``glasso``) are cached on disk, keyed by a hash of the
data, the TF columns, the method, the seed and the parameters (see :mod:`grnular_lib.cache`).
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .cache import digest, load_arrays, resolve_cache, save_arrays
from .errors import InputError
from .expression import MIN_CELLS
from .seeds import check_seed
from .methods import method_names

#: Methods computed here (engine ``"baselines"`` of :data:`grnular_lib.methods.METHODS`).
BASELINE_METHODS = method_names(engine="baselines")
#: Those whose results are cached on disk.
CACHED_METHODS = method_names(engine="baselines", cached=True)
#: Ridge penalty of Ridge-TF on z-scored data, per cell (alpha = RIDGE_ALPHA_PER_CELL × n_cells).
RIDGE_ALPHA_PER_CELL = 0.01
#: Diagonal load of Precision-TF.
PRECISION_SHRINK = 0.1


def standardise(X: np.ndarray) -> np.ndarray:
    """Columns centred and scaled to unit variance (float64); constant columns become 0."""
    X = np.asarray(X, dtype=np.float64)
    sd = X.std(axis=0)
    return np.divide(X - X.mean(axis=0), sd, out=np.zeros_like(X), where=sd > 0)


def _regulator_rows(S: np.ndarray, tf_index: np.ndarray | None) -> np.ndarray:
    """Absolute scores with a zero diagonal and, with TFs, zero rows for non-TFs."""
    S = np.abs(np.asarray(S, dtype=np.float64))
    np.fill_diagonal(S, 0.0)
    if tf_index is not None:
        keep = np.zeros(S.shape[0], dtype=bool)
        keep[tf_index] = True
        S[~keep] = 0.0
    return S


def pearson_scores(X: np.ndarray, tf_index: np.ndarray | None = None) -> np.ndarray:
    """Pearson-TF: |Pearson r| between genes, TF rows only when TFs are given (in [0, 1]: rounding beyond ±1 is cut)."""
    Z = standardise(X)
    return _regulator_rows(np.clip(Z.T @ Z / Z.shape[0], -1.0, 1.0), tf_index)


def precision_scores(X: np.ndarray, tf_index: np.ndarray | None = None, *,
                     shrink: float = PRECISION_SHRINK) -> np.ndarray:
    """Precision-TF: |inv(C + shrink·I)| with C the gene correlation matrix."""
    Z = standardise(X)
    C = Z.T @ Z / Z.shape[0]
    return _regulator_rows(np.linalg.inv(C + shrink * np.eye(C.shape[0])), tf_index)


def ridge_scores(X: np.ndarray, tf_index: np.ndarray | None = None, *, alpha: float | None = None) -> np.ndarray:
    """Ridge-TF: |coefficients| of a ridge regression of each z-scored gene on the z-scored TFs except itself.

    ``alpha`` defaults to ``RIDGE_ALPHA_PER_CELL × n_cells``; no intercept (the data are centred). Targets that are
    not regulators share one multi-output scikit-learn fit. A regulator as target is regressed on the other
    regulators; those T fits are solved at once from the inverse H of the regulators' ridge Gram matrix with the
    block-inverse identity ``inv(G₋ⱼ₋ⱼ) = H₋ⱼ₋ⱼ − H₋ⱼⱼ Hⱼ₋ⱼ / Hⱼⱼ`` — the same coefficients as T separate fits
    (checked against scikit-learn in the tests), in one T × T inversion. Without TFs every other gene is a regressor.
    """
    from sklearn.linear_model import Ridge

    Z = standardise(X)
    n, d = Z.shape
    regs = np.arange(d) if tf_index is None else np.unique(np.asarray(tf_index, dtype=np.int64))
    alpha = RIDGE_ALPHA_PER_CELL * n if alpha is None else float(alpha)
    S = np.zeros((d, d))
    is_reg = np.zeros(d, dtype=bool)
    is_reg[regs] = True
    others = np.flatnonzero(~is_reg)
    if len(others):  # targets that are not regulators share one multi-output fit
        coef = Ridge(alpha=alpha, fit_intercept=False).fit(Z[:, regs], Z[:, others]).coef_
        S[np.ix_(regs, others)] = coef.reshape(len(others), len(regs)).T  # one target: scikit-learn gives 1-D
    if len(regs) > 1:  # regulator j as target, on the other regulators (column j of C)
        gram = Z[:, regs].T @ Z[:, regs]
        H = np.linalg.inv(gram + alpha * np.eye(len(regs)))
        U = H @ gram - H * np.diag(gram)[None, :]
        C = U - H * (np.diag(U) / np.diag(H))[None, :]
        np.fill_diagonal(C, 0.0)
        S[np.ix_(regs, regs)] = C
    return _regulator_rows(S, tf_index)


def column_ranks(S: np.ndarray, regs: np.ndarray) -> np.ndarray:
    """Rank of each candidate regulator (rows ``regs``) within each target's column, scaled to (0, 1].

    A regulator is not a candidate for itself. Ties share their average rank; the best candidate of a column scores
    1, the worst ``1 / n_candidates``. Returns a genes × genes matrix, zero outside the rows ``regs``.
    """
    from scipy.stats import rankdata

    d = S.shape[1]
    block = np.asarray(S, dtype=np.float64)[regs].copy()
    self_row = np.full(d, -1)
    self_row[regs] = np.arange(len(regs))
    is_reg = self_row >= 0
    block[self_row[is_reg], np.flatnonzero(is_reg)] = -np.inf  # ranked last, then discounted
    ranks = rankdata(block, axis=0) - is_reg[None, :]
    n_cand = len(regs) - is_reg.astype(np.float64)
    R = np.zeros((d, d))
    R[regs] = np.divide(ranks, n_cand[None, :], out=np.zeros_like(ranks), where=n_cand[None, :] > 0)
    return R


def rank_average_scores(X: np.ndarray, tf_index: np.ndarray | None = None) -> np.ndarray:
    """Rank-average-TF: the mean of each candidate's per-target ranks under Pearson-TF and Ridge-TF.

    An untrained combination of two floors (issue 8 measured it above both on a DS3 replicate); a learned model
    that sees the same evidence should not fall below it.
    """
    regs = np.arange(X.shape[1]) if tf_index is None else np.unique(np.asarray(tf_index, dtype=np.int64))
    mean_rank = 0.5 * (column_ranks(pearson_scores(X, tf_index), regs) + column_ranks(ridge_scores(X, tf_index), regs))
    return _regulator_rows(mean_rank, tf_index)


#: Version of the GLASSO code, part of its cache key: bump it when ``glasso_scores`` changes its results.
GLASSO_VERSION = 2
#: GLASSO's cross-validation grid, as fractions of the largest |off-diagonal correlation| (above it: no edge).
GLASSO_ALPHA_FRACTIONS = tuple(np.logspace(-0.2, -1.5, 6))


def _graphical_lasso_or_none(emp: np.ndarray, alpha: float, max_iter: int) -> tuple[np.ndarray | None, str]:
    """scikit-learn's graphical lasso of ``emp`` at ``alpha``: (precision, "") or (None, why it failed)."""
    from sklearn.covariance import graphical_lasso

    try:
        _, prec = graphical_lasso(emp, alpha=alpha, max_iter=max_iter)
    except (FloatingPointError, ValueError, np.linalg.LinAlgError) as exc:
        return None, str(exc)
    return (prec, "") if np.all(np.isfinite(prec)) else (None, "non-finite precision matrix")


def glasso_scores(X: np.ndarray, tf_index: np.ndarray | None = None, *, alpha: float | None = None,
                  cv: int = 3, max_iter: int = 100) -> np.ndarray:
    """GLASSO: |precision| from scikit-learn's graphical lasso on standardised data.

    ``alpha=None`` chooses the penalty by ``cv``-fold cross-validation (``GraphicalLassoCV``) on a grid of
    :data:`GLASSO_ALPHA_FRACTIONS` × the largest |off-diagonal correlation| (the smallest penalty that empties the
    graph). scikit-learn's coordinate-descent solver fails ("Non SPD result") at small penalties on strongly
    collinear data such as SERGIO's, whose correlation matrix is dominated by a few huge eigenvalues (cell-type
    mean differences): the inner lasso sweeps stop before converging, the assembled precision matrix turns
    indefinite and the solver aborts. Such penalties score −∞ in the cross-validation, which therefore chooses among
    the penalties the solver can fit (a warning names the failing ones); tighter tolerances, more iterations, warm
    starts and a penalised diagonal do not remove the failures. If the fit at the chosen penalty fails, the next
    larger grid penalties are tried, then the smaller ones; a penalty that leaves no edge is skipped when chosen by
    cross-validation; if every penalty fails, the inverse of the Ledoit–Wolf shrunk covariance is used. Each
    fallback is reported in a warning; never raises on numerical failure.
    """
    from sklearn.covariance import GraphicalLassoCV, ledoit_wolf
    from sklearn.exceptions import ConvergenceWarning

    Z = standardise(X)
    emp = Z.T @ Z / Z.shape[0]
    off_diagonal = ~np.eye(len(emp), dtype=bool)
    largest = float(np.abs(emp[off_diagonal]).max()) if emp.shape[0] > 1 else 0.0
    if largest == 0.0:
        warnings.warn("GLASSO: no two genes are correlated; every score is 0", stacklevel=2)
        return np.zeros_like(emp)
    grid = [largest * f for f in GLASSO_ALPHA_FRACTIONS]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)  # NaN scores of failing alphas inside the CV path
        # scikit-learn's note on a cross-validation fold of one cell (a handful of cells), about its own arrays
        warnings.filterwarnings("ignore", message="Only one sample available")
        if alpha is None:
            try:
                model = GraphicalLassoCV(alphas=grid, cv=cv, max_iter=max_iter).fit(Z)
                scores = np.asarray(model.cv_results_["mean_test_score"])[:len(grid)]
                chosen = float(model.alpha_)
                failed = [a for a, s in zip(model.cv_results_["alphas"], scores) if not np.isfinite(s)]
                if len(failed) == len(grid):
                    chosen = grid[0]
                    warnings.warn(f"GLASSO: the solver failed at every cross-validated alpha; trying "
                                  f"alpha={chosen:.3g}", stacklevel=2)
                elif failed:
                    warnings.warn(f"GLASSO: the solver failed (ill-conditioned correlation) at alpha="
                                  f"{', '.join(f'{a:.3g}' for a in failed)}; cross-validation chose "
                                  f"alpha={chosen:.3g} among the others", stacklevel=2)
            except (FloatingPointError, ValueError, np.linalg.LinAlgError) as exc:
                chosen = grid[0]
                warnings.warn(f"GLASSO: cross-validation of alpha failed ({exc}); using alpha={chosen:.3g}",
                              stacklevel=2)
        else:
            chosen = float(alpha)
        candidates = [chosen] + sorted(a for a in grid if a > chosen) + sorted((a for a in grid if a < chosen),
                                                                               reverse=True)
        for tried in candidates:
            prec, why = _graphical_lasso_or_none(emp, tried, max_iter)
            if prec is None:
                warnings.warn(f"GLASSO failed at alpha={tried:.3g} ({why})", stacklevel=2)
            elif alpha is None and not np.any(prec[off_diagonal]):
                warnings.warn(f"GLASSO: alpha={tried:.3g} leaves no edge", stacklevel=2)
            else:
                if tried != chosen:
                    warnings.warn(f"GLASSO: using alpha={tried:.3g} instead of alpha={chosen:.3g}", stacklevel=2)
                return _regulator_rows(prec, tf_index)
    warnings.warn("GLASSO failed at every penalty tried; falling back to the inverse of the Ledoit-Wolf shrunk "
                  "covariance", stacklevel=2)
    shrunk, _ = ledoit_wolf(Z, assume_centered=True)
    return _regulator_rows(np.linalg.inv(shrunk), tf_index)


def _fit_targets(X: np.ndarray, regressors: np.ndarray, targets: np.ndarray, regressor_type: str,
                 kwargs: dict[str, Any], seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """arboreto's per-target core for a chunk of targets: (regulator, target, importance) arrays and #failed."""
    import logging

    from arboreto.core import EARLY_STOP_WINDOW_LENGTH, infer_partial_network

    logging.getLogger("arboreto.core").setLevel(logging.ERROR)  # failures are counted and reported by the caller
    names = [str(i) for i in regressors]
    tf_matrix = X[:, regressors]
    rows, cols, imps, failed = [], [], [], 0
    for j in targets:
        if len(regressors) == 1 and regressors[0] == j:
            continue  # no candidate regulator but itself
        links = infer_partial_network(regressor_type, kwargs, tf_matrix, names, str(j), X[:, j],
                                      early_stop_window_length=EARLY_STOP_WINDOW_LENGTH, seed=seed)
        if len(links) == 0:
            failed += 1
            continue
        rows.append(links["TF"].astype(int).to_numpy())
        cols.append(np.full(len(links), j))
        imps.append(links["importance"].to_numpy(float))
    cat = (lambda parts, dt: np.concatenate(parts).astype(dt) if parts else np.zeros(0, dt))
    return cat(rows, np.int64), cat(cols, np.int64), cat(imps, np.float64), failed


def arboreto_scores(X: np.ndarray, tf_index: np.ndarray | None = None, *, method: str = "grnboost2", seed: int = 0,
                    client: Any = None, chunk_size: int = 8, **regressor_kwargs: Any) -> tuple[np.ndarray, int]:
    """GRNBoost2 or GENIE3 importances through arboreto's per-target core.

    Parameters
    ----------
    X
        Cells × genes.
    tf_index
        Candidate regulators (``None``: every gene).
    method
        ``"grnboost2"`` (stochastic gradient boosting, ``SGBM_KWARGS``, early stopping) or ``"genie3"`` (random
        forest, ``RF_KWARGS``).
    seed
        One seed for every target's regressor (arboreto's convention).
    client
        A ``distributed.Client`` or a scheduler's address: chunks of ``chunk_size`` targets run as its tasks.
        ``None``: serially.
    regressor_kwargs
        Overrides of arboreto's defaults (e.g. ``n_estimators``).

    Returns
    -------
    tuple[numpy.ndarray, int]
        The genes × genes importances and the number of targets whose regression failed (arboreto returned no
        links; their column is 0).
    """
    from arboreto.core import RF_KWARGS, SGBM_KWARGS

    kind, defaults = {"grnboost2": ("GBM", SGBM_KWARGS), "genie3": ("RF", RF_KWARGS)}[method]
    kwargs = {**defaults, **regressor_kwargs}
    X = np.asarray(X, dtype=np.float32)
    d = X.shape[1]
    regs = np.arange(d) if tf_index is None else np.unique(np.asarray(tf_index, dtype=np.int64))
    chunks = [np.arange(d)[i:i + chunk_size] for i in range(0, d, chunk_size)]
    if isinstance(client, str):  # a scheduler's address: connect for this call only
        from .parallel import dask_client

        with dask_client(client) as own:
            return arboreto_scores(X, tf_index, method=method, seed=seed, client=own, chunk_size=chunk_size,
                                   **regressor_kwargs)
    from tqdm import tqdm

    # a bar in a terminal only (disable=None): not in notebooks, logs or tests
    with tqdm(total=d, desc=method, unit="target", disable=None, leave=False) as bar:
        if client is not None:
            from distributed import as_completed

            X_f = client.scatter(X, broadcast=True)
            futures = {client.submit(_fit_targets, X_f, regs, c, kind, kwargs, seed, pure=False): k
                       for k, c in enumerate(chunks)}
            done: dict[int, tuple] = {}
            for future in as_completed(futures):
                done[futures[future]] = future.result()
                bar.update(len(chunks[futures[future]]))
            parts = [done[k] for k in range(len(chunks))]
        else:
            parts = []
            for c in chunks:
                parts.append(_fit_targets(X, regs, c, kind, kwargs, seed))
                bar.update(len(c))
    S = np.zeros((d, d))
    for r, c, v, _ in parts:
        S[r, c] = v
    return _regulator_rows(S, tf_index), sum(p[3] for p in parts)


def check_expression(X: np.ndarray, tf_index: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """A cells × genes float32 matrix (≥ 3 cells, ≥ 2 genes, finite) and its distinct TF columns (``None`` when
    there are none); one clear :class:`InputError` otherwise."""
    X = np.asarray(X, dtype=np.float32)
    if X.ndim != 2 or X.shape[0] < MIN_CELLS or X.shape[1] < 2:
        raise InputError(f"expression of shape {X.shape}: need a cells × genes matrix with ≥ {MIN_CELLS} cells and ≥ 2 "
                         "genes")
    if not np.all(np.isfinite(X)):
        raise InputError("expression contains NaN or infinite values; impute or drop them first")
    if tf_index is not None:
        tf_index = np.unique(np.asarray(tf_index, dtype=np.int64))
        if len(tf_index) == 0:
            tf_index = None
        elif tf_index.min() < 0 or tf_index.max() >= X.shape[1]:
            raise InputError(f"TF indices must lie in 0…{X.shape[1] - 1}; got {tf_index.min()}…{tf_index.max()}")
    return X, tf_index


def _check_input(X: np.ndarray, tf_index: np.ndarray | None, method: str) -> tuple[np.ndarray, np.ndarray | None]:
    name = str(method).lower()
    if name not in BASELINE_METHODS:
        raise InputError(f"unknown baseline {method!r}; choose one of {', '.join(BASELINE_METHODS)}")
    return check_expression(X, tf_index)


def baseline_scores(X: np.ndarray, tf_index: np.ndarray | None, *, method: str, seed: int = 0, client: Any = None,
                    cache: bool | str = True, **params: Any) -> np.ndarray:
    """Genes × genes scores of a baseline (row = regulator, column = target).

    Parameters
    ----------
    X
        Cells × genes expression (checked, finite).
    tf_index
        TF columns, or ``None`` / empty for no TF information.
    method
        One of :data:`BASELINE_METHODS`.
    seed
        Seed of the tree ensembles (the other methods are deterministic).
    client
        A ``distributed.Client`` for ``grnboost2`` / ``genie3`` (targets in parallel; same result as serial).
    cache
        For ``grnboost2``, ``genie3``, ``glasso``: ``True`` caches results in the user cache, a path caches there,
        ``False`` disables caching.
    params
        Method options: ``alpha`` (``glasso``, ``ridge``), ``shrink`` (``precision``), arboreto regressor
        arguments (``grnboost2``, ``genie3``).
    """
    name = str(method).lower()
    X, tf_index = _check_input(X, tf_index, name)
    seed = check_seed(seed)  # arboreto fails every regression silently on a seed outside 0 … 2**32 - 1
    folder = resolve_cache(cache) if name in CACHED_METHODS else None
    key = None
    if folder is not None:
        version = {"glasso_version": GLASSO_VERSION} if name == "glasso" else {}
        key = digest(X, np.zeros(0, np.int64) if tf_index is None else tf_index, method=name, seed=seed,
                     **version, **params)
        hit = load_arrays(folder, "baselines", key)
        if hit is not None and hit.get("scores") is not None and hit["scores"].shape == (X.shape[1],) * 2:
            return hit["scores"]
    failed = 0  # a partial result (some targets' regression failed) is returned with a warning, never cached
    if name in ("grnboost2", "genie3"):
        S, failed = arboreto_scores(X, tf_index, method=name, seed=seed, client=client, **params)
        if failed:
            warnings.warn(f"{name}: the regression failed for {failed} of {X.shape[1]} target genes (arboreto "
                          "returned no links for them; their scores are 0). Constant or near-constant genes are the "
                          "usual cause: filter them out.", stacklevel=2)
    elif name == "glasso":
        S = glasso_scores(X, tf_index, **params)
    elif name == "pearson":
        S = pearson_scores(X, tf_index)
    elif name == "precision":
        S = precision_scores(X, tf_index, **params)
    elif name == "rank-average":
        S = rank_average_scores(X, tf_index)
    else:
        S = ridge_scores(X, tf_index, **params)
    if key is not None and not failed:
        save_arrays(folder, "baselines", key, {"scores": S})
    return S
