"""Run several methods over many datasets and conditions, and summarise the scores: the harness behind method
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

    The warnings a method raises on a dataset (e.g. GLASSO's fallbacks) are kept in the row's ``warnings`` column
    instead of being printed, so that a report can count them ("GLASSO warned on 3 of 12 graphs"). With a Dask
    ``client`` every (method, dataset) pair is one task; the results are the same as without.

    Returns
    -------
    pandas.DataFrame
        :func:`~grnular_lib.evaluate.evaluate`'s columns with ``method`` as a display label (``method_id`` keeps the
        name), ``kind`` (learned, baseline, floor), ``tfs`` ("with TFs" / "without TFs"), ``checkpoint``,
        ``warnings`` (the distinct warning messages joined by " | ", or ""), and every keyword of ``labels`` as a
        column (e.g. ``cells=500``).
    """
    tasks = []
    shared = client.scatter(list(datasets)) if client is not None else list(datasets)
    for run in runs:
        options = dict(protocol=protocol, seed=seed, checkpoint=run.checkpoint, use_tfs=run.with_tfs)
        tasks.append([evaluate_recording(run.method, d, options) if client is None
                      else client.submit(evaluate_recording, run.method, d, options, pure=False) for d in shared])
    frames = []
    for run, parts in zip(runs, tasks):
        r = pd.concat(parts if client is None else client.gather(parts), ignore_index=True)
        frames.append(r.assign(method_id=run.method, method=run.label, kind=run.kind,
                               tfs="with TFs" if run.with_tfs else "without TFs",
                               checkpoint=run.checkpoint or "", **labels))
    return pd.concat(frames, ignore_index=True)


def evaluate_recording(method: str, dataset: GRNDataset, options: dict[str, Any]) -> pd.DataFrame:
    """:func:`grnular_lib.evaluate.evaluate` of one method on one dataset, with the distinct warnings it raised in a
    ``warnings`` column (joined by " | ", "" if none) instead of printed; runs as one task on a Dask worker too."""
    from .evaluate import evaluate

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rows = evaluate([method], [dataset], **options)
    return rows.assign(warnings=" | ".join(dict.fromkeys(str(w.message) for w in caught)))


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
