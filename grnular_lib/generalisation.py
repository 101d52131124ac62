"""Does a model generalise? Held-out conditions, every method on each, and each cell's margin over the best peer.

The harness behind ``benchmarks/generalisation.py``. A *cell* is one
held-out condition with one or more datasets:

- simulated cells: ``n_genes`` × noise (``clean``, ``dropout-50``, ``ds``) × graph family (``random``,
  ``hierarchical``), graphs drawn from the **test** split of the ``general`` distribution
  (:func:`grnular_lib.simulate.general.general_corpus`) with :data:`GRID_FIXED` TF ratio, cell types and cells,
  the other parameters drawn — scored with the paper's undirected protocol;
- the regenerated SERGIO DS1–DS3 (``clean`` and the ``ds`` chain, undirected protocol), and on request the DS1
  replicate made by the original SERGIO code (:func:`sergio_reference_cells`);
- every BEELINE dataset of the data mirror with expression, against its STRING and non-specific ChIP-seq networks,
  scored with the directed TF → gene protocol (``"tf"`` in :mod:`grnular_lib.metrics`).

A *run* is a method with a checkpoint (:class:`Run`): *ours* are the project's unrolled models (engine
``"unrolled"`` in :mod:`grnular_lib.methods`), every other method is a *peer*. :func:`summarise_cells` gives, per
cell, the chance level, the best peer, the best of our runs and its margin over the best peer, and the margin of the
default model (what ``grnular infer`` runs without ``--method``). A cell's numbers are means over the datasets that
every run scored; margins are means of per-dataset differences.
"""
from __future__ import annotations

import inspect
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .dataset import GRNDataset
from .errors import InputError
from .methods import METHODS, get_method
from .simulate.general import SERGIO_DS_CHAIN

#: Genes of the simulated cells.
GRID_SIZES: tuple[int, ...] = (100, 400, 1200)
#: Noise of the simulated cells, as overrides of :func:`~grnular_lib.simulate.general.draw_general` (``ds``: the
#: chain exactly as in SERGIO's DS1–DS3, about 100 counts per cell and dropout at the 82nd percentile).
GRID_NOISES: dict[str, dict[str, Any]] = {"clean": {"noise": "clean"},
                                          "dropout-50": {"noise": "dropout", "dropout_percentile": 50.0},
                                          "ds": {"noise": "ds", **SERGIO_DS_CHAIN}}
#: Parameters every simulated cell fixes (the others are drawn from the test split).
GRID_FIXED: dict[str, Any] = {"tf_ratio": 0.1, "n_cell_types": 5, "n_cells": 1000}
#: Test graphs per simulated cell, by size.
GRAPHS_PER_SIZE: dict[int, int] = {100: 5, 400: 5, 1200: 2}
#: Sizes above which the expensive peers (registry ``cached=True``) run on fewer graphs (see :func:`run_cell`).
EXPENSIVE_ABOVE = 400
#: The ``general`` distribution's base seed of the benchmark's test graphs.
GRID_SEED = 0
#: Best-peer AUPRC above which the issue asks the default model for a margin of at least :data:`TARGET_MARGIN`.
HARD_CELL_AUPRC = 0.1
TARGET_MARGIN = 0.02
#: Conditions of the held-out draws (:func:`draw_cells`): the overrides of a ``general`` draw and the upper end of
#: its number of genes. Every other parameter (graph family, noise, the sizes not fixed) is drawn from the test split
#: as in training, so the draws probe the distribution, and the conditions its edges and beyond: fewer genes, fewer
#: and more cells, and one cell type, than any grid cell has, and every gene given as a candidate regulator (a user
#: without a TF list; BEELINE's protocol for its synthetic and curated networks).
DRAW_CONDITIONS: dict[str, tuple[dict[str, Any], int]] = {
    "random draws": ({}, 1200),
    "30 genes": ({"n_genes": 30}, 1200),
    "150 cells": ({"n_cells": 150}, 400),
    "5,000 cells": ({"n_cells": 5000}, 300),
    "1 cell type": ({"n_cell_types": 1}, 400),
    "every gene a candidate": ({"every_gene": True}, 400),
}
#: The ``general`` distribution's base seed of the held-out draws (the grid's is :data:`GRID_SEED`).
DRAW_SEED = 11
DS_NOISES = ("clean", "ds")
#: replicates of each SERGIO DS cell (0 … 4): on DS1 one replicate's margin of the default over the best floor ranged
#: from −0.025 to +0.016 clean and from −0.022 to +0.021 with the noise chain over replicates 0–4
DS_REPLICATES = 5
BEELINE_NETWORKS = ("STRING", "NonSpecific-ChIP-seq")


