"""Public data: manifests, local resolution and download, and loaders returning :class:`~grnular_lib.dataset.GRNDataset`."""
from __future__ import annotations

from .beeline import list_beeline, load_beeline
from .case_study import load_mesc_case_study, read_go_sets
from .manifests import get_manifest, load_manifests
from .preprocess import paper_gene_selection
from .resolve import fetch, resolve_file
from .sergio_ds import load_sergio_ds, sergio_grn

__all__ = ["fetch", "get_manifest", "list_beeline", "load_beeline", "load_manifests", "load_mesc_case_study",
           "load_sergio_ds", "paper_gene_selection", "read_go_sets", "resolve_file", "sergio_grn"]
