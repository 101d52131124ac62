"""Run several methods over many datasets and conditions, and summarise the scores: the harness behind the book's
comparisons and the benchmarks.

A *run* is one method with or without the TF list (:class:`MethodRun`); :func:`score_runs` scores every run on every
dataset with :func:`grnular_lib.evaluate.evaluate`, :func:`sweep` repeats that over a list of conditions (e.g. cell
counts), and :func:`summarise` gives mean ± standard deviation per group. Results are tidy tables: one row per
method × dataset.
"""
from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .dataset import GRNDataset
from .errors import InputError
from .methods import METHODS

#: First seed of simulated test graphs. Training corpora use ``1000 + 2·seed`` and ``1001 + 2·seed``
#: (:func:`grnular_lib.training.corpus_seeds`), so test graphs never coincide with training graphs.
TEST_SEED_BASE = 50_000


def simulated_test_set(*, n_graphs: int, genes: int, cells: int, cell_types: int,
                       dropout_percentile: float | None = None, seed: int = 0, client: Any = None
                       ) -> list[GRNDataset]:
    """Test graphs of the paper's simulated settings (§3.2): ``cells`` in total over ``cell_types`` types.

    Graphs and expression come from :func:`grnular_lib.training.simulate_split` (the settings the shipped models
    were trained with), seeded from :data:`TEST_SEED_BASE` so they never coincide with training graphs.
    """
    from .training import simulate_split

    if cells < cell_types:
        raise InputError(f"cells={cells} is fewer than cell_types={cell_types}; every cell type needs a cell")
    return simulate_split(n_graphs, TEST_SEED_BASE + seed, client=client, progress=False, genes=genes,
                          cells_per_type=cells // cell_types, cell_types=cell_types,
                          dropout_percentile=dropout_percentile, activating_only=False)


@dataclass(frozen=True)
class MethodRun:
    """One method as run in a sweep: its name, whether it gets the TF list, and its checkpoint (models only)."""

    method: str
    with_tfs: bool
    checkpoint: str | None = None

    @property
    def label(self) -> str:
        """Display name, e.g. ``GRNUlar`` or ``GRNBoost2 (no TFs)`` (from :mod:`grnular_lib.methods`)."""
        record = METHODS.get(self.method)
        if record is None:
            return self.method if self.with_tfs else f"{self.method} (no TFs)"
        return record.run_label(self.with_tfs)

    @property
    def kind(self) -> str:
        """``learned``, ``baseline`` or ``floor`` (:mod:`grnular_lib.methods`)."""
        record = METHODS.get(self.method)
        return record.kind if record is not None else "unknown"


def method_runs(methods_no_tf: Iterable[str], methods_tf: Iterable[str], *,
                checkpoints: dict[str, str] | None = None) -> list[MethodRun]:
    """The runs of a sweep: each of ``methods_no_tf`` without TFs, each of ``methods_tf`` with them."""
    ck = checkpoints or {}
    return ([MethodRun(m, False, ck.get(m)) for m in methods_no_tf]
            + [MethodRun(m, True, ck.get(m)) for m in methods_tf])


def score_runs(datasets: Sequence[GRNDataset], runs: Sequence[MethodRun], *, protocol: str = "undirected",
               seed: int = 0, client: Any = None, **labels: Any) -> pd.DataFrame:
    """Run every method on every dataset with :func:`grnular_lib.evaluate.evaluate` and label the rows.

    Without a Dask client the warnings a method raises on a dataset (e.g. GLASSO's fallbacks) are kept in the row's
    ``warnings`` column instead of being printed, so that a report can count them ("GLASSO warned on 3 of 12
    graphs"); with a client they stay in the workers' logs and the column is empty.

    Returns
    -------
    pandas.DataFrame
        :func:`~grnular_lib.evaluate.evaluate`'s columns with ``method`` as a display label (``method_id`` keeps the
        name), ``kind`` (learned, baseline, floor), ``tfs`` ("with TFs" / "without TFs"), ``checkpoint``,
        ``warnings`` (the distinct warning messages joined by " | ", or ""), and every keyword of ``labels`` as a
        column (e.g. ``cells=500``).
    """
    from .evaluate import evaluate

    frames = []
    for run in runs:
        options = dict(protocol=protocol, seed=seed, checkpoint=run.checkpoint, use_tfs=run.with_tfs)
        if client is None:
            parts = []
            for ds in datasets:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    part = evaluate([run.method], [ds], **options)
                messages = list(dict.fromkeys(str(w.message) for w in caught))
                parts.append(part.assign(warnings=" | ".join(messages)))
            r = pd.concat(parts, ignore_index=True)
        else:
            r = evaluate([run.method], datasets, client=client, **options).assign(warnings="")
        frames.append(r.assign(method_id=run.method, method=run.label, kind=run.kind,
                               tfs="with TFs" if run.with_tfs else "without TFs",
                               checkpoint=run.checkpoint or "", **labels))
    return pd.concat(frames, ignore_index=True)


def sweep(conditions: Sequence[dict[str, Any]], make_datasets: Callable[..., Sequence[GRNDataset]],
          runs: Sequence[MethodRun], *, protocol: str = "undirected", seed: int = 0, client: Any = None,
          progress: bool = True) -> pd.DataFrame:
    """:func:`score_runs` over a list of conditions; ``make_datasets(**condition)`` builds each condition's data."""
    from tqdm.auto import tqdm

    frames = []
    for cond in tqdm(conditions, desc="conditions", disable=not progress):
        datasets = make_datasets(**cond)
        frames.append(score_runs(datasets, runs, protocol=protocol, seed=seed, client=client, **cond))
    return pd.concat(frames, ignore_index=True)


def summarise(results: pd.DataFrame, by: Sequence[str], metrics: Sequence[str] = ("auprc", "auroc")) -> pd.DataFrame:
    """Mean ± standard deviation of ``metrics`` over datasets, per group; adds the mean chance level and count."""
    g = results.groupby(list(by), sort=False)
    out = g[list(metrics)].agg(["mean", "std"])
    out.columns = [f"{m}_{s}" for m, s in out.columns]
    out["chance"] = g["chance"].mean()
    out["n"] = g.size()
    return out.reset_index()


def time_call(fn: Callable[[], Any], *, repeats: int) -> float:
    """Median wall-clock seconds of ``repeats`` calls of ``fn``."""
    times = []
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))
