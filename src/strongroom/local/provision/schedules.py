"""Schedules: SAM Schedule/ScheduleV2 events, AWS::Events::Rule, AWS::Scheduler::Schedule."""

from __future__ import annotations

import json
from typing import Any

from strongroom.local.provision.model import (
    ClientFactory,
    ProvisionContext,
    ProvisionedResource,
    answers,
    function_name_of,
)
from strongroom.local.specs import ScheduleSpec


def _input(raw: Any) -> dict[str, Any] | None:
    if raw is None:
        return None
    return json.loads(raw) if isinstance(raw, str) else dict(raw)


def _state(properties: dict[str, Any]) -> str:
    if "Enabled" in properties:
        return "ENABLED" if properties["Enabled"] else "DISABLED"
    return "ENABLED" if str(properties.get("State", "ENABLED")).upper() == "ENABLED" else "DISABLED"


def _collect(
    context: ProvisionContext,
    name: str,
    expression: str,
    function: str,
    raw_input: Any,
    properties: dict[str, Any],
) -> None:
    """Hand one schedule to the local scheduler."""
    context.topology.schedules.append(
        ScheduleSpec(
            name=name,
            expression=expression,
            function_name=function,
            input=_input(raw_input),
            enabled=_state(properties) == "ENABLED",
            description=str(properties.get("Description", "")),
        )
    )


def register_schedule(
    context: ProvisionContext,
    logical_id: str,
    target: str,
    role_arn: str,
    event_name: str,
    kind: str,
    properties: dict[str, Any],
) -> None:
    """A function's schedule event: create the rule/schedule in the emulator, fire it locally."""
    expression_key = "Schedule" if kind == "Schedule" else "ScheduleExpression"
    expression = str(properties[expression_key])
    name = str(properties.get("Name") or context.physical_name(f"{logical_id}{event_name}"))
    if kind == "Schedule":
        _put_rule(context, name, expression, properties)
    else:
        _create_scheduler_schedule(context, name, expression, properties, target, role_arn)
    schedule = f"{context.system}.{logical_id}.{event_name}"
    _collect(context, schedule, expression, target, properties.get("Input"), properties)


def _put_rule(
    context: ProvisionContext, name: str, expression: str, properties: dict[str, Any]
) -> str:
    arn: str = context.clients("events").put_rule(
        Name=name,
        ScheduleExpression=expression,
        State=_state(properties),
        Description=str(properties.get("Description", "")),
    )["RuleArn"]
    return arn


def _create_scheduler_schedule(
    context: ProvisionContext,
    name: str,
    expression: str,
    properties: dict[str, Any],
    target: str,
    role_arn: str,
) -> str:
    arn: str = context.clients("scheduler").create_schedule(
        Name=name,
        ScheduleExpression=expression,
        State=_state(properties),
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": context.arn("lambda", f"function:{target}"), "RoleArn": role_arn},
    )["ScheduleArn"]
    return arn


class EventsRule:
    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        name = str(properties.get("Name") or context.physical_name(logical_id))
        expression = properties.get("ScheduleExpression")
        if not expression:
            raise ValueError(f"{logical_id}: only scheduled rules are supported locally")
        arn = _put_rule(context, name, str(expression), properties)
        for index, target in enumerate(properties.get("Targets") or []):
            schedule = f"{context.system}.{logical_id}.{target.get('Id', index)}"
            function = function_name_of(str(target["Arn"]))
            _collect(context, schedule, str(expression), function, target.get("Input"), properties)
        return context.resource(logical_id, "AWS::Events::Rule", name, {"Arn": arn})

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        return answers(lambda: clients("events").describe_rule(Name=resource.physical_id))


class SchedulerSchedule:
    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        name = str(properties.get("Name") or context.physical_name(logical_id))
        expression = str(properties["ScheduleExpression"])
        target = properties["Target"]
        function = function_name_of(str(target["Arn"]))
        role_arn = str(target["RoleArn"])
        arn = _create_scheduler_schedule(context, name, expression, properties, function, role_arn)
        schedule = f"{context.system}.{logical_id}"
        _collect(context, schedule, expression, function, target.get("Input"), properties)
        return context.resource(logical_id, "AWS::Scheduler::Schedule", name, {"Arn": arn})

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        return answers(lambda: clients("scheduler").get_schedule(Name=resource.physical_id))
