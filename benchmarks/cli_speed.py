"""Start-up and end-to-end speed of the ``grnular`` command (issue 10).

Targets: ``grnular --help`` < 0.5 s (the command loads a sub-command's module only when it runs), and ``grnular
simulate`` of SERGIO's DS2 (400 genes, 9 cell types x 300 cells, q=1, decay 0.8) < 3 s end to end, process start,
imports and the gzipped CSV included. Every command runs ``--repeats`` times in a fresh process; the median wall time
is printed with the ratio target / median (>= 1: met) and the median CPU time (user + system) of the process, which
shows how much of a slow wall time is other load on a shared machine. For scale, it also prints the start of a bare Python and, in
this process, the parts of a DS2 run: the simulation alone, and writing its ExpressionData.csv.gz with the command's
writer and with ``DataFrame.to_csv`` (what the command used before), with their ratio.

Run::

    python benchmarks/cli_speed.py [--repeats 5] [--json results.json]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HELP_TARGET_S = 0.5
SIMULATE_TARGET_S = 3.0
DS2 = ["--cells-per-type", "300", "--noise-params", "1", "--decay", "0.8", "--seed", "0"]
#: the technical noise of SERGIO's published DS data (integer counts at the end)
DS_NOISE = ["--outliers", "0.01", "--library-size", "4.6", "0.4", "--dropout-shape", "6.5", "--dropout-percentile",
            "82", "--counts"]


def grnular_command() -> list[str]:
    """The installed ``grnular`` script beside this interpreter, or ``python -m grnular_lib.cli``."""
    script = Path(sys.executable).with_name("grnular")
    return [str(script)] if script.exists() else [sys.executable, "-m", "grnular_lib.cli"]


def median_seconds(argv: list[str], repeats: int, fresh_output: Path | None = None) -> tuple[float, float]:
    """Median wall and CPU seconds of ``argv`` over ``repeats`` runs; with ``fresh_output``, ``-o`` a new folder
    each run."""
    wall, cpu = [], []
    for i in range(repeats):
        cmd = argv + (["-o", str(fresh_output / f"run{i}")] if fresh_output else [])
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(wall), statistics.median(cpu)


def verdict(name: str, seconds: tuple[float, float], target: float) -> dict:
    wall, cpu = seconds
    ratio = target / wall
    print(f"{name:40s} {wall:6.2f} s (CPU {cpu:5.2f} s)   target < {target:.1f} s   ratio {ratio:4.1f}   "
          f"{'met' if wall < target else 'MISSED'}")
    return {"name": name, "seconds": round(wall, 3), "cpu_seconds": round(cpu, 3), "target_s": target,
            "ratio": round(ratio, 2), "met": wall < target}


def parts_of_a_run(interactions: Path, regulators: Path, folder: Path) -> dict:
    """Seconds of the DS2 simulation alone and of writing its table with the command's writer and with pandas."""
    import numpy as np
    import pandas as pd

    from grnular_lib.simulate import cell_names, read_sergio, simulate_clean
    from grnular_lib.simulate.command import _write_csv_gz

    grn = read_sergio(interactions, regulators)
    t = time.perf_counter()
    clean = simulate_clean(grn, cells_per_type=300, noise_q=1.0, decay=0.8, seed=np.random.SeedSequence(0))
    simulate_s = time.perf_counter() - t
    B, G, C = clean.shape
    table, cells = clean.transpose(1, 0, 2).reshape(G, B * C), cell_names(B, C)
    t = time.perf_counter()
    _write_csv_gz(table, grn.genes, cells, folder / "fast.csv.gz")
    fast_s = time.perf_counter() - t
    t = time.perf_counter()
    pd.DataFrame(table, index=grn.genes, columns=cells).to_csv(folder / "pandas.csv.gz", compression="gzip",
                                                               float_format="%.6g")
    pandas_s = time.perf_counter() - t
    print(f"in process: DS2 simulation alone {simulate_s:.2f} s; writing ExpressionData.csv.gz "
          f"{fast_s:.2f} s (DataFrame.to_csv: {pandas_s:.2f} s, {pandas_s / fast_s:.1f}x slower; "
          f"{(folder / 'fast.csv.gz').stat().st_size / 1e6:.2f} MB vs "
          f"{(folder / 'pandas.csv.gz').stat().st_size / 1e6:.2f} MB)")
    return {"simulation_s": round(simulate_s, 3), "write_s": round(fast_s, 3), "pandas_write_s": round(pandas_s, 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs per command; the median is reported")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args(argv)

    from grnular_lib.data import get_manifest, resolve_file

    files = get_manifest("sergio").extra["datasets"]["DS2"]
    interactions = resolve_file(files["interactions"], dataset="SERGIO DS2")
    regulators = resolve_file(files["regulators"], dataset="SERGIO DS2")
    grnular = grnular_command()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} CPUs, load average {load:.1f}; median of {args.repeats} runs, each a fresh process")
    bare, _ = median_seconds([sys.executable, "-c", "pass"], args.repeats)
    print(f"{'python -c pass (start-up floor)':40s} {bare:6.2f} s")
    results = {"python_start_s": round(bare, 3), "commands": []}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sergio = ["simulate", "--sergio-interactions", str(interactions), "--sergio-regulators", str(regulators), *DS2]
        runs = [("grnular --help", grnular + ["--help"], HELP_TARGET_S, None),
                ("grnular simulate DS2 (clean, floats)", grnular + sergio, SIMULATE_TARGET_S, tmp / "clean"),
                ("grnular simulate DS2 (DS noise, counts)", grnular + sergio + DS_NOISE, SIMULATE_TARGET_S,
                 tmp / "noisy")]
        for name, cmd, target, out in runs:
            if out is not None:
                out.mkdir()
            results["commands"].append(verdict(name, median_seconds(cmd, args.repeats, out), target))
        results["parts"] = parts_of_a_run(interactions, regulators, tmp)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0 if all(c["met"] for c in results["commands"]) else 1


if __name__ == "__main__":
    sys.exit(main())
