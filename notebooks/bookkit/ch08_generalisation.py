"""Chapter 8, does it generalise? The held-out grid of :mod:`grnular_lib.generalisation` (the harness of
``benchmarks/generalisation.py``), the project's bar, and where the models still lose."""
from __future__ import annotations

from typing import Any

import pandas as pd

from grnular_lib import claims as cl
from grnular_lib import generalisation as gen
from grnular_lib.claims import Claim
from grnular_lib.methods import METHODS


def cells(params: dict[str, Any]) -> list[gen.Cell]:
    """The chapter's cells: the simulated grid, the held-out draws (``draws`` per condition, none at 0), the chosen
    SERGIO DS datasets (``ds_replicates`` replicates each), the original SERGIO code's DS1 replicate (with
    ``sergio_reference``) and BEELINE datasets."""
    out = gen.simulated_cells(sizes=params["sizes"], noises=params["noises"], families=params["families"],
                              graphs=params["graphs_per_cell"],
                              fixed={"tf_ratio": 0.1, "n_cell_types": params["grid_cell_types"],
                                     "n_cells": params["grid_cells"]})
    if params["draws"]:
        out += gen.draw_cells(draws=params["draws"])
    if params["ds_names"]:
        out += gen.sergio_cells(names=params["ds_names"], replicates=range(params["ds_replicates"]),
                                cells_per_type=params["ds_cells_per_type"])
    if params["sergio_reference"]:
        out += gen.sergio_reference_cells()
    if params["beeline_datasets"]:
        out += gen.beeline_cells(datasets=[f"{d}/TFs+500" for d in params["beeline_datasets"]])
    return out


def runs(params: dict[str, Any]) -> list[gen.Run]:
    """Every method with its default checkpoint, plus the extra ``METHOD=CKPT`` runs."""
    return [gen.Run(m) for m in params["methods"]] + gen.parse_checkpoints(params["checkpoints"])


def setting_table() -> pd.DataFrame:
    """The ranges of the ``general`` distribution the default model's members were trained on, one row per range."""
    from grnular_lib.checkpoints import default_checkpoint, shipped_general_setting
    from grnular_lib.methods import DEFAULT_METHOD

    d = shipped_general_setting(default_checkpoint(DEFAULT_METHOD)).to_dict()
    return pd.DataFrame({"range": list(d), "value": [str(v) for v in d.values()]}).set_index("range")


def shape_table(seeds: int = 3) -> pd.DataFrame:
    """SERGIO's DS networks beside hierarchical and §3.2 random graphs of the same sizes (means over ``seeds``)."""
    from grnular_lib.data.sergio_ds import sergio_grn
    from grnular_lib.simulate import hierarchical_grn, random_grn
    from grnular_lib.simulate.hierarchical import graph_shape

    rows = []
    for name, n, levels in (("DS1", 100, 3), ("DS2", 400, 6), ("DS3", 1200, 7)):
        rows.append({"graph": name, **graph_shape(sergio_grn(name))})
        for label, make in ((f"hierarchical, {levels} levels, modules 0.6",
                             lambda s: hierarchical_grn(n, n_levels=levels, module_sharing=0.6, seed=s)),
                            ("random (§3.2)", lambda s: random_grn(n, seed=s))):
            mean = pd.DataFrame([graph_shape(make(s)) for s in range(seeds)]).mean()
            rows.append({"graph": f"{label}, {n} genes", **mean.to_dict()})
    return pd.DataFrame(rows).set_index("graph").round(2)


