"""The one response decoder: Content-Encoding undone in bounded steps, with a cap on the decoded
size and on the number of stacked encodings.

httpx decodes a whole received chunk at once, so 2 KB of `gzip, gzip` can become gigabytes in
memory before any size check runs. Here each layer inflates at most STEP bytes per call and the
running total is checked after every step, so memory stays near STEP times the number of layers.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from dsos_check.errors import ApiError

# Encodings we ask for and can undo with a bounded output size.
ACCEPT_ENCODING = "gzip, deflate"
# One encoding is normal; two is unusual but legal; more is an attack.
MAX_ENCODINGS = 2
STEP = 64 * 1024
_IDENTITY = frozenset({"", "identity"})


class _Inflater:
    """One gzip or deflate layer, fed compressed bytes and yielding at most STEP bytes a time."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._raw_tried = False
        self.fed = False
        self._inflater = self._new()

    def _new(self) -> zlib._Decompress:
        # deflate is meant to be zlib-wrapped but some servers send it raw: tried on error below.
        return zlib.decompressobj(16 + zlib.MAX_WBITS if self._gzip else zlib.MAX_WBITS)

    @property
    def complete(self) -> bool:
        """Whether the stream ended properly (or never began: an empty body)."""
        return not self.fed or self._inflater.eof

    def feed(self, data: bytes) -> Iterator[bytes]:
        self.fed = self.fed or bool(data)
        while data:
            try:
                out = self._inflater.decompress(data, STEP)
            except zlib.error:
                if self._gzip or self._raw_tried:
                    raise ApiError("a compressed answer is corrupt") from None
                self._raw_tried = True
                self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self._raw_tried = True  # the first bytes decided the framing
            if out:
                yield out
            if self._inflater.eof:
                # Concatenated gzip members are one stream; anything else after the end is junk.
                data = self._inflater.unused_data
                if data and self._gzip:
                    self._inflater = self._new()
                    continue
                return
            data = self._inflater.unconsumed_tail


class Decoder:
    """Undo a response's Content-Encoding, refusing more than `max_bytes` of decoded output."""

    def __init__(self, content_encoding: str, max_bytes: int, what: str) -> None:
        layers = [
            part.strip().lower() for part in content_encoding.split(",") if part.strip().lower()
        ]
        layers = [layer for layer in layers if layer not in _IDENTITY]
        if len(layers) > MAX_ENCODINGS:
            raise ApiError(
                f"{what} stacked {len(layers)} content encodings, more than {MAX_ENCODINGS}"
            )
        unknown = [layer for layer in layers if layer not in ("gzip", "x-gzip", "deflate")]
        if unknown:
            raise ApiError(f"{what} used an unsupported content encoding {unknown[0][:20]!r}")
        # Encodings are listed in the order applied, so they are undone from the last.
        self._layers = [_Inflater(layer) for layer in reversed(layers)]
        self._max = max_bytes
        self._what = what
        self._chunks: list[bytes] = []
        self.size = 0

    def feed(self, data: bytes) -> None:
        """Take the next received bytes; ApiError once the decoded size passes the cap."""
        for piece in self._through(data, 0):
            self.size += len(piece)
            if self.size > self._max:
                raise ApiError(f"{self._what} sent more than the {self._max} bytes we accept")
            self._chunks.append(piece)

    def _through(self, data: bytes, index: int) -> Iterator[bytes]:
        if index == len(self._layers):
            yield data
            return
        for piece in self._layers[index].feed(data):
            yield from self._through(piece, index + 1)

    def body(self) -> bytes:
        """The decoded body; ApiError if a compressed stream stopped before its end (a cut
        answer must not pass for a short one)."""
        if not all(layer.complete for layer in self._layers):
            raise ApiError(f"{self._what} ended inside a compressed stream")
        return b"".join(self._chunks)
