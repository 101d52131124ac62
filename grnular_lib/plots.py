"""Figures of method comparisons, drawn with seaborn on the tidy tables of :mod:`grnular_lib.sweep`.

Every function returns the matplotlib :class:`~matplotlib.figure.Figure` it drew; in a notebook, assign it
(``fig = plots.score_lines(...)``) and the inline backend shows it once.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
import seaborn as sns

from .errors import InputError

sns.set_theme(context="notebook", style="whitegrid")

#: Metric column → axis label.
METRIC_LABELS = {"auprc": "AUPRC", "auroc": "AUROC", "auprc_ratio": "AUPRC ratio", "epr": "EPR",
                 "seconds": "seconds"}


def _need(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(f"{what}: the results table lacks column(s) {missing}; pass the table that "
                         "grnular_lib.sweep.sweep / score_runs returned")
    if df.empty:
        raise InputError(f"{what}: the results table is empty; nothing was run")


#: Drawing of each kind of method (:mod:`grnular_lib.methods`) in :func:`score_lines`: the learned models in colour
#: with solid lines, the baselines in dark greys dashed, the simple floors in light greys dotted.
KIND_STYLES = {"learned": ("deep", "o", "-"), "baseline": (("#3b3b3b", "#5e5e5e", "#808080"), "s", "--"),
               "floor": (("#8a8a8a", "#a0a0a0", "#b5b5b5"), "^", ":")}


def method_styles(results: pd.DataFrame, *, hue: str = "method", kind: str = "kind"
                  ) -> tuple[list[str], dict[str, Any], list[str], list[str]]:
    """Order, colours, markers and line styles of the methods of ``results`` so that the learned models stand out
    from the baselines and floors (:data:`KIND_STYLES`); rows without a known kind are drawn like baselines."""
    kinds = results.drop_duplicates(hue).set_index(hue)[kind].to_dict() if kind in results.columns else {}
    order, palette, markers, lines = [], {}, [], []
    for k, (colours, marker, line) in KIND_STYLES.items():
        names = [m for m in dict.fromkeys(results[hue]) if kinds.get(m, "baseline") == k]
        cycle = sns.color_palette(colours, max(len(names), 1)) if isinstance(colours, str) else list(colours)
        for i, name in enumerate(names):
            order.append(name)
            palette[name] = cycle[i % len(cycle)]
            markers.append(marker)
            lines.append(line)
    return order, palette, markers, lines


def score_lines(results: pd.DataFrame, *, x: str, metric: str = "auprc", col: str | None = None,
                row: str | None = None, hue: str = "method", chance: bool = True,
                title: str | None = None) -> plt.Figure:
    """Mean ± standard deviation (over datasets) of a metric against a setting, one line per method.

    When ``results`` has a ``kind`` column (:func:`grnular_lib.sweep.score_runs` adds it) the learned models are
    drawn in colour and the baselines and floors in greys (:func:`method_styles`), so the models stand out. The
    mean chance level of each panel is drawn as a dashed grey line when ``chance`` is set.
    """
    facets = [c for c in (row, col) if c]
    _need(results, [x, metric, hue, *facets], "score_lines")
    style: dict[str, Any] = {}
    if hue == "method":
        order, palette, markers, lines = method_styles(results)
        style = dict(hue_order=order, palette=palette, markers=markers, linestyles=lines)
    g = sns.catplot(data=results, x=x, y=metric, hue=hue, col=col, row=row, kind="point", errorbar="sd",
                    dodge=0.3 if results[hue].nunique() > 1 else False, height=3.4, aspect=1.15, sharey=True,
                    **style)
    g.set_axis_labels(x.replace("_", " "), METRIC_LABELS.get(metric, metric))
    if chance and "chance" in results.columns:
        panels = g.axes_dict.items() if facets else [((), g.ax)]
        for key, ax in panels:
            keys = key if isinstance(key, tuple) else (key,)
            mask = np.ones(len(results), dtype=bool)
            for name, value in zip(facets, keys):
                mask &= (results[name] == value).to_numpy()
            if mask.any():
                ax.axhline(results.loc[mask, "chance"].mean(), color="grey", ls="--", lw=1)
    if title:
        g.figure.suptitle(title, y=1.03)
    return g.figure


def learning_curves(history: pd.DataFrame, *, metric: str = "valid_auprc", hue: str = "model") -> plt.Figure:
    """Validation score per meta-training epoch (epoch 0 = untrained), one line per model; best epochs marked."""
    _need(history, ["epoch", metric, hue], "learning_curves")
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    sns.lineplot(data=history, x="epoch", y=metric, hue=hue, marker="o", ax=axes[0])
    best = history.loc[history.groupby(hue)[metric].idxmax()]
    axes[0].scatter(best["epoch"], best[metric], s=140, facecolors="none", edgecolors="black", zorder=5,
                    label="kept epoch")
    axes[0].set_ylabel("validation " + METRIC_LABELS.get(metric.replace("valid_", ""), metric))
    axes[0].legend(fontsize=8)
    if "train_loss" in history.columns and history["train_loss"].notna().any():
        sns.lineplot(data=history.dropna(subset=["train_loss"]), x="epoch", y="train_loss", hue=hue, marker="o",
                     ax=axes[1], legend=False)
        axes[1].set_ylabel("training loss (Eq. 16)")
    else:
        axes[1].set_axis_off()
    fig.tight_layout()
    return fig


def score_heatmaps(results: pd.DataFrame, *, metrics: Sequence[str] = ("auprc", "auroc"), index: str = "method",
                   columns: str = "data", fmt: str = ".3f", unavailable: Sequence[str] = ()) -> plt.Figure:
    """One annotated heat map per metric (rows ``index``, columns ``columns``, mean over replicates).

    Columns named in ``unavailable`` (data without expression here) are drawn empty and labelled "n/a".
    """
    _need(results, [index, columns, *metrics], "score_heatmaps")
    col_order = list(dict.fromkeys(list(results[columns]) + list(unavailable)))
    row_order = list(dict.fromkeys(results[index]))
    fig, axes = plt.subplots(len(metrics), 1, figsize=(max(6.0, 0.75 * len(col_order) + 2.5),
                                                      (0.42 * len(row_order) + 1.6) * len(metrics)), squeeze=False)
    for ax, metric in zip(axes[:, 0], metrics):
        table = results.pivot_table(index=index, columns=columns, values=metric, aggfunc="mean")
        table = table.reindex(index=row_order, columns=col_order)
        sns.heatmap(table, annot=True, fmt=fmt, cmap="viridis", ax=ax, cbar_kws={"label": metric},
                    linewidths=0.5, linecolor="white")
        for i, j in zip(*np.nonzero(table.isna().to_numpy())):
            ax.text(j + 0.5, i + 0.5, "n/a", ha="center", va="center", color="dimgrey", fontsize=9)
        ax.grid(False)
        ax.set_title(METRIC_LABELS.get(metric, metric))
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.tick_params(axis="y", rotation=0)
        ax.tick_params(axis="x", rotation=60)
        for lab in ax.get_xticklabels():
            lab.set_horizontalalignment("right")
    fig.tight_layout()
    return fig


def score_distributions(scores: pd.DataFrame, *, p_value: float, title: str) -> plt.Figure:
    """Box plots of interaction scores per gene group (``scores``: columns ``group``, ``score``), with a p-value."""
    _need(scores, ["group", "score"], "score_distributions")
    fig, ax = plt.subplots(figsize=(5.5, 4))
    sns.boxplot(data=scores, x="group", y="score", hue="group", ax=ax, showfliers=False, width=0.5, legend=False)
    shown = pd.concat([g.sample(min(len(g), 400), random_state=0) for _, g in scores.groupby("group", sort=False)])
    sns.stripplot(data=shown, x="group", y="score", ax=ax, color="black", alpha=0.25, size=2)
    ax.set_title(f"{title}\none-sided Wilcoxon rank-sum p = {p_value:.2g}")
    ax.set_xlabel("")
    ax.set_ylabel("interaction score")
    fig.tight_layout()
    return fig


def subnetwork(edges: pd.DataFrame, *, tfs: Sequence[str], highlight: Sequence[str] = (),
               max_edges: int = 120) -> plt.Figure:
    """Draw a network (``edges``: columns ``TF, target, importance``) with TFs on a yellow background and edge
    darkness by score; nodes in ``highlight`` get a red outline. Only the ``max_edges`` strongest edges are drawn
    (the title says how many there were)."""
    _need(edges, ["TF", "target", "importance"], "subnetwork")
    n_all = len(edges)
    edges = edges.nlargest(max_edges, "importance")
    G = nx.DiGraph()
    for a, b, w in edges[["TF", "target", "importance"]].itertuples(index=False):
        G.add_edge(a, b, weight=float(w))
    tf_set = set(tfs)
    fig, ax = plt.subplots(figsize=(9, 7.5))
    pos = nx.kamada_kawai_layout(G.to_undirected())
    weights = np.array([d["weight"] for _, _, d in G.edges(data=True)])
    span = weights.max() - weights.min() if len(weights) else 0.0
    shade = 0.25 + 0.75 * ((weights - weights.min()) / span if span > 0 else np.ones_like(weights))
    nx.draw_networkx_edges(G, pos, ax=ax, edge_color=[(0, 0, 0, a) for a in shade], width=1.4, arrows=True,
                           arrowsize=10, node_size=900, connectionstyle="arc3,rad=0.08")
    nodes = list(G.nodes)
    nx.draw_networkx_nodes(G, pos, ax=ax, nodelist=nodes, node_size=900,
                           node_color=["#ffd84d" if n in tf_set else "#e8eef7" for n in nodes],
                           edgecolors=["#c0392b" if n in set(highlight) else "#555555" for n in nodes],
                           linewidths=[2.5 if n in set(highlight) else 0.8 for n in nodes])
    nx.draw_networkx_labels(G, pos, ax=ax, font_size=7)
    shown = f"the {len(edges)} strongest of {n_all} edges" if n_all > len(edges) else f"{n_all} edges"
    ax.set_title(f"{G.number_of_nodes()} genes, {shown} (TFs in yellow)")
    ax.set_axis_off()
    fig.tight_layout()
    return fig


def pseudotime_trends(cells: pd.DataFrame, fits: pd.DataFrame, *, target: str) -> plt.Figure:
    """The target gene cell by cell along pseudotime (``cells``: columns ``pseudotime``, ``expression``) and the
    LOWESS fits of its candidate regulators with ± one standard deviation bands (``fits``: columns ``gene``,
    ``pseudotime``, ``fit``, ``sd``)."""
    _need(cells, ["pseudotime", "expression"], "pseudotime_trends")
    _need(fits, ["gene", "pseudotime", "fit", "sd"], "pseudotime_trends")
    fig, ax = plt.subplots(figsize=(8, 4.5))
    sns.scatterplot(data=cells, x="pseudotime", y="expression", ax=ax, color="grey", s=14, alpha=0.6,
                    label=f"{target} (per cell)")
    palette = dict(zip(fits["gene"].unique(), sns.color_palette("deep", fits["gene"].nunique())))
    for gene, f in fits.groupby("gene", sort=False):
        f = f.sort_values("pseudotime")
        ax.plot(f["pseudotime"], f["fit"], color=palette[gene], lw=2.2, label=f"{gene} (LOWESS)")
        ax.plot(f["pseudotime"], f["fit"] + f["sd"], color=palette[gene], lw=1, ls="--")
        ax.plot(f["pseudotime"], f["fit"] - f["sd"], color=palette[gene], lw=1, ls="--")
    ax.set_xlabel("pseudotime (Slingshot)")
    ax.set_ylabel("expression (log)")
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig


def runtime_bars(table: pd.DataFrame, *, x: str = "method", y: str = "seconds", hue: str = "where") -> plt.Figure:
    """Bar chart of runtimes on a log axis (``table``: one row per method and source, e.g. paper / this run)."""
    _need(table, [x, y, hue], "runtime_bars")
    fig, ax = plt.subplots(figsize=(8, 4))
    sns.barplot(data=table.dropna(subset=[y]), x=x, y=y, hue=hue, ax=ax)
    ax.set_yscale("log")
    ax.set_ylabel("seconds (log scale)")
    ax.set_xlabel("")
    ax.tick_params(axis="x", rotation=30)
    fig.tight_layout()
    return fig
