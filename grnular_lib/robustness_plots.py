"""Figures of a case study's robustness: regulator ranks with their intervals, and a target's neighbourhood.

Inputs are the tables of :mod:`grnular_lib.rank_robustness` and :func:`grnular_lib.case_study.target_neighbourhood`.
Every function returns the matplotlib :class:`~matplotlib.figure.Figure` it drew.
"""
from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
import seaborn as sns

from .errors import InputError

#: Curvature of the edges among a target's regulators (straight ones would cross the target in the centre).
_CURVE = "arc3,rad=0.25"
#: Where each source of variation is drawn, relative to the method's row.
_OFFSETS = {"seeds": -0.17, "bootstrap": 0.17}


def rank_intervals(intervals: pd.DataFrame, *, target: str, n_tfs: int | None = None) -> plt.Figure:
    """One panel per regulator: for every method its full-data rank (black cross) and the median and interval of
    the rank over seeds and over bootstrap resamples of the cells (:func:`grnular_lib.rank_robustness.rank_intervals`).
    Rank 1 is the best-scored TF; the rank axis is logarithmic."""
    need = {"method", "regulator", "source", "rank", "median", "low", "high"}
    if not need <= set(intervals.columns) or intervals.empty:
        raise InputError("rank_intervals: pass the table of grnular_lib.rank_robustness.rank_intervals")
    regulators = list(dict.fromkeys(intervals["regulator"]))
    methods = list(dict.fromkeys(intervals["method"]))
    colours = dict(zip(_OFFSETS, sns.color_palette("deep", len(_OFFSETS))))
    fig, axes = plt.subplots(1, len(regulators), figsize=(3.6 * len(regulators) + 1.2, 0.5 * len(methods) + 1.6),
                             sharey=True, squeeze=False)
    for ax, reg in zip(axes[0], regulators):
        part = intervals[intervals["regulator"] == reg]
        for source, offset in _OFFSETS.items():
            s = part[part["source"] == source]
            y = np.array([methods.index(m) for m in s["method"]]) + offset
            ax.hlines(y, s["low"], s["high"], color=colours[source], lw=2.5, label=f"{source} interval")
            ax.plot(s["median"], y, "o", color=colours[source], ms=4)
        full = part.drop_duplicates("method")
        ax.plot(full["rank"], [methods.index(m) for m in full["method"]], "x", color="black", ms=7,
                label="all cells, base seed")
        ax.set_xscale("log")
        if n_tfs:
            ax.set_xlim(0.8, n_tfs * 1.2)
        ax.set_title(f"{reg} → {target}")
        ax.set_xlabel("rank among TFs (1 = best)")
        ax.grid(axis="x", alpha=0.3)
    axes[0][0].set_yticks(range(len(methods)), methods)
    axes[0][0].invert_yaxis()
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, frameon=False, bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig


def neighbourhood(edges: pd.DataFrame, *, target: str, tfs: Sequence[str] = (), title: str = "") -> plt.Figure:
    """A target's neighbourhood (:func:`grnular_lib.case_study.target_neighbourhood`): the target in the centre,
    its regulators on a circle, each edge labelled with its scaled score; edges among the regulators are dashed."""
    if not {"TF", "target", "importance", "kind"} <= set(edges.columns) or edges.empty:
        raise InputError("neighbourhood: pass the table of grnular_lib.case_study.target_neighbourhood")
    G = nx.DiGraph()
    for a, b, w, kind in edges[["TF", "target", "importance", "kind"]].itertuples(index=False):
        G.add_edge(a, b, weight=float(w), kind=kind)
    ring = [n for n in G.nodes if n != target]
    pos = nx.shell_layout(G, nlist=[[target], ring])
    fig, ax = plt.subplots(figsize=(7, 6.5))
    top = max(float(edges["importance"].max()), 1e-12)
    styles = {"to target": ("solid", "#c0392b", "arc3,rad=0.0"), "among regulators": ("dashed", "#7f8c8d", _CURVE)}
    for kind, (style, colour, curve) in styles.items():
        sel = [(a, b) for a, b, d in G.edges(data=True) if d["kind"] == kind]
        if sel:
            nx.draw_networkx_edges(G, pos, edgelist=sel, ax=ax, style=style, edge_color=colour, arrows=True,
                                   width=[0.8 + 3.5 * G.edges[e]["weight"] / top for e in sel], node_size=1500,
                                   arrowsize=14, connectionstyle=curve)
            nx.draw_networkx_edge_labels(G, pos, ax=ax, font_size=7, label_pos=0.4, connectionstyle=curve,
                                         edge_labels={e: f"{G.edges[e]['weight']:.2f}" for e in sel})
    tf_set = set(tfs)
    nx.draw_networkx_nodes(G, pos, ax=ax, node_size=1500,
                           node_color=["#f5b7b1" if n == target else "#ffd84d" if n in tf_set else "#e8eef7"
                                       for n in G.nodes], edgecolors="#555555")
    nx.draw_networkx_labels(G, pos, ax=ax, font_size=8)
    ax.set_title(title or f"the {len(ring)} best-scored regulators of {target} (scores scaled to [0, 1])")
    ax.set_axis_off()
    fig.tight_layout()
    return fig
