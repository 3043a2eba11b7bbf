from __future__ import annotations

import pytest

from strongroom.local.gateway.routing import RouteTable
from strongroom.local.specs import RouteSpec


def route(method: str, path: str) -> RouteSpec:
    return RouteSpec(method=method, path=path, function_name=f"{method} {path}")


def route_key(table: RouteTable, method: str, path: str) -> str | None:
    match = table.match(method, path)
    return None if match is None else match.route_key


# The example in AWS's "Routing API requests" guide for HTTP APIs.
AWS_EXAMPLE = RouteTable(
    [
        route("ANY", "/{proxy+}"),
        route("GET", "/pets/{proxy+}"),
        route("GET", "/pets/dog/{id}"),
        route("GET", "/pets/dog/1"),
        route("ANY", "$default"),
    ]
)


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/pets/dog/1", "GET /pets/dog/1"),
        ("GET", "/pets/dog/2", "GET /pets/dog/{id}"),
        ("GET", "/pets/cat/1", "GET /pets/{proxy+}"),
        ("PATCH", "/pets/dog/1", "ANY /{proxy+}"),
        ("GET", "/pets", "ANY /{proxy+}"),
        ("GET", "/", "$default"),
    ],
)
def test_most_specific_route_wins(method: str, path: str, expected: str) -> None:
    assert route_key(AWS_EXAMPLE, method, path) == expected


def test_path_parameters_are_extracted_and_url_decoded() -> None:
    table = RouteTable([route("GET", "/users/{user_id}/services/{service}")])

    match = table.match("GET", "/users/alice%40example.com/services/mail%20box")

    assert match is not None
    assert match.route_key == "GET /users/{user_id}/services/{service}"
    assert match.path_parameters == {"user_id": "alice@example.com", "service": "mail box"}


def test_greedy_variable_takes_the_rest_of_the_path() -> None:
    table = RouteTable([route("GET", "/files/{key+}")])

    match = table.match("GET", "/files/a/b/c.txt")

    assert match is not None
    assert match.path_parameters == {"key": "a/b/c.txt"}
    assert table.match("GET", "/files") is None
    assert table.match("GET", "/files/") is None


def test_literal_segment_beats_a_parameter_in_the_same_position() -> None:
    table = RouteTable([route("GET", "/users/{id}/services"), route("GET", "/users/me/{what}")])

    other = table.match("GET", "/users/bob/services")

    assert route_key(table, "GET", "/users/me/services") == "GET /users/me/{what}"
    assert other is not None
    assert other.path_parameters == {"id": "bob"}


def test_exact_method_beats_any_on_the_same_path() -> None:
    table = RouteTable([route("ANY", "/items"), route("POST", "/items")])

    assert route_key(table, "POST", "/items") == "POST /items"
    assert route_key(table, "delete", "/items") == "ANY /items"


def test_no_route_and_no_default_is_no_match() -> None:
    table = RouteTable([route("GET", "/items"), route("GET", "/items/{id}")])

    assert table.match("POST", "/items") is None
    assert table.match("GET", "/other") is None
    assert table.match("GET", "/items/1/extra") is None
    assert table.match("GET", "/Items") is None  # paths are case-sensitive
    assert table.match("GET", "/items/") is None  # an empty segment is not a parameter


def test_root_path_route() -> None:
    table = RouteTable([route("GET", "/")])

    assert route_key(table, "GET", "/") == "GET /"
    assert table.match("GET", "/x") is None


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("items", "must start with '/'"),
        ("/{proxy+}/items", "must come last"),
        ("/items/{id", "malformed path variable"),
        ("/items//x", "empty path segment"),
    ],
)
def test_malformed_route_paths_are_rejected(path: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RouteTable([route("GET", path)])
