"""Chapter 7, runtimes (Tables 1–2): the timed runs, the paper's tables beside them, and the paper's statements."""
from __future__ import annotations

from typing import Any

import pandas as pd

from grnular_lib import claims as cl
from grnular_lib.claims import Claim, trend_claim
from grnular_lib.dataset import GRNDataset
from grnular_lib.methods import METHODS, method_label
from grnular_lib.sweep import simulated_test_set, time_call

from .settings import model_checkpoints


def data(params: dict[str, Any]) -> GRNDataset:
    """The test problem: one simulated graph with ``genes`` genes and ``cells`` cells (clean, 5 types)."""
    return simulated_test_set(n_graphs=1, genes=params["genes"], cells=params["cells"], cell_types=5,
                              seed=params["seed"])[0]


def hidden_runtimes(data: GRNDataset, params: dict[str, Any]) -> pd.DataFrame:
    """Table 1: seconds of one GRNUlar forward call (goodINIT and the unrolled cells) per hidden size Hd."""
    from grnular_lib.models import load_model, model_scores, make_problem

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
    from grnular_lib.infer import score_matrix

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


def comparison(hidden: pd.DataFrame, methods: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tables 1 and 2 side by side with this run (NaN where this run did not time a method or size)."""
    t1 = pd.DataFrame({"Hd": list(PAPER_TABLE1), "paper seconds (P100 GPU)": list(PAPER_TABLE1.values())})
    t1 = t1.merge(hidden[["Hd", "seconds"]].rename(columns={"seconds": "this run seconds"}), on="Hd", how="outer")
    t2 = pd.DataFrame({"method": list(PAPER_TABLE2), "paper seconds": list(PAPER_TABLE2.values()),
                       "paper hardware": [PAPER_TABLE2_HARDWARE[m] for m in PAPER_TABLE2]})
    t2 = t2.merge(methods.rename(columns={"seconds": "this run seconds"}), on="method", how="outer")
    return t1, t2


def claims() -> list[Claim]:
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


def paper_vs_run(hidden: pd.DataFrame, methods: pd.DataFrame) -> pd.DataFrame:
    """"Paper vs this run" of chapter 7: Table 2's ordering and Table 1's growth with the hidden size."""
    grows = trend_claim("GRNUlar's inference time grows with the hidden size Hd (Table 1)",
                        "0.89 → 1.33 → 2.10 s for Hd = 200, 500, 1000", method="GRNUlar", x="Hd",
                        metric="seconds", direction="up")
    return pd.concat([cl.paper_vs_run(methods, claims()),
                      cl.paper_vs_run(hidden.assign(method="GRNUlar"), [grows])])


def long_table(table2: pd.DataFrame) -> pd.DataFrame:
    """Table 2 in long form for :func:`grnular_lib.plots.runtime_bars` (``method, seconds, where``)."""
    long = table2.melt(id_vars="method", value_vars=["paper seconds", "this run seconds"], var_name="where",
                       value_name="seconds")
    long["where"] = long["where"].str.replace(" seconds", "", regex=False)
    return long
