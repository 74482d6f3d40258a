"""One declaration per route: what it is, who may call it, what it reads, what it answers.

``ApiBlueprint.operation`` registers the Chalice view and records a ``Route``.  The
authorisation gate (``policy.allowed``) enforces the route's roles; the OpenAPI document
(``chalicelib/api/openapi.py``, ``make openapi``) and the matrix in
``docs/authorisation.md`` are generated from the same records, so the three cannot drift.

A route's JSON body is parsed once, here, into its declared type (a ``msgspec.Struct``):
shape errors (a missing field, a wrong type, a value outside its declared bounds) are
refused with 422 before the view runs, naming the field — with the code and message the
field declares (``Meta(extra={"code": ..., "message": ...})``), or ``validation_failed``.
The view receives the typed value as ``body`` (and the typed query string as ``query``).
A route whose body is signed (``parse_body=False``) gets the raw bytes to itself: it checks
the signature over them first, then parses them with ``parse``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import wraps
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

import msgspec
from chalice import Blueprint, Response
from msgspec import Struct, field

from chalicelib.api.errors import from_domain
from chalicelib.api.http import BODY_METHODS, json_body, unexpected_failure
from chalicelib.core.errors import DomainError, ValidationFailed


class Problem(Struct, frozen=True):
    """An error answer a route documents: its status, when it happens, and its codes."""

    status: int
    description: str
    codes: tuple[str, ...]
    example: Mapping[str, Any] | None = None


class Answer(Struct, frozen=True):
    """A success answer: status, what it means, and the type of its body (None: no body,
    or a file when ``media_type`` is not JSON)."""

    status: int
    description: str
    type: Any = None
    media_type: str = "application/json"
    example: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    # other media types the same answer comes in (by the request's Accept), as text: media type → what it is
    alternatives: Mapping[str, str] = field(default_factory=dict)


class Param(Struct, frozen=True):
    """A path parameter: what it names, its JSON Schema and an example."""

    description: str
    schema: Mapping[str, Any]
    example: str


class Route(Struct, frozen=True):
    method: str
    path: str
    operation_id: str
    summary: str
    roles: frozenset[str]
    tags: tuple[str, ...]
    answers: tuple[Answer, ...]
    description: str = ""
    body: Any = None
    body_example: Any = None
    query: Any = None
    headers: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    params: Mapping[str, Param] = field(default_factory=dict)
    note: str = ""  # the authorisation matrix's note: which objects the roles may then reach
    local_only: bool = False
    parse_body: bool = True

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.path


ROUTES: dict[tuple[str, str], Route] = {}


class ApiBlueprint(Blueprint):
    """A Blueprint whose views are declared routes (``operation``) and translate domain
    errors to JSON responses."""

    def __init__(self, import_name: str, tag: str, local_only: bool = False) -> None:
        super().__init__(import_name)
        self.tag = tag
        self.local_only = local_only

    def operation(
        self,
        method: str,
        path: str,
        *,
        answers: tuple[Answer, ...] | Answer,
        tags: tuple[str, ...] = (),
        **declared: Any,
    ) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
        """Register ``view`` for ``method path`` and record the route: ``declared`` holds the
        rest of its ``Route`` (``operation_id``, ``summary`` and ``roles`` at least), ``tags``
        come after the blueprint's own.  ``parse_body=False``: ``body`` only documents the
        request; the view reads the raw bytes itself (to check a signature over them before
        anything is parsed) and parses them with ``parse``."""
        route = Route(
            method,
            path,
            tags=(self.tag, *tags),
            answers=answers if isinstance(answers, tuple) else (answers,),
            local_only=self.local_only,
            **declared,
        )
        ROUTES[route.key] = route
        register = super().route(path, methods=[method])

        def decorator(view: Callable[..., Response]) -> Callable[..., Response]:
            @wraps(view)
            def handler(**params: Any) -> Response:
                try:
                    request = self.current_request
                    if route.body is not None:
                        if route.parse_body:
                            params["body"] = parse(route.body, json_body(request), "body")
                    elif method in BODY_METHODS:
                        no_body(json_body(request))
                    if route.query is not None:
                        params["query"] = parse(route.query, dict(request.query_params or {}), "query")
                    return view(**params)
                except DomainError as error:
                    return from_domain(error)
                except Exception:
                    return unexpected_failure()

            registered: Callable[..., Response] = register(handler)
            return registered

        return decorator


def no_body(value: Any) -> None:
    """An operation that takes no body accepts none, or an empty object (what a form posts)."""
    if value != {}:
        raise ValidationFailed.field(
            "body", "this operation takes no body (or an empty object)", code="unexpected_body"
        )


_AT = re.compile(r" - at `\$(?P<path>[^`]*)`$")
_MISSING = re.compile(r"^Object missing required field `(?P<name>[^`]+)`")


def parse(kind: Any, value: Any, where: str) -> Any:
    """``value`` as ``kind`` (strictly: no "5" for 5), or ValidationFailed naming the field.

    A JSON number with nothing after its point is a whole number (JSON Schema's
    ``integer`` says so): 5.0 is taken as 5."""
    try:
        return msgspec.convert(_whole(value), kind, strict=where == "body", str_keys=True)
    except msgspec.ValidationError as error:
        raise _problem(kind, str(error), where) from None


def _whole(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_whole(item) for item in value]
    if isinstance(value, dict):
        return {key: _whole(item) for key, item in value.items()}
    return value


def _problem(kind: Any, message: str, where: str) -> ValidationFailed:
    at = _AT.search(message)
    text = _AT.sub("", message)
    name = at.group("path").lstrip(".") if at else ""
    missing = _MISSING.match(text)
    if missing:
        name = f"{name}.{missing.group('name')}" if name else missing.group("name")
    declared = _declared(kind, re.findall(r"[^.\[\]]+", name))
    if declared:
        return ValidationFailed.field(name or where, declared["message"], code=declared["code"])
    if missing:
        return ValidationFailed.field(name, "is required")
    return ValidationFailed.field(name or where, _plain(text))


def _plain(message: str) -> str:
    """msgspec's message in the words of our other errors: "must be …"."""
    expected = re.match(r"^Expected `(?P<what>[^`]+)`(, got `(?P<got>[^`]+)`)?(?P<rest>.*)$", message)
    if expected:
        rest = expected.group("rest").strip()
        return f"must be {_words(expected.group('what'))}" + (f" {rest}" if rest else "")
    return message[:1].lower() + message[1:]


