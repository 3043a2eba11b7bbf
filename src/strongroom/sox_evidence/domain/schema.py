"""Output columns of an IPE and their types in Parquet (pyarrow) and in the query (SQLAlchemy).

Money is DECIMAL end to end, never float: the query's result column is typed ``Numeric`` with
the column's scale (on SQLite, which stores binary floats, the value is rounded to that scale;
on SQL Server it is the exact DECIMAL), and Parquet holds ``decimal128(precision, scale)``,
which refuses a value that would lose digits. Dates are dates, timestamps are timestamps.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from sqlalchemy import BigInteger, Date, DateTime, Numeric, String
from sqlalchemy.types import TypeEngine

ColumnType = Literal["string", "integer", "decimal", "date", "timestamp"]
MAX_DECIMAL_PRECISION = 38


class Column(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$")]
    type: ColumnType
    description: str = Field(min_length=3)
    nullable: bool = False
    precision: int | None = Field(default=None, ge=1, le=MAX_DECIMAL_PRECISION)
    scale: int | None = Field(default=None, ge=0, le=MAX_DECIMAL_PRECISION)

    @model_validator(mode="after")
    def _decimal_has_precision(self) -> Self:
        is_decimal = self.type == "decimal"
        if is_decimal and (self.precision is None or self.scale is None):
            raise ValueError(f"column {self.name}: a decimal needs precision and scale")
        if not is_decimal and (self.precision is not None or self.scale is not None):
            raise ValueError(f"column {self.name}: only a decimal has precision and scale")
        if is_decimal and (self.scale or 0) > (self.precision or 0):
            raise ValueError(f"column {self.name}: scale exceeds precision")
        return self


def arrow_type(column: Column) -> pa.DataType:
    match column.type:
        case "string":
            return pa.string()
        case "integer":
            return pa.int64()
        case "decimal":
            return pa.decimal128(column.precision, column.scale)
        case "date":
            return pa.date32()
        case "timestamp":
            return pa.timestamp("us")
    raise AssertionError(column.type)  # pragma: no cover - Literal is exhaustive


def arrow_schema(columns: tuple[Column, ...]) -> pa.Schema:
    return pa.schema(
        [
            pa.field(
                column.name,
                arrow_type(column),
                nullable=column.nullable,
                metadata={"description": column.description},
            )
            for column in columns
        ]
    )


def sql_type(column: Column) -> TypeEngine[Any]:
    """The type a result column is read as, so each dialect hands Python the same values."""
    match column.type:
        case "string":
            return String()
        case "integer":
            return BigInteger()
        case "decimal":
            return Numeric(precision=column.precision, scale=column.scale, asdecimal=True)
        case "date":
            return Date()
        case "timestamp":
            return DateTime()
    raise AssertionError(column.type)  # pragma: no cover - Literal is exhaustive


def total_type(column: Column) -> TypeEngine[Any]:
    """A control total's type: the column's scale, the widest precision (sums grow)."""
    return Numeric(precision=MAX_DECIMAL_PRECISION, scale=column.scale, asdecimal=True)
