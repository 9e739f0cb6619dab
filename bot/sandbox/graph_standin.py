"""A stateful Microsoft Graph stand-in for webinars, served over real HTTP (REFERENCE.md is the contract).

>>> standin = GraphStandin(page_size=100)
>>> with BackgroundServer(create_graph_standin(standin)) as server:
...     graph_base_url = f"{server.url}/v1.0"

Graph lives under ``/v1.0``: bearer tokens from ``directory`` (``sandbox-app``, ``sandbox-user.<entra id>``),
Graph's error envelope with ``request-id``/``client-request-id``, OData function and alternate-key syntax,
``@odata.nextLink`` paging at ``standin.page_size``, injectable faults, and change notifications delivered
over HTTP after a validation handshake. The rules themselves live in ``graph_state``; this module does the
HTTP, incoming (routing, auth, faults, the request log); ``graph_wire`` the faults and the outgoing HTTP.

``/_sandbox/...`` is not Graph: control endpoints for the demo and tests to play the parts Graph leaves to
the Teams UI or to time (approving a registration, ending a session, lifecycle events, faults).
``standin.requests`` records every ``/v1.0`` exchange as
``{method, path, query, request_body, status, response_body}``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.sandbox import directory
from bot.sandbox.graph_state import (
    Caller,
    GraphError,
    GraphState,
    filter_users,
    find_user,
    user_to_graph,
)
from bot.sandbox.graph_wire import Faults, Outbox

GRAPH_JSON = ("application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;"
              "charset=utf-8")


class GraphStandin(GraphState):
    """All the stand-in holds: the tenant (``GraphState``), faults to inject, and what crossed the wire."""

    def __init__(self, page_size: int = 100) -> None:
        super().__init__(Outbox())
        self.page_size = page_size
        self.faults = Faults()
        self.requests: list[dict] = []

    @property
    def deliveries(self) -> list[dict]:
        """Every outgoing POST: ``{kind: validation|change|lifecycle, url, body, status, attempt, error}``."""
        return self.outbox.deliveries

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until queued notifications are delivered or given up; call from a thread, never the loop."""
        return self.outbox.wait_idle(timeout)

    async def until_idle(self, timeout: float = 5.0) -> bool:
        """``wait_idle`` for async tests, whose loop must keep running to receive the deliveries."""
        return await asyncio.to_thread(self.wait_idle, timeout)

    def reset(self) -> None:
        super().reset()
        self.faults.clear()
        self.requests.clear()
        self.deliveries.clear()


# ------------------------------------------------------------------------------------------------------------
# Incoming Graph requests


@dataclass
class Call:
    """One Graph request as a route handler sees it."""

    standin: GraphStandin
    caller: Caller
    request: Request
    args: dict[str, str]  # the route pattern's named groups
    body: object  # parsed JSON, None for an empty body

    @property
    def base(self) -> str:
        return f"{self.request.base_url}v1.0"

    def query(self, name: str) -> str:
        return self.request.query_params.get(name, "")


@dataclass
class Reply:
    status: int
    body: dict | None = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Call], Awaitable[Reply]]
ROUTES: list[tuple[str, re.Pattern, Handler]] = []
SEGMENT = r"[^/()]+"
PARENTHESIZED = r"(?:[^'()]|'(?:[^']|'')*')*"  # inside (...): quoted strings may hold anything, '' is a quote
ODATA_ARG = re.compile(r"\s*(\w+)\s*=\s*'((?:[^']|'')*)'\s*(?:,|$)")


def route(method: str, template: str) -> Callable[[Handler], Handler]:
    """Register a handler for ``template``: ``{name}`` is one path segment, ``{args}`` a parenthesized OData
    argument list, ``{registration}`` either ``/{id}`` or an alternate key ``(email='...')``."""

    def placeholder(match: re.Match) -> str:
        if match[1] == "registration":
            return rf"(?:/(?P<registration_id>{SEGMENT})|\((?P<registration_key>{PARENTHESIZED})\))"
        if match[1] == "args":
            return rf"\((?P<args>{PARENTHESIZED})\)"
        return rf"(?P<{match[1]}>{SEGMENT})"

    pattern = re.compile(re.sub(r"\{(\w+)\}", placeholder, template), re.IGNORECASE)  # Graph ignores case

    def register(handler: Handler) -> Handler:
        ROUTES.append((method, pattern, handler))
        return handler

    return register


