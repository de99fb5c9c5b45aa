"""`python -m tests.fakehub`: serve the standard world on loopback until Ctrl-C."""

from __future__ import annotations

import contextlib
import sys
import threading

from tests.fakehub.scenarios import CREDENTIALS, standard_world
from tests.fakehub.server import FakeDockerHub


def main() -> int:
    """Start the standard world, print its URLs, and serve until interrupted."""
    with FakeDockerHub(standard_world()) as fake:
        print(
            f"hub={fake.hub_url} registry={fake.registry_url} github={fake.github_url}",
            flush=True,
        )
        print(
            f"# token service {fake.auth_url}/token, blob CDN {fake.cdn_url}; credentials: "
            + ", ".join(f"{c.username}/{c.token}" for c in CREDENTIALS),
            file=sys.stderr,
            flush=True,
        )
        print(
            f"# dsos-check {' '.join(fake.cli_args())} acmeoss",
            file=sys.stderr,
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
