"""The SERGIO steady-state engine, vectorised (SERGIO_MODEL.md).

Genes are simulated level by level (regulators before their targets). Within a level, every gene of every graph in
the call and every cell type advance together: the production rates of the whole level for a block of time steps
come from one Hill evaluation over the regulators' stored trajectories and one sparse product; only the
Euler–Maruyama recurrence itself loops over time steps.

Randomness is per graph (its own ``numpy.random.Generator``, drawn in a fixed order and in fixed blocks of
:data:`STEP_BLOCK` steps), so a graph gives the same cells whether it is simulated alone or batched with others.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from ..environment import check_fits_in_memory
from ..errors import InputError
from .graph import GRN

NOISE_TYPES = ("sp", "spd", "dpd")
STEP_BLOCK = 250
"""Time steps integrated per block; fixed so that the random stream of a graph never depends on the batch."""
HILL_BLOCK = 50
"""Time steps per evaluation of the regulators' Hill responses (memory only; results do not depend on it)."""


#: the largest decay × dt accepted: beyond it the Euler–Maruyama steps overshoot the steady state (at decay × dt = 1
#: the mean came out 32 % high, at 10 six times too high)
MAX_DECAY_STEP = 0.5


def _check_parameters(cells_per_type: int, noise_q: float, decay: float, sampling_state: int, noise_type: str,
                      dt: float) -> None:
    if int(cells_per_type) != cells_per_type or cells_per_type < 1:
        raise InputError(f"cells_per_type={cells_per_type}: give a positive whole number of cells per cell type")
    if int(sampling_state) != sampling_state or sampling_state < 1:
        raise InputError(f"sampling_state={sampling_state}: give a positive whole number (SERGIO uses 15)")
    if not noise_q >= 0:
        raise InputError(f"noise_q={noise_q}: the noise amplitude must be >= 0 (0.1 in the paper, 1 for DS1-3)")
    if not decay > 0:
        raise InputError(f"decay={decay}: the decay rate must be > 0 (1 in the paper, 0.8 for DS1-3)")
    if not dt > 0:
        raise InputError(f"dt={dt}: the time step must be > 0 (SERGIO uses 0.01)")
    if decay * dt > MAX_DECAY_STEP:
        raise InputError(f"decay={decay}: with the time step {dt} each step would remove {decay * dt:.0%} of the "
                         f"expression (at most {MAX_DECAY_STEP:.0%} keeps the Euler steps accurate), so decay must be "
                         f"at most {MAX_DECAY_STEP / dt:g}; the steady state depends on rate / decay, so scale the "
                         "basal rates down instead")
    if noise_type not in NOISE_TYPES:
        raise InputError(f"noise_type={noise_type!r} is unknown; use one of {', '.join(NOISE_TYPES)} (paper: 'dpd')")


def _graph_seeds(n_graphs: int, seed, single: bool) -> list:
    """One seed per graph: the seed itself for one graph, spawned children of an int seed, or a given sequence."""
    if single:
        return [seed]
    if isinstance(seed, np.random.SeedSequence):
        return seed.spawn(n_graphs)
    if isinstance(seed, (int, np.integer)):
        return np.random.SeedSequence(int(seed)).spawn(n_graphs)
    seeds = list(seed)
    if len(seeds) != n_graphs:
        raise InputError(f"{len(seeds)} seeds for {n_graphs} graphs; give one seed per graph or a single int seed")
    return seeds