def odata_args(text: str) -> dict[str, str]:
    """``userId='a', role = 'b'`` -> {"userId": "a", "role": "b"}: any spacing, doubled quotes undone."""
    args, position = {}, 0
    while position < len(text):
        match = ODATA_ARG.match(text, position)
        if match is None:
            raise GraphError(400, "BadRequest",
                             f"Bad Request - Error in query syntax near '{text[position:]}'.")
        args[match[1]] = match[2].replace("''", "'")
        position = match.end()
    return args


def function_arg(call: Call, name: str) -> str:
    value = odata_args(call.args["args"]).get(name)
    if value is None:
        raise GraphError(400, "BadRequest", f"The parameter '{name}' is missing from the function call.")
    return value


def registration_key(call: Call) -> tuple[str, str]:
    """``registrations/{id}``, ``registrations('{id}')``, ``(email='..')`` or ``(userId='..')``."""
    if call.args["registration_id"]:
        return "id", call.args["registration_id"]
    text = call.args["registration_key"]
    bare = re.fullmatch(r"\s*'((?:[^']|'')*)'\s*", text)
    if bare:
        return "id", bare[1].replace("''", "'")
    args = odata_args(text)
    if len(args) != 1 or not args.keys() <= {"email", "userId"}:
        raise GraphError(400, "BadRequest", f"'({text})' is not a key of virtualEventRegistration: use the "
                                            "id, email='...' or userId='...'.")
    return next(iter(args.items()))


def webinar_path(call: Call) -> str:
    return f"solutions/virtualEvents/webinars('{call.args['webinar']}')"


def entity(call: Call, context: str, value: dict, status: int = 200) -> Reply:
    return Reply(status, {"@odata.context": f"{call.base}/$metadata#{context}/$entity", **value})


def collection(call: Call, context: str, items: list[dict], count: bool = False) -> Reply:
    """One page of ``items``; the next page's absolute URL repeats the request with an opaque $skiptoken."""
    start = decode_skiptoken(call.query("$skiptoken"))
    end = start + call.standin.page_size
    body = {"@odata.context": f"{call.base}/$metadata#{context}"}
    if count:
        body["@odata.count"] = len(items)
    body["value"] = items[start:end]
    if end < len(items):
        body["@odata.nextLink"] = next_link(call.request, end)
    return Reply(200, body)


def decode_skiptoken(token: str) -> int:
    if not token:
        return 0
    try:
        return int(base64.urlsafe_b64decode(token + "==").decode().removeprefix("skip:"))
    except ValueError:
        raise GraphError(400, "BadRequest", "The $skiptoken is not valid.") from None


def next_link(request: Request, offset: int) -> str:
    token = base64.urlsafe_b64encode(f"skip:{offset}".encode()).decode().rstrip("=")
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "$skiptoken"]
    params.append(("$skiptoken", token))
    query = "&".join(f"{quote(k, safe='$')}={quote(v, safe='')}" for k, v in params)
    return f"{request.url.scheme}://{request.url.netloc}{request.scope['raw_path'].decode()}?{query}"


UNAUTHORIZED = {"WWW-Authenticate": (
    'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", '
    'client_id="00000003-0000-0000-c000-000000000000"')}


def authenticate(request: Request) -> Caller:
    """``sandbox-app`` is the application; ``sandbox-user.<entra id>`` that user, if in the directory."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise GraphError(401, "InvalidAuthenticationToken", "Access token is empty.", UNAUTHORIZED)
    if token == directory.APP_TOKEN:
        return Caller()
    person = None
    if token.startswith(directory.USER_TOKEN_PREFIX):
        person = directory.person_by_entra_id(token.removeprefix(directory.USER_TOKEN_PREFIX))
    if person is None:
        raise GraphError(401, "InvalidAuthenticationToken", "Access token validation failure.", UNAUTHORIZED)
    return Caller(person)


def parse_json(raw: bytes) -> object:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise GraphError(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type "
                                            "header is set and payload is of valid JSON format.") from None


def loggable(raw: bytes) -> object:
    """A request body for ``standin.requests``: parsed JSON, or the text as sent when it is not JSON."""
    try:
        return parse_json(raw)
    except GraphError:
        return raw.decode(errors="replace")


def resolve(method: str, path: str) -> tuple[Handler, dict[str, str]]:
    allowed = []
    for route_method, pattern, handler in ROUTES:
        match = pattern.fullmatch(path)
        if match and route_method == method:
            return handler, match.groupdict()
        if match:
            allowed.append(route_method)
    if allowed:
        raise GraphError(405, "BadRequest", f"The request method '{method}' is not supported for this "
                                            f"resource; use {', '.join(allowed)}.")
    raise GraphError(400, "BadRequest", f"Resource not found for the segment '{unknown_segment(path)}'.")


def unknown_segment(path: str) -> str:
    """The first segment no route explains, named in Graph's error message."""
    segments = path.strip("/").split("/")

    def known(count: int) -> bool:
        prefix = "/" + "/".join(segments[:count])
        return any(pattern.fullmatch(prefix) or pattern.pattern.lower().startswith(prefix.lower() + "/")
                   for _, pattern, _ in ROUTES)

    count = 0
    while count < len(segments) - 1 and known(count + 1):
        count += 1
    return segments[count]


