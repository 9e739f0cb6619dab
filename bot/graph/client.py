"""The one Microsoft Graph client every feature goes through.

Why one client: auth headers, retries, paging and error mapping are easy to get subtly wrong, and Graph punishes
that (throttling, lost pages, leaked tokens). Everything Graph-specific lives here:

* every request carries ``Authorization`` (from a ``TokenSource``: app-only when ``user`` is None, else the
  delegated token of that Slack user), a fresh ``client-request-id`` per logical call, ``Accept`` and, with a
  body, ``Content-Type: application/json``;
* 429 and 503 are retried honouring a (possibly fractional) ``Retry-After``; 504 and transport errors are retried
  only for methods that are safe to replay (a timed-out POST may have created a webinar already). Without a
  ``Retry-After`` the delay is exponential backoff with full jitter. Retries stop after ``max_attempts`` attempts
  or once the waiting would exceed ``max_retry_seconds``; then the typed error from ``errors.py`` is raised;
* collections are async iterators that follow ``@odata.nextLink`` verbatim, one page in memory at a time;
* ids are escaped per path segment, keeping ``@`` literal (webinar ids are ``{guid}@{tenant}``), and OData string
  literals double their single quotes.

High-level methods return the frozen models of ``models.py``; request bodies come from ``bodies.py``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random as _random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from bot.graph import bodies
from bot.graph.errors import GraphError, NetworkError, NotFound, error_from_response, parse_retry_after
from bot.graph.models import (
    AttendanceRecord,
    AttendanceReport,
    DirectoryUser,
    Presenter,
    Question,
    Registration,
    RegistrationConfiguration,
    Session,
    Subscription,
    Webinar,
)
from bot.graph.tokens import TokenSource

log = logging.getLogger(__name__)

WEBINARS = "solutions/virtualEvents/webinars"
ROLES = frozenset({"organizer", "coOrganizer"})

_RETRY_ALWAYS = frozenset({429, 503})  # the server did not process the request: any method may be repeated
_RETRY_IF_REPLAYABLE = frozenset({504})  # the server may have processed it: only replay idempotent methods
# PATCH is not idempotent in general, but every PATCH this bot sends sets absolute values, so a replay is harmless.
_REPLAYABLE = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
_BACKOFF_BASE = 0.5
_BACKOFF_CAP = 30.0
_DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
_QUERY_SAFE = (
    "'$(),:@/"  # OData punctuation stays readable; spaces become %20, "&", "=", "+", "#" are escaped
)

Params = dict[str, Any] | None


# --------------------------------------------------------------------------------------------------------------
# URL pieces


def segment(value: str) -> str:
    """One path segment: reserved characters escaped ("/", "#", "?", " ", "'", ...), ``@`` kept literal as Graph
    writes it in webinar ids."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"an id must be a non-empty string, got {value!r}")
    return quote(value, safe="@")


def odata_literal(value: str) -> str:
    """An OData string literal, unescaped for the URL: ``o'brien`` -> ``'o''brien'``."""
    if not isinstance(value, str):
        raise ValueError(f"an OData string must be a str, got {type(value).__name__}")
    return "'" + value.replace("'", "''") + "'"


def _in_path(literal: str) -> str:
    """Escape an OData literal for use inside a path, keeping its quotes and ``@`` readable."""
    return quote(literal, safe="@'$")


def key_segment(collection: str, **keys: str) -> str:
    """``registrations(email='a@b.com')`` or ``getByUserIdAndRole(userId='..',role='..')``: keys in given order."""
    arguments = ",".join(f"{name}={_in_path(odata_literal(value))}" for name, value in keys.items())
    return f"{collection}({arguments})"


def _query(params: Params) -> str:
    """Query string with ``%20`` for spaces and OData's ``$`` and quotes left readable."""
    if not params:
        return ""
    pairs = []
    for name, value in params.items():
        if value is None:
            continue
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        pairs.append(f"{quote(str(name), safe='$')}={quote(text, safe=_QUERY_SAFE)}")
    return "&".join(pairs)


def _retryable(method: str, status: int | None) -> bool:
    """429/503 always (not processed); 504 and no answer at all (None) only when a replay is harmless."""
    if status in _RETRY_ALWAYS:
        return True
    if status is None or status in _RETRY_IF_REPLAYABLE:
        return method.upper() in _REPLAYABLE
    return False


