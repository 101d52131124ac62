"""Chapter 7, runtimes (Tables 1–2): the timed runs, the paper's tables beside them, and the paper's statements."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from grnular_lib import claims as cl
from grnular_lib.claims import Claim, trend_claim
from grnular_lib.dataset import GRNDataset
from grnular_lib.methods import METHODS, method_label
from grnular_lib.sweep import simulated_test_set, time_call

from .settings import NOTEBOOK_DIR, chapters, model_checkpoints

#: Where ``make book`` / ``make notebook`` append each chapter's execution (chapter, profile, seconds per line).
TIMINGS = NOTEBOOK_DIR.parent / "book" / "notebooks" / "timings.tsv"
#: The quick book's budget: every chapter from an empty cache on two CPU cores (the one place it is set).
QUICK_BUDGET_MINUTES = 20
#: This chapter's name among :func:`chapters`
THIS_CHAPTER = "07_runtimes"


def data(params: dict[str, Any]) -> GRNDataset:
    """The test problem: one simulated graph with ``genes`` genes and ``cells`` cells (clean, 5 types, or one per
    cell below 5 cells)."""
    return simulated_test_set(n_graphs=1, genes=params["genes"], cells=params["cells"],
                              cell_types=min(5, params["cells"]), seed=params["seed"])[0]


def devices() -> list[tuple[str, str]]:
    """The devices the unrolled models are timed on: ``("CPU", "cpu")``, and ``("GPU", "cuda")`` when CUDA is here."""
    import torch

    return [("CPU", "cpu")] + ([("GPU", "cuda")] if torch.cuda.is_available() else [])


def hidden_runtimes(data: GRNDataset, params: dict[str, Any]) -> pd.DataFrame:
    """Table 1: seconds of one GRNUlar forward call (goodINIT and the unrolled cells) per hidden size Hd, on the CPU
    and, when CUDA is here, on the GPU (after a warm-up call on each device)."""
    from grnular_lib.models import load_model, make_problem, model_scores

    ckpt = model_checkpoints({**params, "method": "grnular"})["grnular"]
    rows = []
    for where, device in devices():
        warm = load_model("grnular", ckpt, device=device)
        model_scores(warm, make_problem(data.expression, data.tf_index, device=device), seed=params["seed"])
        for hd in params["hidden_sizes"]:
            model = load_model("grnular", ckpt, device=device)
            model.config.update(hidden_min=hd, hidden_max=hd)
            seconds = time_call(lambda: model_scores(model, make_problem(data.expression, data.tf_index,
                                                                         device=device), seed=params["seed"]),
                                repeats=params["repeats"])
            rows.append({"Hd": hd, "device": where, "seconds": seconds, "L": model.config["n_unrolled"],
                         "P": model.config["inner_steps"], "E1": model.config["init_epochs"]})
    return pd.DataFrame(rows)


def table2_note(data: GRNDataset, params: dict[str, Any]) -> str:
    """A sentence on the hidden size GRNUlar has in Table 2, where it runs its checkpoint as trained (a width that
    grows with the number of TFs, within the checkpoint's bounds) rather than one Hd of Table 1."""
    from grnular_lib.models import load_model

    model = load_model("grnular", model_checkpoints({**params, "method": "grnular"})["grnular"])
    width = model.hidden_sizes(len(data.tf_index))[0]
    return (f"In Table 2 GRNUlar runs its checkpoint as trained: for these {len(data.tf_index)} TFs its hidden size is "
            f"{width} (the checkpoint's width per TF, between {model.config['hidden_min']} and "
            f"{model.config['hidden_max']}), so its time need not match a row of Table 1.")


def method_runtimes(data: GRNDataset, params: dict[str, Any], *, client: Any = None) -> pd.DataFrame:
    """Table 2: seconds of every method of ``runtime_methods`` on the test problem, with TFs; the unrolled models
    on the CPU and, when CUDA is here, also on the GPU (a warm-up call first on each device).

    Parameters
    ----------
    data
        The test problem (:func:`data`).
    params
        The chapter's parameters: ``runtime_methods``, ``repeats`` (timed calls per method and device, at least one;
        the median is kept) and ``seed`` are read, and ``model_setting`` for the unrolled models' checkpoints.
    client
        Optional Dask client for the baselines that parallelise over targets (``None``: serial); the unrolled
        models do not use it.

    Returns
    -------
    pandas.DataFrame
        One row per method and device: ``method`` (display label), ``device`` (``CPU`` or ``GPU``) and ``seconds``.
    """
    from grnular_lib.infer import score_matrix
    from grnular_lib.models import predict

    ck = model_checkpoints(params)
    rows = []
    for m in params["runtime_methods"]:
        tf_index = data.tf_index if METHODS[m].uses_tfs else None
        if METHODS[m].engine == "unrolled":
            for where, device in devices():
                def call() -> Any:
                    return predict(data.expression, tf_index, method=m, checkpoint=ck.get(m), seed=params["seed"],
                                   device=device)
                call()
                rows.append({"method": method_label(m), "device": where,
                             "seconds": time_call(call, repeats=params["repeats"])})
        else:
            seconds = time_call(lambda: score_matrix(data.expression, tf_index, m, checkpoint=ck.get(m),
                                                     seed=params["seed"], client=client), repeats=params["repeats"])
            rows.append({"method": method_label(m), "device": "CPU", "seconds": seconds})
    return pd.DataFrame(rows)


#: Table 1 of the paper: GRNUlar inference seconds at D = 1200 on an NVIDIA P100 (P=5, L=15, E1=400).
PAPER_TABLE1 = {200: 0.89, 500: 1.33, 1000: 2.10}
#: The unrolled settings behind the paper's Table 1: inner steps P, unrolled cells L, goodINIT epochs E1.
PAPER_TABLE1_SETTINGS = {"P": 5, "L": 15, "E1": 400}
#: Table 2 of the paper: seconds at D = 1200 (GLASSO, GRNBoost2, GENIE3 on 28 CPU cores; GLAD, GRNUlar on a P100).
PAPER_TABLE2 = {"GLASSO": 180.0, "GRNBoost2": 612.0, "GENIE3": 1020.0, "GLAD": 0.79, "GRNUlar": 1.33}
#: Where the paper ran each method of Table 2.
PAPER_TABLE2_HARDWARE = {"GLASSO": "CPU, 28 cores", "GRNBoost2": "CPU, 28 cores", "GENIE3": "CPU, 28 cores",
                         "GLAD": "GPU (P100)", "GRNUlar": "GPU (P100)"}


def comparison(hidden: pd.DataFrame, methods: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tables 1 and 2 side by side with this run (NaN where this run did not time a method or size); Table 1 gets one
    column per device this run used, Table 2 one row per method and device."""
    t1 = pd.DataFrame({"Hd": list(PAPER_TABLE1), "paper seconds (P100 GPU)": list(PAPER_TABLE1.values())})
    hidden = hidden if "device" in hidden.columns else hidden.assign(device="CPU")
    wide = hidden.pivot_table(index="Hd", columns="device", values="seconds", sort=False)
    wide.columns = [f"this run seconds ({d})" for d in wide.columns]
    t1 = t1.merge(wide.reset_index(), on="Hd", how="outer")
    if {"P", "L", "E1"} <= set(hidden.columns):  # the settings each timed size ran with, beside the paper's
        t1.insert(2, "paper P / L / E1", " / ".join(str(v) for v in PAPER_TABLE1_SETTINGS.values()))
        ran = hidden.drop_duplicates("Hd").set_index("Hd")
        t1["this run P / L / E1"] = t1["Hd"].map(lambda hd: " / ".join(str(ran.loc[hd, k]) for k in ("P", "L", "E1"))
                                                 if hd in ran.index else None)
    t2 = pd.DataFrame({"method": list(PAPER_TABLE2), "paper seconds": list(PAPER_TABLE2.values()),
                       "paper hardware": [PAPER_TABLE2_HARDWARE[m] for m in PAPER_TABLE2]})
    t2 = t2.merge(methods.rename(columns={"seconds": "this run seconds", "device": "this run device"}), on="method",
                  how="outer")
    first = ["method", "paper seconds", "paper hardware", "this run seconds"]
    return t1.round(3), t2[first + [c for c in t2.columns if c not in first]].round(3)


def shown(table: pd.DataFrame) -> Any:
    """A table of :func:`comparison` as the chapter shows it: three decimals, and in place of a missing value "not in
    the paper" in the paper's columns and "not run" in this run's."""
    paper = [c for c in table.columns if c.startswith("paper")]
    run = [c for c in table.columns if c.startswith("this run")]
    return (table.style.hide(axis="index").format(precision=3, na_rep="not in the paper", subset=paper)
            .format(precision=3, na_rep="not run", subset=run))


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
        untimed = [m for m in ("GLASSO", "GRNBoost2", "GENIE3") if m not in t]
        found += f" (not timed: {', '.join(untimed)})" if untimed else ""
        n = sum(r > 1 for r in ratios.values())
        return found, "yes" if n == len(ratios) else ("no" if n == 0 else "partly")

    return [Claim("GRNUlar is faster than the classical methods at D = 1200 (Table 2)",
                  "GRNUlar 1.33 s (GPU) vs GLASSO 180 s, GRNBoost2 612 s, GENIE3 1020 s (28 CPU cores)", faster)]


def paper_vs_run(hidden: pd.DataFrame, methods: pd.DataFrame) -> pd.DataFrame:
    """"Paper vs this run" of chapter 7: Table 2's ordering and Table 1's growth with the hidden size, on the CPU
    (where every method ran)."""
    grows = trend_claim("GRNUlar's inference time grows with the hidden size Hd (Table 1)",
                        "0.89 → 1.33 → 2.10 s for Hd = 200, 500, 1000", method="GRNUlar", x="Hd",
                        metric="seconds", direction="up")
    on_cpu = (lambda t: t[t["device"] == "CPU"] if "device" in t.columns else t)  # noqa: E731
    return pd.concat([cl.paper_vs_run(on_cpu(methods), claims()),
                      cl.paper_vs_run(on_cpu(hidden).assign(method="GRNUlar"), [grows])])


def long_table(table2: pd.DataFrame) -> pd.DataFrame:
    """Table 2 in long form for :func:`grnular_lib.plots.runtime_bars` (``method, seconds, where``): the paper's
    seconds once per method, this run's per device."""
    paper = table2.drop_duplicates("method")[["method", "paper seconds"]].rename(columns={"paper seconds": "seconds"})
    run = table2.dropna(subset=["this run seconds"])
    device = run["this run device"] if "this run device" in run.columns else "CPU"
    run = pd.DataFrame({"method": run["method"], "seconds": run["this run seconds"],
                        "where": "this run (" + pd.Series(device, index=run.index).astype(str) + ")"})
    return pd.concat([paper.assign(where="paper"), run], ignore_index=True)


def book_time(profile: str, timings: Path = TIMINGS) -> tuple[pd.DataFrame, str]:
    """The last measured execution time of every chapter in ``profile`` (from make's timings file) and a sentence
    with their total; chapters not measured yet are listed as such."""
    seconds: dict[str, float] = {}
    if timings.is_file():
        for line in timings.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 3 and parts[1] == profile and parts[2].isdigit():
                seconds[parts[0]] = float(parts[2])  # later lines replace earlier runs
    table = pd.DataFrame({"chapter": chapters()})
    table["minutes"] = [f"{seconds[c] / 60:.1f}" if c in seconds else "not timed yet" for c in table["chapter"]]
    table = table.set_index("chapter")
    if not seconds:
        return table, (f"No chapter has been timed in the {profile} profile yet: `make book` records each chapter's "
                       f"execution in book/notebooks/{timings.name}; after a build, this chapter shows the total.")
    total = sum(seconds.get(c, 0.0) for c in table.index) / 60
    missing = [c for c in table.index if c not in seconds]
    others_missing = [c for c in missing if c != THIS_CHAPTER]  # this chapter is timed only after it has run
    text = (f"The chapters of the {profile} profile took {total:.1f} min in all when `make` last executed each of them "
            f"on this machine (the HTML build adds about a minute; this chapter's own time is that of its previous "
            f"run)")
    named = [f"{c} (this chapter: its time is recorded as it finishes, and the next build shows it)"
             if c == THIS_CHAPTER else c for c in missing]
    text += f"; not timed yet: {', '.join(named)}." if missing else "."
    if profile == "quick":
        verdict = ("" if others_missing else f"; this build is {'within' if total <= QUICK_BUDGET_MINUTES else 'over'} it "
                   "(the cores and the cache of this machine may differ from the budget's)")
        text += f" The quick book's budget is {QUICK_BUDGET_MINUTES} min on two CPU cores from an empty cache{verdict}."
    return table, text
