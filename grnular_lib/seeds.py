"""Random seeds: one range for every method and command, checked before any work starts.

numpy's legacy generators, scikit-learn's ``random_state`` and arboreto take seeds in ``0 … 2³² − 1``; a seed outside
it makes some of them fail deep inside a computation (every GRNBoost2 regression, for instance), so it is refused
up front.
"""
from __future__ import annotations

import numbers

from .errors import InputError

#: The largest seed accepted (``2**32 - 1``).
MAX_SEED = 2**32 - 1


def check_seed(seed: object, *, option: str = "seed") -> int:
    """``seed`` as an ``int``, or :class:`InputError` when it is not an integer in ``0 … 2³² − 1``."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise InputError(f"{option} {seed!r} is not an integer; use an integer from 0 to {MAX_SEED}")
    if not 0 <= int(seed) <= MAX_SEED:
        raise InputError(f"{option} {seed} is out of range; use an integer from 0 to {MAX_SEED} (2**32 - 1)")
    return int(seed)
