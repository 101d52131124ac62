"""Exceptions raised on bad input.

Every message names the problem and the fix, so that a notebook or the command line can show it as it is.
"""
from __future__ import annotations


class GRNularError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(GRNularError, ValueError):
    """Input data (expression, TF list, network, parameters) that cannot be used as given."""


class DataUnavailableError(GRNularError, FileNotFoundError):
    """A dataset or file that cannot be found locally and cannot be downloaded."""


class ChecksumError(GRNularError, OSError):
    """A data file whose sha256 does not match its manifest."""


class CheckpointError(GRNularError, ValueError):
    """A checkpoint that is missing, unsafe, for another model or for an incompatible library version."""


class TrainingError(GRNularError, RuntimeError):
    """Meta-training that cannot go on (e.g. a non-finite loss), named with the problem that caused it."""