def _webinar(webinar_id: str, *rest: str) -> str:
    return "/".join((WEBINARS, segment(webinar_id), *rest))


# --------------------------------------------------------------------------------------------------------------
# The client


class GraphClient:
    """Async Graph client on one shared ``httpx.AsyncClient`` (connection reuse). Use as ``async with``.

    ``sleep`` and ``random`` are injectable so tests can check retry timing without waiting.
    ``SignInRequired`` from the token source propagates unchanged (the UI answers it with a sign-in button).
    An ``http`` client passed in stays the caller's to close; one created here is closed by ``aclose()``.
    """

    def __init__(
        self,
        base_url: str,
        tokens: TokenSource,
        *,
        http: httpx.AsyncClient | None = None,
        max_retry_seconds: float = 60,
        max_attempts: int = 6,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        random: Callable[[], float] = _random.random,
    ):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"base_url must be an absolute http(s) URL, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self._origin = (parts.scheme, parts.netloc.lower())
        self._tokens = tokens
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(timeout=_DEFAULT_TIMEOUT)
        self._max_retry_seconds = max_retry_seconds
        self._max_attempts = max(1, max_attempts)
        self._sleep = sleep
        self._random = random

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> GraphClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # ----------------------------------------------------------------------------------------------------------
    # Low level

    async def get_json(self, path: str, params: Params = None, *, user: str | None = None) -> dict[str, Any]:
        """GET a single object (``{}`` if Graph answers with an empty body)."""
        return await self._call("GET", path, params=params, user=user) or {}

    async def post_json(
        self, path: str, body: Any = None, *, user: str | None = None
    ) -> dict[str, Any] | None:
        """POST; None for ``204`` or an empty body (publish, cancel, app-only registration, ...)."""
        return await self._call("POST", path, body=body, user=user)

    async def patch_json(self, path: str, body: Any, *, user: str | None = None) -> dict[str, Any] | None:
        return await self._call("PATCH", path, body=body, user=user)

    async def delete(self, path: str, *, user: str | None = None) -> None:
        await self._call("DELETE", path, user=user)

    async def iterate(
        self, path: str, params: Params = None, *, user: str | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """Every item of a collection, across ``@odata.nextLink`` pages, one page in memory at a time.

        The nextLink is requested exactly as Graph wrote it (never rebuilt from ``$skiptoken``); pages may be empty.
        """
        url: str | None = self._url(path, params)
        while url:
            page = await self._call("GET", url, user=user) or {}
            url = self._next_link(page)
            items = page.get("value")
            del page
            if isinstance(items, dict):  # doc bug: a single object wrapped in "value"
                items = [items]
            for item in items if isinstance(items, list) else ():
                if isinstance(item, dict):
                    yield item

    # ----------------------------------------------------------------------------------------------------------
    # Request machinery

    async def _call(
        self, method: str, path: str, *, params: Params = None, body: Any = None, user: str | None = None
    ) -> dict[str, Any] | None:
        response = await self._send(method, self._url(path, params), body, user)
        return self._json_or_none(response)

    def _url(self, path: str, params: Params = None) -> str:
        if path.startswith(("http://", "https://")):
            self._check_same_origin(path)
            url = path
        else:
            url = f"{self.base_url}/{path.lstrip('/')}"
        query = _query(params)
        if query:
            url += ("&" if "?" in url else "?") + query
        return url

    def _check_same_origin(self, url: str) -> None:
        """Absolute URLs (nextLinks) must point at the configured Graph host: the bearer token goes with them."""
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc.lower()) != self._origin:
            raise GraphError(
                0, "invalidNextLink", f"refusing to send a token to {parts.scheme}://{parts.netloc}"
            )

    def _next_link(self, page: dict[str, Any]) -> str | None:
        link = page.get("@odata.nextLink")
        if not isinstance(link, str) or not link:
            return None
        return link if link.startswith(("http://", "https://")) else self._url(link)

    async def _send(self, method: str, url: str, body: Any, user: str | None) -> httpx.Response:
        """One logical call: attempts until success, a non-retryable answer, or the retry budget is spent."""
        content = (
            None if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        )
        client_request_id = str(uuid.uuid4())
        waited = 0.0
        for attempt in range(1, self._max_attempts + 1):
            headers = await self._headers(user, client_request_id, content is not None)
            try:
                response = await self._http.request(method, url, content=content, headers=headers)
            except httpx.TransportError as exc:
                delay = self._retry_delay(method, None, None, attempt, waited)
                if delay is None:
                    raise self._network_error(exc, client_request_id) from exc
                outcome = type(exc).__name__
            else:
                if response.status_code < 400:
                    return response
                retry_after = parse_retry_after(response.headers.get("retry-after"))
                delay = self._retry_delay(method, response.status_code, retry_after, attempt, waited)
                if delay is None:
                    raise self._http_error(response, client_request_id)
                outcome = str(response.status_code)
            self._log_retry(method, url, outcome, attempt, delay, client_request_id)
            await self._sleep(delay)
            waited += delay
        raise AssertionError("unreachable: the last attempt never retries")  # pragma: no cover

    async def _headers(self, user: str | None, client_request_id: str, has_body: bool) -> dict[str, str]:
        """Fetched per attempt, so a token that expired during a long back-off is replaced."""
        token = await self._tokens.token(user=user)
        headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
            "client-request-id": client_request_id,
        }
        if has_body:
            headers["Content-Type"] = "application/json"
        return headers

    def _retry_delay(
        self, method: str, status: int | None, retry_after: float | None, attempt: int, waited: float
    ) -> float | None:
        """Seconds to wait before the next attempt, or None to give up now.

        ``status`` None means no response (transport error). A ``Retry-After`` longer than the remaining budget
        ends the retries at once: the caller gets the error (with ``retry_after``) instead of a futile wait.
        """
        if attempt >= self._max_attempts or not _retryable(method, status):
            return None
        delay = retry_after if retry_after is not None else self._backoff(attempt)
        if waited + delay > self._max_retry_seconds:
            return None
        return delay

    def _backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2^(attempt-1))) (spreads out clients retrying together)."""
        return self._random() * min(_BACKOFF_CAP, _BACKOFF_BASE * 2 ** (attempt - 1))

    def _log_retry(
        self, method: str, url: str, outcome: str, attempt: int, delay: float, request_id: str
    ) -> None:
        log.warning(
            "Graph %s %s -> %s; retry %d of %d in %.3f s (client-request-id %s)",
            method,
            urlsplit(url).path,
            outcome,
            attempt,
            self._max_attempts - 1,
            delay,
            request_id,
        )

    @staticmethod
    def _http_error(response: httpx.Response, client_request_id: str) -> GraphError:
        error = error_from_response(response.status_code, response.headers, response.content)
        error.client_request_id = error.client_request_id or client_request_id
        return error

    @staticmethod
    def _network_error(exc: httpx.TransportError, client_request_id: str) -> NetworkError:
        return NetworkError(
            0, "networkError", f"{type(exc).__name__}: {exc}", client_request_id=client_request_id
        )

    @staticmethod
    def _json_or_none(response: httpx.Response) -> dict[str, Any] | None:
        if response.status_code == 204 or not response.content.strip():
            return None
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise GraphError(
                response.status_code,
                "invalidResponse",
                "Graph answered with a body that is not a JSON object",
                request_id=response.headers.get("request-id"),
            )
        return data

    # ----------------------------------------------------------------------------------------------------------
    # Webinars

    async def create_webinar(self, body: dict[str, Any], *, user: str) -> Webinar:
        """Delegated only: the signed-in user becomes the organizer. Answers with the draft webinar."""
        return Webinar.from_graph(await self.post_json(WEBINARS, body, user=user))

    async def get_webinar(self, webinar_id: str, *, user: str | None = None) -> Webinar:
        return Webinar.from_graph(await self.get_json(_webinar(webinar_id), user=user))

    async def update_webinar(self, webinar_id: str, body: dict[str, Any], *, user: str) -> Webinar:
        """PATCH; Graph answers 200 with the updated webinar (a bare 204 is followed by a GET)."""
        data = await self.patch_json(_webinar(webinar_id), body, user=user)
        return Webinar.from_graph(data) if data else await self.get_webinar(webinar_id, user=user)

    async def publish_webinar(self, webinar_id: str, *, user: str) -> None:
        await self.post_json(_webinar(webinar_id, "publish"), user=user)

    async def cancel_webinar(self, webinar_id: str, *, user: str) -> None:
        """Permanent; the webinar stays readable with status "canceled"."""
        await self.post_json(_webinar(webinar_id, "cancel"), user=user)

    async def set_external_event_information(
        self, webinar_id: str, external_event_id: str, *, user: str
    ) -> None:
        body = bodies.external_event_information_body(external_event_id)
        await self.post_json(_webinar(webinar_id, "setExternalEventInformation"), body, user=user)

    async def list_webinars(self, *, user: str | None = None) -> AsyncIterator[Webinar]:
        """App-only tenant listing: only webinars whose organizer holds an application access policy."""
        async for item in self.iterate(WEBINARS, user=user):
            yield Webinar.from_graph(item)

    async def webinars_by_role(self, role: str, *, user: str) -> AsyncIterator[Webinar]:
        """Delegated: the signed-in user's webinars as ``organizer`` or ``coOrganizer``."""
        path = f"{WEBINARS}/{key_segment('getByUserRole', role=_role(role))}"
        async for item in self.iterate(path, user=user):
            yield Webinar.from_graph(item)

    async def webinars_by_user_and_role(
        self, user_id: str, role: str, *, user: str | None = None
    ) -> AsyncIterator[Webinar]:
        """App-only by default: webinars of an Entra user (who needs an application access policy)."""
        path = f"{WEBINARS}/{key_segment('getByUserIdAndRole', userId=user_id, role=_role(role))}"
        async for item in self.iterate(path, user=user):
            yield Webinar.from_graph(item)

    # ----------------------------------------------------------------------------------------------------------
    # Registration configuration and questions

    async def get_registration_configuration(
        self, webinar_id: str, *, user: str | None = None
    ) -> RegistrationConfiguration:
        data = await self.get_json(_webinar(webinar_id, "registrationConfiguration"), user=user)
        return RegistrationConfiguration.from_graph(data)

    async def list_questions(self, webinar_id: str, *, user: str | None = None) -> AsyncIterator[Question]:
        async for item in self.iterate(
            _webinar(webinar_id, "registrationConfiguration", "questions"), user=user
        ):
            yield Question.from_graph(item)

    async def create_question(self, webinar_id: str, body: dict[str, Any], *, user: str) -> Question:
        path = _webinar(webinar_id, "registrationConfiguration", "questions")
        return Question.from_graph(await self.post_json(path, body, user=user))

    async def delete_question(self, webinar_id: str, question_id: str, *, user: str) -> None:
        await self.delete(
            _webinar(webinar_id, "registrationConfiguration", "questions", segment(question_id)), user=user
        )

    # ----------------------------------------------------------------------------------------------------------
    # Registrations

    async def create_registration(
        self, webinar_id: str, body: dict[str, Any], *, user: str | None = None
    ) -> Registration | None:
        """Delegated: registers the caller, 201 + registration. App-only: registers by e-mail, 204 -> None
        (look it up with ``get_registration_by_email``)."""
        data = await self.post_json(_webinar(webinar_id, "registrations"), body, user=user)
        return Registration.from_graph(data) if data else None

    async def list_registrations(
        self, webinar_id: str, *, user: str | None = None
    ) -> AsyncIterator[Registration]:
        async for item in self.iterate(_webinar(webinar_id, "registrations"), user=user):
            yield Registration.from_graph(item)

    async def get_registration(
        self, webinar_id: str, registration_id: str, *, user: str | None = None
    ) -> Registration:
        data = await self.get_json(_webinar(webinar_id, "registrations", segment(registration_id)), user=user)
        return Registration.from_graph(data)

    async def get_registration_by_email(
        self, webinar_id: str, email: str, *, user: str | None = None
    ) -> Registration:
        data = await self.get_json(_webinar(webinar_id, key_segment("registrations", email=email)), user=user)
        return Registration.from_graph(data)

    async def get_registration_by_user_id(
        self, webinar_id: str, user_id: str, *, user: str | None = None
    ) -> Registration:
        data = await self.get_json(
            _webinar(webinar_id, key_segment("registrations", userId=user_id)), user=user
        )
        return Registration.from_graph(data)

    async def cancel_registration(
        self,
        webinar_id: str,
        registration_id: str | None = None,
        *,
        email: str | None = None,
        user_id: str | None = None,
        user: str | None = None,
    ) -> None:
        """Cancel by id, or by the alternate key ``email`` / ``user_id`` (exactly one of the three)."""
        await self.post_json(
            _webinar(webinar_id, _registration_ref(registration_id, email, user_id), "cancel"), user=user
        )

    async def list_registration_sessions(
        self, webinar_id: str, registration_id: str, *, user: str | None = None
    ) -> AsyncIterator[Session]:
        """Session summaries carrying the registrant's personal ``join_web_url``."""
        path = _webinar(webinar_id, "registrations", segment(registration_id), "sessions")
        async for item in self.iterate(path, user=user):
            yield Session.from_graph(item)

    # ----------------------------------------------------------------------------------------------------------
    # Presenters

    async def list_presenters(self, webinar_id: str, *, user: str | None = None) -> AsyncIterator[Presenter]:
        async for item in self.iterate(_webinar(webinar_id, "presenters"), user=user):
            yield Presenter.from_graph(item)

    async def get_presenter(
        self, webinar_id: str, presenter_id: str, *, user: str | None = None
    ) -> Presenter:
        data = await self.get_json(_webinar(webinar_id, "presenters", segment(presenter_id)), user=user)
        return Presenter.from_graph(data)

    async def create_presenter(self, webinar_id: str, body: dict[str, Any], *, user: str) -> Presenter:
        return Presenter.from_graph(await self.post_json(_webinar(webinar_id, "presenters"), body, user=user))

    async def update_presenter(
        self, webinar_id: str, presenter_id: str, body: dict[str, Any], *, user: str
    ) -> Presenter:
        """Only ``presenterDetails`` can change. A bare 204 is followed by a GET."""
        data = await self.patch_json(
            _webinar(webinar_id, "presenters", segment(presenter_id)), body, user=user
        )
        return (
            Presenter.from_graph(data)
            if data
            else await self.get_presenter(webinar_id, presenter_id, user=user)
        )

    async def delete_presenter(self, webinar_id: str, presenter_id: str, *, user: str) -> None:
        await self.delete(_webinar(webinar_id, "presenters", segment(presenter_id)), user=user)

    # ----------------------------------------------------------------------------------------------------------
    # Sessions and attendance

    async def list_sessions(self, webinar_id: str, *, user: str | None = None) -> AsyncIterator[Session]:
        async for item in self.iterate(_webinar(webinar_id, "sessions"), user=user):
            yield Session.from_graph(item)

    async def get_session(self, webinar_id: str, session_id: str, *, user: str | None = None) -> Session:
        return Session.from_graph(
            await self.get_json(_webinar(webinar_id, "sessions", segment(session_id)), user=user)
        )

    async def list_attendance_reports(
        self, webinar_id: str, session_id: str, *, user: str | None = None
    ) -> AsyncIterator[AttendanceReport]:
        """At most the 50 newest reports, without records."""
        async for item in self.iterate(
            _webinar(webinar_id, "sessions", segment(session_id), "attendanceReports"), user=user
        ):
            yield AttendanceReport.from_graph(item)

    async def get_attendance_report(
        self,
        webinar_id: str,
        session_id: str,
        report_id: str,
        *,
        expand_records: bool = True,
        user: str | None = None,
    ) -> AttendanceReport:
        """One report; with ``expand_records`` its records too, following ``attendanceRecords@odata.nextLink``."""
        path = _report_path(webinar_id, session_id, report_id)
        params = {"$expand": "attendanceRecords"} if expand_records else None
        data = await self.get_json(path, params, user=user)
        if expand_records:
            data = await self._complete_expansion(data, "attendanceRecords", user)
        return AttendanceReport.from_graph(data)

    async def list_attendance_records(
        self, webinar_id: str, session_id: str, report_id: str, *, user: str | None = None
    ) -> AsyncIterator[AttendanceRecord]:
        path = f"{_report_path(webinar_id, session_id, report_id)}/attendanceRecords"
        async for item in self.iterate(path, user=user):
            yield AttendanceRecord.from_graph(item)

    async def _complete_expansion(self, data: dict[str, Any], prop: str, user: str | None) -> dict[str, Any]:
        """An expanded collection can be paged itself (``<prop>@odata.nextLink``): fetch the rest."""
        link = data.get(f"{prop}@odata.nextLink")
        if not isinstance(link, str) or not isinstance(data.get(prop), list):
            return data
        rest = [item async for item in self.iterate(link, user=user)]
        merged = {key: value for key, value in data.items() if key != f"{prop}@odata.nextLink"}
        merged[prop] = data[prop] + rest
        return merged

    # ----------------------------------------------------------------------------------------------------------
    # Subscriptions (app-only unless a user is given)

    async def create_subscription(self, body: dict[str, Any], *, user: str | None = None) -> Subscription:
        """409 ``Conflict`` when this app already watches the same resource and change type."""
        return Subscription.from_graph(await self.post_json("subscriptions", body, user=user))

    async def renew_subscription(
        self, subscription_id: str, expiration: datetime, *, user: str | None = None
    ) -> Subscription:
        """PATCH the expiry; this also reauthorizes. A bare 204 is followed by a GET."""
        path = f"subscriptions/{segment(subscription_id)}"
        data = await self.patch_json(path, bodies.subscription_renew_body(expiration), user=user)
        return (
            Subscription.from_graph(data) if data else await self.get_subscription(subscription_id, user=user)
        )

    async def reauthorize_subscription(self, subscription_id: str, *, user: str | None = None) -> None:
        """Answer to ``reauthorizationRequired`` without extending; never within 10 min of a renew."""
        await self.post_json(f"subscriptions/{segment(subscription_id)}/reauthorize", user=user)

    async def delete_subscription(self, subscription_id: str, *, user: str | None = None) -> None:
        await self.delete(f"subscriptions/{segment(subscription_id)}", user=user)

    async def get_subscription(self, subscription_id: str, *, user: str | None = None) -> Subscription:
        return Subscription.from_graph(
            await self.get_json(f"subscriptions/{segment(subscription_id)}", user=user)
        )

    async def list_subscriptions(self, *, user: str | None = None) -> AsyncIterator[Subscription]:
        async for item in self.iterate("subscriptions", user=user):
            yield Subscription.from_graph(item)

    # ----------------------------------------------------------------------------------------------------------
    # Directory and notification follow-up

    async def find_user(self, email_or_upn: str, *, user: str | None = None) -> DirectoryUser | None:
        """The Entra user with this UPN, else the one whose ``mail`` matches; None when there is none.

        A UPN and a primary e-mail differ in many tenants, hence the ``$filter`` fallback.
        """
        if not isinstance(email_or_upn, str) or not email_or_upn.strip():
            raise ValueError("find_user needs an e-mail address or a user principal name")
        email_or_upn = email_or_upn.strip()
        try:
            return DirectoryUser.from_graph(await self.get_json(_user_path(email_or_upn), user=user))
        except NotFound:
            pass
        page = await self.get_json("users", {"$filter": f"mail eq {odata_literal(email_or_upn)}"}, user=user)
        matches = [item for item in page.get("value") or () if isinstance(item, dict)]
        return DirectoryUser.from_graph(matches[0]) if matches else None

    async def get_path(self, path: str, *, user: str | None = None) -> dict[str, Any]:
        """GET a resource path from a change notification (``resourceData.@odata.id``), relative to base_url."""
        return await self.get_json(_notification_path(path), user=user)


