"""Trigger archive: the DEX API's trigger response for every selected client, archived daily.

The scenario acts as an operator with the stack's endpoints.json: the seed's own AWS CLI
commands (only ``--endpoint-url`` added), the DEX stand-in's HTTP control API, the seed's SQL on
the Mediant SQLite file, and boto3 for the object versions.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import urllib.request
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from strongroom.demo.narration import COMMAND_TIMEOUT_SECONDS, Narrator, check
from strongroom.local.stack import LocalStack

SYSTEM = "trigger_archive"
SEED_QUERY = """SELECT DISTINCT c.ClientID, c.name
FROM Client c
INNER JOIN ClientServiceExt cs ON c.ClientID = cs.ClientID
WHERE c.OAuth2ClientCredentialsID IS NOT NULL
AND cs.ServiceID IN (2,8,3,4,5)"""
PAST_DAY = "2026-11-27"  # a past business day (a Friday): the fault, rerun and change steps
RATE_LIMITED_SHARE = 0.3
FAILED_METRIC = "ClientsFailed"
_KEY = re.compile(r"trigger/([0-9]+)/([0-9]+)_trigger_([0-9]{8})\.json")
_CONTROL_TIMEOUT_SECONDS = 10
_OPERATORS = {
    "GreaterThanThreshold": ">",
    "GreaterThanOrEqualToThreshold": ">=",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "<=",
}


class _Operator:
    """What an operator of the local stack has: endpoints.json, the AWS CLI and a shell."""

    def __init__(self, stack: LocalStack, workdir: Path) -> None:
        state_dir = stack.options.state_dir
        endpoints = json.loads((state_dir / "endpoints.json").read_text(encoding="utf-8"))
        outputs = endpoints["outputs"][SYSTEM]
        self.function = str(outputs["FunctionName"])
        self.bucket = str(outputs["ArchiveBucketName"])
        self.endpoint = str(endpoints["aws_endpoint_url"])
        self.region = str(endpoints["region"])
        self.dex: dict[str, str] = endpoints["standins"]["dex_api"]
        self.mediant = Path(endpoints["standins"]["mediant_db"]["path"])
        self.s3 = stack.client("s3")
        self.workdir = workdir
        self._cli: tuple[str, bool] | None = None

    @property
    def cli(self) -> tuple[str, bool]:
        """The AWS CLI and whether it is version 2, looked up inside the first step (a missing
        CLI then fails that step rather than passing unnoticed)."""
        if self._cli is None:
            self._cli = _aws_cli()
        return self._cli

    # -- the AWS CLI -------------------------------------------------------------------------

    def aws(self, narrator: Narrator, *arguments: str, show: bool = True) -> str:
        """``aws --endpoint-url <stack> ARGUMENTS`` in the work folder; its output, shown."""
        shown = "aws --endpoint-url $AWS_ENDPOINT_URL " + shlex.join(arguments)
        finished = subprocess.run(  # noqa: S603 - the AWS CLI, arguments from the scenario
            [self.cli[0], "--endpoint-url", self.endpoint, *arguments],
            cwd=self.workdir,
            env={
                **os.environ,
                "AWS_ACCESS_KEY_ID": "local",
                "AWS_SECRET_ACCESS_KEY": "local",
                "AWS_DEFAULT_REGION": self.region,
                "AWS_PAGER": "",
            },
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_SECONDS,
            check=False,
        )
        check(
            finished.returncode == 0,
            f"`{shown}` exited {finished.returncode}: {finished.stderr.strip()[-500:]}",
        )
        if show:
            narrator.show(_shell(shown, finished.stdout), title="AWS CLI")
        return finished.stdout

    def invoke(
        self, narrator: Narrator, payload: str, *, tail: bool = False
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The seed's ``aws lambda invoke ... --payload PAYLOAD response.json``: what the CLI
        printed and what the function answered (``--log-type Tail`` adds the log's end)."""
        binary = ("--cli-binary-format", "raw-in-base64-out") if self.cli[1] else ()
        arguments = (
            *("lambda", "invoke", "--function-name", self.function, *binary),
            *("--payload", payload, *(("--log-type", "Tail") if tail else ()), "response.json"),
        )
        printed: dict[str, Any] = json.loads(self.aws(narrator, *arguments, show=False))
        shown = dict(printed)
        if "LogResult" in shown:
            shown["LogResult"] = "<the log's last 4 KB, base64>"
        answered = (self.workdir / "response.json").read_text(encoding="utf-8")
        command = "aws --endpoint-url $AWS_ENDPOINT_URL " + shlex.join(arguments)
        transcript = _shell(command, json.dumps(shown, indent=4))
        transcript.append_text(_shell("cat response.json", answered))
        narrator.show(transcript, title="AWS CLI")
        answer: dict[str, Any] = json.loads(answered)
        return printed, answer

    # -- the DEX stand-in's control API and the Mediant file ---------------------------------

    def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(  # noqa: S310 - the stand-in's URL from endpoints.json
            self.dex["control_url"] + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                self.dex["control_header"]: self.dex["control_secret"],
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=_CONTROL_TIMEOUT_SECONDS) as response:  # noqa: S310
            return json.loads(response.read())

    def query(self, sql: str) -> dict[int, str]:
        """``ClientID -> name`` from the Mediant file, opened read-only."""
        with closing(sqlite3.connect(f"file:{self.mediant}?mode=ro", uri=True)) as connection:
            return {int(row[0]): str(row[1]) for row in connection.execute(sql)}


