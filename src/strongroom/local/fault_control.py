"""The control endpoint's ``/faults`` routes: show, set and clear the fault mode of a running
stack (``strongroom faults``)."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from pydantic import ValidationError

from strongroom.local.front_door.fault_mode import FaultMode
from strongroom.local.front_door.fault_rules import FaultConfig

PATH = "/faults"


def show(faults: FaultMode) -> tuple[HTTPStatus, Any]:
    """``GET /faults``: the rules in force with their counters."""
    return HTTPStatus.OK, faults.status()


def configure(faults: FaultMode, body: bytes) -> tuple[HTTPStatus, Any]:
    """``POST /faults`` with ``{"seed": N, "rules": [...]}``: replaces the rules, counters
    start again from zero."""
    try:
        config = FaultConfig.model_validate(json.loads(body or b"{}"))
    except (ValueError, ValidationError) as error:  # ValidationError is a ValueError too
        return HTTPStatus.BAD_REQUEST, {"message": f"invalid fault rules: {error}"}
    faults.configure(config)
    return HTTPStatus.OK, faults.status()


def clear(faults: FaultMode) -> tuple[HTTPStatus, Any]:
    """``DELETE /faults``: no more faults; answers the counters the rules ended with."""
    final = faults.status()
    faults.configure(None)
    return HTTPStatus.OK, final
