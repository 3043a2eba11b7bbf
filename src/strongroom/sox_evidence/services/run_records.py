"""Run records as stored: what ``strongroom sox status`` and the evidence package (part 2) read."""

from __future__ import annotations

from datetime import date

from strongroom.sox_evidence.adapters.results_store import ResultsStore
from strongroom.sox_evidence.domain.runs import RunRecord, records_prefix, run_id_of_record_key


def list_runs(
    store: ResultsStore,
    ipe_id: str | None = None,
    cutoff: date | None = None,
    *,
    started_after: str | None = None,
) -> list[RunRecord]:
    """Every run record under the prefix, oldest run first (run ids sort by start time);
    with ``started_after`` only the runs whose id sorts after it (their keys say so, so the
    older records are not read)."""
    keys = [
        key
        for key in store.list_keys(records_prefix(ipe_id, cutoff))
        if key.endswith(".json")
        and (started_after is None or run_id_of_record_key(key) > started_after)
    ]
    records = [RunRecord.model_validate_json(store.get_bytes(key)) for key in keys]
    return sorted(records, key=lambda record: (record.ipe_id, record.run_id))


def latest_run(store: ResultsStore, ipe_id: str, cutoff: date | None = None) -> RunRecord | None:
    """The run of ``ipe_id`` (for ``cutoff``) that started last; only its record is read."""
    keys = [key for key in store.list_keys(records_prefix(ipe_id, cutoff)) if key.endswith(".json")]
    if not keys:
        return None
    return RunRecord.model_validate_json(store.get_bytes(max(keys, key=run_id_of_record_key)))
