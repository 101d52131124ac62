"""What the reader sees besides the figures: compact tables, how many test graphs stand behind each number and how
far they spread, one-line summaries of the warnings a run raised, and the sentence on how close it came to the paper.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd


def mean_pm_std(summary: pd.DataFrame, metric: str = "auprc", *, index: Sequence[str], columns: str | list[str],
                chance: bool = False) -> pd.DataFrame:
    """A wide table of "mean ± std" strings of one metric (rows ``index``, columns ``columns``: one setting or
    several), for display.

    With ``chance`` a last row gives the mean chance level of each column (the AUPRC of a random predictor).

    Parameters
    ----------
    summary
        Means and standard deviations per group (:func:`grnular_lib.sweep.summarise`): ``<metric>_mean`` and
        ``<metric>_std`` (a NaN std shows the mean alone), and the columns of ``index`` and ``columns``.
    metric
        The metric shown, e.g. ``auprc`` or ``auroc``.
    index
        Columns of ``summary`` that make the rows, e.g. ``["tfs", "method"]``.
    columns
        Column (or columns) of ``summary`` that make the table's columns, e.g. ``"dropout_percentile"``.
    chance
        Add the "chance level" row (reads ``summary``'s ``chance`` column).
    """
    text = summary.assign(_v=[f"{m:.3f} ± {s:.3f}" if np.isfinite(s) else f"{m:.3f}"
                              for m, s in zip(summary[f"{metric}_mean"], summary[f"{metric}_std"])])
    table = text.pivot_table(index=list(index), columns=columns, values="_v", aggfunc="first", sort=False)
    if chance:
        level = summary.groupby(columns, sort=False)["chance"].mean().map(lambda c: f"{c:.3f}")
        key = ("chance level", *[""] * (len(index) - 1)) if len(index) > 1 else "chance level"
        table.loc[key, :] = level.reindex(table.columns).to_numpy()
    return table


def verdict_sentence(table: pd.DataFrame, params: dict[str, Any], *,
                     items: str = "statements checked here (the paper's, and this project's own where the table says "
                                  "so)", verb: str = "held fully") -> str:
    """Two or three sentences on how close this run came, built from a :func:`paper_vs_run` table.

    Parameters
    ----------
    table
        Its ``"holds here"`` column says ``yes``, ``partly``, ``no`` or ``not run`` for each row.
    params
        The chapter's parameters (``profile`` is read).
    items, verb
        What the rows are and what ``yes`` means, for the count ("3 of the 7 *items* *verb*, …").
    """
    counts = table["holds here"].value_counts()
    parts = [f"In this run ({params['profile']} profile), {int(counts.get('yes', 0))} of the {len(table)} {items} "
             f"{verb}, {int(counts.get('partly', 0))} partly and {int(counts.get('no', 0))} not"
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


def sample_note(results: pd.DataFrame, by: Sequence[str], *, metric: str = "auprc", unit: str = "test graphs") -> str:
    """How many datasets stand behind each mean, and how far ``metric`` spreads across them.

    ``by`` are the columns that define one point of a figure (e.g. ``["method", "cells", "cell_types"]``); the
    spread is the standard deviation across the datasets of each point, summarised over the points.

    Parameters
    ----------
    results
        One row per dataset and setting (e.g. a sweep's results), with the columns of ``by`` and ``metric``.
    by
        Columns of ``results`` that define one point of a figure.
    metric
        The column whose spread is given, e.g. ``auprc``; named in capitals in the text.
    unit
        What a dataset is, in the plural, for the text (e.g. ``"test graphs"``, ``"replicates"``); a final "s" is
        dropped when every point has one dataset.
    """
    g = results.groupby(list(by), sort=False)[metric]
    n = g.size()
    sizes = f"{n.min()}" if n.min() == n.max() else f"{n.min()} to {n.max()}"
    noun = unit[:-1] if sizes == "1" and unit.endswith("s") else unit
    text = f"Each mean is over {sizes} {noun} ({len(n)} method × setting points, {int(n.sum())} runs in all)"
    if n.min() < 2:
        return text + "; with one dataset per point there is no spread to show, so small differences may be noise."
    sd = g.std()
    return (text + f"; the standard deviation of {metric.upper()} across {unit} is {sd.min():.3f}–{sd.max():.3f} "
            f"(median {sd.median():.3f}), so differences between means smaller than about "
            f"{2 * sd.median() / np.sqrt(n.median()):.3f} (two standard errors) are within the noise.")


_PATH = re.compile(r"(?:[A-Za-z]:)?(?:/[^\s/:'\"]+){2,}/([^\s/:'\"]+)")


def one_line(message: str, width: int = 110) -> str:
    """A warning message on one line, machine paths reduced to their file name, cut at ``width``."""
    text = _PATH.sub(r"\1", " ".join(str(message).split()))
    return text if len(text) <= width else text[: width - 1] + "…"


def warning_summary(results: pd.DataFrame, *, unit: str = "test graphs") -> str:
    """One line per method that warned: on how many of its runs (rows of ``results``, one per dataset and setting),
    and the first message (``warnings`` column of :func:`grnular_lib.sweep.score_runs`)."""
    if "warnings" not in results.columns:
        return "Warnings were not recorded for this run."
    if "protocol" in results.columns:  # the same run scored under several protocols counts once
        results = results[results["protocol"] == results["protocol"].iloc[0]]
    lines = []
    for method, per in results.groupby("method", sort=False):
        warned = per[per["warnings"] != ""]
        if len(warned):
            first = warned["warnings"].iloc[0].split(" | ")[0]
            lines.append(f"{method} warned on {len(warned)} of {len(per)} {unit}, e.g. “{one_line(first)}”")
    return "\n".join(lines) if lines else f"No method raised a warning on any of the {unit}."
