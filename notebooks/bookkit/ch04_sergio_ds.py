"""Chapter 4, SERGIO DS1–DS3 (Fig. 7): every method on regenerated replicates, and the paper's statements."""
from __future__ import annotations

from typing import Any

import pandas as pd

from grnular_lib import claims as cl
from grnular_lib.claims import Claim
from grnular_lib.sweep import method_runs, score_runs

from .settings import model_checkpoints
from .simulated import common_claims


def results(params: dict[str, Any], *, client: Any = None) -> pd.DataFrame:
    """Chapter 4: every method on regenerated replicates of DS1–DS3 with the DS technical noise (82nd-percentile
    dropout), scored with the paper's undirected protocol."""
    from grnular_lib.data import load_sergio_ds

    runs = method_runs(params["methods_no_tf"], params["methods_tf"], checkpoints=model_checkpoints(params))
    frames = []
    for name in params["ds_names"]:
        data = [load_sergio_ds(name, r, noise="ds", cells_per_type=params["cells_per_type"])
                for r in range(params["replicates"])]
        frames.append(score_runs(data, runs, seed=params["seed"], client=client, ds=name))
    return pd.concat(frames, ignore_index=True)


def claims() -> list[Claim]:
    """The statements of §3.3 (Fig. 7), checked per dataset."""
    return common_claims("Fig. 7", ["ds"], grnular_paper="GRNUlar in general performs better than other methods "
                                                          "in the noisy settings (§3.3)")


def paper_vs_run(results: pd.DataFrame) -> pd.DataFrame:
    """The "paper vs this run" table of the chapter: one row per statement of :func:`claims`."""
    return cl.paper_vs_run(results, claims())