@dataclass(frozen=True)
class Run:
    """A method with a checkpoint (``None``: the method's default one; peers take none)."""

    method: str
    checkpoint: str | None = None

    @property
    def ours(self) -> bool:
        """One of the project's unrolled models."""
        return get_method(self.method).engine == "unrolled"

    @property
    def label(self) -> str:
        """Display name: the method's label, with the checkpoint when one is named."""
        base = get_method(self.method).label
        return base if self.checkpoint is None else f"{base} [{self.checkpoint}]"


@dataclass
class Cell:
    """One held-out condition: a group (``simulated``, ``held-out draws``, ``SERGIO DS``, ``SERGIO reference``,
    ``BEELINE``), a name, a scoring protocol and a function that builds its datasets (called once, when the cell is
    run)."""

    group: str
    name: str
    protocol: str
    n_genes: int
    make: Callable[[], list[GRNDataset]] = field(repr=False)
    labels: dict[str, Any] = field(default_factory=dict)


def default_method() -> str:
    """The method ``infer`` (and ``grnular infer``) runs without ``--method``."""
    from .infer import infer

    return str(inspect.signature(infer).parameters["method"].default)


def parse_checkpoints(specs: Iterable[str]) -> list[Run]:
    """Runs from ``METHOD=CHECKPOINT`` strings (a shipped checkpoint's name or a file); a checkpoint that cannot be
    found is an error here, before any run (:class:`~grnular_lib.errors.CheckpointError`)."""
    from .checkpoints import resolve_checkpoints

    runs = []
    for spec in specs:
        method, sep, checkpoint = str(spec).partition("=")
        if not sep or not checkpoint:
            raise InputError(f"checkpoint {spec!r}: write METHOD=CHECKPOINT, e.g. grnular-jac=grnular-jac-clean")
        if get_method(method).engine != "unrolled":
            raise InputError(f"checkpoint {spec!r}: {method} takes no checkpoint; give one of the unrolled models "
                             f"({', '.join(m for m, r in METHODS.items() if r.engine == 'unrolled')})")
        resolve_checkpoints(checkpoint, get_method(method).name)
        runs.append(Run(get_method(method).name, checkpoint))
    return runs


def shipped_runs(methods: Iterable[str]) -> list[Run]:
    """A run for every checkpoint shipped with the package (``grnular_lib/pretrained/<method>-<setting>.pt``) of
    each unrolled model among ``methods``, e.g. to set the paper-setting checkpoints beside the general ones."""
    from .checkpoints import PRETRAINED_DIR

    wanted = {get_method(m).name for m in methods} & {m for m, r in METHODS.items() if r.engine == "unrolled"}
    by_length = sorted(METHODS, key=len, reverse=True)
    runs = []
    for path in sorted(PRETRAINED_DIR.glob("*.pt")):
        # the longest method name that prefixes the file owns it: grnular-jac-clean is grnular-jac's, not grnular's
        owner = next((m for m in by_length if path.stem.startswith(f"{m}-")), None)
        if owner in wanted:
            runs.append(Run(owner, path.stem))
    return runs