def fault_error(status: int, retry_after: str | None) -> GraphError:
    headers = {"Retry-After": retry_after} if retry_after else {}
    if status == 429:
        return GraphError(429, "TooManyRequests", "Please retry again later.", headers)
    return GraphError(503, "serviceNotAvailable",
                      "The service is temporarily unavailable. Please retry later.", headers)


def error_body(error: GraphError, request_id: str, client_request_id: str) -> dict:
    """Graph's envelope; a 429 carries the inner error of the throttling doc's sample (examples/)."""
    date = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if error.status == 429:
        inner = {"code": "429", "date": date, "message": "Please retry after", "request-id": request_id,
                 "status": "429"}
    else:
        inner = {"date": date, "request-id": request_id, "client-request-id": client_request_id}
    return {"error": {"code": error.code, "message": error.message, "innerError": inner}}


async def answer(standin: GraphStandin, request: Request, path: str, raw: bytes) -> Reply:
    if standin.faults.latency:
        await asyncio.sleep(standin.faults.latency)
    fault = standin.faults.take(path)
    if fault is not None:
        raise fault_error(*fault)
    caller = authenticate(request)
    handler, args = resolve(request.method, path.rstrip("/") or "/")
    return await handler(Call(standin, caller, request, args, parse_json(raw)))


async def graph_endpoint(request: Request) -> Response:
    standin: GraphStandin = request.app.state.standin
    raw = await request.body()
    request_id = str(uuid.uuid4())
    client_request_id = request.headers.get("client-request-id", request_id)
    try:
        reply = await answer(standin, request, "/" + request.path_params["path"], raw)
    except GraphError as error:
        reply = Reply(error.status, error_body(error, request_id, client_request_id), error.headers)
    standin.requests.append({"method": request.method, "path": request.scope["path"],
                             "query": request.url.query, "request_body": loggable(raw), "status": reply.status,
                             "response_body": reply.body})
    headers = {"request-id": request_id, "client-request-id": client_request_id, **reply.headers}
    if reply.body is None:
        return Response(status_code=reply.status, headers=headers)
    return Response(json.dumps(reply.body), reply.status, headers, media_type=GRAPH_JSON)


# ------------------------------------------------------------------------------------------------------------
# Graph routes (REFERENCE.md §2). Permissions and rules are in graph_state; these only translate.

WEBINARS = "/solutions/virtualEvents/webinars"
WEBINAR_COLLECTION = "Collection(microsoft.graph.virtualEventWebinar)"
WEBINAR = WEBINARS + "/{webinar}"
REGISTRATION = WEBINAR + "/registrations{registration}"
REPORTS = WEBINAR + "/sessions/{session}/attendanceReports"
NO_CONTENT = Reply(204)


@route("GET", WEBINARS)
async def list_webinars(call: Call) -> Reply:
    webinars = [w.to_graph() for w in call.standin.list_webinars(call.caller)]
    return collection(call, "solutions/virtualEvents/webinars", webinars,
                      count=call.query("$count") == "true")


@route("POST", WEBINARS)
async def create_webinar(call: Call) -> Reply:
    webinar = call.standin.create_webinar(call.caller, call.body)
    return entity(call, "solutions/virtualEvents/webinars", webinar.to_graph(), 201)


@route("GET", WEBINARS + "/getByUserRole{args}")
async def webinars_by_role(call: Call) -> Reply:
    webinars = call.standin.webinars_by_role(call.caller, function_arg(call, "role"))
    return collection(call, WEBINAR_COLLECTION, [w.to_graph() for w in webinars])


@route("GET", WEBINARS + "/getByUserIdAndRole{args}")
async def webinars_by_user_and_role(call: Call) -> Reply:
    webinars = call.standin.webinars_by_user_and_role(call.caller, function_arg(call, "userId"),
                                                      function_arg(call, "role"))
    return collection(call, WEBINAR_COLLECTION, [w.to_graph() for w in webinars])


