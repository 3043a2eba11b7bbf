"""The SQLAlchemy engine for the Mediant database, built from the database secret."""

from __future__ import annotations

from sqlalchemy import URL, Engine, create_engine

from strongroom.trigger_archive.adapters.secrets import DatabaseSecret, SecretUnusable

LOGIN_TIMEOUT_S = 15
QUERY_TIMEOUT_S = 120


def database_url(secret: DatabaseSecret) -> URL | str:
    """``engine_url`` when the secret names one, else SQL Server through pymssql from the
    seed's fields (``URL.create`` quotes the password; nothing is formatted by hand)."""
    if secret.engine_url is not None:
        return secret.engine_url.get_secret_value()
    required = ("host", "username", "password", "database")
    missing = [name for name in required if getattr(secret, name) is None]
    if missing:
        raise SecretUnusable(f"the database secret lacks {', '.join(missing)}")
    assert secret.password is not None
    return URL.create(
        "mssql+pymssql",
        username=secret.username,
        password=secret.password.get_secret_value(),
        host=secret.host,
        port=secret.port,
        database=secret.database,
    )


def mediant_engine(secret: DatabaseSecret) -> Engine:
    url = database_url(secret)
    if isinstance(url, URL):
        # SQL Server: one connection is all a run uses; pre-ping drops one a warm Lambda kept.
        return create_engine(
            url,
            pool_size=1,
            max_overflow=0,
            pool_pre_ping=True,
            connect_args={"login_timeout": LOGIN_TIMEOUT_S, "timeout": QUERY_TIMEOUT_S},
        )
    return create_engine(url, pool_pre_ping=True)
