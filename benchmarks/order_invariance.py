"""How much a method's network changes when genes, the TF list or cells are reordered (arboreto issue #35).

For each method: one simulated dataset (paper §3.2 setting, clean), inferred once as given and once with the genes
permuted, the TF list reversed and the cells shuffled; printed is the Spearman correlation of the importances of
the same TF → target pairs, with the library's canonical ordering (what `infer` does) and without it (each method
on the data as given, as before issue 9). 1.0 means the same network. Results are never read from a cache.

    python benchmarks/order_invariance.py --methods grnular grnular-jac grnboost2 --genes 100
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import warnings
from unittest import mock

import numpy as np
import pandas as pd


def _identity_order(X, tf_index=None, gene_names=None):
    from grnular_lib.ordering import CanonicalOrder

    X = np.asarray(X)
    return CanonicalOrder(X=X, tf_index=None if tf_index is None else np.asarray(tf_index),
                          genes=np.arange(X.shape[1]), cells=np.arange(X.shape[0]))


def spearman_after_reordering(frame: pd.DataFrame, tfs: list[str], method: str, *, canonical: bool,
                              seed: int = 0) -> float:
    """Spearman correlation of importances between ``frame`` and its reordered copy."""
    from scipy.stats import spearmanr

    from grnular_lib import infer

    rng = np.random.default_rng(seed + 1)
    reordered = frame.iloc[rng.permutation(frame.shape[0]), rng.permutation(frame.shape[1])]
    patch = mock.patch("grnular_lib.ordering.canonical_order", _identity_order) if not canonical else None
    results = []
    for data, tf_list in ((frame, tfs), (reordered, tfs[::-1])):
        with tempfile.TemporaryDirectory() as cache:
            os.environ["GRNULAR_CACHE_DIR"] = cache
            if patch is not None:
                with patch:
                    edges = infer(data, tfs=tf_list, method=method, seed=seed)
            else:
                edges = infer(data, tfs=tf_list, method=method, seed=seed)
        results.append(edges.set_index(["TF", "target"])["importance"])
    a, b = results[0], results[1].reindex(results[0].index)
    return float(spearmanr(a.to_numpy(), b.to_numpy()).statistic)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--methods", nargs="+", default=["grnular", "grnular-jac", "glad-tf", "grnboost2", "ridge"])
    parser.add_argument("--genes", type=int, default=100)
    parser.add_argument("--cells-per-type", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    from grnular_lib.simulate import SimulationSettings, random_grn, simulate_dataset

    warnings.simplefilter("ignore")
    grn = random_grn(args.genes, tf_ratio=0.1, sparsity=0.1, n_cell_types=5, seed=args.seed)
    data = simulate_dataset(grn, SimulationSettings.paper_clean(args.cells_per_type), seed=args.seed)
    data = data[0] if isinstance(data, (list, tuple)) else data
    frame = pd.DataFrame(data.expression, columns=data.genes)
    rows = [{"method": m,
             "as given (before)": spearman_after_reordering(frame, list(data.tfs), m, canonical=False, seed=args.seed),
             "canonical (infer)": spearman_after_reordering(frame, list(data.tfs), m, canonical=True, seed=args.seed)}
            for m in args.methods]
    print(f"{args.genes} genes, {frame.shape[0]} cells, {len(data.tfs)} TFs; Spearman of importances, original vs "
          "genes permuted + TF list reversed + cells shuffled")
    print(pd.DataFrame(rows).to_string(index=False, float_format="%.4f"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
