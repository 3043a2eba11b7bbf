"""``AWS::Serverless::Function``: the function, its role, alias and event sources."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from strongroom.local.provision.model import (
    ClientFactory,
    ProvisionContext,
    ProvisionedResource,
    answers,
    function_name_of,
)
from strongroom.local.provision.operations import create_role, role_exists, trust_policy
from strongroom.local.provision.schedules import register_schedule
from strongroom.local.specs import FunctionSpec, RouteSpec, SqsSourceSpec, StreamSourceSpec
from strongroom.local.template.intrinsics import TemplateError

_LAMBDA_TRUST = trust_policy("lambda.amazonaws.com")


def _placeholder_zip() -> bytes:
    """The emulator wants a code bundle; the local runtime runs the installed package instead."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "README.txt", "Code runs from the strongroom package in the local runtime.\n"
        )
    return buffer.getvalue()


class ServerlessFunction:
    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        name = properties.get("FunctionName") or context.physical_name(logical_id, max_length=64)
        handler = str(properties["Handler"])
        _check_handler_is_bundled(context, logical_id, properties.get("CodeUri"), handler)
        role_arn = properties.get("Role") or self._create_role(logical_id, properties, context)
        environment = {
            key: str(value)
            for key, value in ((properties.get("Environment") or {}).get("Variables") or {}).items()
        }
        lambda_client = context.clients("lambda")
        function = lambda_client.create_function(
            FunctionName=name,
            Runtime=properties.get("Runtime", "python3.12"),
            Role=role_arn,
            Handler=handler,
            Code={"ZipFile": _placeholder_zip()},
            Timeout=int(properties.get("Timeout", 3)),
            MemorySize=int(properties.get("MemorySize", 128)),
            Environment={"Variables": environment},
            Architectures=list(properties.get("Architectures") or ["x86_64"]),
        )
        attributes: dict[str, Any] = {"Arn": function["FunctionArn"], "RoleArn": role_arn}
        alias = properties.get("AutoPublishAlias")
        if alias:
            version = lambda_client.publish_version(FunctionName=name)["Version"]
            attributes["Alias"] = lambda_client.create_alias(
                FunctionName=name, Name=alias, FunctionVersion=version
            )["AliasArn"]
        reserved = properties.get("ReservedConcurrentExecutions")
        context.topology.functions.append(
            FunctionSpec(
                system=context.system,
                logical_id=logical_id,
                name=name,
                arn=function["FunctionArn"],
                handler=handler,
                environment=environment,
                timeout_seconds=int(properties.get("Timeout", 3)),
                memory_mb=int(properties.get("MemorySize", 128)),
                alias=alias,
                reserved_concurrency=int(reserved) if reserved is not None else None,
            )
        )
        target = f"{name}:{alias}" if alias else name
        for event_name, event in (properties.get("Events") or {}).items():
            _register_event(context, logical_id, target, role_arn, event_name, event)
        return context.resource(logical_id, "AWS::Serverless::Function", name, attributes)

    @staticmethod
    def _create_role(logical_id: str, properties: dict[str, Any], context: ProvisionContext) -> str:
        inline: dict[str, Any] = {}
        for index, policy in enumerate(properties.get("Policies") or []):
            if isinstance(policy, dict) and "Statement" in policy:
                inline[f"{logical_id}Policy{index}"] = {
                    "Version": policy.get("Version", "2012-10-17"),
                    "Statement": policy["Statement"],
                }
            elif isinstance(policy, dict):
                raise TemplateError(
                    f"{logical_id}: SAM policy templates ({', '.join(policy)}) are not used in "
                    "strongroom; write inline least-privilege statements"
                )
        return create_role(
            context.clients("iam"),
            context.physical_name(f"{logical_id}Role"),
            _LAMBDA_TRUST,
            inline,
        )

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        if not answers(lambda: clients("lambda").get_function(FunctionName=resource.physical_id)):
            return False
        role_name = str(resource.attributes["RoleArn"]).rsplit("/", 1)[-1]
        return role_exists(clients, role_name)


