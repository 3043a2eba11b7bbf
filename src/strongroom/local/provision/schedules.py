"""Schedules: SAM Schedule/ScheduleV2 events, AWS::Events::Rule, AWS::Scheduler::Schedule.

Each is created in the emulator and handed to the local scheduler with what decides when it
fires and what it sends: a rule fires in UTC, a Scheduler schedule in its time zone.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from strongroom.local.provision.model import (
    ClientFactory,
    ProvisionContext,
    ProvisionedResource,
    answers,
    function_name_of,
)
from strongroom.local.specs import ScheduleSpec
from strongroom.local.template.intrinsics import TemplateError


def _input(raw: Any, schedule: str) -> dict[str, Any] | None:
    """The target's Input, parsed: AWS requires well-formed JSON for a Lambda target."""
    if raw is None or not isinstance(raw, str):
        return None if raw is None else dict(raw)
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as error:
        raise TemplateError(
            f"schedule {schedule}: Input is not well-formed JSON: {error}"
        ) from None
    if not isinstance(parsed, dict):
        raise TemplateError(f"schedule {schedule}: Input must be a JSON object locally")
    return parsed


def _state(properties: dict[str, Any]) -> str:
    if "Enabled" in properties:
        return "ENABLED" if properties["Enabled"] else "DISABLED"
    return "ENABLED" if str(properties.get("State", "ENABLED")).upper() == "ENABLED" else "DISABLED"


def _collect(
    context: ProvisionContext,
    name: str,
    function: str,
    target_input: Any,
    properties: dict[str, Any],
    arn: str,
    service: Literal["rule", "scheduler"],
) -> None:
    """Hand one schedule to the local scheduler: a rule's properties or a Scheduler schedule's."""
    expression_key = "Schedule" if "Schedule" in properties else "ScheduleExpression"
    timezone = properties.get("ScheduleExpressionTimezone")
    context.topology.schedules.append(
        ScheduleSpec(
            name=name,
            expression=str(properties[expression_key]),
            function_name=function,
            input=_input(target_input, name),
            enabled=_state(properties) == "ENABLED",
            description=str(properties.get("Description", "")),
            service=service,
            timezone=str(timezone or "UTC"),
            arn=arn,
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
    """A function's schedule event: create the rule/schedule in the emulator, fire it locally.
    ``Schedule`` is an EventBridge rule, ``ScheduleV2`` an EventBridge Scheduler schedule."""
    name = str(properties.get("Name") or context.physical_name(f"{logical_id}{event_name}"))
    target_input = properties.get("Input")
    service: Literal["rule", "scheduler"] = "rule" if kind == "Schedule" else "scheduler"
    if service == "rule":
        arn = _put_rule(context, name, str(properties["Schedule"]), properties)
    else:
        scheduler_target = {
            "Arn": context.arn("lambda", f"function:{target}"),
            "RoleArn": role_arn,
            **({"Input": target_input} if target_input is not None else {}),
        }
        arn = _create_scheduler_schedule(context, name, properties, scheduler_target)
    schedule = f"{context.system}.{logical_id}.{event_name}"
    _collect(context, schedule, target, target_input, properties, arn, service)


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
    context: ProvisionContext, name: str, properties: dict[str, Any], target: dict[str, Any]
) -> str:
    """Create the schedule with its expression, time zone, state and target (Input included)."""
    optional = {
        key: properties[key]
        for key in ("ScheduleExpressionTimezone", "Description")
        if properties.get(key)
    }
    if "Input" in target and not isinstance(target["Input"], str):
        target = {**target, "Input": json.dumps(target["Input"])}  # the API takes text
    arn: str = context.clients("scheduler").create_schedule(
        Name=name,
        ScheduleExpression=str(properties["ScheduleExpression"]),
        State=_state(properties),
        FlexibleTimeWindow=properties.get("FlexibleTimeWindow") or {"Mode": "OFF"},
        Target=target,
        **optional,
    )["ScheduleArn"]
    return arn


class EventsRule:
    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        name = str(properties.get("Name") or context.physical_name(logical_id))
        expression = properties.get("ScheduleExpression")
        if not expression:
            return self._pattern_rule(logical_id, name, properties, context)
        arn = _put_rule(context, name, str(expression), properties)
        for index, target in enumerate(properties.get("Targets") or []):
            schedule = f"{context.system}.{logical_id}.{target.get('Id', index)}"
            function = function_name_of(str(target["Arn"]))
            _collect(context, schedule, function, target.get("Input"), properties, arn, "rule")
        return context.resource(logical_id, "AWS::Events::Rule", name, {"Arn": arn})

    @staticmethod
    def _pattern_rule(
        logical_id: str, name: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        """A rule on an event pattern exists in the emulator with its targets; locally no AWS
        service emits the events it matches (Batch's state changes, ...), so it never fires."""
        pattern = properties.get("EventPattern")
        if not pattern:
            raise ValueError(f"{logical_id}: a rule needs ScheduleExpression or EventPattern")
        events = context.clients("events")
        arn: str = events.put_rule(
            Name=name,
            EventPattern=pattern if isinstance(pattern, str) else json.dumps(pattern),
            State=_state(properties),
            Description=str(properties.get("Description", "")),
        )["RuleArn"]
        targets = [
            {
                "Id": str(target["Id"]),
                "Arn": str(target["Arn"]),
                **({"Input": str(target["Input"])} if "Input" in target else {}),
                **(
                    {"InputTransformer": dict(target["InputTransformer"])}
                    if "InputTransformer" in target
                    else {}
                ),
            }
            for target in properties.get("Targets") or []
        ]
        if targets:
            events.put_targets(Rule=name, Targets=targets)
        return context.resource(logical_id, "AWS::Events::Rule", name, {"Arn": arn})

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        return answers(lambda: clients("events").describe_rule(Name=resource.physical_id))


class SchedulerSchedule:
    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        name = str(properties.get("Name") or context.physical_name(logical_id))
        target = dict(properties["Target"])
        function = function_name_of(str(target["Arn"]))
        arn = _create_scheduler_schedule(context, name, properties, target)
        schedule = f"{context.system}.{logical_id}"
        _collect(context, schedule, function, target.get("Input"), properties, arn, "scheduler")
        return context.resource(logical_id, "AWS::Scheduler::Schedule", name, {"Arn": arn})

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        return answers(lambda: clients("scheduler").get_schedule(Name=resource.physical_id))
