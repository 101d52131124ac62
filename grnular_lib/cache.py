"""The on-disk cache: downloaded data, regenerated SERGIO replicates, results of expensive baselines.

Location: ``$GRNULAR_CACHE_DIR`` when set, else ``$XDG_CACHE_HOME/grnular``, else ``~/.cache/grnular``.
Every file is written under a temporary name in its final folder and renamed when complete, so an interrupted run
never leaves a half-written entry; a damaged entry is ignored (and recomputed) rather than trusted.
"""
from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .errors import InputError
from .outputs import atomic_write


def cache_dir() -> Path:
    """Root folder of the cache (not created)."""
    explicit = os.environ.get("GRNULAR_CACHE_DIR")
    if explicit:
        folder = Path(explicit).expanduser()
        if folder.exists() and not folder.is_dir():
            raise InputError(f"GRNULAR_CACHE_DIR {explicit} is a file, not a folder; set it to a folder for the "
                             "cache (or unset it: ~/.cache/grnular)")
        return folder
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "grnular"


def resolve_cache(cache: bool | str | os.PathLike) -> Path | None:
    """Folder meant by a ``cache=`` argument: ``True`` → :func:`cache_dir`, ``False`` → ``None``, a path → itself."""
    if cache is True:
        return cache_dir()
    if cache is False or cache is None:
        return None
    return Path(cache).expanduser()


def digest(*arrays: np.ndarray, **params: Any) -> str:
    """Hex sha256 of arrays (dtype, shape and bytes) and JSON-able parameters, plus this library's version."""
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(f"{a.dtype.str}{a.shape}".encode())
        h.update(a.tobytes())
    h.update(json.dumps(params, sort_keys=True, default=str).encode())
    h.update(__version__.encode())
    return h.hexdigest()


def load_arrays(folder: Path | None, kind: str, key: str) -> dict[str, np.ndarray] | None:
    """Arrays stored under ``folder/kind/key.npz``, or ``None`` when absent, unreadable or ``folder`` is ``None``."""
    if folder is None:
        return None
    path = folder / kind / f"{key}.npz"
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as f:
            return {name: f[name] for name in f.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError):
        return None


def save_arrays(folder: Path | None, kind: str, key: str, arrays: Mapping[str, np.ndarray]) -> Path | None:
    """Store arrays under ``folder/kind/key.npz`` atomically; nothing happens when ``folder`` is ``None``."""
    if folder is None:
        return None

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **dict(arrays))

    try:
        return atomic_write(folder / kind / f"{key}.npz", write)
    except OSError:  # a read-only or full cache must not break a computation that succeeded
        return None
