"""GRNUlar: unrolled algorithms for gene regulatory network reconstruction, and the executable paper around them."""
from __future__ import annotations

__version__ = "0.1.0"

# The function shadows its module's name on purpose, as in ``grnular_lib.infer(adata, tfs=...)``; the module stays
# importable as ``grnular_lib.infer`` for ``from grnular_lib.infer import score_matrix``. numpy, pandas and torch
# load on first use, so importing the package (and ``grnular --help``) is fast.
from .infer import infer  # noqa: E402

__all__ = ["__version__", "infer"]