def simulated_cells(*, sizes: Sequence[int] = GRID_SIZES, noises: Sequence[str] = tuple(GRID_NOISES),
                    families: Sequence[str] = ("random", "hierarchical"), graphs: dict[int, int] | int | None = None,
                    seed: int = GRID_SEED, fixed: dict[str, Any] | None = None) -> list[Cell]:
    """The simulated grid: one cell per size × noise × family, test-split graphs of the ``general`` distribution.

    Parameters
    ----------
    sizes, noises, families
        The grid's axes (noises: keys of :data:`GRID_NOISES`).
    graphs
        Graphs per cell: one number for every size, or a size → number map (default :data:`GRAPHS_PER_SIZE`,
        5 for a size it does not list).
    seed
        Base seed of the test split.
    fixed
        Parameters every graph fixes (default :data:`GRID_FIXED`).

    Returns
    -------
    list of Cell
        Named ``{family}/{n_genes}/{noise}``. Graph ``i`` of every cell of a size has the same seed, so the cells
        of one family and size hold the same graphs and clean cells and differ only by their noise.
    """
    from .simulate.general import FAMILIES, general_corpus

    bad = [n for n in noises if n not in GRID_NOISES]
    if bad:
        raise InputError(f"unknown noise {bad}; choose from {', '.join(GRID_NOISES)}")
    bad = [f for f in families if f not in FAMILIES]
    if bad:
        raise InputError(f"unknown graph family {bad}; choose from {', '.join(FAMILIES)}")
    if any(int(s) != s or s < 10 for s in sizes):
        raise InputError(f"sizes {list(sizes)}: give whole numbers of genes >= 10")
    fixed = dict(GRID_FIXED if fixed is None else fixed)
    cells = []
    for size in sizes:
        n = graphs if isinstance(graphs, int) else (graphs or GRAPHS_PER_SIZE).get(int(size), 5)
        if n < 1:
            raise InputError(f"graphs per cell = {n}: give at least 1")
        for noise in noises:
            for family in families:
                overrides = {**fixed, **GRID_NOISES[noise], "family": family, "n_genes": int(size)}

                def make(n=n, overrides=overrides) -> list[GRNDataset]:
                    return [p.data for p in general_corpus(n, seed, split="test", max_genes=max(GRID_SIZES),
                                                           progress=False, **overrides)]

                cells.append(Cell("simulated", f"{family}/{size}/{noise}", "undirected", int(size), make,
                                  {"family": family, "size": int(size), "noise": noise}))
    return cells


def draw_cells(*, draws: int = 10, conditions: Sequence[str] = tuple(DRAW_CONDITIONS), seed: int = DRAW_SEED
               ) -> list[Cell]:
    """Held-out draws: one cell per condition of :data:`DRAW_CONDITIONS`, ``draws`` test-split problems each.

    Unlike the grid, nothing but the condition is fixed: graph family, noise, TF ratio, cell types and cells are drawn
    as in training, so a cell's mean margin is the model's expected margin over the best peer on that kind of data
    (undirected protocol).
    """
    from .simulate.general import general_corpus

    bad = [c for c in conditions if c not in DRAW_CONDITIONS]
    if bad:
        raise InputError(f"unknown draw condition {bad}; choose from {', '.join(DRAW_CONDITIONS)}")
    if draws < 1:
        raise InputError(f"draws per condition = {draws}: give at least 1")
    cells = []
    for name in conditions:
        overrides, max_genes = DRAW_CONDITIONS[name]

        def make(overrides=overrides, max_genes=max_genes) -> list[GRNDataset]:
            return [p.data for p in general_corpus(draws, seed, split="test", max_genes=max_genes, progress=False,
                                                   **overrides)]

        cells.append(Cell("held-out draws", name, "undirected", int(overrides.get("n_genes", max_genes)), make,
                          {"condition": name}))
    return cells


