"""Config audit: every change to the Configuration table becomes an audit entry."""

from __future__ import annotations

import json
from typing import Any

from rich.syntax import Syntax

from strongroom.demo.narration import Narrator, check, wait_for
from strongroom.local.replay import stream_events
from strongroom.local.stack import LocalStack

SYSTEM = "config_audit"
FUNCTION = "audit_producer:learn"
BY_ITEM_KEY_INDEX = "byItemKey"  # the Audit table's index of an item's entries by time
LARGE_VALUE_BYTES = (
    300_000  # old + new value of one attribute then exceed DynamoDB's 400 KB item cap
)


class _Audit:
    def __init__(self, stack: LocalStack) -> None:
        provisioned = next(item for item in stack.stacks if item.system == SYSTEM)
        self.stack = stack
        self.dynamodb = stack.client("dynamodb")
        self.configuration = provisioned.outputs["ConfigurationTableName"]
        self.audit_table = provisioned.outputs["AuditTableName"]
        self.failure_queue = provisioned.resources["FailureQueue"].physical_id

    def put(self, item: dict[str, Any]) -> None:
        self.dynamodb.put_item(TableName=self.configuration, Item=item)

    def items(self, key: str) -> list[dict[str, Any]]:
        """The Audit table's items for ``key`` as DynamoDB holds them, newest first."""
        pages = self.dynamodb.get_paginator("query").paginate(
            TableName=self.audit_table,
            IndexName=BY_ITEM_KEY_INDEX,
            KeyConditionExpression="itemKey = :key",
            ExpressionAttributeValues={":key": {"S": key}},
            ScanIndexForward=False,
        )
        return [item for page in pages for item in page["Items"]]

    def entries(self, key: str, count: int) -> list[dict[str, Any]]:
        def enough() -> list[dict[str, Any]] | None:
            found = self.items(key)
            return found if len(found) >= count else None

        return wait_for(enough, what=f"{count} audit entries for {key}")

    def history(self, narrator: Narrator, key: str) -> list[dict[str, Any]]:
        """``strongroom audit history KEY --json``: the entries in the seed's format."""
        shown: list[dict[str, Any]] = json.loads(
            narrator.run(
                self.stack.options.state_dir, "audit", "history", key, "--json", show=False
            )
        )
        return shown

    def audit_size(self) -> int:
        pages = self.dynamodb.get_paginator("scan").paginate(
            TableName=self.audit_table, Select="COUNT"
        )
        return sum(page["Count"] for page in pages)


def _show_json(narrator: Narrator, entries: list[dict[str, Any]], title: str) -> None:
    text = json.dumps(entries, indent=2)
    narrator.show(Syntax(text, "json", word_wrap=True), title=title)


def config_audit_scenario(stack: LocalStack, narrator: Narrator) -> None:
    narrator.chapter(
        SYSTEM,
        "Config audit (seed 002)",
        "The Configuration table streams every change to audit_producer:learn, which writes one "
        "audit entry per change to the Audit table in the seed's format.",
    )
    audit = _Audit(stack)
    _insert_update_delete(narrator, audit)
    _poison_record(narrator, audit)
    _redelivery(narrator, audit)
    narrator.run(stack.options.state_dir, "audit", "history", "CACHE_TTL_SEC")


