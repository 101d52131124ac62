"""The machine a run used, for the record next to measured times."""
from __future__ import annotations

import os
import platform


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
    mem = ""
    try:
        mem = f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.1f} GiB"
    except (ValueError, OSError, AttributeError):
        pass
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none (CPU only)"
    return {"CPU": cpu, "cores available": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                                              else os.cpu_count()),
            "torch threads": str(torch.get_num_threads()), "memory": mem, "GPU": gpu,
            "python": platform.python_version(), "torch": torch.__version__, "platform": platform.platform()}