def sergio_cells(*, names: Sequence[str] = ("DS1", "DS2", "DS3"), noises: Sequence[str] = DS_NOISES,
                 replicates: Sequence[int] = tuple(range(DS_REPLICATES)), cells_per_type: int = 300) -> list[Cell]:
    """SERGIO's DS1–DS3, regenerated (:func:`~grnular_lib.data.load_sergio_ds`), one cell per dataset × noise whose
    datasets are the ``replicates``."""
    from .data.sergio_ds import SERGIO_DATASETS, load_sergio_ds

    sizes = {"DS1": 100, "DS2": 400, "DS3": 1200}
    bad = [n for n in names if n not in SERGIO_DATASETS]
    if bad:
        raise InputError(f"unknown SERGIO dataset {bad}; choose from {', '.join(SERGIO_DATASETS)}")
    cells = []
    for name in names:
        for noise in noises:
            def make(name=name, noise=noise) -> list[GRNDataset]:
                return [load_sergio_ds(name, r, noise=noise, cells_per_type=cells_per_type) for r in replicates]

            cells.append(Cell("SERGIO DS", f"{name}/{noise}", "undirected", sizes[name], make,
                              {"dataset": name, "noise": noise}))
    return cells


def sergio_reference_cells(*, noises: Sequence[str] = DS_NOISES) -> list[Cell]:
    """The DS1 replicate made by the original SERGIO code (:func:`~grnular_lib.data.load_sergio_reference`), one cell
    per noise: data from another implementation of the simulator than the one every model was trained on."""
    from .data.sergio_ds import load_sergio_reference

    cells = []
    for noise in noises:
        def make(noise=noise) -> list[GRNDataset]:
            return [load_sergio_reference(noise)]

        cells.append(Cell("SERGIO reference", f"DS1 (SERGIO v1)/{noise}", "undirected", 100, make,
                          {"dataset": "DS1", "noise": noise}))
    return cells


def beeline_cells(*, networks: Sequence[str] = BEELINE_NETWORKS, datasets: Sequence[str] | None = None
                  ) -> list[Cell]:
    """Every BEELINE dataset × gene set with expression in the mirror, one cell per network (TF → gene protocol).

    ``datasets`` restricts to names like ``"mDC"`` or ``"mDC/TFs+500"``. Without it, datasets whose expression is
    not in the mirror (e.g. hESC: networks only) give no cell; naming one is an error, so that nothing asked for is
    left out silently.
    """
    from .data.beeline import load_beeline, list_beeline

    table = list_beeline()
    if datasets is not None:
        known = set(table["dataset"]) | set(table["dataset"] + "/" + table["geneset"])
        bad = [d for d in datasets if d not in known]
        if bad:
            raise InputError(f"unknown BEELINE dataset(s) {bad}; choose from {', '.join(sorted(known))}")
        have = table[table["available"]]
        usable = set(have["dataset"]) | set(have["dataset"] + "/" + have["geneset"])
        missing = [d for d in datasets if d not in usable]
        if missing:
            raise InputError(f"BEELINE dataset(s) {missing} have no expression in the data mirror (networks only); "
                             f"choose from {', '.join(sorted(usable))}")
    bad = [n for n in networks if n not in set(table["network"])]
    if bad:
        raise InputError(f"unknown BEELINE network(s) {bad}; choose from {', '.join(sorted(set(table['network'])))}")
    table = table[table["available"] & table["network"].isin(list(networks))]
    cells = []
    for row in table.itertuples(index=False):
        key = f"{row.dataset}/{row.geneset}"
        if datasets is not None and row.dataset not in datasets and key not in datasets:
            continue
        n_genes = 500 if row.geneset == "TFs+500" else 1000

        def make(row=row) -> list[GRNDataset]:
            return [load_beeline(row.dataset, row.geneset, row.network)]

        cells.append(Cell("BEELINE", f"{key}/{row.network}", "tf", n_genes, make,
                          {"dataset": key, "network": row.network}))
    return cells


#: Between the distinct warnings of one run in its ``note`` (a message may hold "; " itself).
NOTE_SEPARATOR = " | "


