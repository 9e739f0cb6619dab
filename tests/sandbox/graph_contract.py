"""Check Graph exchanges against Microsoft's contract: the OpenAPI slice and the strict JSON Schemas.

Both files live in the shared folder next to the repository (``../shared/graph``, see its README.md). Test
modules import ``validate_exchange`` to check a whole request/response pair (openapi-core: shapes, enums,
required fields, formats) and ``strict_errors`` to catch what openapi-core lets through: unknown or misspelt
properties.

Adjustments that make the slice usable, each for a reason the slice's README or REFERENCE.md gives:

* ``null_friendly``: under OAS 3.0.3 ``nullable`` beside a lone ``allOf`` admits no ``null``, yet Graph
  sends it;
* paths are matched literal-first (``getByUserIdAndRole(...)`` over ``{webinar-id}``, which openapi-core
  would pick because it has fewer variables), after removing the spaces OData allows inside ``(...)``;
* a ``200`` answer to PATCH is checked as the entity's GET answer (REFERENCE §4: update answers 200 with the
  object; the CSDL-generated slice only knows 204);
* an empty ``204`` to creating a registration is accepted (§0, §2.3: that is how an application-permission
  registration answers; the slice knows only 201);
* a 5xx answer is checked as Graph's error envelope (the slice lists only ``4XX``).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from openapi_core import Config, OpenAPI
from openapi_core.templating.paths.exceptions import PathError
from openapi_core.templating.paths.finders import APICallPathFinder
from openapi_core.templating.paths.iterators import TemplatePathsIterator
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.testing import MockRequest, MockResponse

GRAPH = Path(__file__).resolve().parents[3] / "shared" / "graph"
HOST = "https://graph.microsoft.com"
APP_REGISTRATION = re.compile(r"/v1\.0/solutions/virtualEvents/webinars/[^/]+/registrations", re.IGNORECASE)


def null_friendly(node):
    """OAS 3.0.3: `nullable` beside a lone allOf/$ref admits no null; make it do so (the slice's README)."""
    if isinstance(node, list):
        return [null_friendly(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: null_friendly(v) for k, v in node.items()}
    if node.get("nullable") and "type" not in node and len(node.get("allOf", [])) == 1:
        rest = {k: v for k, v in node.items() if k not in ("allOf", "nullable")}
        return {**rest, "anyOf": [node["allOf"][0], {"type": "object", "nullable": True, "enum": [None]}]}
    return node


class _LiteralsFirst(TemplatePathsIterator):
    """Prefer the template with more literal text, as OData routing does: a function name beats a key."""

    def __call__(self, name, spec, base_url=None):
        candidates = list(super().__call__(name, spec, base_url=base_url))
        yield from sorted(candidates, key=lambda path: -len(re.sub(r"\{[^}]*\}", "", path[1].pattern)))


class _LiteralsFirstPathFinder(APICallPathFinder):
    paths_iterator = _LiteralsFirst("paths")


@cache
def spec() -> OpenAPI:
    document = null_friendly(yaml.safe_load((GRAPH / "openapi-slice.yaml").read_text()))
    return OpenAPI.from_dict(document, config=Config(path_finder_cls=_LiteralsFirstPathFinder))


@cache
def _bundle() -> dict:
    return json.loads((GRAPH / "strict-schemas.json").read_text())


def example(name: str):
    """A body from the shared examples/ folder (the Graph docs' own)."""
    return json.loads((GRAPH / "examples" / name).read_text())


def strict_errors(def_name: str, instance, *, check_formats: bool = True) -> list[str]:
    """Messages of everything wrong with ``instance`` as ``def_name`` of strict-schemas.json; [] when valid.

    Switch ``check_formats`` off for the docs' placeholder values such as ``<subscription_guid>``.
    """
    schema = {"$defs": _bundle()["$defs"], "$ref": f"#/$defs/{def_name}"}
    validator = Draft202012Validator(schema, format_checker=FormatChecker() if check_formats else None)
    return [f"{'/'.join(map(str, error.absolute_path)) or '(body)'}: {error.message}"
            for error in validator.iter_errors(instance)]


def canonical_path(path: str) -> str:
    """Drop whitespace outside quoted strings: ``f(a='x', b='y')`` is ``f(a='x',b='y')`` to OData."""
    path = re.sub(r"('(?:[^']|'')*')|\s+", lambda match: match[1] or "", path)
    return path if path.startswith("/v1.0/") else "/v1.0" + path


def _mock_request(method: str, path: str, query: str, body) -> MockRequest:
    data = None if body is None else json.dumps(body).encode()
    return MockRequest(HOST, method.lower(), canonical_path(path), args=dict(parse_qsl(query)), data=data,
                       content_type="application/json" if data is not None else None)


def covers(method: str, path: str) -> bool:
    """Whether the slice describes this operation (not ``/users``, ``/_sandbox`` or unknown routes)."""
    try:
        _LiteralsFirstPathFinder(spec().spec).find(method.lower(), HOST + canonical_path(path.split("?")[0]))
    except PathError:
        return False
    return True


def validate_exchange(method: str, path: str, request_body, status: int, response_body, *, query: str = "",
                      check_request: bool = True) -> None:
    """Raise AssertionError naming every way the exchange departs from the slice.

    ``path`` is the Graph path with or without ``/v1.0`` (a ``?query`` on it is honoured too); bodies are
    parsed JSON or None. ``check_request=False`` skips the request, for requests sent malformed on purpose.
    """
    path, _, inline_query = path.partition("?")
    request = _mock_request(method, path, query or inline_query, request_body)
    errors = list(spec().unmarshal_request(request).errors) if check_request else []
    errors += _response_errors(request, method, path, query or inline_query, status, response_body)
    if errors:
        raise AssertionError(f"{method} {path} -> {status} breaks the Graph contract:\n  "
                             + "\n  ".join(_describe(error) for error in errors))


def _response_errors(request: MockRequest, method: str, path: str, query: str, status: int, body) -> list:
    if status >= 500:
        return strict_errors("error", body)
    app_registration = APP_REGISTRATION.fullmatch(canonical_path(path))
    if (method.upper(), status, body) == ("POST", 204, None) and app_registration:
        return []
    data = b"" if body is None else json.dumps(body).encode()
    response = MockResponse(data, status_code=status, content_type="application/json")
    errors = list(spec().unmarshal_response(request, response).errors)
    if method.upper() == "PATCH" and status == 200 and any(isinstance(e, ResponseNotFound) for e in errors):
        errors = list(spec().unmarshal_response(_mock_request("get", path, query, None), response).errors)
    return errors


def _describe(error) -> str:
    if isinstance(error, str):
        return error
    details = [str(error) or type(error).__name__]
    cause = error.__cause__
    while cause is not None:
        schema_errors = [getattr(e, "message", str(e)) for e in getattr(cause, "schema_errors", ())]
        details += schema_errors or [str(cause)]

        cause = cause.__cause__
    return " / ".join(details)


def contract_problems(exchanges: list[dict], per_shape: int | None = None) -> list[str]:
    """Every departure from the slice among recorded `standin.requests`.

    Requests the stand-in refused with 400 may be malformed on purpose: only their answers are checked.
    `per_shape` checks at most that many exchanges of each (method, path shape, status), to keep a
    10,000-registration test fast while every kind of exchange is still checked.
    """
    problems, seen = [], {}
    for exchange in exchanges:
        if not covers(exchange["method"], exchange["path"]):
            continue
        shape = (exchange["method"], re.sub(r"[0-9a-f-]{36}(@[0-9a-f-]{36})?", "{id}", exchange["path"]),
                 exchange["status"])
        seen[shape] = seen.get(shape, 0) + 1
        if per_shape is not None and seen[shape] > per_shape:
            continue
        try:
            validate_exchange(exchange["method"], exchange["path"], exchange["request_body"],
                              exchange["status"], exchange["response_body"], query=exchange["query"],
                              check_request=exchange["status"] != 400)
        except AssertionError as error:
            problems.append(str(error))
    return problems
