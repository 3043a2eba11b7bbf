"""One scenario per landed system, run in this order."""

from __future__ import annotations

from collections.abc import Callable

from strongroom.demo.narration import Narrator
from strongroom.demo.scenarios.config_audit import config_audit_scenario
from strongroom.demo.scenarios.deep_archive import deep_archive_scenario
from strongroom.demo.scenarios.deep_archive_restore import deep_archive_restore_scenario
from strongroom.demo.scenarios.login_activity import login_activity_scenario
from strongroom.demo.scenarios.sox_evidence import sox_evidence_scenario
from strongroom.demo.scenarios.trigger_archive import trigger_archive_scenario
from strongroom.local.stack import LocalStack

Scenario = Callable[[LocalStack, Narrator], None]

SCENARIOS: list[Scenario] = [
    config_audit_scenario,
    login_activity_scenario,
    deep_archive_scenario,
    deep_archive_restore_scenario,
    trigger_archive_scenario,
    sox_evidence_scenario,
]
