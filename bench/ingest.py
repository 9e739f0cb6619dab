"""How fast `/graph/notifications` accepts notifications over loopback, next to a bare endpoint.

Graph allows 3 s per delivery and flags an endpoint "slow" when over 10% of answers exceed it. This prints:
* throughput of the real ingest path (validate, clientState check, durable inbox write, 202) and of a bare
  Starlette endpoint on the same server that only answers 202, with the ratio (target: at least 50%);
* p50/p99 latency at a steady 500 notifications/s (target: p99 under 50 ms on 2 cores).
"""

from __future__ import annotations

import http.client
import json
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

from starlette.responses import Response
from starlette.routing import Route

from bot.app import create_app
from bot.sandbox.serve import BackgroundServer
from bot.sandbox.stack import sandbox_settings
from storage import mirror, open_database, queues, subscriptions

WID = "a57082a9-7629-4f74-8da0-8d621aab4d2d@4aa05bcc-1cac-4a83-a9ae-0db84b88f4ba"
_counter = iter(range(10**9))


def body(items: int = 1) -> bytes:
    value = []
    for _ in range(items):
        path = f"solutions/virtualEvents/webinars/{WID}/registrations/r{next(_counter)}"
        value.append({"subscriptionId": "s1", "clientState": "bench-state", "changeType": "created",
                      "tenantId": "t", "resource": f"solutions/virtualEvents/webinars/{WID}/registrations",
                      "resourceData": {"@odata.id": path, "@odata.type": "#microsoft.graph.virtualEventRegistration",
                                       "id": path}})
    return json.dumps({"value": value}).encode()


def connect(server: BackgroundServer) -> http.client.HTTPConnection:
    """TCP_NODELAY: http.client writes headers and body separately; Nagle would add 40 ms to each POST."""
    conn = http.client.HTTPConnection(server.host, server.port)
    conn.connect()
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


def post(conn: http.client.HTTPConnection, path: str, payload: bytes) -> float:
    started = time.perf_counter()
    conn.request("POST", path, payload, {"Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    assert response.status == 202, response.status
    return time.perf_counter() - started


def throughput(server: BackgroundServer, path: str, seconds: float = 3.0, clients: int = 4) -> tuple[float, int]:
    """(requests/s, requests) with `clients` keep-alive connections posting as fast as the server answers."""
    counts = [0] * clients
    deadline = time.perf_counter() + seconds

    def run(n: int) -> None:
        conn = connect(server)
        while time.perf_counter() < deadline:
            post(conn, path, body())
            counts[n] += 1
        conn.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / seconds, sum(counts)


def paced_latencies(server: BackgroundServer, rate: int = 500, seconds: float = 5.0,
                    clients: int = 4) -> list[float]:
    """Latency of each POST when `rate` notifications/s arrive evenly over `clients` connections."""
    latencies: list[float] = []
    lock = threading.Lock()
    interval = clients / rate
    start = time.perf_counter()

    def run(n: int) -> None:
        conn = connect(server)
        for k in range(int(seconds * rate / clients)):
            due = start + n * interval / clients + k * interval
            time.sleep(max(0.0, due - time.perf_counter()))
            latency = post(conn, "/graph/notifications", body())
            with lock:
                latencies.append(latency)
        conn.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(latencies)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db_path = str(Path(tmp) / "bench.db")
        db = open_database(db_path)
        mirror.save_webinar(db, id=WID, title="Bench", status="published", start_utc=None, end_utc=None,
                            organizer_entra_id="e", raw={})
        subscriptions.save_subscription(db, id="s1", webinar_id=WID, resource="r", change_type="created",
                                        client_state="bench-state", expires_at="2099-01-01T00:00:00Z")
        settings = sandbox_settings("http://127.0.0.1:9", "http://127.0.0.1:9", "http://127.0.0.1:8", db_path)
        app = create_app(settings, start_workers=False)

        async def bare(request):
            await request.body()
            return Response(status_code=202)

        app.router.routes.append(Route("/bench/bare", bare, methods=["POST"]))
        with BackgroundServer(app) as server:
            real, posted = throughput(server, "/graph/notifications")
            baseline, _ = throughput(server, "/bench/bare")
            latencies = paced_latencies(server)
        posted += len(latencies)
        stored = queues.inbox_counts(db).get("pending", 0)
    p50, p99 = statistics.median(latencies), latencies[int(len(latencies) * 0.99)]
    print(f"ingest: {real:,.0f} notifications/s durable vs {baseline:,.0f}/s bare 202 "
          f"({100 * real / baseline:.0f}% of bare; target >= 50%)")
    print(f"ingest at 500 notifications/s: p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
          f"max {latencies[-1] * 1000:.1f} ms (target p99 < 50 ms); {posted:,} posted, {stored:,} stored")


if __name__ == "__main__":
    main()
