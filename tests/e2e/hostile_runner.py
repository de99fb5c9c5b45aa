"""Fixtures for the hostile-server tests: the session's fake, left clean after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakehub import FakeDockerHub, FakeServer


@pytest.fixture
def clean_fake(fake: FakeDockerHub) -> Iterator[FakeDockerHub]:
    """The session's fake, with every raw answer and fault removed after the test."""
    yield fake
    for server in fake.servers.values():
        reset(server)


def reset(server: FakeServer) -> None:
    """Drop standing raw answers and queued faults."""
    server.clear_faults()
    with server._lock:
        server.raw_answers.clear()
