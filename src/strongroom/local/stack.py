"""The embedded local stack: emulator, provisioned templates, everything that invokes functions."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import strongroom
from strongroom.core.localdev import (
    ENTRY_POINT_GROUP,
    LOCAL_ACCOUNT_ID,
    LocalDev,
    SeedTarget,
    StandIns,
    format_parameters,
)
from strongroom.local.batch import moto_bridge
from strongroom.local.batch.runner import LocalBatchRunner
from strongroom.local.control import ControlServer
from strongroom.local.emulator import Emulator, workload_credentials
from strongroom.local.endpoints import Endpoints, remove_endpoints, write_endpoints
from strongroom.local.front_door.event_invocations import DEFAULT_RETRY_DELAYS
from strongroom.local.front_door.fault_rules import FaultConfig
from strongroom.local.gateway.http_api import LocalHttpApi
from strongroom.local.gateway.jwt_authorizer import JwtVerifier
from strongroom.local.issuer import LocalIssuer
from strongroom.local.iterator_expiry import IteratorExpiry
from strongroom.local.lambda_runtime.runtime import LocalLambdaRuntime
from strongroom.local.provision.model import Topology
from strongroom.local.provision.provisioner import (
    Environment,
    ProvisionedStack,
    provision_root,
    provision_stack,
)
from strongroom.local.s3_restore import DEFAULT_RESTORE_DELAY_SECONDS, RestoreDelay
from strongroom.local.schedules.scheduler import LocalScheduler
from strongroom.local.sources.dynamodb_streams import DynamoDbStreamEventSource
from strongroom.local.sources.sqs import SqsEventSource
from strongroom.local.specs import HttpApiSpec
from strongroom.local.standins.launcher import RunningStandIns
from strongroom.local.template.stacks import StackTemplate, parameter_values, system_name
from strongroom.local.template.yaml_loader import load_template

DEFAULT_REGION = "eu-west-1"
DEV_AUDIENCE = "strongroom"
DEV_TOKEN_TTL_SECONDS = 12 * 3600


def system_declarations() -> dict[str, LocalDev]:
    """Each installed system's local development declaration, by system (package) name."""
    found: dict[str, LocalDev] = {}
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        declaration = entry_point.load()
        if not isinstance(declaration, LocalDev):
            raise TypeError(f"entry point {entry_point.value} is not a LocalDev")
        found[entry_point.name] = declaration
    return found


def parameter_stand_ins(
    declarations: Mapping[str, LocalDev], standins: StandIns | None = None
) -> dict[str, str]:
    """Every system's parameter stand-ins in one mapping, their ``{standin[field]}`` references
    filled in from the running stand-ins; two systems may not disagree."""
    merged: dict[str, str] = {}
    for system, declaration in declarations.items():
        for name, value in format_parameters(declaration.parameters, standins or {}).items():
            if merged.get(name, value) != value:
                raise ValueError(
                    f"{system} gives parameter {name} {value!r}, another system {merged[name]!r}"
                )
            merged[name] = value
    return merged


def default_root_template() -> Path:
    """The repository's root template (src layout: two folders above the package)."""
    candidate = Path(strongroom.__file__).resolve().parents[2] / "template.yaml"
    return candidate if candidate.is_file() else Path.cwd() / "template.yaml"


@dataclass
class StackOptions:
    state_dir: Path
    root_template: Path | None = field(default_factory=default_root_template)
    extra_templates: Sequence[Path] = ()
    region: str = DEFAULT_REGION
    seed_demo_data: bool = True
    log: Callable[[str], None] = print
    # How long an archived S3 object takes to restore (AWS: 12-48 h for Deep Archive).
    restore_delay_seconds: float = DEFAULT_RESTORE_DELAY_SECONDS
    # Seconds before an Event invocation's two retries (AWS: about 60 and 120).
    invoke_retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS
    # Fault mode for functions' and jobs' AWS calls from the start (None: off; POST /faults).
    faults: FaultConfig | None = None


