"""Chapters 2 and 3: every method on fresh simulated test graphs, and the paper's statements on them (§3.2)."""
from __future__ import annotations

from typing import Any

import pandas as pd

from grnular_lib.claims import Claim, best_method_claim
from grnular_lib.dataset import GRNDataset
from grnular_lib.methods import METHODS
from grnular_lib.sweep import method_runs, simulated_test_set, sweep

from .settings import model_checkpoints

#: Methods of the paper's with-TF panels (Figs. 4–7); the simple floors are this project's addition.
PAPER_TF = ("grnular", "glad-tf", "grnboost2", "genie3")
#: Methods of the paper's without-TF panels.
PAPER_NO_TF = ("glad", "glasso", "grnboost2")
#: Their display labels, as the results tables carry them (:mod:`grnular_lib.methods`).
PAPER_TF_METHODS = tuple(METHODS[m].run_label(True) for m in PAPER_TF)
PAPER_NO_TF_METHODS = tuple(METHODS[m].run_label(False) for m in PAPER_NO_TF)
#: The simple floors' labels (this project's addition; a claim about them compares GRNUlar with these alone).
FLOOR_METHODS = tuple(m.run_label(True) for m in METHODS.values() if m.kind == "floor")


def results(params: dict[str, Any], *, client: Any = None) -> pd.DataFrame:
    """Every method on simulated test graphs for each (cells, cell types, dropout) condition.

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


def common_claims(where: str, per: list[str], *, grnular_paper: str,
                  glad_paper: str = "GLAD best without TFs") -> list[Claim]:
    """The statements of §3.2–3.3 that every simulated chapter checks, per group ``per`` (e.g. per cell count);
    ``where`` names the paper's figure, ``grnular_paper`` and ``glad_paper`` quote what the paper says of it.

    Parameters
    ----------
    where
        The paper's figure or figures, e.g. ``"Fig. 4"``; it ends the wording of the first two statements.
    per
        Columns of the results whose groups are each checked on their own, e.g. ``["cells", "cell_types"]``.
    grnular_paper
        What the paper says of GRNUlar with TFs (the ``paper`` column of the second statement).
    glad_paper
        What the paper says of GLAD without TFs (the ``paper`` column of the first statement).

    Returns
    -------
    list of Claim
        GLAD best without TFs, GRNUlar best with TFs among the paper's methods, and GRNUlar with TFs above the
        simple floors, in that order.
    """
    return [
        best_method_claim(f"Without TFs, GLAD has the best AUPRC ({where})", glad_paper, method="GLAD",
                          among=PAPER_NO_TF_METHODS, tfs="without TFs", per=per),
        best_method_claim(f"With TFs, GRNUlar has the best AUPRC among the paper's methods ({where})",
                          grnular_paper, method="GRNUlar",
                          among=PAPER_TF_METHODS, tfs="with TFs", per=per),
        best_method_claim("With TFs, GRNUlar also beats the simple floors (Pearson-TF, Precision-TF, Ridge-TF and "
                          "their rank average where they ran)", "not reported (floors added by this project)",
                          method="GRNUlar", among=FLOOR_METHODS, tfs="with TFs", per=per),
    ]


#: What a paper method left out of a profile would cost here (measured on 2 shared CPU cores, for the reader's line).
COSTS = {"grnboost2": "about 8 s of CPU per clean test graph of 100 genes × 1,000 cells, twice GLASSO's, and up "
                      "to 2 min per graph at dropout percentile 75, where its boosting stops late"}


def left_out_line(params: dict[str, Any]) -> str:
    """One sentence naming the paper's methods this run left out of its comparison, with their cost where measured
    (empty when every one ran)."""
    left = [METHODS[m].run_label(True) for m in PAPER_TF if m not in params["methods_tf"]]
    left += [METHODS[m].run_label(False) for m in PAPER_NO_TF if m not in params["methods_no_tf"]]
    if not left:
        return ""
    costs = [f"{METHODS[n].label}: {c}" for n, c in COSTS.items() if any(x.startswith(METHODS[n].label) for x in left)]
    return (f"Left out of this run ({params['profile']} profile) to keep the book within its time: "
            f"{', '.join(dict.fromkeys(left))}" + (f" ({'; '.join(costs)})" if costs else "")
            + ". The paper profile runs them; add them to the method lists above to run them here.")