def _shell(command: str, output: str) -> Text:
    """A command and what it printed, as a terminal shows them."""
    return Text.assemble((f"$ {command}\n", "bold"), output.rstrip() + "\n")


def _aws_cli() -> tuple[str, bool]:
    """The AWS CLI next to this interpreter (the dev extra's ``awscli``, version 1), else the
    one on PATH; and whether it is version 2 (which needs ``--cli-binary-format`` for a JSON
    payload)."""
    beside = Path(sys.executable).with_name("aws")
    if beside.is_file():
        return str(beside), False
    found = shutil.which("aws")
    check(found is not None, "the AWS CLI is not installed (pip install -e '.[dev]')")
    assert found is not None
    version = subprocess.run(  # noqa: S603 - the AWS CLI found above
        [found, "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    return found, (version.stdout + version.stderr).startswith("aws-cli/2")


def trigger_archive_scenario(stack: LocalStack, narrator: Narrator) -> None:
    narrator.chapter(
        SYSTEM,
        "Trigger archive (seed 000)",
        "Every business day dex-trigger-response-archive reads the clients from the Mediant "
        "database with the seed's query, fetches each one's response from the DEX API "
        "(OAuth2 client credentials) and stores the bytes under "
        "trigger/<id>/<id>_trigger_<yyyymmdd>.json in a versioned bucket, answering 200, 207 "
        "naming the failed clients, or failing the invocation when nothing was archived.",
    )
    with tempfile.TemporaryDirectory(prefix="strongroom-trigger-") as workdir:
        operator = _Operator(stack, Path(workdir))
        operator.control("POST", "/reset")
        try:
            selected = _seed_invocation(narrator, operator)
            failing = _faults(narrator, operator, selected)
            _rerun(narrator, operator, selected, failing)
            _changed_response(narrator, operator, selected)
        finally:
            operator.control("POST", "/reset")


def _seed_invocation(narrator: Narrator, operator: _Operator) -> dict[int, str]:
    with narrator.step(
        "The seed's `aws lambda invoke --payload '{}'` archives exactly the clients its query "
        "selects"
    ):
        selected = operator.query(SEED_QUERY)
        everyone = operator.query("SELECT ClientID, name FROM Client")
        narrator.show(Syntax(SEED_QUERY, "sql"), title=f"the seed's query on {operator.mediant}")
        today = datetime.now(UTC).date()
        printed, answer = operator.invoke(narrator, "{}")
        body = answer["body"]
        check(printed.get("StatusCode") == 200 and "FunctionError" not in printed, f"{printed}")
        check(answer["statusCode"] == 200, f"the function answered {answer}")
        check(
            body["total_clients"] == body["successful_archives"] == len(selected),
            f"{len(selected)} selected, body {body}",
        )
        day = body["trigger_date"]
        check(
            day in {today.isoformat(), datetime.now(UTC).date().isoformat()},
            f"`{{}}` archived {day}, not today in UTC (the template's timezone)",
        )
        listing = operator.aws(
            narrator, "s3", "ls", f"s3://{operator.bucket}/trigger/", "--recursive"
        )
        listed = _listed_ids(listing, day.replace("-", ""))
        check(listed == set(selected), f"listed {sorted(listed)}, selected {sorted(selected)}")
        table = Table("ClientID", "name", "selected by the query", "in S3")
        for client_id, name in sorted(everyone.items()):
            chosen = client_id in selected
            table.add_row(
                str(client_id),
                name,
                "yes" if chosen else "no",
                "yes" if client_id in listed else "-",
            )
        narrator.show(table, title=f"Mediant clients and trigger/ for {day}")
        narrator.say(
            f"{len(selected)} of {len(everyone)} clients archived for {day}, each under "
            f"trigger/<id>/<id>_trigger_{day.replace('-', '')}.json; the "
            f"{len(everyone) - len(selected)} the query leaves out are not."
        )
        return selected


def _listed_ids(listing: str, stamp: str) -> set[int]:
    """The client ids of ``aws s3 ls --recursive`` lines for the day ``stamp``; every key must
    have the seed's layout (other days' keys are those of earlier runs)."""
    listed: set[int] = set()
    for line in listing.splitlines():
        if not line.strip():
            continue
        key = line.split()[-1]
        match = _KEY.fullmatch(key)
        check(
            match is not None and match[1] == match[2],
            f"{key} is not trigger/<id>/<id>_trigger_<yyyymmdd>.json",
        )
        assert match is not None
        if match[3] == stamp:
            listed.add(int(match[1]))
    return listed


def _faults(narrator: Narrator, operator: _Operator, selected: dict[int, str]) -> int:
    failing = sorted(selected)[len(selected) // 2]
    with narrator.step(
        f"With {RATE_LIMITED_SHARE:.0%} of calls answered 429 and {selected[failing]} always "
        "failing, the run answers 207 naming that client"
    ):
        faults = operator.control(
            "POST",
            "/faults",
            {
                "rate_limit_fraction": RATE_LIMITED_SHARE,
                "retry_after_seconds": 1,
                "failing_client_ids": [failing],
            },
        )
        narrator.show(
            Syntax(json.dumps(faults, indent=2), "json"),
            title=f"POST {operator.dex['control_url']}/faults",
        )
        printed, answer = operator.invoke(
            narrator, json.dumps({"trigger_date": PAST_DAY}), tail=True
        )
        body = answer["body"]
        check("FunctionError" not in printed, f"the invocation failed: {answer}")
        check(answer["statusCode"] == 207, f"statusCode {answer['statusCode']}, not 207")
        check(
            body["failed_archives"] == 1
            and [error["client_id"] for error in body["errors"]] == [failing]
            and body["successful_archives"] == len(selected) - 1,
            f"body {body}",
        )
        stats = operator.control("GET", "/stats")
        throttled = int(stats["statuses"].get("429", 0))
        check(throttled > 0, f"the stand-in answered no 429: {stats['statuses']}")
        check(stats["early_retries"] == 0, f"retries before Retry-After: {stats}")
        narrator.say(
            f"The stand-in answered {throttled} calls 429 (Retry-After: 1) and saw "
            f"{stats['early_retries']} early retries; {selected[failing]} got "
            f"HTTP 500 {stats['statuses'].get('500', 0)} times before the function gave it up."
        )
        _alarm_metric(narrator, operator, printed)
    return failing


def _alarm_metric(narrator: Narrator, operator: _Operator, printed: dict[str, Any]) -> None:
    """The run's EMF line (the end of its log, as ``--log-type Tail`` returns it) against the
    alarm the template puts on that metric."""
    log = base64.b64decode(printed["LogResult"]).decode(errors="replace")
    emf = _emf_line(log, FAILED_METRIC)
    alarms = json.loads(
        operator.aws(narrator, "cloudwatch", "describe-alarms", "--output", "json", show=False)
    )
    watching = [item for item in alarms["MetricAlarms"] if item.get("MetricName") == FAILED_METRIC]
    check(len(watching) == 1, f"{len(watching)} alarms watch {FAILED_METRIC}")
    alarm = watching[0]
    namespace = emf["_aws"]["CloudWatchMetrics"][0]["Namespace"]
    table = Table("metric", "value", "unit")
    for metric in emf["_aws"]["CloudWatchMetrics"][0]["Metrics"]:
        values = emf.get(metric["Name"])
        shown = values[0] if isinstance(values, list) and values else values
        table.add_row(metric["Name"], f"{shown:g}", str(metric.get("Unit", "")))
    narrator.show(
        table, title=f"EMF from --log-type Tail: {namespace}, service={emf.get('service')}"
    )
    dimensions = {item["Name"]: item["Value"] for item in alarm["Dimensions"]}
    check(
        (alarm["Namespace"], dimensions) == (namespace, {"service": emf.get("service")}),
        f"the alarm watches {alarm['Namespace']} {dimensions}, the run emitted {namespace}",
    )
    value = emf[FAILED_METRIC][0] if isinstance(emf[FAILED_METRIC], list) else emf[FAILED_METRIC]
    check(value == 1 and value > alarm["Threshold"], f"{FAILED_METRIC} = {value}")
    narrator.say(
        f"EMF in the invocation's log: {namespace}/{FAILED_METRIC} (service=trigger_archive) = "
        f"{value:g}; alarm {alarm['AlarmName']} fires when it is "
        f"{_OPERATORS.get(alarm['ComparisonOperator'], alarm['ComparisonOperator'])} "
        f"{alarm['Threshold']:g}."
    )


def _emf_line(log: str, metric: str) -> dict[str, Any]:
    for line in reversed(log.splitlines()):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and "_aws" in record and metric in record:
            return record
    check(False, f"no EMF line with {metric} in the invocation's log")
    raise AssertionError  # pragma: no cover - check raised


def _rerun(narrator: Narrator, operator: _Operator, selected: dict[int, str], failing: int) -> None:
    with narrator.step(
        f"Faults cleared, a rerun of {PAST_DAY} archives only {selected[failing]}; the rest are "
        "unchanged"
    ):
        operator.control("POST", "/reset")
        printed, answer = operator.invoke(narrator, json.dumps({"trigger_date": PAST_DAY}))
        body = answer["body"]
        check("FunctionError" not in printed, f"the invocation failed: {answer}")
        newly = body["successful_archives"] - body["unchanged"] - body["changed"]
        check(answer["statusCode"] == 200, f"statusCode {answer['statusCode']}: {body}")
        check(
            (newly, body["unchanged"], body["changed"], body["failed_archives"])
            == (1, len(selected) - 1, 0, 0),
            f"body {body}",
        )
        stamp = PAST_DAY.replace("-", "")
        listing = operator.aws(
            narrator, "s3", "ls", f"s3://{operator.bucket}/trigger/{failing}/", "--recursive"
        )
        check(f"{failing}_trigger_{stamp}.json" in listing, f"no object for {failing}")
        narrator.say(
            f"{newly} archived ({selected[failing]}), {body['unchanged']} unchanged: their "
            "objects were compared by SHA-256 and not written again."
        )


def _changed_response(narrator: Narrator, operator: _Operator, selected: dict[int, str]) -> None:
    client = sorted(selected)[0]
    with narrator.step(
        f"{selected[client]}'s response changes: a rerun keeps both versions, the first intact"
    ):
        bumped = operator.control("POST", f"/clients/{client}/revision")
        printed, answer = operator.invoke(narrator, json.dumps({"trigger_date": PAST_DAY}))
        body = answer["body"]
        check("FunctionError" not in printed, f"the invocation failed: {answer}")
        check(answer["statusCode"] == 200, f"statusCode {answer['statusCode']}: {body}")
        check((body["changed"], body["unchanged"]) == (1, len(selected) - 1), f"body {body}")
        key = f"trigger/{client}/{client}_trigger_{PAST_DAY.replace('-', '')}.json"
        listed = operator.s3.list_object_versions(Bucket=operator.bucket, Prefix=key)
        versions = [item for item in listed.get("Versions", []) if item["Key"] == key]
        check(len(versions) == 2, f"{len(versions)} versions of {key}")
        revisions = {}
        for version in versions:
            got = operator.s3.get_object(
                Bucket=operator.bucket, Key=key, VersionId=version["VersionId"]
            )
            content = got["Body"].read()
            check(
                hashlib.sha256(content).hexdigest() == got["Metadata"]["sha256"],
                f"version {version['VersionId']} does not match its sha256",
            )
            revisions["latest" if version["IsLatest"] else "first"] = json.loads(content)[
                "revision"
            ]
        check(revisions == {"first": 0, "latest": bumped["revision"]}, f"revisions {revisions}")
        narrator.say(
            f"{key}: 2 versions; the first (revision 0) still matches its SHA-256, the latest "
            f"holds revision {bumped['revision']}."
        )
