"""``strongroom sox seed``: regenerate the running local stack's NAV BI stand-in.

The stand-in is the SQLite file the stack's secret ``DB_CREDENTIALS_NAV_BI`` points at (a
``sqlite:///`` URL); on AWS the secret holds NAV BI's ODBC connection string, and nothing here
will write to a real database.
"""

from __future__ import annotations

from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from rich.markup import escape
from rich.table import Table

from strongroom.cli.common import fail, local_client
from strongroom.local.endpoints import read_endpoints
from strongroom.sox_evidence.localdev import DATABASE_CREDENTIALS, StandInSummary, generate

SQLITE_URL = "sqlite:///"


def standin_path(secret_value: str) -> Path:
    """The stand-in's file from the secret's value; a clear error for anything but SQLite."""
    if not secret_value.startswith(SQLITE_URL):
        raise fail(
            f"{DATABASE_CREDENTIALS} does not point at a local SQLite stand-in: `strongroom sox "
            "seed` writes only the local stack's NAV BI stand-in, never a real database"
        )
    return Path(secret_value.removeprefix(SQLITE_URL))


def reseed(state_dir: Path, rows: int) -> Table:
    """Regenerate the stand-in the running stack's secret names; what was written."""
    try:
        endpoints = read_endpoints(state_dir)
    except FileNotFoundError as error:
        raise fail(
            f"`strongroom sox seed` works on the local stack only, and none runs with state in "
            f"{state_dir} ({escape(str(error))}); start one with `strongroom up`"
        ) from error
    try:
        value = local_client(endpoints, "secretsmanager").get_secret_value(
            SecretId=DATABASE_CREDENTIALS
        )["SecretString"]
    except (BotoCoreError, ClientError) as error:
        raise fail(
            escape(f"could not read {DATABASE_CREDENTIALS} from the local stack: {error}")
        ) from error
    return summary_table(generate(standin_path(str(value)), rows))


def summary_table(summary: StandInSummary) -> Table:
    table = Table("table", "rows", title=f"NAV BI stand-in {summary.path}")
    table.columns[1].justify = "right"
    for name, count in (
        ("customer", summary.customers),
        ("cust_ledger_entry", summary.ledger_entries),
        ("detailed_cust_ledg_entry", summary.detailed_entries),
        ("currency_exchange_rate", summary.exchange_rates),
        ("voucher", summary.vouchers),
        ("voucher_redemption", summary.redemptions),
    ):
        table.add_row(name, f"{count:,}")
    return table
