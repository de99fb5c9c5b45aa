"""The policy file: `dsos-check.toml`, or `[tool.dsos-check]` in `pyproject.toml`, validated strictly."""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from dsos_check.errors import UsageError
from dsos_check.models import Attestation, Exclusion, FailOn, Override, Policy
from dsos_check.text import shorten

CONFIG_NAME = "dsos-check.toml"
PYPROJECT = "pyproject.toml"
TOOL_TABLE = ("tool", "dsos-check")
MAX_CONFIG_BYTES = 1024 * 1024


def check_ids() -> tuple[str, ...]:
    """Every check's id, in the registry's order."""
    # Imported here, not at the top: the checks compile their patterns on import, and every run
    # loads its policy before the first request, while only a policy naming checks needs them.
    from dsos_check.checks import CHECKS

    return tuple(check.id for check in CHECKS)


def _date(value: Any) -> Any:
    """A TOML date or an ISO `YYYY-MM-DD` string; anything else is left for pydantic to refuse."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"expected a date like 2027-06-30, got {value!r}") from None
    raise ValueError(f"expected a date like 2027-06-30, got {type(value).__name__}")


NonEmpty = Annotated[str, Field(min_length=1, max_length=2000)]


def _reason(value: str) -> str:
    if not value.strip():
        raise ValueError("a reason is required")
    return value.strip()


# Every exclusion and override says why, in words (blank is refused, spaces trimmed).
Reason = Annotated[NonEmpty, AfterValidator(_reason)]
# Docker Hub namespaces: 2-255 lower-case letters, digits, `-` and `_` (case is folded when compared).
Namespace = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{1,254}$")]
When = Annotated[date, BeforeValidator(_date)]


class _Strict(BaseModel):
    # Built when a policy file is first read, not when this module is imported: every run looks
    # for a file, and most find none.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class ExclusionEntry(_Strict):
    """`exclude = [{ repository = "...", checks = [...], reason = "..." }]` (`checks` optional)."""

    repository: NonEmpty
    reason: Reason
    checks: list[str] = []

    @field_validator("checks")
    @classmethod
    def _checks(cls, value: list[str]) -> list[str]:
        known = check_ids() if value else ()
        for check_id in value:
            if check_id not in known:
                hint = _did_you_mean(check_id, known)
                raise ValueError(f"{check_id!r} is not a check id{hint}")
        return list(dict.fromkeys(value))


class OverrideEntry(_Strict):
    """`[[overrides]]`: repository, license (SPDX), reason, optional expires."""

    repository: NonEmpty
    license: NonEmpty
    reason: Reason
    expires: When | None = Field(default=None, strict=False)

    @field_validator("license")
    @classmethod
    def _license(cls, value: str) -> str:
        # Imported here for the same reason as the checks: only overrides need the SPDX list.
        from dsos_check.licenses.spdx import canonical_license_id, evaluate

        evaluation = evaluate(value)
        if evaluation.status in ("invalid", "unknown") or evaluation.expression is None:
            guess = canonical_license_id(re.sub(r"\s+", "-", value.strip()))
            hint = f"; did you mean {guess!r}?" if guess else ""
            raise ValueError(
                f"not an SPDX expression of known license ids: {evaluation.reason.rstrip('.')}{hint}"
            )
        return evaluation.expression


class AttestationEntry(_Strict):
    """`[attestation]`: non_commercial, statement, contact."""

    non_commercial: bool = False
    statement: NonEmpty | None = None
    contact: NonEmpty | None = None

    @model_validator(mode="after")
    def _statement(self) -> AttestationEntry:
        if self.non_commercial and not (self.statement or "").strip():
            raise ValueError("non_commercial = true needs a `statement` saying why")
        return self


class PolicyFile(_Strict):
    """Everything a policy file may hold; every key optional, unknown keys refused."""

    namespaces: list[Namespace] | None = None
    active_days: Annotated[int, Field(ge=1, le=36500)] | None = None
    fail_on: FailOn | None = Field(default=None, strict=False)
    exclude: list[ExclusionEntry] = []
    overrides: list[OverrideEntry] = []
    attestation: AttestationEntry | None = None


def find_policy_file(explicit: str | None, cwd: Path) -> tuple[Path, bool] | None:
    """The policy file to read and whether it is a pyproject.toml; None when there is none."""
    if explicit is not None:
        return Path(explicit), Path(explicit).name == PYPROJECT
    own = cwd / CONFIG_NAME
    if own.is_file():
        return own, False
    pyproject = cwd / PYPROJECT
    if pyproject.is_file():
        return pyproject, True
    return None


def load_policy(explicit: str | None, cwd: Path | None = None) -> Policy:
    """The policy the file states (`--config`/DSOS_CONFIG), defaults where it is silent, and the
    defaults alone when there is no file; the command line overrides it later (Options)."""
    found = find_policy_file(explicit, cwd or Path.cwd())
    if found is None:
        return Policy()
    path, is_pyproject = found
    data = _read_toml(path)
    prefix = ""
    if is_pyproject:
        table: Any = data
        for key in TOOL_TABLE:
            table = table.get(key) if isinstance(table, dict) else None
        if table is None:
            if explicit is not None:
                raise UsageError(f"{path}: no [tool.dsos-check] table")
            return Policy()
        if not isinstance(table, dict):
            raise UsageError(f"{path}: [tool.dsos-check] must be a table")
        data, prefix = table, "tool.dsos-check."
    try:
        parsed = PolicyFile.model_validate(data)
    except ValidationError as exc:
        raise UsageError(_describe(path, prefix, exc)) from None
    defaults = Policy()
    return Policy(
        config_file=str(path),
        namespaces=tuple(parsed.namespaces) if parsed.namespaces is not None else None,
        active_days=parsed.active_days or defaults.active_days,
        fail_on=parsed.fail_on or defaults.fail_on,
        exclude=tuple(
            Exclusion(repository=e.repository, reason=e.reason, checks=tuple(e.checks))
            for e in parsed.exclude
        ),
        overrides=tuple(
            Override(repository=o.repository, license=o.license, reason=o.reason, expires=o.expires)
            for o in parsed.overrides
        ),
        attestation=(
            Attestation(**parsed.attestation.model_dump()) if parsed.attestation else None
        ),
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read the policy file {str(path)!r}: {exc.strerror}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise UsageError(f"{path}: larger than {MAX_CONFIG_BYTES} bytes")
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise UsageError(f"{path}: invalid TOML: nested too deeply") from None


def _describe(path: Path, prefix: str, exc: ValidationError) -> str:
    """`file: key 'overrides[0].expires': what was expected` for the first error or two."""
    parts = []
    for error in exc.errors()[:2]:
        key = prefix + _key(error["loc"])
        kind = error["type"]
        if kind == "extra_forbidden":
            message = "unknown key" + _did_you_mean(
                str(error["loc"][-1]), _known_keys(error["loc"])
            )
        elif kind == "missing":
            message = "required key is missing"
        elif kind == "string_pattern_mismatch":
            message = f"{shorten(str(error.get('input')), 60)!r} is not a Docker Hub namespace name"
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
            if "input" in error and kind.endswith("_type"):
                message += f" (got {type(error['input']).__name__})"
        parts.append(f"key {key!r}: {shorten(message, 200)}")
    more = f" (and {exc.error_count() - 2} more)" if exc.error_count() > 2 else ""
    return f"{path}: " + "; ".join(parts) + more


def _key(loc: tuple[int | str, ...]) -> str:
    key = ""
    for part in loc:
        if isinstance(part, int):
            key += f"[{part}]"
        else:
            key += ("." if key else "") + part
    return key or "(top level)"


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`; did you mean 'x'?` for the closest known word, or nothing when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


_SECTIONS: dict[str, type[BaseModel]] = {
    "exclude": ExclusionEntry,
    "overrides": OverrideEntry,
    "attestation": AttestationEntry,
}


def _known_keys(loc: tuple[int | str, ...]) -> list[str]:
    """The keys allowed where an unknown key was found (top level, or inside one section)."""
    section = next((part for part in loc[:-1] if isinstance(part, str)), None)
    model = _SECTIONS.get(section, PolicyFile) if section else PolicyFile
    return list(model.model_fields)
