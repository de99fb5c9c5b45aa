"""Freed memory given back to the system (glibc's `malloc_trim`), where holding it would count.

glibc keeps most memory a process frees mapped, for reuse: after a large evidence file is read
(its bytes, a version-1 file's migration) or dropped once judged, tens of MiB stay resident though
nothing uses them. A forked child would start with them in its resident memory and fill them with
copies of its own, and rendering the report would add to them rather than reuse them. With
another C library there is nothing to call, and nothing is done.
"""

from __future__ import annotations

__all__ = ["release_free_memory"]


def release_free_memory() -> None:
    """Return the C heap's free pages to the system (a few milliseconds; never raises)."""
    import ctypes  # only here: nothing else needs it

    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (AttributeError, OSError):  # not glibc (musl, macOS): no such function
        return
