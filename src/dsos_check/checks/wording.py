"""How check summaries name and count repositories ("1 of 3 repositories is", "a, b and 2 more")."""

from __future__ import annotations


def name_list(names: list[str], limit: int = 5) -> str:
    """At most `limit` names, then "and N more"."""
    shown = ", ".join(names[:limit])
    rest = len(names) - limit
    return f"{shown} and {rest} more" if rest > 0 else shown


def counted(part: int, total: int, singular: str, plural: str) -> str:
    """Counted subject with its verb, e.g. "1 of 3 repositories is" or "All 3 repositories are"."""
    if total == 1:
        return f"The only repository {singular}"
    if part == total:
        return f"All {total} repositories {plural}"
    return f"{part} of {total} repositories {singular if part == 1 else plural}"