def _check_handler_is_bundled(
    context: ProvisionContext, logical_id: str, code_uri: Any, handler: str
) -> None:
    """``sam build`` packages CodeUri: the handler's module must live under it."""
    if not isinstance(code_uri, str) or not context.template_dir:
        raise TemplateError(f"{logical_id}: CodeUri must be a local folder")
    module = handler.rsplit(".", 1)[0].replace(".", "/")
    code_dir = Path(context.template_dir) / code_uri
    if not (code_dir / f"{module}.py").is_file():
        raise TemplateError(f"{logical_id}: handler {handler} is not under CodeUri {code_uri}")


def _register_event(
    context: ProvisionContext,
    logical_id: str,
    target: str,
    role_arn: str,
    event_name: str,
    event: dict[str, Any],
) -> None:
    kind = event.get("Type")
    properties = event.get("Properties") or {}
    item_failures = "ReportBatchItemFailures" in (properties.get("FunctionResponseTypes") or [])
    window = int(properties.get("MaximumBatchingWindowInSeconds", 0))
    enabled = bool(properties.get("Enabled", True))
    if kind == "SQS":
        queue_arn = str(properties["Queue"])
        queue_url = context.clients("sqs").get_queue_url(QueueName=queue_arn.rsplit(":", 1)[-1])[
            "QueueUrl"
        ]
        scaling = properties.get("ScalingConfig") or {}
        context.topology.sqs_sources.append(
            SqsSourceSpec(
                function_name=target,
                queue_url=queue_url,
                queue_arn=queue_arn,
                batch_size=int(properties.get("BatchSize", 10)),
                maximum_batching_window_seconds=window,
                report_batch_item_failures=item_failures,
                maximum_concurrency=min(int(scaling.get("MaximumConcurrency", 2)), 4),
                enabled=enabled,
            )
        )
    elif kind == "DynamoDB":
        destination = ((properties.get("DestinationConfig") or {}).get("OnFailure") or {}).get(
            "Destination"
        )
        context.topology.stream_sources.append(
            StreamSourceSpec(
                function_name=target,
                stream_arn=str(properties["Stream"]),
                starting_position=properties.get("StartingPosition", "LATEST"),
                batch_size=int(properties.get("BatchSize", 100)),
                maximum_batching_window_seconds=window,
                maximum_retry_attempts=int(properties.get("MaximumRetryAttempts", -1)),
                maximum_record_age_seconds=int(properties.get("MaximumRecordAgeInSeconds", -1)),
                bisect_batch_on_function_error=bool(
                    properties.get("BisectBatchOnFunctionError", False)
                ),
                on_failure_destination_arn=str(destination) if destination else None,
                report_batch_item_failures=item_failures,
                enabled=enabled,
            )
        )
    elif kind in ("Schedule", "ScheduleV2"):
        register_schedule(context, logical_id, target, role_arn, event_name, kind, properties)
    elif kind == "HttpApi":
        _register_route(context, target, properties)
    else:
        raise TemplateError(f"{logical_id}.Events.{event_name}: event type {kind} is not supported")


def _register_route(context: ProvisionContext, target: str, properties: dict[str, Any]) -> None:
    api_id = properties.get("ApiId")
    drafts = context.topology.http_api_drafts
    if api_id is None:
        raise TemplateError("HttpApi events must name their API with ApiId (no implicit API)")
    draft = drafts.get(str(api_id))
    if draft is None:
        raise TemplateError(f"HttpApi event refers to unknown API {api_id}")
    auth = properties.get("Auth") or {}
    authorizer = auth.get("Authorizer", draft.default_authorizer)
    if authorizer == "NONE":
        authorizer = None
    if authorizer is not None and authorizer not in draft.authorizers:
        raise TemplateError(f"route {properties.get('Path')} uses unknown authorizer {authorizer}")
    draft.routes.append(
        RouteSpec(
            method=str(properties.get("Method", "ANY")).upper(),
            path=str(properties.get("Path", "$default")),
            function_name=target,
            authorizer=authorizer,
            scopes=tuple(auth.get("AuthorizationScopes") or ()),
        )
    )


class LambdaPermission:
    """Invoke permissions matter on AWS; the local runtime invokes directly: recorded only."""

    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        function = function_name_of(str(properties["FunctionName"]))
        return context.resource(
            logical_id,
            "AWS::Lambda::Permission",
            function,
            {"Statement": json.dumps(properties, default=str)},
            ref=logical_id,
        )

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        """Recorded only, so it exists while the function it names does."""
        return answers(lambda: clients("lambda").get_function(FunctionName=resource.physical_id))