def _score_run(run: Run, data: GRNDataset, protocol: str, seed: int) -> dict[str, Any]:
    """One run on one dataset: :func:`~grnular_lib.evaluate.run_one`'s scores and the distinct first lines of its
    warnings in ``note``, or only ``protocol`` and a ``note`` naming the error (a run that cannot run here is
    recorded, the others carry on). Runs in a Dask task too, each method serially."""
    from .evaluate import run_one

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = run_one(run.method, data, protocol=protocol, seed=seed, checkpoint=run.checkpoint,
                             use_tfs=None)
    except Exception as exc:
        return {"protocol": protocol, "note": f"failed: {type(exc).__name__}: {exc}"[:200]}
    row = {k: result[k] for k in ("protocol", "auprc", "auroc", "auprc_ratio", "epr", "chance", "seconds",
                                  "n_genes", "n_cells", "n_tfs")}
    row["note"] = NOTE_SEPARATOR.join(sorted({str(w.message).splitlines()[0][:240] for w in caught}))
    return row


def run_cell(cell: Cell, runs: Sequence[Run], *, expensive_graphs: int = 1, seed: int = 0, client: Any = None,
             log: Callable[[str], None] | None = None, datasets: Sequence[GRNDataset] | None = None
             ) -> pd.DataFrame:
    """Score every run on every dataset of a cell (``datasets``: the cell's, when already made; default: made here).

    Runs of the expensive peers (registry ``cached=True``: GRNBoost2, GENIE3, GLASSO, RegDiffusion) use only the
    first ``expensive_graphs`` datasets of a cell above :data:`EXPENSIVE_ABOVE` genes. A run that fails on a dataset
    (e.g. a checkpoint that cannot be loaded) is recorded with its error in ``note`` and no score. With ``client`` (a
    ``distributed.Client``) every run × dataset is one task on its workers (each run serial inside its task); the
    scores are the same, and ``seconds`` is the time inside the task.

    Returns
    -------
    pandas.DataFrame
        One row per run × dataset: ``group, cell, graph, dataset`` (its name: for simulated data the split, index,
        graph family and noise), ``run, method, checkpoint, ours, protocol, auprc, auroc,
        auprc_ratio, epr, chance, seconds, n_genes, n_cells, n_tfs, note`` and the cell's labels.
    """
    datasets = cell.make() if datasets is None else datasets
    jobs = []
    for run in runs:
        n = len(datasets)
        if get_method(run.method).cached and not run.ours and cell.n_genes > EXPENSIVE_ABOVE:
            n = min(n, max(1, int(expensive_graphs)))
        jobs += [(run, g) for g in range(n)]
    if client is None:
        scored: Iterable[dict[str, Any]] = (_score_run(run, datasets[g], cell.protocol, seed)
                                            for run, g in jobs)
    else:
        shared = client.scatter(list(datasets))
        futures = [client.submit(_score_run, run, shared[g], cell.protocol, seed, pure=False)
                   for run, g in jobs]
        scored = (f.result() for f in futures)
    rows = []
    for (run, g), outcome in zip(jobs, scored):
        row = {"group": cell.group, "cell": cell.name, "graph": g, "dataset": datasets[g].name, "run": run.label,
               "method": run.method, "checkpoint": run.checkpoint or "", "ours": run.ours, **cell.labels, **outcome}
        rows.append(row)
        if log is not None:
            log(f"{cell.group:9s} {cell.name:28s} graph {g} {run.label:28s} "
                f"auprc={row.get('auprc', float('nan')):.3f} {row.get('seconds', float('nan')):7.2f}s"
                + (f"  ({row['note']})" if row["note"] else ""))
    return pd.DataFrame(rows)


def run_grid(cells: Sequence[Cell], runs: Sequence[Run], *, expensive_graphs: int = 1, seed: int = 0,
             client: Any = None, progress: bool = True) -> pd.DataFrame:
    """:func:`run_cell` over many cells, one progress line per run and dataset on stderr when ``progress``. With a
    ``client``, each next cell's datasets are made in this process while the workers score the current one."""
    if not cells or not runs:
        raise InputError("nothing to run: give at least one cell and one method")
    start = time.perf_counter()

    def log(line: str) -> None:
        print(f"[{time.perf_counter() - start:7.0f}s] {line}", file=sys.stderr, flush=True)

    options = dict(expensive_graphs=expensive_graphs, seed=seed, client=client, log=log if progress else None)
    if client is None:
        return pd.concat([run_cell(c, runs, **options) for c in cells], ignore_index=True)
    from concurrent.futures import ThreadPoolExecutor

    frames = []
    with ThreadPoolExecutor(max_workers=1) as maker:
        made = maker.submit(cells[0].make)
        for i, cell in enumerate(cells):
            datasets = made.result()
            if i + 1 < len(cells):
                made = maker.submit(cells[i + 1].make)
            frames.append(run_cell(cell, runs, datasets=datasets, **options))
    return pd.concat(frames, ignore_index=True)


