"""The IPE catalog: one declarative definition per IPE, versioned in the repo.

Each definition is a TOML file in ``domain/ipes/`` (what an auditor reviews: the SQL exactly
as it is sent, with named parameters), validated here by pydantic when the catalog is first
read. Queries may use only the bound parameter ``:cutoff_date``; they never format values into
the SQL and never read the clock (no ``GETDATE()``), so an IPE's output depends only on the data
and the cutoff.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from strongroom.sox_evidence.domain.schema import Column

IPE_ID_PATTERN = r"^[A-Z]{2,4}_[0-9]{2,3}$"
PARAMETERS = frozenset({"cutoff_date"})
"""The only bound parameters a catalog query may use."""

_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_CLOCK_READS = re.compile(
    r"\b(GETDATE|GETUTCDATE|SYSDATETIME|SYSUTCDATETIME|CURRENT_TIMESTAMP|CURRENT_DATE|NOW)\b",
    re.IGNORECASE,
)
_FORMATTING = re.compile(r"\{[^}]*\}|%\(|%s")

Sql = Annotated[str, StringConstraints(strip_whitespace=True, min_length=10)]
ColumnName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$")]


class CatalogError(ValueError):
    """An IPE definition breaks a rule of the catalog (named with the IPE and the field)."""


def sql_problems(sql: str) -> list[str]:
    """What makes a query unfit for the catalog (empty when it is fit)."""
    problems = []
    unknown = sorted(set(_PARAMETER.findall(sql)) - PARAMETERS)
    if unknown:
        problems.append(f"unknown parameters {unknown}: only :cutoff_date is bound")
    if match := _CLOCK_READS.search(sql):
        problems.append(f"reads the clock ({match.group(1)}): the cutoff is the only date")
    if _FORMATTING.search(sql):
        problems.append("has a format placeholder: values are bound as :name, never formatted")
    if ";" in sql.rstrip().rstrip(";"):
        problems.append("holds more than one statement")
    return problems


class KeyQuery(BaseModel):
    """A query on the server whose rows name records by the key columns it returns."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = Field(min_length=10)
    key: tuple[ColumnName, ...] = Field(min_length=1)
    sql: Sql


class IpeDefinition(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=IPE_ID_PATTERN)
    title: str = Field(min_length=5)
    control: Literal["PG-01"]
    owner: str = Field(min_length=2)
    source_system: str = Field(min_length=2)
    description: str = Field(min_length=20)
    runs_on: Literal["lambda", "container"]
    population: Sql
    """The IPE's rows, without ORDER BY: completeness and totals are counted over it."""
    order_by: tuple[ColumnName, ...] = Field(min_length=1)
    """Columns that order the extraction (a unique key), so reruns write the same rows in order."""
    control_totals: tuple[ColumnName, ...] = Field(min_length=1)
    witness: KeyQuery
    """Records that must be present in the written data (at least one)."""
    exclusion: KeyQuery
    """Records that must be absent from the written data."""
    columns: tuple[Column, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        names = [column.name for column in self.columns]
        if len(set(names)) != len(names):
            raise ValueError("columns: names must be unique")
        problems = [
            f"{field}: {problem}"
            for field, sql in (
                ("population", self.population),
                ("witness.sql", self.witness.sql),
                ("exclusion.sql", self.exclusion.sql),
            )
            for problem in sql_problems(sql)
        ]
        if re.search(r"\bORDER\s+BY\b", self.population, re.IGNORECASE):
            problems.append("population: no ORDER BY (it is wrapped for counts; use order_by)")
        by_name = {column.name: column for column in self.columns}
        for field, wanted in (
            ("order_by", self.order_by),
            ("witness.key", self.witness.key),
            ("exclusion.key", self.exclusion.key),
            ("control_totals", self.control_totals),
        ):
            missing = [name for name in wanted if name not in by_name]
            if missing:
                problems.append(f"{field}: {missing} are not output columns")
        not_money = [
            n for n in self.control_totals if n in by_name and by_name[n].type != "decimal"
        ]
        if not_money:
            problems.append(f"control_totals: {not_money} are not decimal columns")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


class CatalogEntry(BaseModel):
    """A definition with the SHA-256 of its file: the version a run record names."""

    model_config = ConfigDict(frozen=True)

    definition: IpeDefinition
    source_file: str
    sha256: str


def parse_definition(name: str, text: str) -> CatalogEntry:
    try:
        definition = IpeDefinition.model_validate(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, ValueError) as error:
        raise CatalogError(f"IPE definition {name}: {error}") from None
    if name.removesuffix(".toml") != definition.id.lower():
        raise CatalogError(
            f"IPE definition {name}: the file must be named {definition.id.lower()}.toml"
        )
    digest = hashlib.sha256(text.encode()).hexdigest()
    return CatalogEntry(definition=definition, source_file=name, sha256=digest)


def build_catalog(files: Iterable[tuple[str, str]]) -> dict[str, CatalogEntry]:
    """Definitions by id, from (file name, text) pairs; ids are unique."""
    catalog: dict[str, CatalogEntry] = {}
    for name, text in sorted(files):
        entry = parse_definition(name, text)
        if entry.definition.id in catalog:
            raise CatalogError(f"IPE definition {name}: id {entry.definition.id} is defined twice")
        catalog[entry.definition.id] = entry
    if not catalog:
        raise CatalogError("the IPE catalog is empty")
    return catalog


@cache
def catalog() -> dict[str, CatalogEntry]:
    """The shipped catalog (package data, read once per process)."""
    folder = resources.files("strongroom.sox_evidence.domain.ipes")
    return build_catalog(
        (item.name, item.read_text(encoding="utf-8"))
        for item in folder.iterdir()
        if item.name.endswith(".toml")
    )


class UnknownIpe(LookupError):
    def __init__(self, ipe_id: str, known: Iterable[str]) -> None:
        super().__init__(f"unknown IPE {ipe_id!r}: the catalog has {', '.join(sorted(known))}")


def select(ipe_ids: Iterable[str] | None = None) -> list[CatalogEntry]:
    """The named entries (all when none are named), in catalog order."""
    entries = catalog()
    if ipe_ids is None:
        return list(entries.values())
    wanted = list(dict.fromkeys(ipe_ids))
    for ipe_id in wanted:
        if ipe_id not in entries:
            raise UnknownIpe(ipe_id, entries)
    return [entries[ipe_id] for ipe_id in wanted]
