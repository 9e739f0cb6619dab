"""How fast `/graph/notifications` accepts notifications, over real HTTP, and how long one answer takes.

Graph allows 3 s per delivery and flags an endpoint "slow" when over 10% of answers exceed it; this prints the
throughput and the latency percentiles of the ingest path (validate, clientState check, inbox write, 202).
"""

from __future__ import annotations

import http.client
import json
import socket
import statistics
import tempfile
import time
from pathlib import Path

from bot.app import create_app
from bot.sandbox.serve import BackgroundServer
from bot.sandbox.stack import sandbox_settings
from storage import mirror, open_database, queues, subscriptions

WID = "a57082a9-7629-4f74-8da0-8d621aab4d2d@4aa05bcc-1cac-4a83-a9ae-0db84b88f4ba"


def item(n: int) -> dict:
    path = f"solutions/virtualEvents/webinars/{WID}/registrations/r{n}"
    return {"subscriptionId": "s1", "clientState": "bench-state", "changeType": "created", "tenantId": "t",
            "resource": f"solutions/virtualEvents/webinars/{WID}/registrations",
            "resourceData": {"@odata.id": path, "@odata.type": "#microsoft.graph.virtualEventRegistration",
                             "id": path}}


def main(posts: int = 2000, batch: int = 5) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db_path = str(Path(tmp) / "bench.db")
        db = open_database(db_path)
        mirror.save_webinar(db, id=WID, title="Bench", status="published", start_utc=None, end_utc=None,
                            organizer_entra_id="e", raw={})
        subscriptions.save_subscription(db, id="s1", webinar_id=WID, resource="r", change_type="created",
                                        client_state="bench-state", expires_at="2099-01-01T00:00:00Z")
        settings = sandbox_settings("http://127.0.0.1:9", "http://127.0.0.1:9", "http://127.0.0.1:8", db_path)
        with BackgroundServer(create_app(settings, start_workers=False)) as server:
            # TCP_NODELAY: http.client writes headers and body separately, and Nagle + delayed ACK would add
            # 40 ms to every POST, measuring the client instead of the server.
            conn = http.client.HTTPConnection(server.host, server.port)
            conn.connect()
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            latencies = []
            started = time.perf_counter()
            for n in range(posts):
                body = json.dumps({"value": [item(n * batch + k) for k in range(batch)]}).encode()
                t0 = time.perf_counter()
                conn.request("POST", "/graph/notifications", body, {"Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                latencies.append(time.perf_counter() - t0)
                assert response.status == 202
            elapsed = time.perf_counter() - started
            conn.close()
        stored = queues.inbox_counts(db).get("pending", 0)
    latencies.sort()
    print(f"ingest: {posts} POSTs x {batch} items = {stored} stored in {elapsed:.2f} s "
          f"({stored / elapsed:,.0f} items/s); latency p50 {statistics.median(latencies) * 1000:.1f} ms, "
          f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
