"""Property tests: no JSON a server can send makes the payload models or the evaluator raise."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsos_check.collect.collector import collect_all
from dsos_check.collect.payloads import Account, Manifest, Page, RepositoryEntry, parse
from dsos_check.errors import ApiError, CheckError
from dsos_check.judge import judge_all
from dsos_check.models import AccountEvidence, NamespaceEvidence, Policy, Verdict
from tests.unit.checks.factories import NOW

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=30,
)
FIELDS = st.sampled_from(
    [
        "name",
        "is_private",
        "last_updated",
        "media_types",
        "content_types",
        "results",
        "next",
        "count",
        "images",
        "digest",
        "tag_last_pushed",
        "manifests",
        "config",
        "annotations",
        "platform",
        "badge",
        "full_description",
        "mediaType",
    ]
)
OBJECTS = st.dictionaries(FIELDS, JSON, max_size=8)


@settings(max_examples=60, deadline=None)
@given(data=st.one_of(JSON, OBJECTS))
@pytest.mark.parametrize("model", [Page, Account, RepositoryEntry, Manifest])
def test_payload_models_never_raise_anything_but_api_error(model: Any, data: Any) -> None:
    with contextlib.suppress(ApiError):
        parse(model, data, "test")


def test_non_list_results_is_an_error_not_an_empty_page() -> None:
    with pytest.raises(ApiError):
        parse(Page, {"count": 3, "results": "oops"}, "a page")
    assert parse(Page, {"results": None}, "a page").results == []


class _Boom:
    """A collector whose collection raises a bug for one namespace and works for the other."""

    def __init__(self) -> None:
        self.errors: list[str] = []

        class _Hub:
            authenticated = False

        self.hub = _Hub()
        self.on_internal_error = lambda ns, exc: self.errors.append(ns)

    async def collect(self, namespace: str) -> NamespaceEvidence:
        if namespace == "broken":
            raise KeyError("a bug")
        if namespace == "unreachable":
            raise CheckError("could not connect")
        return NamespaceEvidence(
            namespace=namespace, account=AccountEvidence(type="organization"), collected_at=NOW
        )


def test_a_bug_in_one_namespace_never_loses_the_others() -> None:
    collector = _Boom()
    items = asyncio.run(collect_all(collector, ["good", "broken", "unreachable"]))  # type: ignore[arg-type]
    reports = judge_all(items, Policy())
    verdicts = {r.namespace: r.verdict for r in reports}
    assert verdicts["broken"] is Verdict.ERROR
    assert verdicts["unreachable"] is Verdict.ERROR
    assert verdicts["good"] is not Verdict.ERROR
    broken = next(r for r in reports if r.namespace == "broken")
    assert broken.error is not None
    assert "internal error (KeyError)" in broken.error
    assert collector.errors == ["broken"]