@route("GET", WEBINAR)
async def get_webinar(call: Call) -> Reply:
    webinar = call.standin.webinar(call.args["webinar"])
    return entity(call, "solutions/virtualEvents/webinars", webinar.to_graph())


@route("PATCH", WEBINAR)
async def update_webinar(call: Call) -> Reply:
    webinar = call.standin.update_webinar(call.caller, call.args["webinar"], call.body)
    return entity(call, "solutions/virtualEvents/webinars", webinar.to_graph())


@route("POST", WEBINAR + "/publish")
async def publish_webinar(call: Call) -> Reply:
    call.standin.publish(call.caller, call.args["webinar"])
    return NO_CONTENT


@route("POST", WEBINAR + "/cancel")
async def cancel_webinar(call: Call) -> Reply:
    call.standin.cancel(call.caller, call.args["webinar"])
    return NO_CONTENT


@route("GET", WEBINAR + "/registrationConfiguration")
async def registration_configuration(call: Call) -> Reply:
    configuration = call.standin.registration_configuration(call.caller, call.args["webinar"])
    return entity(call, f"{webinar_path(call)}/registrationConfiguration", configuration)


@route("GET", WEBINAR + "/registrationConfiguration/questions")
async def list_questions(call: Call) -> Reply:
    questions = call.standin.questions(call.caller, call.args["webinar"])
    return collection(call, f"{webinar_path(call)}/registrationConfiguration/questions",
                      [q.to_graph() for q in questions])


@route("POST", WEBINAR + "/registrationConfiguration/questions")
async def create_question(call: Call) -> Reply:
    question = call.standin.add_question(call.caller, call.args["webinar"], call.body)
    return entity(call, f"{webinar_path(call)}/registrationConfiguration/questions", question.to_graph(), 201)


@route("DELETE", WEBINAR + "/registrationConfiguration/questions/{question}")
async def delete_question(call: Call) -> Reply:
    call.standin.delete_question(call.caller, call.args["webinar"], call.args["question"])
    return NO_CONTENT


@route("GET", WEBINAR + "/registrations")
async def list_registrations(call: Call) -> Reply:
    registrations = call.standin.registrations(call.caller, call.args["webinar"])
    return collection(call, f"{webinar_path(call)}/registrations", [r.to_graph() for r in registrations])


@route("POST", WEBINAR + "/registrations")
async def create_registration(call: Call) -> Reply:
    """Delegated: 201 and the registration. Application: 204 and no body, so no id either (§0)."""
    registration = call.standin.register(call.caller, call.args["webinar"], call.body)
    if call.caller.is_app:
        return NO_CONTENT
    return entity(call, f"{webinar_path(call)}/registrations", registration.to_graph(), 201)


@route("GET", REGISTRATION)
async def get_registration(call: Call) -> Reply:
    registration = call.standin.registration(call.caller, call.args["webinar"], registration_key(call))
    value = registration.to_graph()
    if "sessions" in call.query("$expand"):
        value["sessions"] = call.standin.registration_sessions(call.caller, call.args["webinar"],
                                                               registration_key(call))
    return entity(call, f"{webinar_path(call)}/registrations", value)


@route("POST", REGISTRATION + "/cancel")
async def cancel_registration(call: Call) -> Reply:
    call.standin.cancel_registration(call.caller, call.args["webinar"], registration_key(call))
    return NO_CONTENT


@route("GET", REGISTRATION + "/sessions")
async def registration_sessions(call: Call) -> Reply:
    sessions = call.standin.registration_sessions(call.caller, call.args["webinar"], registration_key(call))
    return collection(call, "Collection(microsoft.graph.virtualEventSession)", sessions)


@route("GET", WEBINAR + "/presenters")
async def list_presenters(call: Call) -> Reply:
    presenters = call.standin.webinar(call.args["webinar"]).presenters.values()
    return collection(call, f"{webinar_path(call)}/presenters", [p.to_graph() for p in presenters])


@route("POST", WEBINAR + "/presenters")
async def create_presenter(call: Call) -> Reply:
    presenter = call.standin.add_presenter(call.caller, call.args["webinar"], call.body)
    return entity(call, f"{webinar_path(call)}/presenters", presenter.to_graph(), 201)


