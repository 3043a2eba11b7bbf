"""Output columns of an IPE and their Parquet (pyarrow) types.

Money is DECIMAL end to end, never float: the query reads it as ``Decimal`` with the column's
scale (``adapters/sql_statements.py``), and Parquet holds ``decimal128(precision, scale)``,
which refuses a value that would lose digits. Dates are dates, timestamps are timestamps.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

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
