"""Shared logic of the book's notebooks: profiles and parameter checks, simulated test sets, method sweeps,
summaries, the "paper vs this run" tables and the "rerun this" commands.

The notebooks in ``notebooks/`` hold no logic of their own: each one reads its settings with
:func:`notebook_params` (a profile from ``notebooks/params/<profile>.yaml``, with the parameters the user gave on top),
calls the functions here and in :mod:`grnular_lib.plots`, and prints a comparison with the paper built from the
executed results.
"""
from __future__ import annotations

import json
import os
import platform
import shlex
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from .dataset import GRNDataset
from .errors import InputError
from .methods import METHODS, method_label, method_names

#: The chapters of the book, in order (file stems of ``notebooks/*.ipynb``).
NOTEBOOKS = ("01_training", "02_clean", "03_noisy", "04_sergio_ds", "05_beeline", "06_mesc_case_study",
             "07_runtimes")
#: Settings profiles: ``smoke`` (seconds, for the tests), ``quick`` (the book in ≤ 30 min on 2 cores), ``paper``.
PROFILES = ("smoke", "quick", "paper")
#: First seed of the simulated test graphs; training corpora use 1000 + 2·seed and 1001 + 2·seed
#: (:func:`grnular_lib.models.command.corpus_seeds`), so test graphs never coincide with training graphs.
TEST_SEED_BASE = 50_000
#: Environment variable naming a Dask scheduler for the heavy loops (``paper`` profile).
DASK_ENV = "DASK_SCHEDULER"
#: Names of the SERGIO DS datasets.
DS_NAMES = ("DS1", "DS2", "DS3")


# ---- profiles and parameters --------------------------------------------------------------------------------------

def params_dir() -> Path:
    """Folder of the profile files: ``$GRNULAR_PARAMS_DIR`` when set, else ``notebooks/params`` of the checkout."""
    env = os.environ.get("GRNULAR_PARAMS_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[1] / "notebooks" / "params"


def load_profile(notebook: str, profile: str) -> dict[str, Any]:
    """The settings of ``notebook`` in ``profile`` (a section of ``notebooks/params/<profile>.yaml``).

    Raises
    ------
    InputError
        Unknown profile or notebook, or a profile file without a section for the notebook.
    """
    if profile not in PROFILES:
        raise InputError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)} "
                         "(smoke: seconds, quick: the default book, paper: the paper's full settings)")
    if notebook not in NOTEBOOKS:
        raise InputError(f"unknown notebook {notebook!r}; the chapters are {', '.join(NOTEBOOKS)}")
    path = params_dir() / f"{profile}.yaml"
    if not path.is_file():
        raise InputError(f"profile file {path} is missing; run from a source checkout of grnular or set "
                         "GRNULAR_PARAMS_DIR to the folder holding smoke.yaml, quick.yaml and paper.yaml")
    with open(path, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh) or {}
    if notebook not in doc or not isinstance(doc[notebook], dict):
        raise InputError(f"{path} has no section {notebook!r}; add one with every parameter of the notebook")
    return dict(doc[notebook])