@route("GET", WEBINAR + "/presenters/{presenter}")
async def get_presenter(call: Call) -> Reply:
    presenter = call.standin.presenter(call.args["webinar"], call.args["presenter"])
    return entity(call, f"{webinar_path(call)}/presenters", presenter.to_graph())


@route("PATCH", WEBINAR + "/presenters/{presenter}")
async def update_presenter(call: Call) -> Reply:
    presenter = call.standin.update_presenter(call.caller, call.args["webinar"], call.args["presenter"],
                                              call.body)
    return entity(call, f"{webinar_path(call)}/presenters", presenter.to_graph())


@route("DELETE", WEBINAR + "/presenters/{presenter}")
async def delete_presenter(call: Call) -> Reply:
    call.standin.delete_presenter(call.caller, call.args["webinar"], call.args["presenter"])
    return NO_CONTENT


@route("GET", WEBINAR + "/sessions")
async def list_sessions(call: Call) -> Reply:
    session = call.standin.webinar(call.args["webinar"]).session
    return collection(call, f"{webinar_path(call)}/sessions", [session.to_graph()])


@route("GET", WEBINAR + "/sessions/{session}")
async def get_session(call: Call) -> Reply:
    session = call.standin.session(call.args["webinar"], call.args["session"])
    full = session.to_graph() | {"videoOnDemandWebUrl": session.video_on_demand_web_url}  # not in summaries
    return entity(call, f"{webinar_path(call)}/sessions", full)


@route("GET", REPORTS)
async def list_attendance_reports(call: Call) -> Reply:
    reports = call.standin.attendance_reports(call.caller, call.args["webinar"], call.args["session"])
    return collection(call, f"{webinar_path(call)}/sessions('{call.args['session']}')/attendanceReports",
                      [r.to_graph() for r in reports])


@route("GET", REPORTS + "/{report}")
async def get_attendance_report(call: Call) -> Reply:
    """Records come only with ``$expand=attendanceRecords`` (§1.8)."""
    report = call.standin.attendance_report(call.caller, call.args["webinar"], call.args["session"],
                                            call.args["report"])
    return entity(call, f"{webinar_path(call)}/sessions('{call.args['session']}')/attendanceReports",
                  report.to_graph(with_records="attendanceRecords" in call.query("$expand")))


@route("GET", REPORTS + "/{report}/attendanceRecords")
async def list_attendance_records(call: Call) -> Reply:
    report = call.standin.attendance_report(call.caller, call.args["webinar"], call.args["session"],
                                            call.args["report"])
    context = (f"{webinar_path(call)}/sessions('{call.args['session']}')/attendanceReports('{report.id}')"
               "/attendanceRecords")
    return collection(call, context, [dict(record) for record in report.records])


@route("GET", "/subscriptions")
async def list_subscriptions(call: Call) -> Reply:
    subscriptions = call.standin.list_subscriptions(call.caller)
    return collection(call, "subscriptions", [s.to_graph() for s in subscriptions])


@route("POST", "/subscriptions")
async def create_subscription(call: Call) -> Reply:
    subscription = await call.standin.create_subscription(call.caller, call.body)
    return entity(call, "subscriptions", subscription.to_graph(), 201)


@route("GET", "/subscriptions/{subscription}")
async def get_subscription(call: Call) -> Reply:
    return entity(call, "subscriptions",
                  call.standin.subscription(call.caller, call.args["subscription"]).to_graph())


@route("PATCH", "/subscriptions/{subscription}")
async def renew_subscription(call: Call) -> Reply:
    subscription = await call.standin.update_subscription(call.caller, call.args["subscription"], call.body)
    return entity(call, "subscriptions", subscription.to_graph())


@route("POST", "/subscriptions/{subscription}/reauthorize")
async def reauthorize_subscription(call: Call) -> Reply:
    call.standin.subscription(call.caller, call.args["subscription"])
    return NO_CONTENT


@route("DELETE", "/subscriptions/{subscription}")
async def delete_subscription(call: Call) -> Reply:
    call.standin.delete_subscription(call.caller, call.args["subscription"])
    return NO_CONTENT


@route("GET", "/users")
async def list_users(call: Call) -> Reply:
    return collection(call, "users", [user_to_graph(p) for p in filter_users(call.query("$filter"))])


@route("GET", "/users/{user}")
async def get_user(call: Call) -> Reply:
    return entity(call, "users", user_to_graph(find_user(call.args["user"])))


@route("GET", "/me")
async def get_me(call: Call) -> Reply:
    if call.caller.person is None:
        raise GraphError(400, "BadRequest", "/me request is only valid with delegated authentication flow.")
    return entity(call, "users", user_to_graph(call.caller.person))


