"""Workload access keys: each function or job definition signs with a key naming it."""

from __future__ import annotations

import pytest

from strongroom.local.front_door.workload_keys import WORKLOAD_KEY, principal_of, workload_key


@pytest.mark.parametrize("principal", ["login_activity-ingest", "audit_producer", ""])
def test_a_workloads_key_names_it(principal: str) -> None:
    assert principal_of(workload_key(principal)) == principal


@pytest.mark.parametrize("key", ["local", "ASIAISSUED", "local-workload.", "local-workloadx.a", ""])
def test_other_keys_are_no_workloads(key: str) -> None:
    assert principal_of(key) is None


def test_the_unnamed_workload_key_has_an_empty_principal() -> None:
    assert (workload_key(), principal_of(WORKLOAD_KEY)) == (WORKLOAD_KEY, "")


@pytest.mark.parametrize("name", ["a.b", "a/b"])
def test_a_name_that_cannot_be_carried_in_a_key_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match=r"no '\.' or '/'"):
        workload_key(name)
