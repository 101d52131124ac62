"""Small text inputs (TF lists, SERGIO's GRN files) read whole, with one clear line for each way they can be wrong."""
from __future__ import annotations

import difflib
import gzip
import zlib
from pathlib import Path

from .errors import InputError

#: The first bytes of a gzip stream.
GZIP_MAGIC = b"\x1f\x8b"


def missing_file(path: Path, what: str) -> str:
    """The start of the message for a file that does not exist: ``"{what} {path} does not exist"``, followed by the
    closest names in its folder when there are any (``TFs.csv`` for ``tfs.csv``; ``tfs.txt`` for ``TFs.txt``), as a
    typed name is often one letter or one case away from the file meant."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        names = sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    except OSError:
        names = []
    folded = {n.lower(): n for n in names}
    close = [n for n in names if Path(n).stem.lower() == path.stem.lower() and n != path.name]
    close += [folded[n] for n in difflib.get_close_matches(path.name.lower(), list(folded), n=3, cutoff=0.75)
              if folded[n] not in close]
    hint = f" (in that folder: {', '.join(close[:3])})" if close else ""
    return f"{what} {path} does not exist{hint}"


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
        raise InputError(f"{missing_file(path, what)}; give {expected}")
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
