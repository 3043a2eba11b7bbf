"""The ``DB_CREDENTIALS_NAV_BI`` secret as a SQLAlchemy URL.

The secret holds the seed's ODBC connection string::

    DRIVER={ODBC Driver 17 for SQL Server};SERVER=host[,port];DATABASE=db;UID=user;PWD=password

translated to SQL Server through pymssql (installs from wheels, no ODBC driver needed: the
``DRIVER`` key is read and ignored). Values may be braced (``PWD={a;b}}c}`` is ``a;b}c``). The
local stack's stand-in stores a ``sqlite:///`` URL instead; no other URL is accepted. Errors name
the key that is missing or wrong and never repeat the secret's text.
"""

from __future__ import annotations

from sqlalchemy import URL
from sqlalchemy.engine import make_url

DEFAULT_PORT = 1433
_IGNORED_KEYS = frozenset(
    {"driver", "encrypt", "trustservercertificate", "mars_connection", "multisubnetfailover"}
)
_ALIASES = {
    "server": "server",
    "address": "server",
    "addr": "server",
    "database": "database",
    "initial catalog": "database",
    "uid": "uid",
    "user id": "uid",
    "pwd": "pwd",
    "password": "pwd",
    "app": "app",
    "application name": "app",
}
LOCAL_SCHEME = "sqlite"


class ConnectionStringError(ValueError):
    """The secret's connection string cannot be used (the message never holds its value)."""


def _pairs(text: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    position, length = 0, len(text)
    while position < length:
        equals = text.find("=", position)
        if equals < 0:
            if text[position:].strip(" ;"):
                raise ConnectionStringError("a part of the connection string is not KEY=value")
            break
        key = text[position:equals].strip().lower()
        position = equals + 1
        if position < length and text[position] == "{":
            value, position = _braced(text, position + 1)
        else:
            end = text.find(";", position)
            end = length if end < 0 else end
            value, position = text[position:end].strip(), end
        if key in pairs:
            raise ConnectionStringError(f"the connection string sets {key.upper()} twice")
        pairs[key] = value
        position = text.find(";", position)
        position = length if position < 0 else position + 1
    return pairs


def _braced(text: str, position: int) -> tuple[str, int]:
    """A ``{...}`` value from just after its ``{``; ``}}`` inside is one ``}``."""
    value = []
    while position < len(text):
        char = text[position]
        if char == "}":
            if text[position + 1 : position + 2] == "}":
                value.append("}")
                position += 2
                continue
            return "".join(value), position + 1
        value.append(char)
        position += 1
    raise ConnectionStringError("a braced value in the connection string is not closed")


def _server(value: str) -> tuple[str, int]:
    """``host``, ``host,port``, ``tcp:host,port`` or ``host\\instance`` (pymssql resolves it)."""
    value = value.removeprefix("tcp:")
    host, _, port = value.partition(",")
    if not host:
        raise ConnectionStringError("SERVER names no host")
    if not port:
        return host, DEFAULT_PORT
    if not port.strip().isdigit() or not 0 < int(port) < 65536:
        raise ConnectionStringError("SERVER's port is not a number from 1 to 65535")
    return host, int(port)


def database_url(secret: str) -> URL:
    text = secret.strip()
    if text.startswith(LOCAL_SCHEME) and "://" in text.split(";", 1)[0]:
        url = make_url(text)
        if url.drivername not in ("sqlite", "sqlite+pysqlite"):
            raise ConnectionStringError("only a sqlite:/// URL may replace the ODBC string")
        return url
    raw = _pairs(text)
    if raw.pop("trusted_connection", "no").lower() == "yes":
        raise ConnectionStringError("Trusted_Connection is not supported: give UID and PWD")
    pairs: dict[str, str] = {}
    for key, value in raw.items():
        if key in _IGNORED_KEYS:
            continue
        if key not in _ALIASES:
            raise ConnectionStringError(f"the connection string has an unsupported key {key!r}")
        pairs[_ALIASES[key]] = value
    missing = [key.upper() for key in ("server", "database", "uid", "pwd") if not pairs.get(key)]
    if missing:
        raise ConnectionStringError(f"the connection string lacks {', '.join(missing)}")
    host, port = _server(pairs["server"])
    query = {"appname": pairs["app"]} if "app" in pairs else {}
    return URL.create(
        "mssql+pymssql",
        username=pairs["uid"],
        password=pairs["pwd"],
        host=host,
        port=port,
        database=pairs["database"],
        query=query,
    )