# --------------------------------------------------------------------------------------------------------------
# Path helpers for the high-level methods


def _role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(sorted(ROLES))}, got {role!r}")
    return role


def _registration_ref(registration_id: str | None, email: str | None, user_id: str | None) -> str:
    given = [
        name
        for name, value in (("registration_id", registration_id), ("email", email), ("user_id", user_id))
        if value is not None
    ]
    if len(given) != 1:
        raise ValueError("give exactly one of registration_id, email, user_id")
    if registration_id is not None:
        return f"registrations/{segment(registration_id)}"
    if email is not None:
        return key_segment("registrations", email=email)
    return key_segment("registrations", userId=user_id or "")


def _report_path(webinar_id: str, session_id: str, report_id: str) -> str:
    return _webinar(webinar_id, "sessions", segment(session_id), "attendanceReports", segment(report_id))


def _user_path(upn: str) -> str:
    """``users/{upn}``; a UPN starting with ``$`` must use the key form ``users('{upn}')`` (Graph docs)."""
    if upn.startswith("$"):
        return f"users({_in_path(odata_literal(upn))})"
    return f"users/{segment(upn)}"


def _notification_path(path: str) -> str:
    """Notification paths have no leading ``/`` and sometimes a trailing one; never let them leave base_url."""
    if not isinstance(path, str):
        raise ValueError("path must be a string")
    cleaned = path.strip().strip("/")
    if not cleaned or "://" in cleaned or "?" in cleaned or "#" in cleaned or ".." in cleaned.split("/"):
        raise ValueError(f"not a Graph resource path: {path!r}")
    return cleaned