def summarise_cells(results: pd.DataFrame, *, default: Run | None = None) -> pd.DataFrame:
    """Per cell: chance, best peer, best of ours, the margin between them, and the default model's margin.

    Every number of a cell is computed on the datasets that every run of the cell scored (where GRNBoost2 ran on
    fewer graphs, on those), so that a method is never compared on easier or harder graphs than another; margins
    are means of per-dataset differences.

    Parameters
    ----------
    results
        :func:`run_grid`'s table.
    default
        The default model's run (default: :func:`default_method` with its default checkpoint).

    Returns
    -------
    pandas.DataFrame
        ``group, cell, n_graphs`` (datasets in the cell), ``n_compared`` (datasets every run scored), ``chance,
        best_peer, best_peer_auprc, best_ours, best_ours_auprc, margin, default_auprc, default_margin,
        margin_ratio, default_margin_ratio`` (the margins divided by the chance level: margins of the AUPRC ratio)
        and ``meets_target``: the default model is at least :data:`TARGET_MARGIN` above the best peer where that
        peer scores ≥ :data:`HARD_CELL_AUPRC`, and not below it elsewhere (the issue's bar); missing when a side did
        not run.
    """
    default = default or Run(default_method())
    ok = results.dropna(subset=["auprc"])
    rows = []
    for (group, cell), sub in ok.groupby(["group", "cell"], sort=False):
        wide = sub.pivot_table(index="graph", columns="run", values="auprc", sort=False)
        common = wide.dropna()
        basis = common if len(common) else wide  # no dataset scored by all: pairwise on what each pair shares
        mean = basis.mean()
        ours = [r for r in sub.loc[sub["ours"].astype(bool), "run"].unique()]
        peers = [r for r in sub.loc[~sub["ours"].astype(bool), "run"].unique()]
        chance = sub.groupby("graph")["chance"].first()
        row: dict[str, Any] = {"group": group, "cell": cell, "n_graphs": int(wide.shape[0]),
                               "n_compared": int(len(common)), "chance": float(chance[basis.index].mean())}
        best_peer = mean[peers].idxmax() if peers else None
        best_ours = mean[ours].idxmax() if ours else None
        row.update(best_peer=best_peer, best_peer_auprc=mean.get(best_peer, np.nan),
                   best_ours=best_ours, best_ours_auprc=mean.get(best_ours, np.nan))
        row["margin"] = float((basis[best_ours] - basis[best_peer]).mean()) if best_peer and best_ours else np.nan
        row["default_auprc"] = mean.get(default.label, np.nan)
        row["default_margin"] = (float((basis[default.label] - basis[best_peer]).mean())
                                 if best_peer and default.label in basis.columns else np.nan)
        for col in ("margin", "default_margin"):  # in units of the chance level: the AUPRC-ratio margin
            row[f"{col}_ratio"] = row[col] / row["chance"] if row["chance"] > 0 else np.nan
        if np.isnan(row["default_margin"]):
            row["meets_target"] = None
        else:
            need = TARGET_MARGIN if row["best_peer_auprc"] >= HARD_CELL_AUPRC else 0.0
            row["meets_target"] = bool(row["default_margin"] >= need)
        rows.append(row)
    return pd.DataFrame(rows)


