"""A moto server on a free loopback port, for tests whose clients need real HTTP (obstore)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from moto.server import ThreadedMotoServer


def serve_moto() -> Iterator[str]:
    """Yield the endpoint URL while the server runs; use as the body of a pytest fixture."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
