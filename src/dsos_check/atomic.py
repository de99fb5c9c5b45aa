"""The one way files are written: atomically when the path is (or will be) a regular file, and
straight through when it is anything else.

A report or evidence path may name a FIFO, a character device (`/dev/null`), or `/dev/stdout`,
which is a link into `/proc`: replacing those with a regular file would break the system (as
root) or print nothing, so they are opened and written like any stream. A regular file is
replaced by a temp file and a rename, keeping its mode (and owner, when allowed); a symbolic
link keeps pointing at its target, which is what gets replaced.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

# Paths under these are kernel interfaces, never files to replace.
_SPECIAL_ROOTS = ("/dev/", "/proc/")


def _through(path: str, data: bytes) -> None:
    # O_TRUNC makes a regular file behind /dev/stdout start empty; FIFOs and devices ignore it.
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC | os.O_CREAT, 0o666)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _special(path: str, real: str, existing: os.stat_result | None) -> bool:
    if existing is None:
        return path.startswith(_SPECIAL_ROOTS)
    if not stat.S_ISREG(existing.st_mode):
        return True
    if real.startswith(_SPECIAL_ROOTS) or path.startswith(_SPECIAL_ROOTS):
        return True
    try:
        target = os.stat(real)
    except OSError:
        return True  # a magic link (`/proc/self/fd/1` → `pipe:[…]`) has no real path
    return (target.st_dev, target.st_ino) != (existing.st_dev, existing.st_ino)


def atomic_write(
    path: str | os.PathLike[str],
    data: str | bytes,
    *,
    new_mode: int | None = None,
    durable: bool = False,
) -> None:
    """Write `data` (str is UTF-8) to `path`, respecting what is already there.

    `new_mode` is the mode of a file that did not exist (default: 0666 less the umask);
    `durable` fsyncs before the rename. Raises OSError; a temp file never survives a failure.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    name = os.fspath(path)
    try:
        existing: os.stat_result | None = os.stat(name)
    except FileNotFoundError:
        existing = None
    real = os.path.realpath(name)
    if _special(name, real, existing):
        _through(name, raw)
        return
    if existing is not None:
        mode = stat.S_IMODE(existing.st_mode)
    elif new_mode is not None:
        mode = new_mode
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    target = Path(real)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(temp, mode)
        if existing is not None:
            with contextlib.suppress(OSError):  # only root may give a file away
                os.chown(temp, existing.st_uid, existing.st_gid)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
