"""The local stack's seed: the stand-in in the state folder and the secret pointing at it."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from strongroom.core.localdev import LOCAL_ACCOUNT_ID, SeedTarget
from strongroom.sox_evidence.adapters.connection_string import database_url
from strongroom.sox_evidence.localdev import LOCALDEV, NAV_BI_FILE, holds_generation

pytestmark = pytest.mark.integration


def test_the_seed_writes_the_stand_in_and_the_secret_twice_without_failing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("strongroom.sox_evidence.localdev.SEED_ROWS", 500)
    with mock_aws():
        target = SeedTarget(
            region="eu-west-1",
            account_id=LOCAL_ACCOUNT_ID,
            outputs={},
            client=lambda service: boto3.client(service, region_name="eu-west-1"),
            state_dir=tmp_path,
        )
        assert LOCALDEV.seed is not None
        LOCALDEV.seed(target)
        LOCALDEV.seed(target)  # a restarted stack

        secret = target.client("secretsmanager").get_secret_value(SecretId="DB_CREDENTIALS_NAV_BI")

    url = database_url(secret["SecretString"])
    assert url.database == str((tmp_path / NAV_BI_FILE).resolve())
    assert holds_generation(tmp_path / NAV_BI_FILE, 500)
