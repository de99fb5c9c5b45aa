"""The final redaction: every secret this process knows is removed from text leaving it.

Secrets are remembered where they enter (the command line, a token exchange, a registry token
service) and removed at the edges (stderr, the report, the evidence file), so a server that
echoes a token back in an error message cannot get it printed or saved.
"""

from __future__ import annotations

import html
import json
from urllib.parse import quote

MASK = "***"
# Shorter values are not secrets worth the false positives (a token is far longer).
MIN_SECRET = 6

_known: set[str] = set()


def remember_secret(secret: str | None) -> None:
    """Never show `secret`, in any of the forms it could take inside an output."""
    if not secret or len(secret) < MIN_SECRET:
        return
    forms = {secret, quote(secret, safe=""), html.escape(secret), json.dumps(secret)[1:-1]}
    _known.update(form for form in forms if len(form) >= MIN_SECRET)


def redact(text: str) -> str:
    """`text` with every known secret replaced by ***."""
    for secret in sorted(_known, key=len, reverse=True):  # longest first: forms may overlap
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def redact_utf8(data: bytes) -> bytes:
    """UTF-8 `data` with every known secret replaced by ***, in the order `redact` uses. A
    UTF-8 form matches only at character boundaries, so this finds what `redact` finds in the
    decoded text."""
    for secret in sorted(_known, key=len, reverse=True):
        # "replace": a lone surrogate is the `?` that `encodable` left in the output.
        form = secret.encode("utf-8", "replace")
        if form in data:
            data = data.replace(form, MASK.encode())
    return data