def _type_ok(value: Any, template: Any) -> bool:
    if isinstance(template, bool):
        return isinstance(value, bool)
    if isinstance(template, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(template, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(template, list):
        return isinstance(value, (list, tuple))
    if isinstance(template, str):
        return isinstance(value, str)
    return True  # a profile value of null accepts anything


def notebook_params(notebook: str, profile: str, **given: Any) -> dict[str, Any]:
    """Settings of one run of a notebook: the profile's values, replaced by every parameter given (not ``None``).

    Every value is checked: its type against the profile's, and the names of methods, datasets, networks, GO terms and
    checkpoints against what the library knows, so that a bad parameter stops the notebook in its first cell with a
    message naming the problem and the valid choices.

    Parameters
    ----------
    notebook
        One of :data:`NOTEBOOKS`.
    profile
        One of :data:`PROFILES`.
    **given
        The notebook's parameters; ``None`` means "take the profile's value".

    Returns
    -------
    dict
        Every setting, plus ``notebook`` and ``profile``.
    """
    settings = load_profile(notebook, profile)
    unknown = sorted(set(given) - set(settings))
    if unknown:
        raise InputError(f"unknown parameter(s) {unknown} for notebook {notebook}; its parameters are "
                         f"{', '.join(sorted(settings))}")
    for name, value in given.items():
        if value is None:
            continue
        if not _type_ok(value, settings[name]):
            raise InputError(f"parameter {name}={value!r} of notebook {notebook} must be of type "
                             f"{type(settings[name]).__name__} (the {profile} profile has {settings[name]!r})")
        settings[name] = list(value) if isinstance(value, tuple) else value
    for name, value in settings.items():
        check = _CHECKS.get(name)
        if check is not None:
            check(name, value)
    params = {"notebook": notebook, "profile": profile, **settings}
    if "model_setting" in params:
        model_checkpoints(params)  # raises CheckpointError naming the shipped checkpoints
    return params


def model_checkpoints(params: dict[str, Any]) -> dict[str, str]:
    """Shipped checkpoint of every unrolled model among a run's methods: ``<method>-<model_setting>``.

    Raises
    ------
    grnular_lib.errors.CheckpointError
        A model has no shipped checkpoint for the setting; the message lists the shipped ones.
    """
    from .checkpoints import resolve_checkpoint
    methods = {m for key in ("methods", "methods_tf", "methods_no_tf", "runtime_methods", "method")
               for m in ([params[key]] if isinstance(params.get(key), str) else params.get(key) or [])}
    out = {}
    for m in sorted(methods & set(method_names(engine="unrolled"))):
        name = f"{m}-{params['model_setting']}"
        resolve_checkpoint(name, m)
        out[m] = name
    return out


def _choices(name: str, values: Any, valid: Sequence[str], what: str) -> None:
    values = [values] if isinstance(values, str) else list(values)
    bad = [v for v in values if v not in valid]
    if bad:
        raise InputError(f"{name}: unknown {what} {bad}; choose from {', '.join(valid)}")


def _methods(name: str, values: Any) -> None:
    from .infer import available_methods

    _choices(name, values, available_methods(), "method(s)")
    if not list([values] if isinstance(values, str) else values):
        raise InputError(f"{name} is empty; give at least one method")


def _model_methods(name: str, values: Any) -> None:
    _choices(name, values, method_names(engine="unrolled"), "unrolled model(s)")


def _ds_names(name: str, values: Any) -> None:
    _choices(name, values, DS_NAMES, "SERGIO dataset(s)")


def _beeline_datasets(name: str, values: Any) -> None:
    from .data import list_beeline

    _choices(name, values, sorted(set(list_beeline()["dataset"])), "BEELINE dataset(s)")


def _beeline_networks(name: str, values: Any) -> None:
    from .data import list_beeline

    _choices(name, values, sorted(set(list_beeline()["network"])), "BEELINE ground-truth network(s)")


def _positive_ints(name: str, values: Any) -> None:
    values = values if isinstance(values, list) else [values]
    if not values or any(not isinstance(v, int) or v < 1 for v in values):
        raise InputError(f"{name}={values!r}: give positive whole numbers")


def _percentiles(name: str, values: Any) -> None:
    values = values if isinstance(values, list) else [values]
    if any(not (0 <= float(v) < 100) for v in values):
        raise InputError(f"{name}={values!r}: dropout percentiles lie in [0, 100)")


def _go_terms(name: str, values: Any) -> None:
    from .data import read_go_sets

    read_go_sets(values)  # raises InputError naming the unknown terms


def _threshold(name: str, value: Any) -> None:
    if not 0 <= float(value) <= 1:
        raise InputError(f"{name}={value!r}: the score threshold applies to scores scaled to [0, 1]; give a value "
                         "between 0 and 1 (the paper used 0.22)")


#: Parameter name → check, applied by :func:`notebook_params`.
_CHECKS: dict[str, Callable[[str, Any], None]] = {
    "methods": _methods, "methods_tf": _methods, "methods_no_tf": _methods, "runtime_methods": _methods,
    "train_methods": _model_methods, "ds_names": _ds_names, "beeline_datasets": _beeline_datasets,
    "beeline_networks": _beeline_networks, "cells": _positive_ints, "cell_types": _positive_ints,
    "n_test_graphs": _positive_ints, "replicates": _positive_ints, "hidden_sizes": _positive_ints,
    "genes": _positive_ints, "dropout_percentiles": _percentiles, "go_terms": _go_terms,
    "score_threshold": _threshold, "method": _methods,
}


def describe_params(params: dict[str, Any]) -> pd.DataFrame:
    """The settings of a run as a two-column table, for the top of a chapter."""
    return pd.DataFrame({"setting": list(params), "value": [str(v) for v in params.values()]}).set_index("setting")


def dask_client() -> Any:
    """A ``distributed.Client`` on ``$DASK_SCHEDULER`` when set, else ``None`` (serial; identical results)."""
    address = os.environ.get(DASK_ENV)
    if not address:
        return None
    from distributed import Client

    return Client(address)


# ---- simulated test sets and method sweeps ------------------------------------------------------------------------

def simulated_test_set(*, n_graphs: int, genes: int, cells: int, cell_types: int,
                       dropout_percentile: float | None = None, seed: int = 0, client: Any = None
                       ) -> list[GRNDataset]:
    """Test graphs of the paper's simulated settings (§3.2): ``cells`` in total over ``cell_types`` types.

    Graphs and expression come from :func:`grnular_lib.models.command.simulate_split` (the settings the shipped
    models were trained with), seeded from :data:`TEST_SEED_BASE` so they never coincide with training graphs.
    """
    from .models.command import simulate_split

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
        """Display name, e.g. ``GRNUlar`` or ``GRNBoost2 (no TFs)``."""
        spec = METHODS.get(self.method)
        if spec is None:
            return self.method if self.with_tfs else f"{self.method} (no TFs)"
        return spec.run_label(self.with_tfs)


def method_runs(methods_no_tf: Iterable[str], methods_tf: Iterable[str], *,
                checkpoints: dict[str, str] | None = None) -> list[MethodRun]:
    """The runs of a sweep: each of ``methods_no_tf`` without TFs, each of ``methods_tf`` with them."""
    ck = checkpoints or {}
    return ([MethodRun(m, False, ck.get(m)) for m in methods_no_tf]
            + [MethodRun(m, True, ck.get(m)) for m in methods_tf])


def score_runs(datasets: Sequence[GRNDataset], runs: Sequence[MethodRun], *, protocol: str = "undirected",
               seed: int = 0, client: Any = None, **labels: Any) -> pd.DataFrame:
    """Run every method on every dataset with :func:`grnular_lib.evaluate.evaluate` and label the rows.

    Returns
    -------
    pandas.DataFrame
        :func:`~grnular_lib.evaluate.evaluate`'s columns with ``method`` as a display label (``method_id`` keeps the
        name), ``tfs`` ("with TFs" / "without TFs"), ``checkpoint``, and every keyword of ``labels`` as a column
        (e.g. ``cells=500``).
    """
    from .evaluate import evaluate

    frames = []
    for run in runs:
        r = evaluate([run.method], datasets, protocol=protocol, seed=seed, client=client,
                     checkpoint=run.checkpoint, use_tfs=run.with_tfs)
        frames.append(r.assign(method_id=run.method, method=run.label,
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


def mean_pm_std(summary: pd.DataFrame, metric: str = "auprc", *, index: Sequence[str], columns: str) -> pd.DataFrame:
    """A wide table of "mean ± std" strings of one metric (rows ``index``, columns ``columns``), for display."""
    text = summary.assign(_v=[f"{m:.3f} ± {s:.3f}" if np.isfinite(s) else f"{m:.3f}"
                              for m, s in zip(summary[f"{metric}_mean"], summary[f"{metric}_std"])])
    return text.pivot_table(index=list(index), columns=columns, values="_v", aggfunc="first", sort=False)


# ---- paper vs this run --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Claim:
    """A result the paper states, and how to check it on this run's results.

    ``check(results)`` returns ``(what this run found, verdict)`` with verdict ``"yes"``, ``"partly"``, ``"no"`` or
    ``"not run"``.
    """

    claim: str
    paper: str
    check: Callable[[pd.DataFrame], tuple[str, str]]


def best_method_claim(claim: str, paper: str, *, method: str, among: Sequence[str] | None = None,
                      metric: str = "auprc", tfs: str | None = None, per: Sequence[str] = ()) -> Claim:
    """A claim "``method`` has the highest mean ``metric``" checked in every group of ``per`` (e.g. per cell count).

    ``among`` restricts the competitors (display labels); ``tfs`` restricts to "with TFs" or "without TFs" runs.
    """
    def check(results: pd.DataFrame) -> tuple[str, str]:
        r = results if tfs is None else results[results["tfs"] == tfs]
        if among is not None:
            r = r[r["method"].isin(list(among) + [method])]
        if method not in set(r["method"]):
            return f"{method} was not run", "not run"
        if r["method"].nunique() < 2:
            return f"no method to compare {method} with was run", "not run"
        groups = list(r.groupby(list(per), sort=False)) if per else [((), r)]
        wins, lines = 0, []
        for key, g in groups:
            means = g.groupby("method")[metric].mean().sort_values(ascending=False)
            wins += means.index[0] == method
            if means.index[0] != method:
                lines.append(f"{_key_text(per, key)}best {means.index[0]} {means.iloc[0]:.3f} vs "
                             f"{method} {means[method]:.3f}")
        found = f"{method} best in {wins} of {len(groups)}" + (f" ({'; '.join(lines[:3])})" if lines else "")
        return found, "yes" if wins == len(groups) else ("no" if wins == 0 else "partly")

    return Claim(claim, paper, check)


def _key_text(per: Sequence[str], key: Any) -> str:
    if not per:
        return ""
    key = key if isinstance(key, tuple) else (key,)
    return ", ".join(f"{p}={k}" for p, k in zip(per, key)) + ": "


def trend_claim(claim: str, paper: str, *, method: str, x: str, direction: str, metric: str = "auprc",
                tfs: str | None = None) -> Claim:
    """A claim that ``method``'s mean ``metric`` rises (``direction="up"``) or falls (``"down"``) with ``x``."""
    def check(results: pd.DataFrame) -> tuple[str, str]:
        r = results[results["method"] == method]
        if tfs is not None:
            r = r[r["tfs"] == tfs]
        if r.empty:
            return f"{method} was not run", "not run"
        means = r.groupby(x)[metric].mean().sort_index()
        if len(means) < 2:
            return f"only one value of {x} was run", "not run"
        steps = np.sign(np.diff(means.to_numpy())) * (1 if direction == "up" else -1)
        found = f"{method}: " + " → ".join(f"{v:.3f}" for v in means) + f" over {x} = {list(means.index)}"
        return found, "yes" if (steps > 0).all() else ("no" if (steps < 0).all() else "partly")

    return Claim(claim, paper, check)


def value_claim(claim: str, paper: str, *, method: str, metric: str = "auprc", where: dict[str, Any] | None = None,
                reference: float, tolerance: float) -> Claim:
    """A claim of a number: ``method``'s mean ``metric`` (on rows matching ``where``) within ``tolerance`` of it."""
    def check(results: pd.DataFrame) -> tuple[str, str]:
        r = results[results["method"] == method]
        for k, v in (where or {}).items():
            r = r[r[k] == v]
        if r.empty:
            return f"{method} was not run in this setting", "not run"
        m, s = r[metric].mean(), r[metric].std()
        found = f"{m:.3f} ± {s:.3f} (n={len(r)})" if len(r) > 1 else f"{m:.3f} (n=1)"
        close = abs(m - reference) <= tolerance
        return found, "yes" if close else ("partly" if abs(m - reference) <= 2 * tolerance else "no")

    return Claim(claim, paper, check)


def paper_vs_run(results: pd.DataFrame, claims: Sequence[Claim]) -> pd.DataFrame:
    """The "paper vs this run" table: one row per claim with what the paper reports and what this run found."""
    rows = []
    for c in claims:
        found, verdict = c.check(results)
        rows.append({"claim": c.claim, "paper": c.paper, "this run": found, "holds here": verdict})
    return pd.DataFrame(rows).set_index("claim")


def verdict_sentence(table: pd.DataFrame, params: dict[str, Any]) -> str:
    """Two or three sentences on how close this run came, built from a :func:`paper_vs_run` table."""
    counts = table["holds here"].value_counts()
    n = len(table)
    held = int(counts.get("yes", 0))
    parts = [f"In this run ({params['profile']} profile), {held} of {n} of the paper's statements checked here "
             f"held fully, {int(counts.get('partly', 0))} partly and {int(counts.get('no', 0))} not"
             + (f"; {int(counts.get('not run', 0))} could not be checked with these settings" if counts.get(
                 "not run", 0) else "") + "."]
    failed = [c for c, v in table["holds here"].items() if v in ("no", "partly")]
    if failed:
        parts.append("Where it differs: " + "; ".join(f"“{c}” — {table.loc[c, 'this run']}" for c in failed[:3])
                     + ".")
    if params["profile"] == "smoke":
        parts.append("The smoke profile runs tiny settings to test that the chapter executes; its numbers say "
                     "nothing about the methods.")
    elif params["profile"] == "quick":
        parts.append("The quick profile runs smaller settings than the paper (see the settings at the top of the "
                     "chapter), so small differences here may not hold at the paper's scale, and the reverse.")
    return " ".join(parts)


# ---- reporting helpers --------------------------------------------------------------------------------------------

def hardware_description() -> dict[str, str]:
    """The machine this run used: CPU, cores, memory, accelerator, library versions."""
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            names = [ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    mem = ""
    try:
        mem = f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.1f} GiB"
    except (ValueError, OSError, AttributeError):
        pass
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none (CPU only)"
    return {"CPU": cpu, "cores available": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                                              else os.cpu_count()),
            "torch threads": str(torch.get_num_threads()), "memory": mem, "GPU": gpu,
            "python": platform.python_version(), "torch": torch.__version__, "platform": platform.platform()}


def rerun_command(notebook: str, params: dict[str, Any], *, change: dict[str, Any]) -> str:
    """The commands that rerun ``notebook`` with ``change`` on top of this run's profile.

    Scalars go through ``-p``; lists through papermill's ``-y`` (YAML), since ``-p`` passes scalars only.
    """
    scalars = {k: v for k, v in change.items() if not isinstance(v, (list, tuple))}
    lists = {k: list(v) for k, v in change.items() if isinstance(v, (list, tuple))}
    opts = " ".join(f"-p {k} {shlex.quote(str(v))}" for k, v in scalars.items())
    if lists:
        flow = ", ".join(f"{k}: {json.dumps(v)}" for k, v in lists.items())
        opts += (" " if opts else "") + f"-y '{{{flow}}}'"
    escaped = opts.replace('"', '\\"')
    return (f"make notebook NB={notebook} PROFILE={params['profile']} PARAMS=\"{escaped}\"\n"
            f"# or, directly:\n"
            f".venv/bin/papermill -k python3 --cwd notebooks notebooks/{notebook}.ipynb book/notebooks/{notebook}.ipynb "
            f"-p profile {params['profile']} {opts}")


# ---- chapter drivers: each returns tidy tables; the notebooks only call, plot and print -------------------------

def simulated_sweep(params: dict[str, Any], *, client: Any = None) -> pd.DataFrame:
    """Chapters 2 and 3: every method on simulated test graphs for each (cells, cell types, dropout) condition.

    Uses ``params`` keys ``cells``, ``cell_types``, ``dropout_percentiles`` (each a value or a list), ``genes``,
    ``n_test_graphs``, ``methods_no_tf``, ``methods_tf``, ``model_setting``, ``seed``.
    """
    def as_list(v: Any) -> list:
        return list(v) if isinstance(v, (list, tuple)) else [v]

    drop = as_list(params.get("dropout_percentiles", [None]))
    conditions = [{"cells": m, "cell_types": c, "dropout_percentile": q}
                  for q in drop for c in as_list(params["cell_types"]) for m in as_list(params["cells"])]

    def make(cells: int, cell_types: int, dropout_percentile: float | None) -> list[GRNDataset]:
        return simulated_test_set(n_graphs=params["n_test_graphs"], genes=params["genes"], cells=cells,
                                  cell_types=cell_types, dropout_percentile=dropout_percentile,
                                  seed=params["seed"], client=client)

    runs = method_runs(params["methods_no_tf"], params["methods_tf"], checkpoints=model_checkpoints(params))
    return sweep(conditions, make, runs, seed=params["seed"], client=client, progress=False)


def sergio_ds_results(params: dict[str, Any], *, client: Any = None) -> pd.DataFrame:
    """Chapter 4: every method on regenerated replicates of DS1–DS3 with the DS technical noise (82nd-percentile
    dropout), scored with the paper's undirected protocol."""
    from .data import load_sergio_ds

    runs = method_runs(params["methods_no_tf"], params["methods_tf"], checkpoints=model_checkpoints(params))
    frames = []
    for name in params["ds_names"]:
        data = [load_sergio_ds(name, r, noise="ds", cells_per_type=params["cells_per_type"])
                for r in range(params["replicates"])]
        frames.append(score_runs(data, runs, seed=params["seed"], client=client, ds=name))
    return pd.concat(frames, ignore_index=True)


def beeline_results(params: dict[str, Any], *, client: Any = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Chapter 5: every method on each available BEELINE dataset × ground truth, under the paper's undirected
    protocol and BEELINE's directed one.

    Each method runs once per dataset; its network is scored against every ground truth and both protocols.

    Returns
    -------
    (results, availability)
        ``results`` has columns ``data`` (``"[S] mESC"`` …), ``dataset``, ``network``, ``protocol``, ``method``,
        ``method_id``, the scores of :func:`grnular_lib.metrics.score` and ``seconds``; ``availability`` is
        :func:`grnular_lib.data.list_beeline` restricted to the chosen datasets, networks and gene set.
    """
    from .data import list_beeline, load_beeline
    from .infer import score_matrix
    from .metrics import score

    table = list_beeline()
    table = table[table["dataset"].isin(params["beeline_datasets"]) & table["network"].isin(params["beeline_networks"])
                  & (table["geneset"] == params["geneset"])].reset_index(drop=True)
    if table.empty:
        raise InputError(f"no BEELINE data for datasets {params['beeline_datasets']}, networks "
                         f"{params['beeline_networks']} and gene set {params['geneset']!r}; see list_beeline()")
    table["data"] = [beeline_label(d, n) for d, n in zip(table["dataset"], table["network"])]
    ck = model_checkpoints(params)
    rows = []
    for dataset, avail in table[table["available"]].groupby("dataset", sort=False):
        truths = {r.network: load_beeline(dataset, r.geneset, r.network, preprocessing=params["preprocessing"])
                  for r in avail.itertuples(index=False)}
        data = next(iter(truths.values()))
        for m in params["methods"]:
            t0 = time.perf_counter()
            S = score_matrix(data.expression, data.tf_index, m, checkpoint=ck.get(m), seed=params["seed"],
                             client=client)
            seconds = time.perf_counter() - t0
            for network, d in truths.items():
                if d.genes != data.genes:
                    raise InputError(f"{dataset}: the gene sets of the {network} and the first network differ; "
                                     "the preprocessing must not depend on the ground truth")
                for protocol in ("undirected", "beeline"):
                    rows.append({"data": beeline_label(dataset, network), "dataset": dataset, "network": network,
                                 "protocol": protocol, "method": method_label(m), "method_id": m,
                                 **score(S, d.truth_matrix(), protocol=protocol, tf_index=d.tf_index),
                                 "seconds": seconds, "n_genes": d.n_genes, "n_tfs": len(d.tfs)})
    return pd.DataFrame(rows), table


#: BEELINE network → the paper's bracket code in Fig. 8.
NETWORK_CODES = {"STRING": "S", "NonSpecific-ChIP-seq": "N", "Specific-ChIP-seq": "C"}


def beeline_label(dataset: str, network: str) -> str:
    """Column label of Fig. 8, e.g. ``"[S] mESC"``."""
    return f"[{NETWORK_CODES.get(network, network)}] {dataset}"


def train_models(params: dict[str, Any], *, client: Any = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Chapter 1: meta-train each model of ``train_methods`` on a simulated corpus and compare with the shipped
    checkpoint ``<method>-<model_setting>``.

    With ``reproduce_shipped`` the corpus and optimiser settings are read from each shipped checkpoint's training
    record, so the run repeats the training that made it; otherwise the profile's settings are used.

    Returns
    -------
    (history, summary)
        Per-epoch history (``model, epoch, train_loss, valid_auprc, valid_auroc, lr``) and one row per model with the
        settings used, the best epoch, validation scores, seconds, and the shipped checkpoint's validation AUPRC.
    """
    from .checkpoints import load_checkpoint, resolve_checkpoint
    from .models import build_model
    from .models.command import corpus_seeds, simulate_split
    from .train import meta_train, problems_from_datasets

    histories, rows = [], []
    for method in params["train_methods"]:
        shipped_name = f"{method}-{params['model_setting']}"
        shipped = load_checkpoint(resolve_checkpoint(shipped_name, method), method=method)
        record = shipped.get("training") or {}
        if params["reproduce_shipped"] and record:
            setting = dict(record["setting"])
            opts = {k: record[k] for k in ("train_graphs", "valid_graphs", "epochs", "batch_size", "lr", "beta",
                                           "seed")}
            overrides = {k: v for k, v in shipped["config"].items()}
        else:
            q = float(params["dropout_percentile"])
            setting = dict(genes=params["genes"], cells_per_type=params["cells_per_type"],
                           cell_types=params["cell_types"], dropout_percentile=q if q > 0 else None,
                           activating_only=False)
            opts = dict(train_graphs=params["train_graphs"], valid_graphs=params["valid_graphs"],
                        epochs=params["epochs"], batch_size=params["batch_size"], lr=0.02, beta=2.0,
                        seed=params["seed"])
            overrides = {}
        t0 = time.perf_counter()
        seed_train, seed_valid = corpus_seeds(opts["seed"])
        train = simulate_split(opts["train_graphs"], seed_train, client=client, progress=False, **setting)
        valid = simulate_split(opts["valid_graphs"], seed_valid, client=client, progress=False, **setting)
        use_tfs = METHODS[method].uses_tfs
        model = build_model(method, **{k: tuple(v) if isinstance(v, list) else v for k, v in overrides.items()})
        result = meta_train(model, problems_from_datasets(train, use_tfs=use_tfs),
                            problems_from_datasets(valid, use_tfs=use_tfs), epochs=opts["epochs"],
                            batch_size=opts["batch_size"], lr=opts["lr"], beta=opts["beta"], seed=opts["seed"],
                            progress=False)
        seconds = time.perf_counter() - t0
        label = method_label(method)
        histories.append(pd.DataFrame(result.history).assign(model=label))
        shipped_best = (shipped.get("validation") or {}).get("best", {})
        rows.append({"model": label, "genes": setting["genes"], "cells": setting["cells_per_type"] * setting[
            "cell_types"], "cell types": setting["cell_types"], "dropout": setting["dropout_percentile"],
            "train graphs": opts["train_graphs"], "valid graphs": opts["valid_graphs"], "epochs": opts["epochs"],
            "best epoch": result.best_epoch, "untrained valid AUPRC": result.history[0]["valid_auprc"],
            "valid AUPRC": result.best["valid_auprc"], "valid AUROC": result.best["valid_auroc"],
            "seconds": seconds, "shipped checkpoint": shipped_name,
            "shipped valid AUPRC": shipped_best.get("valid_auprc", float("nan")),
            "same settings as shipped": bool(params["reproduce_shipped"] and record)})
    return pd.concat(histories, ignore_index=True), pd.DataFrame(rows)


def time_call(fn: Callable[[], Any], *, repeats: int) -> float:
    """Median wall-clock seconds of ``repeats`` calls of ``fn``."""
    times = []
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def runtime_data(params: dict[str, Any]) -> GRNDataset:
    """Chapter 7's test problem: one simulated graph with ``genes`` genes and ``cells`` cells (clean, 5 types)."""
    return simulated_test_set(n_graphs=1, genes=params["genes"], cells=params["cells"], cell_types=5,
                              seed=params["seed"])[0]


def grnular_hidden_runtimes(data: GRNDataset, params: dict[str, Any]) -> pd.DataFrame:
    """Table 1: seconds of one GRNUlar forward call (goodINIT and the unrolled cells) per hidden size Hd."""
    from .models import load_model, model_scores, make_problem

    ckpt = model_checkpoints({**params, "method": "grnular"})["grnular"]
    warm = load_model("grnular", ckpt, device="cpu")
    model_scores(warm, make_problem(data.expression, data.tf_index, device="cpu"), seed=params["seed"])  # warm-up
    rows = []
    for hd in params["hidden_sizes"]:
        model = load_model("grnular", ckpt, device="cpu")
        model.config.update(hidden_min=hd, hidden_max=hd)
        seconds = time_call(lambda: model_scores(model, make_problem(data.expression, data.tf_index, device="cpu"),
                                                 seed=params["seed"]), repeats=params["repeats"])
        rows.append({"Hd": hd, "seconds": seconds, "L": model.config["n_unrolled"], "P": model.config["inner_steps"],
                     "E1": model.config["init_epochs"]})
    return pd.DataFrame(rows)


def method_runtimes(data: GRNDataset, params: dict[str, Any], *, client: Any = None) -> pd.DataFrame:
    """Table 2: seconds of every method of ``runtime_methods`` on the test problem, with TFs."""
    from .infer import score_matrix

    ck = model_checkpoints(params)
    rows = []
    for m in params["runtime_methods"]:
        tf_index = data.tf_index if METHODS[m].uses_tfs else None
        seconds = time_call(lambda: score_matrix(data.expression, tf_index, m, checkpoint=ck.get(m),
                                                 seed=params["seed"], client=client), repeats=params["repeats"])
        rows.append({"method": method_label(m), "seconds": seconds})
    return pd.DataFrame(rows)


#: Table 1 of the paper: GRNUlar inference seconds at D = 1200 on an NVIDIA P100 (P=5, L=15, E1=400).
PAPER_TABLE1 = {200: 0.89, 500: 1.33, 1000: 2.10}
#: Table 2 of the paper: seconds at D = 1200 (GLASSO, GRNBoost2, GENIE3 on 28 CPU cores; GLAD, GRNUlar on a P100).
PAPER_TABLE2 = {"GLASSO": 180.0, "GRNBoost2": 612.0, "GENIE3": 1020.0, "GLAD": 0.79, "GRNUlar": 1.33}
#: Where the paper ran each method of Table 2.
PAPER_TABLE2_HARDWARE = {"GLASSO": "CPU, 28 cores", "GRNBoost2": "CPU, 28 cores", "GENIE3": "CPU, 28 cores",
                         "GLAD": "GPU (P100)", "GRNUlar": "GPU (P100)"}


def runtime_comparison(hidden: pd.DataFrame, methods: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tables 1 and 2 side by side with this run (NaN where this run did not time a method or size)."""
    t1 = pd.DataFrame({"Hd": list(PAPER_TABLE1), "paper seconds (P100 GPU)": list(PAPER_TABLE1.values())})
    t1 = t1.merge(hidden[["Hd", "seconds"]].rename(columns={"seconds": "this run seconds"}), on="Hd", how="outer")
    t2 = pd.DataFrame({"method": list(PAPER_TABLE2), "paper seconds": list(PAPER_TABLE2.values()),
                       "paper hardware": [PAPER_TABLE2_HARDWARE[m] for m in PAPER_TABLE2]})
    t2 = t2.merge(methods.rename(columns={"seconds": "this run seconds"}), on="method", how="outer")
    return t1, t2


# ---- the paper's statements, per chapter ---------------------------------------------------------------------------

#: Methods of the paper's with-TF panels (display labels); the simple floors are this project's addition.
PAPER_TF_METHODS = ("GRNUlar", "GLAD-TF", "GRNBoost2", "GENIE3")
#: Methods of the paper's without-TF panels.
PAPER_NO_TF_METHODS = ("GLAD", "GLASSO", "GRNBoost2 (no TFs)")
#: The authors' one published notebook result (their code; clean, D=100, 5 types × 200 cells, 50 test graphs).
AUTHORS_CLEAN_AUPRC = (0.798, 0.050)


def simulated_claims(notebook: str) -> list[Claim]:
    """The statements of §3.2–3.3 checked on chapters 2, 3 and 4 (``notebook`` picks the grouping)."""
    per = {"02_clean": ["cells", "cell_types"], "03_noisy": ["dropout_percentile"], "04_sergio_ds": ["ds"]}[notebook]
    where = {"02_clean": "Fig. 4", "03_noisy": "Figs. 5–6", "04_sergio_ds": "Fig. 7"}[notebook]
    claims = [
        best_method_claim(f"Without TFs, GLAD has the best AUPRC ({where})",
                          "GLAD best without TFs" if notebook != "02_clean" else "GLAD better than GRNBoost2 and GLASSO",
                          method="GLAD", among=PAPER_NO_TF_METHODS, tfs="without TFs", per=per),
        best_method_claim(f"With TFs, GRNUlar has the best AUPRC among the paper's methods ({where})",
                          "GRNUlar outperforms GLAD-TF, GRNBoost2, GENIE3", method="GRNUlar",
                          among=PAPER_TF_METHODS, tfs="with TFs", per=per),
        best_method_claim("With TFs, GRNUlar also beats the simple floors (Pearson-TF, Precision-TF, Ridge-TF)",
                          "not reported (floors added by this project)", method="GRNUlar", tfs="with TFs", per=per),
    ]
    if notebook == "02_clean":
        claims += [trend_claim("GRNUlar's AUPRC rises with the number of cells M", "rises with M (Fig. 4)",
                               method="GRNUlar", x="cells", direction="up"),
                   value_claim("GRNUlar AUPRC at M = 1000, C = 5 (authors' published notebook, 50 graphs)",
                               f"{AUTHORS_CLEAN_AUPRC[0]:.3f} ± {AUTHORS_CLEAN_AUPRC[1]:.3f} (authors' code, on "
                               "activating-only graphs; this run uses the paper's stated signed edges)",
                               method="GRNUlar", where={"cells": 1000, "cell_types": 5},
                               reference=AUTHORS_CLEAN_AUPRC[0], tolerance=AUTHORS_CLEAN_AUPRC[1])]
    if notebook == "03_noisy":
        claims += [trend_claim("GRNUlar's AUPRC falls as the dropout percentile rises",
                               "deteriorates with q (Fig. 6)", method="GRNUlar", x="dropout_percentile",
                               direction="down"),
                   best_method_claim("With TFs, GRNUlar has the best AUROC among the paper's methods",
                                     "GRNUlar's AUROC robust to dropout (Fig. 6)", method="GRNUlar",
                                     among=PAPER_TF_METHODS, metric="auroc", tfs="with TFs", per=per)]
    return claims


def beeline_claims() -> list[Claim]:
    """The statements of §3.4 on BEELINE (Fig. 8), checked per dataset × network on the paper's protocol."""
    undirected = lambda c: Claim(c.claim, c.paper, lambda r: c.check(r[r["protocol"] == "undirected"]))  # noqa: E731
    return [
        undirected(best_method_claim("GRNUlar has the best AUPRC on every dataset × ground truth (Fig. 8)",
                                     "GRNUlar best in all 21 pairs", method="GRNUlar", among=PAPER_TF_METHODS,
                                     per=["data"])),
        undirected(best_method_claim("GRNUlar has the best AUROC on every dataset × ground truth (Fig. 8)",
                                     "GRNUlar best in all 21 pairs", method="GRNUlar", among=PAPER_TF_METHODS,
                                     metric="auroc", per=["data"])),
        undirected(best_method_claim("GLAD-TF beats GRNBoost2 and GENIE3 in AUPRC", "slightly better (Fig. 8)",
                                     method="GLAD-TF", among=("GRNBoost2", "GENIE3"), per=["data"])),
        undirected(best_method_claim("GRNUlar beats the simple floors in AUPRC", "not reported",
                                     method="GRNUlar", per=["data"])),
    ]


def runtime_claims() -> list[Claim]:
    """The statements of §3.5 (Tables 1–2), checked on chapter 7's runtime table (``method``, ``seconds``)."""
    def faster(results: pd.DataFrame) -> tuple[str, str]:
        t = results.set_index("method")["seconds"]
        if "GRNUlar" not in t:
            return "GRNUlar was not timed", "not run"
        slow = [m for m in ("GLASSO", "GRNBoost2", "GENIE3") if m in t]
        if not slow:
            return "no classical method was timed", "not run"
        ratios = {m: t[m] / t["GRNUlar"] for m in slow}
        found = ", ".join(f"{m} {r:.1f}× GRNUlar's time" for m, r in ratios.items())
        n = sum(r > 1 for r in ratios.values())
        return found, "yes" if n == len(ratios) else ("no" if n == 0 else "partly")

    return [Claim("GRNUlar is faster than the classical methods at D = 1200 (Table 2)",
                  "GRNUlar 1.33 s (GPU) vs GLASSO 180 s, GRNBoost2 612 s, GENIE3 1020 s (28 CPU cores)", faster)]


def runtime_paper_vs_run(hidden: pd.DataFrame, methods: pd.DataFrame) -> pd.DataFrame:
    """"Paper vs this run" of chapter 7: Table 2's ordering and Table 1's growth with the hidden size."""
    grows = trend_claim("GRNUlar's inference time grows with the hidden size Hd (Table 1)",
                        "0.89 → 1.33 → 2.10 s for Hd = 200, 500, 1000", method="GRNUlar", x="Hd",
                        metric="seconds", direction="up")
    return pd.concat([paper_vs_run(methods, runtime_claims()),
                      paper_vs_run(hidden.assign(method="GRNUlar"), [grows])])


#: TFs of the paper's Fig. 11 subnetwork (known in stem-cell differentiation, embryo development or NOTCH signalling).
PAPER_SUBNETWORK_TFS = ("SOX7", "SOX17", "MTF2", "GATA6", "CITED2", "NOTCH1", "RBPJ")


def case_study_paper_vs_run(*, p_value: float, regulators: pd.DataFrame, fits: pd.DataFrame,
                            subnetwork: pd.DataFrame, target: str, n_go_genes: int) -> pd.DataFrame:
    """"Paper vs this run" of chapter 6 (Figs. 9–11), from the case study's executed results."""
    rank = dict(zip(regulators["TF"], regulators["rank"]))
    genes_in_net = set(subnetwork["TF"]) | set(subnetwork["target"])
    found_tfs = [t for t in PAPER_SUBNETWORK_TFS if t in genes_in_net]
    trend = {}
    for gene, f in fits.groupby("gene"):
        f = f.sort_values("pseudotime")
        k = max(1, len(f) // 10)
        trend[gene] = float(f["fit"].iloc[-k:].mean() - f["fit"].iloc[:k].mean())

    def verdict(ok: bool | None) -> str:
        return "not run" if ok is None else ("yes" if ok else "no")

    sox = [g for g in ("SOX2", "SOX7", "SOX17") if g in rank]
    above = (all(rank[g] < rank["SOX2"] for g in ("SOX7", "SOX17")) if len(sox) == 3 else None)
    rows = [
        ("Scores among GO genes exceed scores among all genes (Fig. 9)", "p = 1.3e-14 (32 of 286 genes)",
         f"p = {p_value:.2g} ({n_go_genes} GO genes in the network)", verdict(p_value < 0.05)),
        (f"SOX7 and SOX17 rank above SOX2 as regulators of {target}", "SOX7, SOX17 predicted; SOX2 not",
         ", ".join(f"{g} rank {rank[g]}" for g in sox) or "SOX genes absent", verdict(above)),
        ("SOX2 falls and SOX7, SOX17 rise along pseudotime (Fig. 10)", "yes",
         ", ".join(f"{g} {'+' if d > 0 else ''}{d:.2f}" for g, d in trend.items()) + " (late − early LOWESS fit)",
         verdict(trend.get("SOX2", 0) < 0 and trend.get("SOX7", 0) > 0 and trend.get("SOX17", 0) > 0
                 if {"SOX2", "SOX7", "SOX17"} <= set(trend) else None)),
        ("The thresholded subnetwork holds the paper's TFs (Fig. 11)", ", ".join(PAPER_SUBNETWORK_TFS),
         f"{len(found_tfs)} of {len(PAPER_SUBNETWORK_TFS)}: {', '.join(found_tfs) or 'none'}",
         "yes" if len(found_tfs) == len(PAPER_SUBNETWORK_TFS) else ("no" if not found_tfs else "partly")),
    ]
    return pd.DataFrame(rows, columns=["claim", "paper", "this run", "holds here"]).set_index("claim")


def training_paper_vs_run(trained: pd.DataFrame) -> pd.DataFrame:
    """"Paper vs this run" of chapter 1: meta-training helps, and (same settings) the shipped scores are reproduced."""
    rows = []
    for gain in trained.to_dict("records"):
        better = gain["valid AUPRC"] > gain["untrained valid AUPRC"]
        rows.append((f"Meta-training improves {gain['model']} over the untrained model",
                     "learned thresholds beat fixed ones (§2.3, Fig. 3)",
                     f"validation AUPRC {gain['untrained valid AUPRC']:.3f} → {gain['valid AUPRC']:.3f}",
                     "yes" if better else "no"))
        shipped = gain["shipped valid AUPRC"]
        if gain["same settings as shipped"]:
            close = abs(gain["valid AUPRC"] - shipped) <= 0.02
            rows.append((f"Retraining {gain['model']} reproduces the shipped checkpoint",
                         f"{gain['shipped checkpoint']}: validation AUPRC {shipped:.3f}",
                         f"{gain['valid AUPRC']:.3f}", "yes" if close else "no"))
        else:
            rows.append((f"Retraining {gain['model']} reproduces the shipped checkpoint",
                         f"{gain['shipped checkpoint']}: validation AUPRC {shipped:.3f}",
                         f"{gain['valid AUPRC']:.3f} with other settings (the paper profile repeats the shipped "
                         "training)", "not run"))
    return pd.DataFrame(rows, columns=["claim", "paper", "this run", "holds here"]).set_index("claim")


def case_study_data() -> tuple[GRNDataset, pd.Series]:
    """Chapter 6's data: the mESC TFs+500 matrix plus CFC1 and its pseudotime
    (:func:`grnular_lib.data.load_mesc_case_study`)."""
    from .data import load_mesc_case_study

    return load_mesc_case_study()


def case_study_scores(data: GRNDataset, params: dict[str, Any]) -> np.ndarray:
    """The genes × genes network of ``params["method"]`` on the case-study data, with the TF list."""
    from .infer import score_matrix

    ck = model_checkpoints(params)
    return score_matrix(data.expression, data.tf_index, params["method"], checkpoint=ck.get(params["method"]),
                        seed=params["seed"])


def case_study_go_genes(data: GRNDataset, params: dict[str, Any]) -> tuple[dict[str, list[str]], list[str]]:
    """The chosen GO terms' gene sets and the union of their genes that are in the data (in gene order)."""
    from .data import read_go_sets

    sets = read_go_sets(params["go_terms"])
    wanted = set().union(*map(set, sets.values()))
    return sets, [g for g in data.genes if g in wanted]


def go_term_table(sets: dict[str, list[str]], data: GRNDataset) -> pd.DataFrame:
    """Per GO term: its size, how many of its genes are in the data, and how many of those are TFs."""
    genes, tfs = set(data.genes), set(data.tfs)
    return pd.DataFrame([{"GO term": term, "genes": len(g), "in the network": len(set(g) & genes),
                          "TFs among them": len(set(g) & tfs)} for term, g in sets.items()]).set_index("GO term")


def gene_along_pseudotime(data: GRNDataset, pseudotime: pd.Series, gene: str) -> pd.DataFrame:
    """One gene's expression per cell with its pseudotime (cells with missing pseudotime left out)."""
    if gene not in data.genes:
        raise InputError(f"gene {gene!r} is not in the data; choose one of its genes (e.g. CFC1)")
    frame = pd.DataFrame({"pseudotime": pseudotime.to_numpy(),
                          "expression": data.expression[:, data.genes.index(gene)]}, index=pseudotime.index)
    return frame.dropna(subset=["pseudotime"])


def runtime_long(table2: pd.DataFrame) -> pd.DataFrame:
    """Table 2 in long form for :func:`grnular_lib.plots.runtime_bars` (``method, seconds, where``)."""
    long = table2.melt(id_vars="method", value_vars=["paper seconds", "this run seconds"], var_name="where",
                       value_name="seconds")
    long["where"] = long["where"].str.replace(" seconds", "", regex=False)
    return long
