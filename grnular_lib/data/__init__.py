"""Public data: manifests, local resolution and download, and loaders returning :class:`~grnular_lib.dataset.GRNDataset`.

The names below load their module on first use, so ``grnular data list`` (which needs only the manifests) does not
import pandas or the loaders.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

#: public name -> the module of this package that defines it
_EXPORTS: dict[str, str] = {
    "fetch": "resolve", "get_manifest": "manifests", "list_beeline": "beeline", "load_beeline": "beeline",
    "load_manifests": "manifests", "load_mesc_case_study": "case_study", "load_sergio_ds": "sergio_ds",
    "load_sergio_reference": "sergio_ds", "paper_gene_selection": "preprocess", "read_go_sets": "case_study",
    "resolve_file": "resolve", "sergio_grn": "sergio_ds",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
