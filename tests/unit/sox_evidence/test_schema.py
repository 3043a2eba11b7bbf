"""Output schema: money is decimal128, dates are dates, and no value loses a digit silently."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pyarrow as pa
import pytest
from pydantic import ValidationError
from sqlalchemy import BigInteger, Date, DateTime, Numeric, String

from strongroom.sox_evidence.adapters.parquet_parts import record_batch
from strongroom.sox_evidence.adapters.sql_statements import sql_type
from strongroom.sox_evidence.domain.schema import Column, arrow_schema

MONEY = Column(name="amount", type="decimal", precision=18, scale=2, description="money")
COLUMNS = (
    Column(name="entry_no", type="integer", description="key"),
    Column(name="name", type="string", description="text"),
    MONEY,
    Column(name="posted", type="date", description="a day"),
    Column(name="stamped", type="timestamp", nullable=True, description="a moment"),
)


def test_each_column_type_maps_to_its_arrow_type() -> None:
    schema = arrow_schema(COLUMNS)

    assert schema.types == [
        pa.int64(),
        pa.string(),
        pa.decimal128(18, 2),
        pa.date32(),
        pa.timestamp("us"),
    ]
    assert [field.nullable for field in schema] == [False, False, False, False, True]
    assert schema.field("amount").metadata == {b"description": b"money"}


def test_each_column_type_is_read_from_the_query_as_its_sql_type() -> None:
    types = [sql_type(column) for column in COLUMNS]

    assert [type(t) for t in types] == [BigInteger, String, Numeric, Date, DateTime]
    money = types[2]
    assert isinstance(money, Numeric)
    assert (money.precision, money.scale, money.asdecimal) == (18, 2, True)


def test_a_decimal_needs_precision_and_scale_and_others_take_neither() -> None:
    with pytest.raises(ValidationError, match="needs precision and scale"):
        Column(name="amount", type="decimal", description="money")
    with pytest.raises(ValidationError, match="only a decimal"):
        Column(name="n", type="integer", precision=3, scale=0, description="count")
    with pytest.raises(ValidationError, match="scale exceeds precision"):
        Column(name="x", type="decimal", precision=2, scale=3, description="bad")


def test_rows_become_a_batch_with_exact_decimals_and_typed_dates() -> None:
    rows = [
        (1, "a", Decimal("12.34"), date(2024, 1, 31), None),
        (2, "b", Decimal("-0.01"), date(2024, 1, 30), datetime(2024, 1, 30, 8, 0)),
    ]

    batch = record_batch(rows, arrow_schema(COLUMNS))

    assert batch.column("amount").to_pylist() == [Decimal("12.34"), Decimal("-0.01")]
    assert batch.column("posted").to_pylist() == [date(2024, 1, 31), date(2024, 1, 30)]


def test_trailing_zeros_fit_but_a_lost_digit_is_refused() -> None:
    schema = arrow_schema((MONEY,))

    assert record_batch([(Decimal("1.50000000000000000000"),)], schema).num_rows == 1
    with pytest.raises(pa.ArrowInvalid, match=r"column amount: Rescaling .* data loss"):
        record_batch([(Decimal("1.234"),)], schema)
    with pytest.raises(pa.ArrowInvalid, match=r"column amount: .* precision 18"):
        record_batch([(Decimal("12345678901234567.89"),)], schema)
    with pytest.raises(pa.ArrowTypeError, match="column amount: money must be Decimal, not float"):
        record_batch([(Decimal("1.50"),), (1.5,)], schema)


def test_money_in_any_decimal_notation_and_a_missing_amount_are_kept_exactly() -> None:
    schema = arrow_schema((MONEY.model_copy(update={"nullable": True}),))
    amounts = [Decimal("1E+2"), Decimal("-5E-2"), Decimal("0E-8"), None, Decimal("-0.00")]

    batch = record_batch([(amount,) for amount in amounts], schema)

    expected = [Decimal("100.00"), Decimal("-0.05"), Decimal("0.00"), None, Decimal("0.00")]
    assert batch.column("amount").to_pylist() == expected


def test_a_row_whose_width_is_not_the_schemas_is_refused() -> None:
    with pytest.raises(ValueError, match="a row has 2 values for 1 columns"):
        record_batch([(Decimal("1.00"), "extra")], arrow_schema((MONEY,)))
