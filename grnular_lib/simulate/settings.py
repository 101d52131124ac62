"""Settings of one simulation: the SERGIO engine's parameters and the technical noise to apply."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from ..errors import InputError
from .engine import NOISE_TYPES


def check_outlier_prob(prob: float) -> None:
    """Refuse an outlier-gene probability outside [0, 1]."""
    if not 0 <= prob <= 1:
        raise InputError(f"outlier_prob={prob}: the outlier-gene probability must lie in [0, 1] (SERGIO's DS data "
                         "use 0.01)")


def check_library_size(mean: float, scale: float) -> None:
    """Refuse a negative scale of the log library size."""
    if not scale >= 0:
        raise InputError(f"library_size={mean:g} {scale:g}: the scale of the log library size must be >= 0 (SERGIO's "
                         "DS data use mean 4.6, scale 0.4)")


def check_dropout(shape: float, percentile: float) -> None:
    """Refuse a dropout percentile outside [0, 100] or a shape ≤ 0."""
    if not 0 <= percentile <= 100:
        raise InputError(f"dropout_percentile={percentile}: must lie in [0, 100] (DS data: 82; paper: 25, 50, 75)")
    if not shape > 0:
        raise InputError(f"dropout_shape={shape}: must be > 0 (DS data: 6.5; paper: 20)")


@dataclass
class SimulationSettings:
    """Everything that turns a GRN into expression data (besides the seed).

    Attributes
    ----------
    cells_per_type, noise_q, decay, sampling_state, noise_type
        Engine parameters (see :func:`~grnular_lib.simulate.engine.simulate_clean`).
    outlier_prob
        Probability that a gene is an outlier (its row scaled by LogNormal(0.8, 1)); ``None``: no outliers.
    library_size
        ``(mean, scale)`` of the per-cell LogNormal library size; ``None``: no rescaling.
    dropout_shape, dropout_percentile
        Dropout logistic shape and percentile; both ``None`` (no dropout) or both set.
    counts
        Draw Poisson UMI counts at the end.
    """

    cells_per_type: int = 200
    noise_q: float = 0.1
    decay: float = 1.0
    sampling_state: int = 15
    noise_type: str = "dpd"
    outlier_prob: float | None = None
    library_size: tuple[float, float] | None = None
    dropout_shape: float | None = None
    dropout_percentile: float | None = None
    counts: bool = False

    def __post_init__(self) -> None:
        if self.noise_type not in NOISE_TYPES:
            raise InputError(f"noise_type={self.noise_type!r} is unknown; use one of {', '.join(NOISE_TYPES)}")
        if (self.dropout_shape is None) != (self.dropout_percentile is None):
            raise InputError("dropout needs both dropout_shape and dropout_percentile (e.g. 20 and 50); give both or "
                             "neither")
        if self.library_size is not None:
            if len(self.library_size) != 2:
                raise InputError(f"library_size={self.library_size!r}: give (mean, scale), e.g. (4.6, 0.4)")
            self.library_size = (float(self.library_size[0]), float(self.library_size[1]))
            check_library_size(*self.library_size)
        if self.outlier_prob is not None:
            check_outlier_prob(self.outlier_prob)
        if self.dropout_shape is not None:
            check_dropout(self.dropout_shape, self.dropout_percentile)
        self.counts = bool(self.counts)

    @property
    def has_technical_noise(self) -> bool:
        """Whether any technical noise step is set."""
        return (self.outlier_prob is not None or self.library_size is not None or self.dropout_shape is not None
                or self.counts)

    def to_dict(self) -> dict:
        """A JSON-ready dict of every setting."""
        d = asdict(self)
        if d["library_size"] is not None:
            d["library_size"] = list(d["library_size"])
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "SimulationSettings":
        """Settings from :meth:`to_dict`'s output; an unknown key raises :class:`InputError` listing the valid ones."""
        valid = [f.name for f in fields(cls)]
        unknown = sorted(set(d) - set(valid))
        if unknown:
            raise InputError(f"unknown simulation setting(s) {unknown}; valid settings are {', '.join(valid)}")
        d = dict(d)
        if d.get("library_size") is not None:
            d["library_size"] = tuple(d["library_size"])
        return cls(**d)

    @classmethod
    def ds(cls, cells_per_type: int = 300) -> "SimulationSettings":
        """SERGIO's DS1–DS3 settings (9 cell types from the files × 300 cells, q=1, decay 0.8, S=15, 'dpd') with
        the DS technical noise: outliers 0.01, library size (4.6, 0.4), dropout (6.5, 82), counts."""
        return cls(cells_per_type=cells_per_type, noise_q=1.0, decay=0.8, sampling_state=15, noise_type="dpd",
                   outlier_prob=0.01, library_size=(4.6, 0.4), dropout_shape=6.5, dropout_percentile=82.0,
                   counts=True)

    @classmethod
    def paper_clean(cls, cells_per_type: int = 200) -> "SimulationSettings":
        """The paper's clean training/test data (§3.2.1): q=0.1, decay 1, S=15, 'dpd', no technical noise."""
        return cls(cells_per_type=cells_per_type)

    @classmethod
    def paper_dropout(cls, percentile: float, cells_per_type: int = 200) -> "SimulationSettings":
        """The paper's noisy data (§3.2.2): clean settings plus dropout with shape 20 at ``percentile``."""
        return cls(cells_per_type=cells_per_type, dropout_shape=20.0, dropout_percentile=float(percentile))