class LocalStack:
    """Start with :meth:`start` (or ``with LocalStack(...) as stack``); stop with :meth:`stop`."""

    def __init__(self, options: StackOptions) -> None:
        self.options = options
        self.emulator = Emulator(options.region)
        self.stacks: list[ProvisionedStack] = []
        self.topology = Topology()
        self.runtime: LocalLambdaRuntime | None = None
        self.scheduler: LocalScheduler | None = None
        self.apis: list[tuple[HttpApiSpec, LocalHttpApi]] = []
        self._sources: list[SqsEventSource | DynamoDbStreamEventSource] = []
        self._control = ControlServer(self)
        self.issuer: LocalIssuer | None = None
        self.endpoints: Endpoints | None = None
        self._iterator_expiry = IteratorExpiry()
        self.restore_delay = RestoreDelay(options.restore_delay_seconds)
        self.declarations = system_declarations()
        self.standins = RunningStandIns(options.state_dir, log=options.log)

    def __enter__(self) -> LocalStack:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def client(self, service: str) -> Any:
        return self.emulator.client(service)

    def start(self) -> Endpoints:
        options = self.options
        options.state_dir.mkdir(parents=True, exist_ok=True)
        aws_url = self.emulator.start(options.faults, log=options.log)
        self.restore_delay.install()
        self._iterator_expiry.start()
        moto_bridge.install(
            LocalBatchRunner(
                self.emulator.aws_environment(),
                options.state_dir / "logs",
                on_event=options.log,
                credentials_for=workload_credentials,
            )
        )
        control_url = self._control.start()
        self.issuer = LocalIssuer.load_or_create(options.state_dir / "issuer-key.pem", control_url)
        self.standins.start()  # before provisioning: parameters and seeds refer to them
        self._provision()
        self.runtime = LocalLambdaRuntime(
            self.topology.functions,
            aws_environment=self.emulator.aws_environment(),
            log_dir=options.state_dir / "logs",
            credentials_for=workload_credentials,
        )
        self.emulator.route_invocations(
            self.runtime, log=options.log, retry_delays=options.invoke_retry_delays
        )
        self._start_event_sources(self.runtime)
        self._start_apis(self.runtime)
        self.scheduler = LocalScheduler(
            self.topology.schedules,
            self.runtime,
            region=options.region,
            account_id=LOCAL_ACCOUNT_ID,
            on_invocation=options.log,
        )
        self.scheduler.start()
        if options.seed_demo_data:
            self._seed()
        self.endpoints = Endpoints(
            aws_endpoint_url=aws_url,
            region=options.region,
            apis=self._api_urls(),
            token=self.mint_token(self.all_scopes()),
            outputs={stack.system: dict(stack.outputs) for stack in self.stacks},
            issuer=self.issuer.issuer,
            audience=DEV_AUDIENCE,
            control_url=control_url,
            control_secret=self._control.secret,
            standins=self.standins.described,
        )
        write_endpoints(options.state_dir, self.endpoints)
        return self.endpoints

    def _provision(self) -> None:
        environment = Environment(self.options.region, LOCAL_ACCOUNT_ID, self.client)
        assert self.issuer is not None
        overrides = {
            **parameter_stand_ins(self.declarations, self.standins.described),
            "JwtIssuer": self.issuer.issuer,
            "JwtAudience": DEV_AUDIENCE,
        }
        if self.options.root_template is not None:
            self.stacks.extend(
                provision_root(self.options.root_template, environment, self.topology, overrides)
            )
        for path in self.options.extra_templates:
            body = load_template(path)
            template = StackTemplate(
                system=system_name(path),
                path=path,
                body=body,
                parameters=parameter_values(body, overrides, path),  # the ones it declares
            )
            self.stacks.append(provision_stack(template, environment, self.topology))

    def _start_event_sources(self, runtime: LocalLambdaRuntime) -> None:
        region = self.options.region
        for sqs_spec in self.topology.sqs_sources:
            if sqs_spec.enabled:
                self._sources.append(
                    SqsEventSource(
                        sqs_spec,
                        runtime,
                        self.client,
                        region=region,
                        on_invocation=self.options.log,
                    )
                )
        for stream_spec in self.topology.stream_sources:
            if stream_spec.enabled:
                self._sources.append(
                    DynamoDbStreamEventSource(
                        stream_spec,
                        runtime,
                        self.client,
                        region=region,
                        account_id=LOCAL_ACCOUNT_ID,
                        on_invocation=self.options.log,
                    )
                )
        for source in self._sources:
            source.start()

    def _start_apis(self, runtime: LocalLambdaRuntime) -> None:
        assert self.issuer is not None
        verifier = JwtVerifier({self.issuer.issuer: self.issuer.jwks()})
        for spec in self.topology.http_apis():
            api = LocalHttpApi(
                spec,
                runtime,
                verifier,
                region=self.options.region,
                account_id=LOCAL_ACCOUNT_ID,
                port=self.topology.api_ports[spec.api_id],
                on_invocation=self.options.log,
            )
            api.start()
            self.apis.append((spec, api))

    def _api_urls(self) -> dict[str, str]:
        urls: dict[str, str] = {}
        for spec, api in self.apis:
            key = spec.system if spec.system not in urls else f"{spec.system}.{spec.logical_id}"
            urls[key] = api.base_url
        return urls

    def _seed(self) -> None:
        for stack in self.stacks:
            declaration = self.declarations.get(stack.system)
            if declaration is not None and declaration.seed is not None:
                declaration.seed(
                    SeedTarget(
                        region=self.options.region,
                        account_id=LOCAL_ACCOUNT_ID,
                        outputs=dict(stack.outputs),
                        client=self.client,
                        state_dir=self.options.state_dir,
                        standins=self.standins.described,
                    )
                )

    def all_scopes(self) -> list[str]:
        return sorted(
            {
                scope
                for api in self.topology.http_apis()
                for route in api.routes
                for scope in route.scopes
            }
        )

    def mint_token(self, scopes: Sequence[str], ttl_seconds: int = DEV_TOKEN_TTL_SECONDS) -> str:
        assert self.issuer is not None
        return self.issuer.mint(audience=DEV_AUDIENCE, scopes=scopes, ttl_seconds=ttl_seconds)

    def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()
        for source in self._sources:
            source.stop()
        for _, api in self.apis:
            api.stop()
        self.emulator.route_invocations(None)  # before the runtime closes: no Event runs after
        if self.runtime is not None:
            self.runtime.close()
        self.standins.stop()
        self._control.stop()
        self._iterator_expiry.stop()
        moto_bridge.uninstall()
        self.restore_delay.uninstall()
        self.emulator.stop()
        remove_endpoints(self.options.state_dir)
