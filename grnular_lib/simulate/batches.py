"""Run independent batches of simulation work serially or on a Dask cluster, with the same results either way."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def run_batches(fn: Callable[..., list], batch_args: Sequence[tuple], sizes: Sequence[int], *, client: Any = None,
                bar: Any = None) -> list:
    """``fn(*args)`` for every ``args`` in ``batch_args``, concatenated in batch order.

    Parameters
    ----------
    fn
        A module-level function (Dask pickles it) returning a list per batch.
    batch_args
        The arguments of each batch.
    sizes
        Items per batch, for the progress bar.
    client
        A ``distributed.Client`` or a scheduler address; ``None`` runs serially in this process.
    bar
        A tqdm bar advanced by ``sizes[k]`` when batch ``k`` is done, or ``None``.
    """
    results: dict[int, list] = {}
    if client is None:
        for k, args in enumerate(batch_args):
            results[k] = fn(*args)
            if bar is not None:
                bar.update(sizes[k])
    else:
        from distributed import Client, as_completed

        own = isinstance(client, str)
        dask_client = Client(client) if own else client
        try:
            futures = {dask_client.submit(fn, *args, pure=False): k for k, args in enumerate(batch_args)}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if bar is not None:
                    bar.update(sizes[futures[future]])
        finally:
            if own:
                dask_client.close()
    return [item for k in range(len(batch_args)) for item in results[k]]