def _hill(x: np.ndarray, h: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Activating Hill response x^n / (h^n + x^n), 0 where both are 0; ``h``/``n`` broadcast on the last axis."""
    if np.all(n == 2.0):
        xn = x * x
        hn = (h * h).astype(xn.dtype)
    else:
        xn = np.power(x, n.astype(x.dtype))
        hn = np.power(h, n).astype(xn.dtype)
    denom = xn + hn
    return np.divide(xn, denom, out=xn, where=denom > 0)  # where denom == 0, x == 0 and xn is already 0


class _Batch:
    """Several GRNs laid side by side on one flat gene axis."""

    def __init__(self, grns: list[GRN]):
        sizes = np.array([g.n_genes for g in grns])
        self.offsets = np.concatenate([[0], np.cumsum(sizes)])
        self.n_genes = int(self.offsets[-1])
        self.graph_of = np.repeat(np.arange(len(grns)), sizes)
        self.level = np.concatenate([g.levels() for g in grns])
        off = [np.full(g.regulator.size, o) for g, o in zip(grns, self.offsets[:-1])]
        self.regulator = np.concatenate([g.regulator for g in grns] + [np.zeros(0, np.int64)]) + np.concatenate(
            off + [np.zeros(0, np.int64)])
        self.target = np.concatenate([g.target for g in grns] + [np.zeros(0, np.int64)]) + np.concatenate(
            off + [np.zeros(0, np.int64)])
        self.K = np.concatenate([g.K for g in grns] + [np.zeros(0)])
        self.hill = np.concatenate([g.hill for g in grns] + [np.zeros(0)])
        B = grns[0].n_cell_types
        self.rates = np.zeros((self.n_genes, B))
        for g, o in zip(grns, self.offsets[:-1]):
            self.rates[o + g.master_regulators] = g.basal_rates
        is_reg = np.zeros(self.n_genes, dtype=bool)
        is_reg[self.regulator] = True
        self.slot = np.full(self.n_genes, -1)
        self.slot[is_reg] = np.arange(int(is_reg.sum()))
        self.n_regulators = int(is_reg.sum())


def simulate_clean(grn: GRN | Sequence[GRN], *, cells_per_type: int, noise_q: float = 0.1, decay: float = 1.0,
                   sampling_state: int = 15, noise_type: str = "dpd", dt: float = 0.01,
                   seed: int | np.random.SeedSequence | Sequence = 0) -> np.ndarray | list[np.ndarray]:
    """Simulate steady-state cells of one or several GRNs with the SERGIO model, without technical noise.

    Per level (highest first), gene and cell type: half responses are the regulators' sampled means averaged over
    cell types; ``x(0) = P_ss / λ`` from the regulators' mean expression in that cell type; ``N = sampling_state ·
    cells_per_type`` Euler–Maruyama steps of ``dx = (P − λx) dt + η √dt``, clipped at 0, a target driven by its
    regulators' values at the same step; ``cells_per_type`` step indices drawn once (per graph) and used for every
    gene and cell type.

    Parameters
    ----------
    grn
        A GRN, or several with the same number of cell types (simulated together, results identical to one by one
        when given the same per-graph seeds).
    cells_per_type
        Cells sampled per cell type.
    noise_q, decay, sampling_state, noise_type, dt
        SERGIO's noise amplitude q, decay rate λ, sampling state S, intrinsic noise type (``'sp'``: q√P ξ;
        ``'spd'``: q(√P + √(λx)) ξ; ``'dpd'``: q√P ξ₁ + q√(λx) ξ₂) and Euler step.
    seed
        For one GRN: the seed of its generator. For several: an int or ``SeedSequence`` whose spawned children seed
        the graphs in order, or a sequence with one seed per graph.

    Returns
    -------
    numpy.ndarray or list of numpy.ndarray
        ``(n_cell_types, n_genes, cells_per_type)`` float32 per graph (a list when a sequence of GRNs was given).
    """
    _check_parameters(cells_per_type, noise_q, decay, sampling_state, noise_type, dt)
    single = isinstance(grn, GRN)
    grns = [grn] if single else list(grn)
    if not grns:
        raise InputError("no GRN given; pass a GRN or a non-empty list of GRNs")
    if any(not isinstance(g, GRN) for g in grns):
        raise InputError("simulate_clean takes GRN objects; build them with random_grn or read_sergio")
    n_types = {g.n_cell_types for g in grns}
    if len(n_types) != 1:
        raise InputError(f"GRNs with different numbers of cell types {sorted(n_types)} in one call; simulate graphs "
                         "with the same number of cell types together")
    rngs = [np.random.default_rng(s) for s in _graph_seeds(len(grns), seed, single)]
    C, N, B = int(cells_per_type), int(sampling_state) * int(cells_per_type), n_types.pop()
    batch = _Batch(grns)
    check_fits_in_memory(4.0 * (3 * B * batch.n_genes * C + N * B * batch.n_regulators),
                         f"simulating {B:,} cell types × {batch.n_genes:,} genes × {C:,} cells per type (sampling "
                         f"state {sampling_state:,})", "use fewer genes, cell types or cells per type, or a smaller "
                         "sampling state")  # the output and its noisy copies, and the regulators' stored states
    cells = [rng.integers(0, N, size=C) for rng in rngs]
    out = np.empty((B, batch.n_genes, C), dtype=np.float32)
    store = np.empty((N, B, batch.n_regulators), dtype=np.float32)
    means = np.zeros((batch.n_genes, B))
    for level in range(int(batch.level.max()), -1, -1):
        _simulate_level(np.flatnonzero(batch.level == level), batch, rngs, cells, out, store, means,
                        q=noise_q, decay=decay, dt=dt, noise_type=noise_type)
    result = [out[:, a:b, :].copy() for a, b in zip(batch.offsets[:-1], batch.offsets[1:])]
    return result[0] if single else result


def _euler_maruyama(x: np.ndarray, drift: np.ndarray, diffusion: np.ndarray | None, keep: np.float32) -> np.ndarray:
    """Steps ``x ← max(0, keep · x + drift[i] + diffusion[i] · √x)`` for each step ``i`` of a block.

    Returns the trajectory ``x(t0) … x(t0+T−1)`` as ``(T, …)`` float32 and leaves ``x(t0+T)`` in ``x``.
    """
    traj = np.empty(drift.shape, dtype=np.float32)
    tmp = np.empty_like(x)
    for i in range(drift.shape[0]):
        traj[i] = x
        np.multiply(x, keep, out=x)
        x += drift[i]
        if diffusion is not None:
            np.sqrt(traj[i], out=tmp)
            tmp *= diffusion[i]
            x += tmp
        np.maximum(x, 0, out=x)
    return traj


def _simulate_level(genes: np.ndarray, batch: _Batch, rngs: list, cells: list, out: np.ndarray, store: np.ndarray,
                    means: np.ndarray, *, q: float, decay: float, dt: float, noise_type: str) -> None:
    """Integrate every gene of one level (all graphs, all cell types) and record snapshots, trajectories and means."""
    N, B, _ = store.shape
    g = genes.size
    col = np.full(batch.n_genes, -1)
    col[genes] = np.arange(g)
    edges = np.flatnonzero(col[batch.target] >= 0)
    reg = batch.regulator[edges]
    K = batch.K[edges].astype(np.float32)
    n = batch.hill[edges]
    half = means[reg].mean(axis=1)
    W = sp.csr_matrix((K, (col[batch.target[edges]], np.arange(edges.size))), shape=(g, edges.size))
    # constant part per (type, gene): MR rates, plus |K| of repressive edges (1 − H = 1 − x^n/(h^n+x^n))
    base = batch.rates[genes].T.copy()
    base += np.bincount(col[batch.target[edges]], weights=np.where(K < 0, -K, 0.0), minlength=g)[None, :]
    base = base.astype(np.float32)
    p_ss = base + (W @ _hill(means[reg].T.astype(np.float32), half, n).T).T if edges.size else base
    x = (np.maximum(p_ss, 0) / decay).astype(np.float32)  # (B, g)

    graph_ids = batch.graph_of[genes]
    per_graph = [(k, np.flatnonzero(graph_ids == k)) for k in np.unique(graph_ids)]
    n_draws = 2 if noise_type == "dpd" else 1
    sq_dt_q = np.float32(np.sqrt(dt) * q)
    keep = np.float32(1.0 - dt * decay)
    slots = batch.slot[genes]
    reg_cols = np.flatnonzero(slots >= 0)
    for t0 in range(0, N, STEP_BLOCK):
        T = min(STEP_BLOCK, N - t0)
        P = np.broadcast_to(base, (T, B, g)).copy()
        for s0 in range(0, T if edges.size else 0, HILL_BLOCK):  # sub-blocks bound the (steps, types, edges) arrays
            s1 = min(T, s0 + HILL_BLOCK)
            H = _hill(store[t0 + s0:t0 + s1][:, :, batch.slot[reg]], half, n).reshape((s1 - s0) * B, edges.size)
            P[s0:s1] += (W @ H.T).T.reshape(s1 - s0, B, g)
        np.maximum(P, 0, out=P)
        xi = [rngs[k].standard_normal((n_draws, T, B, cols.size), dtype=np.float32) for k, cols in per_graph]
        xi = xi[0] if len(xi) == 1 else np.concatenate(xi, axis=3)
        drift = P * np.float32(dt) + sq_dt_q * np.sqrt(P) * xi[0]
        if noise_type == "sp":
            diffusion = None
        else:
            diffusion = (sq_dt_q * np.float32(np.sqrt(decay))) * xi[-1]  # ξ₂ for 'dpd', the same ξ for 'spd'
        traj = _euler_maruyama(x, drift, diffusion, keep)
        if reg_cols.size:
            store[t0:t0 + T][:, :, slots[reg_cols]] = traj[:, :, reg_cols]
        for k, cols in per_graph:
            pos = np.flatnonzero((cells[k] >= t0) & (cells[k] < t0 + T))
            if pos.size:
                out[:, genes[cols][:, None], pos[None, :]] = traj[cells[k][pos] - t0][:, :, cols].transpose(1, 2, 0)
    means[genes] = out[:, genes, :].mean(axis=2).T


def steady_state_means(grn: GRN, *, decay: float = 1.0, regulator_means: np.ndarray | None = None) -> np.ndarray:
    """Steady-state means ``P_ss / λ`` per cell type and gene, ``(n_cell_types, n_genes)``.

    Without ``regulator_means``: the deterministic skeleton of :func:`simulate_clean`, level by level, each target's
    production evaluated at its regulators' steady-state means (half responses: those means averaged over cell
    types). With ``regulator_means`` (``(n_cell_types, n_genes)``, e.g. simulated per-type means): each target's
    ``P_ss / λ`` evaluated at the given means of its regulators, as the engine's ``x(0)`` is.
    """
    if not decay > 0:
        raise InputError(f"decay={decay}: the decay rate must be > 0")
    plug_in = regulator_means is not None
    if plug_in:
        regulator_means = np.asarray(regulator_means, dtype=np.float64)
        if regulator_means.shape != (grn.n_cell_types, grn.n_genes):
            raise InputError(f"regulator_means has shape {regulator_means.shape}; give (cell types, genes) = "
                             f"{(grn.n_cell_types, grn.n_genes)}")
    means = regulator_means.T.copy() if plug_in else np.zeros((grn.n_genes, grn.n_cell_types))
    result = np.zeros((grn.n_genes, grn.n_cell_types))
    result[grn.master_regulators] = grn.basal_rates / decay
    if not plug_in:
        means = result
    level = grn.levels()
    for lv in range(int(level.max()) - 1, -1, -1):
        edges = np.flatnonzero(level[grn.target] == lv)
        reg, tgt = grn.regulator[edges], grn.target[edges]
        H = _hill(means[reg].T, means[reg].mean(axis=1), grn.hill[edges])  # (B, E)
        contribution = np.where(grn.K[edges] > 0, grn.K[edges] * H, -grn.K[edges] * (1 - H)) / decay
        for b in range(grn.n_cell_types):
            np.add.at(result[:, b], tgt, contribution[b])
    return result.T
