"""Output paths of the commands: checked before any work starts, written completely or not at all.

An output must not be one of the inputs, must lie in a folder that exists (or can be created) and is writable, and
is written under a temporary name in its final folder and renamed when complete. Files get the mode the user's umask
gives, as any other program's output would.
"""
from __future__ import annotations

import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from .errors import GRNularError, InputError


def current_umask() -> int:
    """The process's umask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _is_same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_output(path: str | os.PathLike, *, option: str = "-o", inputs: Iterable[str | os.PathLike | None] = (),
                 directory: bool = False, example: str = "out.tsv") -> Path:
    """Refuse an output path that cannot be written, before any work is done.

    Parameters
    ----------
    path
        The output file (or folder, with ``directory=True``).
    option
        The option that named it, for messages.
    inputs
        Input paths of the command (``None`` entries are skipped): the output may not be any of them (links and
        hard links resolved).
    directory
        The output is a folder (a file of that name is refused); otherwise a file (a folder of that name is refused).
    example
        A file name to suggest inside a folder given where a file was expected.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    if str(path) in ("", "-"):
        what = "is empty" if str(path) == "" else "- (standard output) is not supported"
        raise InputError(f"{option} {what}; give the path of the {'folder' if directory else 'file'} to write")
    if not directory and str(path).endswith(("/", os.sep)) and not Path(path).is_dir():
        raise InputError(f"{option} {path} ends in a slash, which names a folder; give the path of the file to "
                         f"write, e.g. {Path(path) / example}")
    path = Path(path)
    if path.exists() and not path.is_dir() and not path.is_file():
        raise InputError(f"{option} {path} is not a regular file (a device, pipe or socket); give the path of a "
                         f"{'folder' if directory else 'file'} to write")
    for given in inputs:
        if given is not None and _is_same_file(path, Path(given)):
            raise InputError(f"{option} {path} is the input file {given}; writing there would destroy it. Choose "
                             "another output path")
    if directory and path.exists() and not path.is_dir():
        raise InputError(f"{option} {path} exists and is not a directory; give a directory to write into")
    if not directory and path.is_dir():
        raise InputError(f"{option} {path} is a directory; give the path of the file to write, e.g. "
                         f"{path / example}")
    folder = path if directory and path.is_dir() else path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise InputError(f"{option} {path}: {folder} is a file, not a directory, so nothing can be written under it; "
                         "choose another output path")
    try:
        fd, probe = tempfile.mkstemp(prefix=".grnular-write-test.", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise InputError(f"{option} {path}: cannot write in {folder} ({exc.strerror or exc}); choose a writable "
                         "location") from None
    return path


def refuse_foreign_file(path: Path, header: str, *, option: str = "-o", what: str = "a file") -> None:
    """Refuse to replace an existing ``path`` whose first line is not ``header``, the first line of what the command
    writes (``what``, e.g. ``"an edge list"``, names it in the message): a rerun replaces its own earlier output, and
    an empty file (e.g. made by ``mktemp``) holds nothing to lose, while any other file (an input of another run, a
    truth network, an AnnData) is kept unless the user passes ``--overwrite``. gzip-compressed files are read as such;
    an unreadable or binary file is foreign."""
    import gzip

    from .textfiles import GZIP_MAGIC

    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        with open(path, "rb") as fh:
            start = fh.read(2)
        opener = gzip.open if start == GZIP_MAGIC else open
        with opener(path, "rt", encoding="utf-8", errors="strict") as fh:
            first = fh.readline().rstrip("\r\n")
    except (OSError, EOFError, UnicodeDecodeError):
        first = None
    if first != header:
        raise InputError(f"{option} {path} already exists and is not {what} written by this command; pass "
                         "--overwrite to replace it, or choose another output path")


@contextmanager
def signals_held() -> Iterator[None]:
    """Ignore Ctrl-C (SIGINT) and SIGTERM within the block, in the main thread (elsewhere signals cannot be set).

    For the moment when finished files are renamed into place: the work is complete by then, and an interruption
    between two renames would leave a mix of old and new files.
    """
    held = (signal.SIGINT, signal.SIGTERM) if threading.current_thread() is threading.main_thread() else ()
    previous = {sig: signal.signal(sig, lambda signum, frame: None) for sig in held}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file next to ``path``, then rename it to ``path``.

    Nothing is left behind when ``write`` fails (an exception, a full disk, Ctrl-C, or SIGTERM under the ``grnular``
    command): ``path`` is either untouched or complete, and folders created for it are removed again. A ``path`` that
    is a symbolic link is written through (the link stays). An :class:`OSError` (e.g. no space left) is raised again
    naming ``path`` rather than the temporary file. The file gets the mode the user's umask gives, as any other
    program's output would (``mkstemp`` alone would leave it private).

    Parameters
    ----------
    path
        The final file; its folder is created when missing.
    write
        Writes the content to the temporary path it is given.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    atomic_write_together([path], lambda tmp: write(tmp[path]))
    return path


def atomic_write_together(paths: Sequence[str | os.PathLike], write: Callable[[dict[Path, Path]], None]) -> None:
    """Write several files all or none: ``write`` fills a temporary file next to each path, then all are renamed.

    As :func:`atomic_write`, for files that belong together (a checkpoint, its card and its validation curve): when
    ``write`` fails every path is as it was; the renames run with Ctrl-C and SIGTERM held back
    (:func:`signals_held`), so an interruption leaves either the old files or the new ones.

    Parameters
    ----------
    paths
        The final files; their folders are created when missing.
    write
        Called once with a mapping from each path (as a :class:`pathlib.Path`) to the temporary file to write for it.
    """
    paths = [Path(p) for p in paths]
    # Write through a symbolic link (the link stays).
    targets = [Path(os.path.realpath(p)) if p.is_symlink() else p for p in paths]
    created = list(dict.fromkeys(d for t in targets for d in (t.parent, *t.parent.parents) if not d.exists()))
    temporary: dict[Path, Path] = {}
    current = paths[0] if paths else None
    try:
        for path, target in zip(paths, targets):
            current = path
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
            os.close(fd)
            temporary[path] = Path(tmp)
        current = paths[0] if len(paths) == 1 else None
        write(temporary)
        with signals_held():
            for path, target in zip(paths, targets):
                current = path
                os.chmod(temporary[path], 0o666 & ~current_umask())
                os.replace(temporary[path], target)
                del temporary[path]
    except OSError as exc:
        if exc.errno is None or isinstance(exc, GRNularError):  # this library's own errors pass as they are
            raise
        named = next((p for p, t in temporary.items() if str(t) == exc.filename), current or exc.filename)
        raise OSError(exc.errno, exc.strerror or str(exc), str(named)) from None
    finally:
        for tmp in temporary.values():
            if tmp.exists():
                tmp.unlink()
        for folder in sorted(created, key=lambda d: len(d.parts), reverse=True):  # innermost first, only while empty
            try:
                folder.rmdir()
            except OSError:
                pass
