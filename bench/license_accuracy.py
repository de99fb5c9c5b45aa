"""Accuracy of the license resolver per category on the team's wild-shaped corpus.

    python bench/license_accuracy.py

Prints right/total per category and every false approval (the figure that must stay 0).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dsos_check.licenses.resolve import resolve_license  # noqa: E402
from tests.unit.license_corpus import cases  # noqa: E402


def outcome(approved: bool | None) -> str:
    return {True: "pass", False: "fail", None: "review"}[approved]


def main() -> None:
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    false_approvals = 0
    for case in cases():
        got = outcome(resolve_license(case.repo).osi_approved)
        total[case.category] += 1
        right[case.category] += got == case.expected
        if got == "pass" and case.expected != "pass":
            false_approvals += 1
            print(f"FALSE APPROVAL  {case.category}: {case.name}")
        elif got != case.expected:
            print(f"wrong           {case.category}: {case.name}: {got}, expected {case.expected}")
    for category in total:
        print(
            f"{category:20} {right[category]:3}/{total[category]:<3} "
            f"{100 * right[category] / total[category]:5.1f} %"
        )
    print(
        f"{'all':20} {sum(right.values()):3}/{sum(total.values()):<3}  false approvals: "
        f"{false_approvals}"
    )


if __name__ == "__main__":
    main()
