"""The on-disk HTTP cache: immutable registry objects, ETag revalidation, short-lived Hub answers."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import platformdirs

from dsos_check.atomic import atomic_write
from dsos_check.collect.wire import wire_header_text
from dsos_check.models import CacheUse

CACHE_FORMAT = 1
# Docker Hub answers carry no validators, so any reuse could hide a change a maintainer just made;
# by default they are never reused (--cache-ttl lets batch reviewers trade freshness for requests).
DEFAULT_SHORT_TTL = 0.0
MAX_ENTRY_BYTES = 8 * 1024 * 1024
# A stored entry is the body in base64 plus a little JSON.
_MAX_FILE_BYTES = MAX_ENTRY_BYTES * 4 // 3 + 64 * 1024
# Headers worth keeping: what the clients read, and the validators.
KEPT_HEADERS = (
    "content-type",
    "docker-content-digest",
    "etag",
    "last-modified",
)


# Answers worth keeping besides 200: "not found" is an answer too (for the short time only).
CACHEABLE_STATUSES = frozenset({200, 404})


class CacheMode(StrEnum):
    """How a request may use the cache."""

    IMMUTABLE = "immutable"  # content-addressed (a digest in the URL): reuse forever
    REVALIDATE = "revalidate"  # reuse only after a 304 to If-None-Match / If-Modified-Since
    SHORT = "short"  # reuse for the configured time, then revalidate if validators exist


@dataclass(frozen=True)
class Entry:
    """A stored 200 answer."""

    url: str
    headers: dict[str, str]
    body: bytes
    stored_at: float
    status: int = 200

    @property
    def validators(self) -> dict[str, str]:
        """Conditional-request headers for revalidating this entry."""
        found = {}
        for header, name in (("etag", "If-None-Match"), ("last-modified", "If-Modified-Since")):
            value = wire_header_text(self.headers.get(header))
            if value is not None:  # an entry stored by an older version may hold anything
                found[name] = value
        return found


def default_cache_dir() -> Path:
    """`DSOS_CACHE_DIR`, else the user cache directory of the platform."""
    override = os.environ.get("DSOS_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("dsos-check"))


def cache_key(method: str, url: str, identity: str = "") -> str:
    """A file name for a request: a hash of method, URL and who asked (never a secret)."""
    material = f"{CACHE_FORMAT}\n{method.upper()}\n{url}\n{identity}".encode()
    return hashlib.sha256(material).hexdigest()


def _own_file(path: Path, *, missing_ok: bool = False) -> bool:
    """Whether `path` is a cache file we may trust: its shard directory is a real directory, not
    a symbolic link planted to lead reads and writes elsewhere, and it is no link itself."""
    try:
        shard = os.lstat(path.parent)
    except OSError:
        return False
    if not stat.S_ISDIR(shard.st_mode):
        return False
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return missing_ok
    except OSError:
        return False


class HttpCache:
    """A directory of JSON files, one per request; anything unreadable is ignored, not fatal."""

    def __init__(
        self,
        directory: Path,
        *,
        short_ttl: float = DEFAULT_SHORT_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.directory = directory / f"http-v{CACHE_FORMAT}"
        self.short_ttl = short_ttl
        self._clock = clock
        self.hits = 0
        self.revalidated = 0
        self.stored = 0
        # When each reused answer that could have changed since (not content-addressed) was stored.
        self._reused_at: list[float] = []

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> Entry | None:
        """The stored entry, or None when missing, unreadable or corrupt (a corrupt file is removed)."""
        path = self._path(key)
        if not _own_file(path):
            return None
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as handle:
                raw = handle.read(_MAX_FILE_BYTES + 1)
        except OSError:
            return None
        if len(raw) > _MAX_FILE_BYTES:
            return None
        try:
            data = json.loads(raw)
            if data.get("format") != CACHE_FORMAT:
                raise ValueError("another cache format")
            headers = data["headers"]
            if not isinstance(headers, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
            ):
                raise ValueError("bad headers")
            return Entry(
                url=str(data["url"]),
                headers=headers,
                body=base64.b64decode(data["body"], validate=True),
                stored_at=float(data["stored_at"]),
                status=int(data.get("status", 200)),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            with contextlib.suppress(OSError):
                path.unlink()
            return None

    def fresh(self, entry: Entry, mode: CacheMode) -> bool:
        """Whether an entry may be used without asking the server."""
        if mode is CacheMode.IMMUTABLE:
            return True
        # An entry from the future (a changed clock, a planted file) is never young.
        young = 0 <= self._clock() - entry.stored_at < self.short_ttl
        if mode is CacheMode.SHORT:
            return young
        # REVALIDATE: an answer without validators (a 404, say) can only be reused while young.
        return young and not entry.validators

    def note_reuse(self, entry: Entry, mode: CacheMode) -> None:
        """Count an answer used without asking the server (its age matters unless immutable)."""
        self.hits += 1
        if mode is not CacheMode.IMMUTABLE:
            self._reused_at.append(entry.stored_at)

    def usage(self) -> CacheUse | None:
        """How many answers that may have changed came from the cache, and the oldest one's age;
        None when every such answer came fresh from the servers."""
        if not self._reused_at:
            return None
        age = max(0.0, self._clock() - min(self._reused_at))
        return CacheUse(answers=len(self._reused_at), oldest_seconds=round(age))

    def put(
        self, key: str, url: str, headers: dict[str, str], body: bytes, status: int = 200
    ) -> None:
        """Store an answer atomically; failures (full disk, read-only home) are ignored."""
        if len(body) > MAX_ENTRY_BYTES:
            return
        # Only visible ASCII: a stored value is sent back as a validator on later runs.
        kept = {
            k: v
            for k, v in headers.items()
            if k in KEPT_HEADERS and wire_header_text(v) is not None
        }
        document = {
            "format": CACHE_FORMAT,
            "url": url,
            "headers": kept,
            "stored_at": self._clock(),
            "status": status,
            "body": base64.b64encode(body).decode("ascii"),
        }
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not _own_file(path, missing_ok=True):
                return
            atomic_write(path, json.dumps(document), new_mode=0o600)
        except OSError:
            return
        self.stored += 1

    def touch(self, key: str, entry: Entry) -> None:
        """Record a successful revalidation (a 304) by storing the entry again, fresh."""
        self.revalidated += 1
        self.put(key, entry.url, entry.headers, entry.body, entry.status)
