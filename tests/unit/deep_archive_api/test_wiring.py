"""The one services container: every port has a builder, and each is built only when used."""

from __future__ import annotations

import pytest

from strongroom.core.settings import SettingsError
from strongroom.deep_archive import wiring
from strongroom.deep_archive.services.ports import Ports


def test_every_port_is_built_from_the_environment() -> None:
    assert set(Ports.__annotations__) == set(wiring.PORT_BUILDERS)


def test_a_port_is_built_on_first_use_and_names_its_missing_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("JOB_QUEUE_ARN", raising=False)
    monkeypatch.setenv("RESTORE_BUCKET_NAME", "restore-bucket")
    ports = wiring.AwsPorts()

    assert ports.restore_bucket == "restore-bucket"
    with pytest.raises(SettingsError, match="JOB_QUEUE_ARN"):
        _ = ports.launcher
