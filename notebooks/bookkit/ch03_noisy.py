"""Chapter 3, noisy simulated data (Figs. 5–6): the paper's statements."""
from __future__ import annotations

import pandas as pd

from grnular_lib import claims as cl
from grnular_lib.claims import Claim, best_method_claim, steady_claim, trend_claim

from .simulated import PAPER_TF_METHODS, common_claims


#: How far GRNUlar's mean AUROC may move over the dropout percentiles for "quite robust" to hold
AUROC_STEADY = 0.05


def claims() -> list[Claim]:
    """The statements of §3.2.2 (Figs. 5–6), checked per dropout percentile."""
    per = ["dropout_percentile"]
    return [
        *common_claims("Figs. 5–6", per, grnular_paper="GRNUlar significantly outperforms its competitors (§3.2.2)"),
        trend_claim("GRNUlar's AUPRC falls as the dropout percentile rises", "deteriorates with q (Fig. 6)",
                    method="GRNUlar", x="dropout_percentile", direction="down"),
        steady_claim(f"GRNUlar's AUROC stays within {AUROC_STEADY} as the dropout percentile rises",
                     "GRNUlar's AUROC quite robust with increasing dropouts (Fig. 6)", method="GRNUlar",
                     x="dropout_percentile", tolerance=AUROC_STEADY, tfs="with TFs"),
        best_method_claim("With TFs, GRNUlar has the best AUROC among the paper's methods",
                          "not stated (Fig. 6 shows AUROC; GLAD-TF \"falls a little behind\" GRNBoost2 in it)",
                          method="GRNUlar", among=PAPER_TF_METHODS, metric="auroc", tfs="with TFs", per=per),
    ]


def paper_vs_run(results: pd.DataFrame) -> pd.DataFrame:
    """The "paper vs this run" table of the chapter: one row per statement of :func:`claims`."""
    return cl.paper_vs_run(results, claims())
