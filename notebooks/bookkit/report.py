"""What the reader sees besides the figures: compact tables, the sentence on how close a run came to the paper."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd


def mean_pm_std(summary: pd.DataFrame, metric: str = "auprc", *, index: Sequence[str], columns: str) -> pd.DataFrame:
    """A wide table of "mean ± std" strings of one metric (rows ``index``, columns ``columns``), for display."""
    text = summary.assign(_v=[f"{m:.3f} ± {s:.3f}" if np.isfinite(s) else f"{m:.3f}"
                              for m, s in zip(summary[f"{metric}_mean"], summary[f"{metric}_std"])])
    return text.pivot_table(index=list(index), columns=columns, values="_v", aggfunc="first", sort=False)


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
