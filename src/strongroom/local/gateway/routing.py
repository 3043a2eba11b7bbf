"""HTTP API route selection: the most specific route wins.

AWS's order, from the HTTP API routing guide: a route whose path matches literally, then
routes with ``{param}`` segments, then greedy ``{proxy+}`` routes, then ``$default``.
Between paths of equal rank, literal segments earlier in the path win; between routes on
the same path, an exact method beats ``ANY``. Paths are case-sensitive; parameters are
URL-decoded, as API Gateway decodes them before the integration sees them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

from strongroom.local.specs import RouteSpec

DEFAULT_ROUTE_KEY = "$default"
ANY_METHOD = "ANY"
_PARAMETER = re.compile(r"^\{([A-Za-z0-9_.\-]+)(\+?)\}$")
_LITERAL, _PARAMETER_RANK = 2, 1


@dataclass(frozen=True)
class _Segment:
    kind: Literal["literal", "parameter", "greedy"]
    value: str  # the literal text, or the variable's name


@dataclass(frozen=True)
class RouteMatch:
    route: RouteSpec
    route_key: str
    path_parameters: dict[str, str]


@dataclass(frozen=True)
class _CompiledRoute:
    route: RouteSpec
    method: str
    segments: tuple[_Segment, ...]

    @property
    def route_key(self) -> str:
        return f"{self.route.method.upper()} {self.route.path}"

    @property
    def greedy(self) -> bool:
        return bool(self.segments) and self.segments[-1].kind == "greedy"

    def specificity(self) -> tuple[int, tuple[int, ...], int, int]:
        """Larger sorts first: non-greedy, literal-heavy prefixes, longer, exact method."""
        ranks = tuple(_LITERAL if s.kind == "literal" else _PARAMETER_RANK for s in self.segments)
        return (0 if self.greedy else 1, ranks, len(self.segments), self.method != ANY_METHOD)

    def parameters_for(self, request_segments: Sequence[str]) -> dict[str, str] | None:
        if self.greedy:
            if len(request_segments) < len(self.segments):
                return None
        elif len(request_segments) != len(self.segments):
            return None
        parameters: dict[str, str] = {}
        for index, segment in enumerate(self.segments):
            if segment.kind == "greedy":
                rest = "/".join(request_segments[index:])
                if not rest:
                    return None
                parameters[segment.value] = unquote(rest)
                break
            value = unquote(request_segments[index])
            if segment.kind == "literal":
                if value != segment.value:
                    return None
            elif value:
                parameters[segment.value] = value
            else:
                return None
        return parameters


class RouteTable:
    def __init__(self, routes: Sequence[RouteSpec]) -> None:
        self._default: RouteSpec | None = None
        compiled: list[_CompiledRoute] = []
        for route in routes:
            if DEFAULT_ROUTE_KEY in (route.path, route.method):
                self._default = route
            else:
                compiled.append(_compile(route))
        self._routes = sorted(compiled, key=_CompiledRoute.specificity, reverse=True)

    def match(self, method: str, path: str) -> RouteMatch | None:
        """The route for ``method path`` (path without query string), or None: 404."""
        request_segments = _split(path)
        for candidate in self._routes:
            if candidate.method not in (method.upper(), ANY_METHOD):
                continue
            parameters = candidate.parameters_for(request_segments)
            if parameters is not None:
                return RouteMatch(candidate.route, candidate.route_key, parameters)
        if self._default is not None:
            return RouteMatch(self._default, DEFAULT_ROUTE_KEY, {})
        return None


def _split(path: str) -> list[str]:
    """``/a/b`` -> ``["a", "b"]``; ``/`` -> ``[]``; a trailing slash keeps an empty segment."""
    trimmed = path.removeprefix("/")
    return trimmed.split("/") if trimmed else []


def _compile(route: RouteSpec) -> _CompiledRoute:
    if not route.path.startswith("/"):
        raise ValueError(f"route {route.method} {route.path!r}: the path must start with '/'")
    segments = tuple(_segment(route, text) for text in _split(route.path))
    if any(segment.kind == "greedy" for segment in segments[:-1]):
        raise ValueError(
            f"route {route.method} {route.path}: a greedy {{name+}} variable must come last"
        )
    return _CompiledRoute(route=route, method=route.method.upper(), segments=segments)


def _segment(route: RouteSpec, text: str) -> _Segment:
    if not text:
        raise ValueError(f"route {route.method} {route.path}: empty path segment")
    found = _PARAMETER.match(text)
    if found:
        return _Segment("greedy" if found.group(2) else "parameter", found.group(1))
    if "{" in text or "}" in text:
        raise ValueError(f"route {route.method} {route.path}: malformed path variable {text!r}")
    return _Segment("literal", text)
