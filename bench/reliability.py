"""`make bench` reliability figures: kill -9 during a 5,000-registration burst; 10 % 429/503 with 2 s latency from
Graph and Slack; the database locked by another process. Targets: 0 lost, 0 duplicated in every scenario.

The scenarios live in bot/sandbox/chaos.py (the reliability tests run the same ones with smaller numbers).
"""

from __future__ import annotations

from bot.sandbox import chaos


def report(name: str, outcome: chaos.Outcome, **extra) -> None:
    figures = {**outcome.figures, **extra}
    print(f"reliability: {name}: {outcome.registrations:,} registrations -> {outcome.told:,} reported in "
          f"{outcome.posts} posts after {outcome.seconds:.1f} s; {outcome.lost} lost, {outcome.duplicated} "
          f"duplicated; outbox {outcome.alerts_sent:,}/{outcome.alert_rows:,} alerts sent (target 0 lost, 0 dup)")
    print("reliability:   " + ", ".join(f"{k}={v}" for k, v in figures.items() if k != "mirrored"))


def main() -> None:
    report("kill -9 mid-burst", chaos.kill_during_burst(count=5_000, seconds=20.0, kill_at_post=3, timeout=300))
    # Every Graph and Slack call takes 2 s more: the inbox handles one notification at a time, so keep the count
    # modest (each registration costs at least one 2 s Graph GET).
    report("10% 429/503 + 2 s latency", chaos.faults_everywhere(count=60, rate=0.1, latency=2.0, seconds=5.0,
                                                                 timeout=600))
    report("database locked 7 s", chaos.database_locked(lock_seconds=7.0, later=20))


if __name__ == "__main__":
    main()