def _words(kind: str) -> str:
    return {"str": "a string", "int": "a whole number", "bool": "true or false", "object": "a JSON object"}.get(
        kind, f"`{kind}`"
    )


def _declared(kind: Any, parts: list[str]) -> dict[str, str] | None:
    """The code and message a field declares in its ``Meta(extra=...)``, if any."""
    current = kind
    metas: list[msgspec.Meta] = []
    for part in parts:
        if not (isinstance(current, type) and issubclass(current, msgspec.Struct)):
            return None
        fields = {info.name: info for info in msgspec.structs.fields(current)}
        wire = {info.encode_name: info for info in fields.values()}
        info = wire.get(part) or fields.get(part)
        if info is None:
            return None
        hints = get_type_hints(current, include_extras=True)
        current, metas = _unwrapped(hints.get(info.name))
    extra = next((meta.extra for meta in reversed(metas) if meta.extra and "code" in meta.extra), None)
    if extra and "message" in extra:
        return {"code": str(extra["code"]), "message": str(extra["message"])}
    return None


def _unwrapped(annotation: Any) -> tuple[Any, list[msgspec.Meta]]:
    """The type a field holds and every ``Meta`` on the way to it: through ``Annotated``
    (nested ones are flattened) and a union with ``UNSET`` or None (a field that may be
    absent or null)."""
    metas = [item for item in getattr(annotation, "__metadata__", ()) if isinstance(item, msgspec.Meta)]
    kind = annotation.__origin__ if hasattr(annotation, "__metadata__") else annotation
    if get_origin(kind) in (Union, UnionType):
        present = [arg for arg in get_args(kind) if arg not in (msgspec.UnsetType, type(None))]
        if len(present) == 1:
            inner, more = _unwrapped(present[0])
            return inner, [*metas, *more]
    return kind, metas


def public_cache(seconds: int) -> dict[str, str]:
    """The headers of an answer anyone (a browser, a CDN) may keep for ``seconds``."""
    return {"Cache-Control": f"public, max-age={seconds}"}


def documented(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers an answer always sends, as its ``Answer`` documents them: each one's value, as code."""
    return {name: f"`{value}`" for name, value in headers.items()}


def encode_text(value: Any) -> str:
    return msgspec.json.encode(value).decode()


def answer(value: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """A typed answer as JSON."""
    return Response(
        body=encode_text(value), status_code=status, headers={"Content-Type": "application/json", **(headers or {})}
    )