# ------------------------------------------------------------------------------------------------------------
# Sandbox control endpoints: what the Teams UI, the passing of time or Microsoft's own trouble would do.

ControlHandler = Callable[[GraphStandin, dict, dict], tuple[int, dict | None]]


def control(handler: ControlHandler) -> Callable[[Request], Awaitable[Response]]:
    """Run a control handler as ``(standin, path params, JSON body) -> (status, body)``; errors as Graph's."""

    async def endpoint(request: Request) -> Response:
        try:
            body = parse_json(await request.body()) or {}
            status, payload = handler(request.app.state.standin, request.path_params, body)
        except GraphError as error:
            status, payload = error.status, error_body(error, str(uuid.uuid4()), "")
        if payload is None:
            return Response(status_code=status)
        return Response(json.dumps(payload), status, media_type="application/json")

    return endpoint


def set_faults(standin: GraphStandin, params: dict, body: dict) -> tuple[int, None]:
    """``{throttle: n, unavailable: n, retry_after: "2.128", latency: seconds, path: regex}``"""
    if body.get("throttle"):
        standin.faults.throttle(int(body["throttle"]), body.get("retry_after", "2.128"), body.get("path"))
    if body.get("unavailable"):
        standin.faults.unavailable(int(body["unavailable"]), body.get("retry_after"), body.get("path"))
    if "latency" in body:
        standin.faults.latency = float(body["latency"])
    return 204, None


def end_session(standin: GraphStandin, params: dict, body: dict) -> tuple[int, dict]:
    report = standin.end_session(params["webinar_id"], body)
    session_id = standin.webinar(params["webinar_id"]).session.id
    return 201, {"sessionId": session_id, **report.to_graph(with_records=True)}


def set_registration_status(standin: GraphStandin, params: dict, body: dict) -> tuple[int, dict]:
    registration = standin.set_registration_status(params["webinar_id"], params["registration_id"],
                                                   body.get("status"))
    return 200, registration.to_graph()


def configure_registration(standin: GraphStandin, params: dict, body: dict) -> tuple[int, dict]:
    return 200, standin.configure_registration(params["webinar_id"], body)


def lifecycle_event(standin: GraphStandin, params: dict, body: dict) -> tuple[int, None]:
    standin.lifecycle_event(params["subscription_id"], body.get("event"))
    return 202, None


def sandbox_state(standin: GraphStandin, params: dict, body: dict) -> tuple[int, dict]:
    return 200, {**standin.summary(), "requests": len(standin.requests),
                 "deliveries": len(standin.deliveries), "pendingDeliveries": standin.outbox.pending}


def reset(standin: GraphStandin, params: dict, body: dict) -> tuple[int, None]:
    standin.reset()
    return 204, None


async def not_graph(request: Request) -> Response:
    error = GraphError(400, "BadRequest", "Invalid version: the stand-in serves Graph under /v1.0 only.")
    return Response(json.dumps(error_body(error, str(uuid.uuid4()), "")), 400, media_type=GRAPH_JSON)


def create_graph_standin(standin: GraphStandin | None = None) -> Starlette:
    """The Starlette app serving ``standin`` (a fresh one when omitted); it is ``app.state.standin``."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        yield
        await app.state.standin.outbox.aclose()

    app = Starlette(lifespan=lifespan, routes=[
        Route("/v1.0/{path:path}", graph_endpoint, methods=["GET", "POST", "PATCH", "PUT", "DELETE"]),
        Route("/_sandbox/faults", control(set_faults), methods=["POST"]),
        Route("/_sandbox/webinars/{webinar_id}/end-session", control(end_session), methods=["POST"]),
        Route("/_sandbox/webinars/{webinar_id}/registrations/{registration_id}/status",
              control(set_registration_status), methods=["POST"]),
        Route("/_sandbox/webinars/{webinar_id}/registration-configuration", control(configure_registration),
              methods=["POST"]),
        Route("/_sandbox/subscriptions/{subscription_id}/lifecycle", control(lifecycle_event),
              methods=["POST"]),

        Route("/_sandbox/state", control(sandbox_state), methods=["GET"]),
        Route("/_sandbox/reset", control(reset), methods=["POST"]),
        Route("/{path:path}", not_graph, methods=["GET", "POST", "PATCH", "PUT", "DELETE"]),
    ])
    app.state.standin = standin if standin is not None else GraphStandin()
    return app
