"""Check a paper's statements on a run's results: each statement is a :class:`Claim` with a check that returns what
the run found and a verdict (``yes``, ``partly``, ``no`` or ``not run``); :func:`paper_vs_run` puts them in a table.

The checks work on tidy result tables (one row per method × dataset, as :mod:`grnular_lib.sweep` returns them) and
compare display labels of methods (e.g. ``GRNUlar``), so the same claims apply to any run of the same methods.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


#: Means closer than this count as a tie for the best (they print alike with three decimals)
TIE = 0.0005


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
    """A claim "``method`` has the highest mean ``metric``" checked in every group of ``per`` (e.g. per cell count);
    a mean within :data:`TIE` of the highest counts as the highest.

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
        wins, behind = 0, []
        for key, g in groups:
            means = g.groupby("method")[metric].mean().sort_values(ascending=False)
            if means[method] >= means.iloc[0] - TIE:
                wins += 1
            else:
                behind.append((means[method] - means.iloc[0], f"{_key_text(per, key)}best {means.index[0]} "
                                                             f"{means.iloc[0]:.3f} vs {method} {means[method]:.3f}"))
        found = f"{method} best (or within {TIE} of it) in {wins} of {len(groups)}" + \
            (f" ({worst_first(behind)})" if behind else "")
        return found, "yes" if wins == len(groups) else ("no" if wins == 0 else "partly")

    return Claim(claim, paper, check)


def worst_first(misses: Sequence[tuple[float, str]], most: int = 3) -> str:
    """The texts of the ``most`` misses with the lowest margin (the first item of each pair), then how many more."""
    ranked = [text for _, text in sorted(misses, key=lambda m: m[0])]
    more = len(ranked) - most
    return "; ".join(ranked[:most]) + (f"; and {more} more" if more > 0 else "")


def _key_text(per: Sequence[str], key: Any) -> str:
    if not per:
        return ""
    key = key if isinstance(key, tuple) else (key,)
    return ", ".join(f"{p}={k}" for p, k in zip(per, key)) + ": "


def _means_over(results: pd.DataFrame, method: str, x: str, metric: str, tfs: str | None) -> pd.Series | str:
    """``method``'s mean ``metric`` per value of ``x`` (sorted), or why it cannot be checked."""
    r = results[results["method"] == method]
    if tfs is not None:
        r = r[r["tfs"] == tfs]
    if r.empty:
        return f"{method} was not run"
    means = r.groupby(x)[metric].mean().sort_index()
    return f"only one value of {x} was run" if len(means) < 2 else means


def _path(method: str, x: str, means: pd.Series) -> str:
    return f"{method}: " + " → ".join(f"{v:.3f}" for v in means) + f" over {x} = {list(means.index)}"


def trend_claim(claim: str, paper: str, *, method: str, x: str, direction: str, metric: str = "auprc",
                tfs: str | None = None) -> Claim:
    """A claim that ``method``'s mean ``metric`` rises (``direction="up"``) or falls (``"down"``) with ``x``."""
    def check(results: pd.DataFrame) -> tuple[str, str]:
        means = _means_over(results, method, x, metric, tfs)
        if isinstance(means, str):
            return means, "not run"
        steps = np.sign(np.diff(means.to_numpy())) * (1 if direction == "up" else -1)
        return _path(method, x, means), "yes" if (steps > 0).all() else ("no" if (steps < 0).all() else "partly")

    return Claim(claim, paper, check)


def steady_claim(claim: str, paper: str, *, method: str, x: str, tolerance: float, metric: str = "auroc",
                 tfs: str | None = None) -> Claim:
    """A claim that ``method``'s mean ``metric`` hardly changes with ``x``: its range over ``x`` is at most
    ``tolerance`` (``"partly"`` up to twice that)."""
    def check(results: pd.DataFrame) -> tuple[str, str]:
        means = _means_over(results, method, x, metric, tfs)
        if isinstance(means, str):
            return means, "not run"
        spread = float(means.max() - means.min())
        found = f"{_path(method, x, means)} (range {spread:.3f})"
        return found, "yes" if spread <= tolerance else ("partly" if spread <= 2 * tolerance else "no")

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
