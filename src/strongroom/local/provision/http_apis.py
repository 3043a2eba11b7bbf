"""``AWS::Serverless::HttpApi``: the API in the emulator and a loopback port for its gateway."""

from __future__ import annotations

import socket
from typing import Any

from strongroom.local.provision.model import (
    ClientFactory,
    PendingHttpApi,
    ProvisionContext,
    ProvisionedResource,
    answers,
)
from strongroom.local.specs import JwtAuthorizerSpec

LOOPBACK = "127.0.0.1"


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


class ServerlessHttpApi:
    def provision(
        self, logical_id: str, properties: dict[str, Any], context: ProvisionContext
    ) -> ProvisionedResource:
        client = context.clients("apigatewayv2")
        name = str(properties.get("Name") or context.physical_name(logical_id))
        api_id: str = client.create_api(Name=name, ProtocolType="HTTP")["ApiId"]
        auth = properties.get("Auth") or {}
        authorizers: dict[str, JwtAuthorizerSpec] = {}
        for authorizer_name, config in (auth.get("Authorizers") or {}).items():
            jwt = config.get("JwtConfiguration") or {}
            audiences = jwt.get("audience") or []
            spec = JwtAuthorizerSpec(
                name=authorizer_name,
                issuer=str(jwt["issuer"]),
                audiences=tuple(str(item) for item in audiences),
                identity_source=str(config.get("IdentitySource", "$request.header.Authorization")),
            )
            authorizers[authorizer_name] = spec
            client.create_authorizer(
                ApiId=api_id,
                Name=authorizer_name,
                AuthorizerType="JWT",
                IdentitySource=[spec.identity_source],
                JwtConfiguration={"Audience": list(spec.audiences), "Issuer": spec.issuer},
            )
        context.topology.http_api_drafts[api_id] = PendingHttpApi(
            system=context.system,
            logical_id=logical_id,
            api_id=api_id,
            authorizers=authorizers,
            default_authorizer=auth.get("DefaultAuthorizer"),
        )
        port = free_loopback_port()
        context.topology.api_ports[api_id] = port
        return context.resource(
            logical_id,
            "AWS::Serverless::HttpApi",
            api_id,
            {"ApiEndpoint": f"http://{LOOPBACK}:{port}", "ApiId": api_id},
        )

    def exists(self, resource: ProvisionedResource, clients: ClientFactory) -> bool:
        return answers(lambda: clients("apigatewayv2").get_api(ApiId=resource.physical_id))
