"""Starts and stops every stand-in for the local stack, and says what each offers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from strongroom.local.standins import mediant_db
from strongroom.local.standins.dex_api import NAME as DEX_API
from strongroom.local.standins.dex_api import DexApiStandIn


class RunningStandIns:
    """The running stand-ins; :meth:`start` returns their public fields by name."""

    def __init__(self, state_dir: Path, log: Callable[[str], None] = print) -> None:
        self._state_dir = state_dir
        self._log = log
        self.dex_api = DexApiStandIn()
        self.described: dict[str, dict[str, str]] = {}

    def start(self) -> dict[str, dict[str, str]]:
        database = mediant_db.create_demo_database(self._state_dir)
        self._log(f"stand-in {mediant_db.NAME}: {database['url']}")
        dex = self.dex_api.start()
        self._log(f"stand-in {DEX_API}: {dex['base_url']} (control {dex['control_url']})")
        self.described = {DEX_API: dex, mediant_db.NAME: database}
        return self.described

    def stop(self) -> None:
        self.dex_api.stop()