def _insert_update_delete(narrator: Narrator, audit: _Audit) -> None:
    with narrator.step("INSERT CACHE_TTL_SEC=3600 is audited with the whole new item"):
        audit.put({"key": {"S": "CACHE_TTL_SEC"}, "value": {"N": "3600"}})
        audit.entries("CACHE_TTL_SEC", 1)
        (entry,) = audit.history(narrator, "CACHE_TTL_SEC")
        check(
            entry["newValue"] == {"key": "CACHE_TTL_SEC", "value": 3600},
            f"unexpected newValue {entry}",
        )
        _show_json(narrator, [entry], "strongroom audit history CACHE_TTL_SEC --json")
    with narrator.step("UPDATE value 3600 -> 1800 is audited as updatedAttribute=value"):
        audit.put({"key": {"S": "CACHE_TTL_SEC"}, "value": {"N": "1800"}})
        audit.entries("CACHE_TTL_SEC", 2)
        shown = audit.history(narrator, "CACHE_TTL_SEC")[0]
        check(
            (shown.get("updatedAttribute"), shown.get("oldValue"), shown.get("newValue"))
            == ("value", 3600, 1800),
            f"unexpected entry {shown}",
        )
        _show_json(narrator, [shown], "Newest of strongroom audit history CACHE_TTL_SEC --json")
    with narrator.step("An update of two attributes writes two entries; types survive"):
        audit.put(
            {
                "key": {"S": "CACHE_TTL_SEC"},
                "value": {"N": "1800"},
                "regions": {"SS": ["eu-west-1", "eu-central-1"]},
                "enabled": {"BOOL": True},
            }
        )
        two_newest = audit.entries("CACHE_TTL_SEC", 4)[:2]
        changed = {item["updatedAttribute"]["S"]: item["newValue"] for item in two_newest}
        check(
            changed
            == {"regions": {"SS": ["eu-west-1", "eu-central-1"]}, "enabled": {"BOOL": True}},
            f"unexpected entries {changed}",
        )
    with narrator.step("DELETE is audited with the whole old item"):
        audit.dynamodb.delete_item(
            TableName=audit.configuration, Key={"key": {"S": "CACHE_TTL_SEC"}}
        )
        newest = audit.entries("CACHE_TTL_SEC", 5)[0]
        check("newValue" not in newest and "oldValue" in newest, f"unexpected {newest}")
        shown = audit.history(narrator, "CACHE_TTL_SEC")[0]
        _show_json(narrator, [shown], "Newest of strongroom audit history CACHE_TTL_SEC --json")


def _poison_record(narrator: Narrator, audit: _Audit) -> None:
    with narrator.step(
        "A change whose audit entry cannot be stored fails alone and lands on the failure queue"
    ):
        narrator.say(
            f"Writing two {LARGE_VALUE_BYTES // 1000} KB versions of BLOB: old + new value exceed "
            "DynamoDB's 400 KB item limit, so that MODIFY cannot be audited."
        )
        audit.put({"key": {"S": "BLOB"}, "value": {"S": "a" * LARGE_VALUE_BYTES}})
        audit.put({"key": {"S": "BLOB"}, "value": {"S": "b" * LARGE_VALUE_BYTES}})
        audit.put({"key": {"S": "NEIGHBOUR"}, "value": {"N": "1"}})
        sqs = audit.stack.client("sqs")
        message = wait_for(
            lambda: sqs.receive_message(QueueUrl=audit.failure_queue, WaitTimeSeconds=1).get(
                "Messages"
            ),
            timeout=90,
            what="the failed record on the failure queue",
        )[0]
        info = json.loads(message["Body"])["DDBStreamBatchInfo"]
        check(
            info["batchSize"] == 1,
            f"the failure holds {info['batchSize']} records, not just the poison",
        )
        audit.entries("NEIGHBOUR", 1)
        audit.entries("BLOB", 1)
        narrator.say(
            f"Failure queue holds shard {info['shardId']} records {info['startSequenceNumber']}.."
            f"{info['endSequenceNumber']}; BLOB's insert and NEIGHBOUR were audited."
        )


def _redelivery(narrator: Narrator, audit: _Audit) -> None:
    with narrator.step("Replaying the whole stream (a redelivery) writes no duplicate entries"):
        before = audit.audit_size()
        records = _all_stream_records(audit)
        for start in range(0, len(records), 100):
            assert audit.stack.runtime is not None
            audit.stack.runtime.invoke(FUNCTION, {"Records": records[start : start + 100]})
        after = audit.audit_size()
        check(after == before, f"replay changed the Audit table from {before} to {after} entries")
        narrator.say(
            f"Replayed {len(records)} stream records; the Audit table still holds {after} entries."
        )


def _all_stream_records(audit: _Audit) -> list[dict[str, Any]]:
    table = audit.dynamodb.describe_table(TableName=audit.configuration)["Table"]
    return stream_events(
        audit.stack.client("dynamodbstreams"), table["LatestStreamArn"], audit.stack.options.region
    )
