"""The container path: PG-01 submits one Batch job per container IPE (the catalog's choice or
the request's) with the run id its job records under; the job runs the same run_ipe."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from strongroom.core.observability import metrics
from strongroom.local.template.yaml_loader import load_template
from strongroom.sox_evidence import wiring
from strongroom.sox_evidence.adapters.in_memory_ipe_jobs import InMemoryIpeJobLauncher
from strongroom.sox_evidence.adapters.in_memory_results_store import InMemoryResultsStore
from strongroom.sox_evidence.adapters.nav_bi import SourceDatabase
from strongroom.sox_evidence.domain import catalog
from strongroom.sox_evidence.domain.ipe_jobs import (
    JOB_PARAMETERS,
    InvalidJobArguments,
    IpeJobRequest,
)
from strongroom.sox_evidence.domain.requests import parse_run_request
from strongroom.sox_evidence.domain.runs import record_key
from strongroom.sox_evidence.jobs import ipe as ipe_job
from strongroom.sox_evidence.services.container_run import run_submitted_ipe
from strongroom.sox_evidence.services.pg01_run import Pg01Result, run_pg01
from strongroom.sox_evidence.services.run_records import list_runs
from tests.unit.sox_evidence.evidence_support import in_memory_packager
from tests.unit.sox_evidence.support import CUTOFF, SMALL_LIMITS, opened, source_for, ticking_clock
from tests.unit.sox_evidence.test_handler import ENVIRONMENT


def with_container(ipe_id: str) -> list[catalog.CatalogEntry]:
    """The shipped catalog with one IPE marked runs_on = "container"."""
    entries = []
    for entry in catalog.catalog().values():
        definition = entry.definition
        if definition.id == ipe_id:
            definition = definition.model_copy(update={"runs_on": "container"})
        entries.append(entry.model_copy(update={"definition": definition}))
    return entries


def run(
    nav_bi: Path,
    store: InMemoryResultsStore,
    launcher: InMemoryIpeJobLauncher | None,
    event: dict[str, object] | None = None,
    entries: list[catalog.CatalogEntry] | None = None,
) -> Pg01Result:
    source = source_for(nav_bi)
    shipped = entries or list(catalog.catalog().values())
    return run_pg01(
        parse_run_request(event or {"cutoff_date": CUTOFF.isoformat()}, "arn:test"),
        cutoff_setting=None,
        open_source=lambda: opened(source),
        store=store,
        clock=ticking_clock(),  # type: ignore[arg-type]
        package_version="0.1.0",
        limits=SMALL_LIMITS,
        launcher=launcher,
        select=lambda ids: [e for e in shipped if ids is None or e.definition.id in ids],
    )


def test_a_container_ipe_is_submitted_with_its_run_id_and_the_others_run_here(
    nav_bi: Path,
) -> None:
    results, launcher = InMemoryResultsStore(), InMemoryIpeJobLauncher()

    result = run(nav_bi, results, launcher, entries=with_container("IPE_07"))

    by_id = {outcome.ipe_id: outcome for outcome in result.ipes}
    assert [outcome.ipe_id for outcome in result.ipes] == ["CR_05", "IPE_07", "IPE_08"]
    assert result.status_code == 200
    submitted = by_id["IPE_07"]
    assert (submitted.status, submitted.runs_on) == ("submitted", "container")
    [(job, request)] = launcher.submitted
    assert submitted.job_id == job.job_id
    assert submitted.job_name == request.job_name
    assert request.run_id == submitted.run_id
    assert (request.cutoff_date, request.trigger, request.requester) == (
        CUTOFF,
        "invoke",
        "arn:test",
    )
    assert submitted.record_key == record_key("IPE_07", CUTOFF, submitted.run_id)
    assert {record.ipe_id for record in list_runs(results)} == {"CR_05", "IPE_08"}
    assert by_id["CR_05"].status == by_id["IPE_08"].status == "succeeded"


def test_the_request_can_send_ipes_to_the_container_path(nav_bi: Path) -> None:
    results, launcher = InMemoryResultsStore(), InMemoryIpeJobLauncher()

    result = run(
        nav_bi,
        results,
        launcher,
        {"cutoff_date": CUTOFF.isoformat(), "ipe_ids": ["CR_05"], "runs_on": "container"},
    )

    assert [outcome.status for outcome in result.ipes] == ["submitted"]
    assert [request.ipe_id for _, request in launcher.submitted] == ["CR_05"]
    assert list_runs(results) == []


def test_without_the_container_path_a_container_ipe_is_recorded_failed_naming_why(
    nav_bi: Path,
) -> None:
    results = InMemoryResultsStore()

    result = run(nav_bi, results, None, entries=with_container("CR_05"))

    by_id = {outcome.ipe_id: outcome for outcome in result.ipes}
    assert result.status_code == 207
    assert by_id["CR_05"].status == "failed"
    assert "container path is not deployed" in (by_id["CR_05"].failure or "")
    [record] = list_runs(results, "CR_05")
    assert (record.status, record.runs_on) == ("failed", "container")


def test_a_job_batch_refuses_is_recorded_failed_with_batchs_reason(nav_bi: Path) -> None:
    results = InMemoryResultsStore()
    refusing = InMemoryIpeJobLauncher(refuse_with="Batch refused the job: ClientException: no")

    result = run(
        nav_bi, results, refusing, {"cutoff_date": CUTOFF.isoformat(), "runs_on": "container"}
    )

    assert result.status_code == 500
    assert {record.failure for record in list_runs(results)} == {
        "not attempted: Batch refused the job: ClientException: no"
    }


def job_request(ipe_id: str = "IPE_08") -> IpeJobRequest:
    return IpeJobRequest(
        ipe_id=ipe_id,
        cutoff_date=CUTOFF,
        run_id="20250701T080000Z-0a1b2c3d",
        trigger="schedule",
        cutoff_source="default",
        requester="arn:aws:events:eu-west-1:123456789012:rule/SOXAuto-Monthly-Execution",
    )


def test_a_job_request_travels_as_batch_parameters_and_back() -> None:
    request = job_request()
    parameters = request.parameters()

    assert list(parameters) == list(JOB_PARAMETERS)
    assert IpeJobRequest.from_arguments(list(parameters.values())) == request


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (["IPE_08"], "expected 6 arguments"),
        (
            ["IPE_08", "2025-06-31", "20250701T080000Z-0a1b2c3d", "cli", "event", "me"],
            "cutoff_date",
        ),
        (["IPE_08", "2025-06-30", "latest", "cli", "event", "me"], "run_id"),
        (["IPE_08", "2025-06-30", "20250701T080000Z-0a1b2c3d", "cron", "event", "me"], "trigger"),
    ],
)
def test_bad_job_arguments_are_refused_naming_the_field(arguments: list[str], named: str) -> None:
    with pytest.raises(InvalidJobArguments, match=named):
        IpeJobRequest.from_arguments(arguments)


def test_the_job_runs_the_ipe_under_the_run_id_it_was_given(nav_bi: Path) -> None:
    store, request = InMemoryResultsStore(), job_request()
    source = source_for(nav_bi)

    record = run_submitted_ipe(
        request,
        open_source=lambda: opened(source),
        store=store,
        clock=ticking_clock(),  # type: ignore[arg-type]
        package_version="0.1.0",
        limits=SMALL_LIMITS,
        batch_job_id="batch-job-1",
    ).record

    assert (record.status, record.run_id, record.batch_job_id) == (
        "succeeded",
        request.run_id,
        "batch-job-1",
    )
    assert record.runs_on == "container"
    assert (record.context.trigger, record.context.requester) == ("schedule", request.requester)
    assert list_runs(store) == [record]


@contextmanager
def unreachable() -> Iterator[SourceDatabase]:
    raise ConnectionError("login timeout expired")
    yield  # pragma: no cover


def test_a_job_that_cannot_reach_its_database_records_the_failure(nav_bi: Path) -> None:
    store = InMemoryResultsStore()

    record = run_submitted_ipe(
        job_request(),
        open_source=unreachable,
        store=store,
        clock=ticking_clock(),  # type: ignore[arg-type]
        package_version="0.1.0",
        limits=SMALL_LIMITS,
        batch_job_id=None,
    ).record

    assert record.status == "failed"
    assert record.failure == "not attempted: ConnectionError: login timeout expired"
    assert list_runs(store) == [record]


@pytest.fixture
def job_wiring(monkeypatch: pytest.MonkeyPatch, nav_bi: Path) -> Iterator[InMemoryResultsStore]:
    for name, value in {**ENVIRONMENT, "AWS_BATCH_JOB_ID": "batch-job-7"}.items():
        monkeypatch.setenv(name, value)
    wiring.settings.cache_clear()
    fake = InMemoryResultsStore("jumia-sox-results")

    @contextmanager
    def open_source() -> Iterator[SourceDatabase]:
        yield source_for(nav_bi)

    monkeypatch.setattr(wiring, "open_source", open_source)
    monkeypatch.setattr(wiring, "results_store", lambda: fake)
    monkeypatch.setattr(wiring, "evidence_packager", in_memory_packager)
    yield fake
    wiring.settings.cache_clear()


def test_the_job_entry_point_exits_0_once_its_record_is_written(
    job_wiring: InMemoryResultsStore,
) -> None:
    exit_code = ipe_job.main(list(job_request("CR_05").parameters().values()))

    assert exit_code == 0
    [record] = list_runs(job_wiring)
    assert (record.ipe_id, record.status, record.batch_job_id) == (
        "CR_05",
        "succeeded",
        "batch-job-7",
    )


def test_the_job_entry_point_exits_1_when_no_record_can_be_written(
    job_wiring: InMemoryResultsStore,
) -> None:
    arguments = list(job_request("CR_05").parameters().values())
    assert ipe_job.main(arguments) == 0

    assert ipe_job.main(arguments) == 1  # the same run id again: S3 refuses to overwrite
    assert len(list_runs(job_wiring)) == 1


def test_the_job_entry_point_refuses_bad_arguments_with_its_usage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert ipe_job.main(["IPE_08"]) == 2
    assert "usage: python -m strongroom.sox_evidence.jobs.ipe" in capsys.readouterr().err


def test_the_jobs_failure_log_line_is_what_the_templates_metric_filter_counts(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A container's EMF is not extracted: the template counts the job's log line instead."""
    resources = load_template(Path(wiring.__file__).with_name("template.yaml"))["Resources"]
    metric_filter = resources["IpeJobFailureMetric"]["Properties"]
    alarm = resources["IpeFailedAlarm"]["Properties"]
    record = run_submitted_ipe(
        job_request(),
        open_source=unreachable,
        store=InMemoryResultsStore(),
        clock=ticking_clock(),  # type: ignore[arg-type]
        package_version="0.1.0",
        limits=SMALL_LIMITS,
        batch_job_id=None,
    ).record
    metrics.clear_metrics()

    [finished] = [
        {"message": entry.getMessage(), **entry.__dict__}
        for entry in caplog.records
        if entry.getMessage() == "IPE run finished"
    ]
    assert record.status == finished["status"] == "failed"
    pattern = metric_filter["FilterPattern"]
    assert f'$.message = "{finished["message"]}"' in pattern
    assert '$.status = "failed"' in pattern
    [transformation] = metric_filter["MetricTransformations"]
    assert (transformation["MetricName"], transformation["MetricNamespace"]) == (
        alarm["MetricName"],
        alarm["Namespace"],
    )
    assert transformation["Dimensions"] == [{"Key": "service", "Value": "$.service"}]
