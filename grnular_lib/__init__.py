"""GRNUlar: unrolled algorithms for gene regulatory network reconstruction, and the executable paper around them."""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "infer"]


def __getattr__(name: str):
    # ``infer`` pulls in torch; import it only when asked for, so ``import grnular_lib`` stays light.
    if name == "infer":
        from .infer import infer

        return infer
    raise AttributeError(f"module 'grnular_lib' has no attribute {name!r}")
