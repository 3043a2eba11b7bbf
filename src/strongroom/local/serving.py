"""An HTTP server of the local stack served from a daemon thread, and stopped as one."""

from __future__ import annotations

import threading
from collections.abc import Callable
from socketserver import BaseServer
from typing import cast

POLL_SECONDS = 0.05  # how soon serve_forever sees a shutdown request
JOIN_SECONDS = 5.0


class ServingThread:
    """Serves ``server`` until :meth:`stop`, which shuts it down, closes its socket and joins."""

    def __init__(self, server: BaseServer, name: str) -> None:
        self.server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": POLL_SECONDS},
            name=name,
            daemon=True,
        )
        self._thread.start()

    @property
    def url(self) -> str:
        """``http://host:port`` of the bound socket (IPv6 hosts in brackets)."""
        host, port = cast(tuple[str, int], self.server.server_address)[:2]
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def stop(self, before_join: Callable[[], None] = lambda: None) -> None:
        self.server.shutdown()
        self.server.server_close()
        before_join()
        self._thread.join(timeout=JOIN_SECONDS)
