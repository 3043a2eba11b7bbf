"""The completeness and accuracy tests of an IPE (PCAOB AS 1105), as pure comparisons.

Each check records the query (or what was read) it stands on, the expected and the actual
value, and whether it passed; one failed check fails the IPE.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

KeyValues = tuple[object, ...]


class CheckResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    kind: str
    """``completeness`` or ``accuracy``."""
    query: str
    """The SQL sent (its statement's SHA-256 is in the run record) or what was read back."""
    expected: str
    actual: str
    passed: bool


def rows_match(name: str, query: str, expected: int, actual: int) -> CheckResult:
    return CheckResult(
        name=name,
        kind="completeness",
        query=query,
        expected=str(expected),
        actual=str(actual),
        passed=expected == actual,
    )


def totals_match(
    query: str, server: Mapping[str, Decimal], written: Mapping[str, Decimal]
) -> list[CheckResult]:
    """One check per control total: the server's exact sum against the written rows' sum."""
    return [
        CheckResult(
            name=f"control_total.{column}",
            kind="accuracy",
            query=query,
            expected=str(expected),
            actual=str(written.get(column, "missing")),
            passed=column in written and written[column] == expected,
        )
        for column, expected in server.items()
    ]


def _show(keys: Iterable[KeyValues], limit: int = 5) -> str:
    shown = [", ".join(str(part) for part in key) for key in list(keys)[:limit]]
    return "; ".join(f"({key})" for key in shown)


CAPPED = "; the first {count} in key order were checked, the query names more"


def witnesses_present(
    query: str, witnesses: set[KeyValues], found: set[KeyValues], *, capped: bool = False
) -> CheckResult:
    """Every witness record is in the written data, and there is at least one witness."""
    missing = sorted(witnesses - found, key=str)
    if not witnesses:
        actual = "no witness records: the check proves nothing"
    elif missing:
        actual = f"{len(missing)} of {len(witnesses)} missing, e.g. {_show(missing)}"
    else:
        actual = f"all {len(witnesses)} present"
    return CheckResult(
        name="witness_present",
        kind="accuracy",
        query=query,
        expected=f"all {len(witnesses)} witness records present (at least one)"
        + (CAPPED.format(count=len(witnesses)) if capped else ""),
        actual=actual,
        passed=bool(witnesses) and not missing,
    )


def exclusions_absent(
    query: str, excluded: int, found: set[KeyValues], *, capped: bool = False
) -> CheckResult:
    """None of the records the exclusion query names is in the written data."""
    actual = "0" if not found else f"{len(found)}, e.g. {_show(sorted(found, key=str))}"
    return CheckResult(
        name="exclusions_absent",
        kind="accuracy",
        query=query,
        expected=f"0 of the {excluded} records that must be excluded"
        + (CAPPED.format(count=excluded) if capped else ""),
        actual=actual,
        passed=not found,
    )
