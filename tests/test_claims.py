"""The checks of the paper's statements (grnular_lib.claims) on small hand-made result tables."""
from __future__ import annotations

import pandas as pd

from grnular_lib.claims import TIE, best_method_claim, steady_claim


def _table(values: dict[tuple[str, int], float], metric: str = "auprc") -> pd.DataFrame:
    return pd.DataFrame([{"method": m, "q": q, "tfs": "with TFs", metric: v} for (m, q), v in values.items()])


def test_a_tie_at_the_printed_precision_counts_as_best():
    claim = best_method_claim("A best", "paper", method="A", per=["q"])
    tied = _table({("A", 25): 0.1000, ("B", 25): 0.1000 + TIE / 2, ("A", 50): 0.2, ("B", 50): 0.1})
    assert claim.check(tied)[1] == "yes"
    behind = _table({("A", 25): 0.1000, ("B", 25): 0.1000 + 2 * TIE, ("A", 50): 0.2, ("B", 50): 0.1})
    found, verdict = claim.check(behind)
    assert verdict == "partly" and "q=25: best B" in found


def test_steady_claim_measures_the_range_over_x():
    claim = steady_claim("steady", "paper", method="A", x="q", tolerance=0.05, tfs="with TFs")
    assert claim.check(_table({("A", 25): 0.90, ("A", 50): 0.88, ("A", 75): 0.86}, "auroc"))[1] == "yes"
    assert claim.check(_table({("A", 25): 0.90, ("A", 50): 0.86, ("A", 75): 0.82}, "auroc"))[1] == "partly"
    found, verdict = claim.check(_table({("A", 25): 0.90, ("A", 75): 0.70}, "auroc"))
    assert verdict == "no" and "range 0.200" in found
    assert claim.check(_table({("B", 25): 0.9, ("B", 50): 0.9}, "auroc"))[1] == "not run"


def test_every_miss_is_counted_and_the_worst_are_named_first():
    """Five groups where A is behind: the three furthest behind are named, worst first, and the other two counted."""
    claim = best_method_claim("A best", "paper", method="A", per=["q"])
    gaps = {10: 0.01, 20: 0.30, 30: 0.05, 40: 0.20, 50: 0.02}
    table = _table({**{("A", q): 0.5 for q in gaps}, **{("B", q): 0.5 + g for q, g in gaps.items()}})
    found, verdict = claim.check(table)
    assert verdict == "no" and "in 0 of 5" in found
    assert found.index("q=20") < found.index("q=40") < found.index("q=30") and found.endswith("; and 2 more)")
    assert "q=10" not in found and "q=50" not in found
