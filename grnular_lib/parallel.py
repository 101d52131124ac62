"""Dask clients for the parts that run in parallel: the per-target fits of GRNBoost2 and GENIE3, and the simulation
of training corpora.

Both give the same results on a Dask cluster as serially (every target and every simulated graph has its own seed),
so where they run is a matter of speed only. :func:`dask_client` is what ``grnular infer`` and ``grnular train`` use
for ``--workers`` and ``--scheduler``; :func:`local_client` starts the local cluster, quietly.
"""
from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .errors import InputError

if TYPE_CHECKING:
    from distributed import Client

#: seconds to wait for a scheduler named by address before giving up
CONNECT_TIMEOUT_S = 10


def check_workers(workers: int, option: str = "workers") -> int:
    """``workers`` as an int ≥ 1; one :class:`InputError` line otherwise."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InputError(f"{option} must be a whole number of at least 1 (1 runs in this process); got {workers!r}")
    return workers


def local_client(workers: int) -> Client:
    """A client of a new local cluster of ``workers`` single-threaded worker processes, its dashboard on a free port
    (``client.dashboard_link``; Dask's default 8787 may be taken by another cluster, which Dask would announce), and
    without start-up logging; closing the client stops the cluster."""
    from distributed import Client

    check_workers(workers)
    return Client(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                  silence_logs=logging.ERROR)


def add_parallel_options(p: argparse.ArgumentParser, what: str) -> None:
    """Add ``--workers`` and ``--scheduler`` to a command: where its parallel part ``what`` runs (for
    :func:`dask_client`)."""
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=1, metavar="N",
                       help=f"{what} on N local worker processes (Dask; default 1: in this process); the result is "
                            "the same")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help=f"{what} on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786, as `dask "
                            "scheduler` prints it; its workers need grnular installed); the result is the same")


def _check_reachable(scheduler: str) -> None:
    """One :class:`InputError` line unless ``scheduler`` is a Dask address whose host accepts connections (checked
    with a plain socket for ``tcp://``, so that a failed ``Client`` does not linger and print at exit)."""
    import socket

    from distributed.comm import parse_address, parse_host_port
    from distributed.comm.registry import backends

    try:
        scheme, location = parse_address(str(scheduler))
        if scheme not in backends:
            raise ValueError(f"unknown scheme {scheme!r}; Dask knows {', '.join(sorted(backends))}")
        host, port = parse_host_port(location) if scheme in ("tcp", "tls") else (None, None)
    except (ValueError, TypeError) as exc:
        raise InputError(f"{scheduler!r} is not a Dask scheduler address ({exc}); pass it as `dask scheduler` prints "
                         "it, e.g. tcp://10.0.0.5:8786") from None
    if host is None:
        return
    try:
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        raise InputError(f"no Dask scheduler answered at {scheduler} ({exc.strerror or exc}); start one (`dask "
                         "scheduler`, then `dask worker ADDRESS` on each machine) and pass the address it prints, or "
                         "use local worker processes instead") from None


@contextmanager
def dask_client(scheduler: str | None = None, workers: int = 1) -> Iterator[Client | None]:
    """The Dask client a command runs its parallel parts on, closed on exit.

    Parameters
    ----------
    scheduler
        Address of a running Dask scheduler (``tcp://host:8786``, as ``dask scheduler`` prints it); its workers
        must have this package installed.
    workers
        With no ``scheduler``: 1 runs serially in this process (``None`` is yielded); 2 or more start a local cluster
        of that many single-threaded worker processes for the duration.

    Raises
    ------
    InputError
        Both given, ``workers`` not a whole number ≥ 1, or no scheduler answering at ``scheduler``.
    """
    check_workers(workers)
    if scheduler is not None and workers != 1:
        raise InputError("give a scheduler address or a number of local workers, not both (a scheduler's workers are "
                         "started with it)")
    if scheduler is None:
        if workers == 1:
            yield None
            return
        client = local_client(workers)
    else:
        from distributed import Client

        _check_reachable(scheduler)
        client = Client(scheduler, timeout=f"{CONNECT_TIMEOUT_S}s")
    try:
        yield client
    finally:
        client.close()