def method_table(results: pd.DataFrame) -> pd.DataFrame:
    """Mean AUPRC of every run (columns) in every cell (rows), in the order they ran."""
    ok = results.dropna(subset=["auprc"])
    table = ok.pivot_table(index=["group", "cell"], columns="run", values="auprc", aggfunc="mean", sort=False)
    return table[list(dict.fromkeys(ok["run"]))]


def markdown_summary(summary: pd.DataFrame) -> str:
    """The per-cell summary as a Markdown table (AUPRC to 3 decimals, margins signed)."""
    head = ["group", "cell", "compared", "chance", "best peer", "AUPRC", "best of ours", "AUPRC", "margin",
            "default", "default margin", "meets bar"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def f(v: Any, signed: bool = False) -> str:
        return "–" if v is None or (isinstance(v, float) and np.isnan(v)) else (f"{v:+.3f}" if signed else f"{v:.3f}")

    for r in summary.itertuples(index=False):
        bar = {True: "yes", False: "**no**"}.get(r.meets_target, "–")
        lines.append(f"| {r.group} | {r.cell} | {r.n_compared}/{r.n_graphs} | {f(r.chance)} | {r.best_peer or '–'} | "
                     f"{f(r.best_peer_auprc)} | {r.best_ours or '–'} | {f(r.best_ours_auprc)} | {f(r.margin, True)} | "
                     f"{f(r.default_auprc)} | {f(r.default_margin, True)} | {bar} |")
    return "\n".join(lines) + "\n"


def margin_heatmap(summary: pd.DataFrame, *, which: str = "margin"):
    """Heat maps of a margin column (``"margin"``: best of ours − best peer; ``"default_margin"``), one panel per
    group: simulated cells as (family, noise) × genes, the others as one column per cell. BEELINE's panel shows the
    margin of the AUPRC ratio (``…_ratio``: real-data AUPRC is a small multiple of a small chance level); the
    held-out draws' panel has one column per condition.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    if which not in ("margin", "default_margin"):
        raise InputError(f"which={which!r}: choose 'margin' or 'default_margin'")
    if summary.empty:
        raise InputError("no cells to draw: the summary is empty")
    groups = list(dict.fromkeys(summary["group"]))
    panels = []
    for group in groups:
        sub = summary[summary["group"] == group]
        column = f"{which}_ratio" if group == "BEELINE" else which
        if group == "simulated":
            parts = sub["cell"].str.split("/", expand=True)
            t = sub.assign(row=parts[0] + " / " + parts[2], genes=parts[1].astype(int)).pivot_table(
                index="row", columns="genes", values=column, sort=False, dropna=False)
        else:  # "dataset/network" names: one row per dataset; plain names (held-out draws): one row of cells
            parts = sub["cell"].str.rsplit("/", n=1, expand=True)
            rows, cols = (parts[0], parts[1]) if parts.shape[1] == 2 else ("mean over draws", parts[0])
            t = sub.assign(row=rows, col=cols).pivot_table(index="row", columns="col", values=column, sort=False,
                                                           dropna=False)
        panels.append((group, t, "AUPRC-ratio margin" if group == "BEELINE" else "AUPRC margin"))
    heights = [0.45 * len(t) + 1.4 for _, t, _ in panels]
    fig, axes = plt.subplots(len(panels), 1, figsize=(7.5, sum(heights)), squeeze=False,
                             gridspec_kw={"height_ratios": heights})
    for ax, (group, t, unit) in zip(axes[:, 0], panels):
        values = np.abs(t.to_numpy(dtype=float))
        lim = max(0.05, float(np.nanmax(values))) if np.isfinite(values).any() else 0.05
        sns.heatmap(t, annot=True, fmt="+.3f", cmap="RdBu", vmin=-lim, vmax=lim, ax=ax, linewidths=0.5,
                    linecolor="white", cbar_kws={"label": unit})
        ax.set_title(f"{group}: " + ("best of ours − best peer" if which == "margin" else "default model − best peer"))
        ax.set_xlabel("genes" if group == "simulated" else "")
        ax.set_ylabel("")
        ax.tick_params(axis="y", rotation=0)
    fig.tight_layout()
    return fig
