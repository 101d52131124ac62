"""The machine a run uses: its description for the record next to measured times, and whether a job fits in its
memory."""
from __future__ import annotations

import os
import platform

from .errors import InputError


def physical_memory() -> int | None:
    """Bytes of physical memory of this machine, or ``None`` where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def check_fits_in_memory(nbytes: float, what: str, fix: str) -> None:
    """One :class:`InputError` line, before any allocation, when ``what`` needs more than this machine's memory.

    Parameters
    ----------
    nbytes
        Bytes the job's largest arrays need together (an estimate from their shapes).
    what
        The job and its size, e.g. ``"simulating 5 cell types × 50,000 genes × 200 cells"``.
    fix
        What to make smaller, e.g. ``"use fewer genes or cells"``.
    """
    total = physical_memory()
    if total is not None and nbytes > total:
        raise InputError(f"{what} needs about {nbytes / 2**30:,.3g} GiB of memory, more than this machine's "
                         f"{total / 2**30:,.1f} GiB; {fix}")


def hardware_description() -> dict[str, str]:
    """The machine this run used: CPU, cores, memory, accelerator, library versions."""
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            names = [ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    total = physical_memory()
    mem = "" if total is None else f"{total / 2**30:.1f} GiB"
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none (CPU only)"
    return {"CPU": cpu, "cores available": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                                              else os.cpu_count()),
            "torch threads": str(torch.get_num_threads()), "memory": mem, "GPU": gpu,
            "python": platform.python_version(), "torch": torch.__version__, "platform": platform.platform()}