def compact_summary(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per cell with what a reader needs: graphs, chance, the best peer and its AUPRC, the default model's AUPRC,
    its margin and whether it meets the project's bar (+0.02 over the best peer where it reaches 0.1)."""
    cols = {"n_graphs": "graphs", "chance": "chance", "best_peer": "best peer", "best_peer_auprc": "peer AUPRC",
            "default_auprc": "default AUPRC", "default_margin": "margin", "meets_target": "meets bar"}
    out = summary.set_index(["group", "cell"])[list(cols)].rename(columns=cols)
    return out.round(3)


def where_they_lose(summary: pd.DataFrame) -> str:
    """Plain sentences: the cells where the best of our models, and where the default model, is below the best peer."""
    lines = []
    for column, who in (("margin", "the best of the project's models"), ("default_margin", "the default model")):
        known = summary.dropna(subset=[column])
        lose = known[known[column] < 0]
        if known.empty:
            lines.append(f"No cell had both {who} and a peer.")
        elif lose.empty:
            lines.append(f"In all {len(known)} cells {who} is at or above the best peer.")
        else:
            worst = lose.sort_values(column).head(6)
            lines.append(f"In {len(lose)} of {len(known)} cells {who} is below the best peer: "
                         + "; ".join(f"{r.group} {r.cell} ({getattr(r, column):+.3f} against {r.best_peer})"
                                     for r in worst.itertuples(index=False))
                         + (" …" if len(lose) > len(worst) else "") + ".")
    return "\n".join(lines)


def run_notes(results: pd.DataFrame) -> str:
    """One line per run that could not run on some datasets (e.g. a checkpoint not trained yet) and one per run that
    warned (its first message), or one line saying that every run ran without a warning."""
    from .report import one_line

    note = results["note"].fillna("")
    failed = note.str.startswith("failed")
    lines = [f"{run} did not run on {len(g)} of {int((results['run'] == run).sum())} datasets: "
             f"{one_line(g['note'].iloc[0].removeprefix('failed: '))}"
             for run, g in results[failed].groupby("run", sort=False)]
    lines += [f"{run} warned on {len(g)} of {int((results['run'] == run).sum())} datasets, e.g. "
              f"“{one_line(g['note'].iloc[0].split(gen.NOTE_SEPARATOR)[0], width=240)}”"
              for run, g in results[~failed & (note != "")].groupby("run", sort=False)]
    return "\n".join(lines) or "Every method ran on every dataset it was given, without a warning."


def _bar_claim(hard: bool) -> Claim:
    def check(results: pd.DataFrame) -> tuple[str, str]:
        s = gen.summarise_cells(results).dropna(subset=["default_margin"])
        s = s[(s["best_peer_auprc"] >= gen.HARD_CELL_AUPRC) == hard]
        if s.empty:
            return "no such cell in this run", "not run"
        met = int(s["meets_target"].sum())
        miss = s[~s["meets_target"].astype(bool)]
        found = f"met in {met} of {len(s)} cells" + (
            " (misses, worst first: " + cl.worst_first([(r.default_margin, f"{r.cell} {r.default_margin:+.3f}")
                                                         for r in miss.itertuples()]) + ")"
            if len(miss) else "")
        return found, "yes" if met == len(s) else ("no" if met == 0 else "partly")

    if hard:
        return Claim(f"Default model ≥ best peer + {gen.TARGET_MARGIN} where the best peer scores ≥ "
                     f"{gen.HARD_CELL_AUPRC}", "asked for every such cell", check)
    return Claim(f"Default model not below the best peer where the best peer scores < {gen.HARD_CELL_AUPRC}",
                 "asked for every such cell", check)


def _ds3_claim() -> Claim:
    def check(results: pd.DataFrame) -> tuple[str, str]:
        r = results[(results["cell"] == "DS3/clean") & (results["method"] == gen.default_method())
                    & (results["checkpoint"] == "")].dropna(subset=["auprc"])
        if r.empty:
            return "DS3 clean was not run with the default model", "not run"
        value = r["auprc"].mean()
        return f"{value:.3f}", "yes" if value >= 0.45 else "no"

    return Claim("Default model's AUPRC on DS3, clean", "≥ 0.45", check)


def _beeline_claim() -> Claim:
    def check(results: pd.DataFrame) -> tuple[str, str]:
        r = results[(results["group"] == "BEELINE") & (results["checkpoint"] == "")].dropna(subset=["auprc"])
        default = gen.default_method()
        floors = [m for m in r["method"].unique() if METHODS[m].kind == "floor"]
        if r.empty or default not in set(r["method"]) or not floors:
            return "BEELINE, the default model or the floors were not run", "not run"
        wide = r.pivot_table(index="cell", columns="method", values="auprc")
        above = int((wide[default] > wide[floors].max(axis=1)).sum())
        found = f"above every floor on {above} of {len(wide)} dataset × network pairs"
        return found, "yes" if above > len(wide) / 2 else ("no" if above == 0 else "partly")

    return Claim("Default model above every floor on BEELINE (TF → gene)", "most dataset × network pairs", check)


def claims() -> list[Claim]:
    """What the project asks of a model that generalises, checked on this run."""
    return [_bar_claim(True), _bar_claim(False), _ds3_claim(), _beeline_claim()]


def paper_vs_run(results: pd.DataFrame) -> pd.DataFrame:
    """The chapter's "asked vs this run" table (``paper`` = what the project asks of a general model)."""
    return cl.paper_vs_run(results, claims()).rename(columns={"paper": "asked"})
