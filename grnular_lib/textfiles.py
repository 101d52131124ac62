"""Small text inputs (TF lists, SERGIO's GRN files) read whole, with one clear line for each way they can be wrong."""
from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from .errors import InputError

#: The first bytes of a gzip stream.
GZIP_MAGIC = b"\x1f\x8b"


def read_text_file(path: Path, what: str, expected: str) -> str:
    """The text of a small file, gzip-compressed or not, a UTF-8 byte-order mark dropped.

    Parameters
    ----------
    path
        The file.
    what
        What the file is, for messages (e.g. ``"TF file"``).
    expected
        What to give instead, for messages (e.g. ``"a plain text file with one TF symbol per line"``).

    Raises
    ------
    InputError
        The path is missing or a folder, the gzip stream is damaged, or the bytes are not UTF-8 text (NUL bytes
        included).
    """
    if path.is_dir():
        raise InputError(f"{what} {path} is a folder; give {expected}")
    if not path.exists():
        raise InputError(f"{what} {path} does not exist; give {expected}")
    raw = path.read_bytes()
    if raw.startswith(GZIP_MAGIC):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"{what} {path} is a damaged gzip file ({exc}); give {expected}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = "\x00"
    if "\x00" in text:
        raise InputError(f"{what} {path} is not a text file; give {expected}")
    return text
