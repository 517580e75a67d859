#!/usr/bin/env python3
"""The "Stalls" section of docs/benchmarks.md: the services' slowest requests, each set
against what else was slow at that moment: the machine itself (bench/stallwatch.py) and
PostgreSQL's statements (its log, log_min_duration_statement).

Usage: stalls.py RESULTS_DIR POSTGRESQL_LOG SERVICE_LOG... (JSON request lines, as the service logs them)
"""
import json
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

SLOW_MS = 100
SHOWN = 12

results = Path(sys.argv[1])
machine = []  # (began, ended) in unix seconds
tcp = []  # (seen, counter, increase): seen within 100 ms after it happened
stalls_file = results / "stalls"
if stalls_file.exists():
    for line in stalls_file.read_text().splitlines():
        kind, *rest = line.split()
        if kind == "stall":
            machine.append((float(rest[0]), float(rest[0]) + float(rest[1]) / 1000))
        elif kind == "tcp":
            tcp.append((float(rest[0]), rest[1], int(rest[2])))

# "2026-11-27 05:07:24.003 UTC [7345] LOG:  duration: 1234.567 ms  execute ..."
PG_DURATION = re.compile(r"^(\S+ \S+) UTC \[\d+\] LOG:  duration: ([0-9.]+) ms")
statements = []  # (began, ended)
for line in Path(sys.argv[2]).read_text(errors="replace").splitlines():
    if match := PG_DURATION.match(line):
        ended = datetime.strptime(match[1], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=timezone.utc).timestamp()
        statements.append((ended - float(match[2]) / 1000, ended))

slow = []  # (ms, began, ended, log, path)
requests = 0
for log in sys.argv[3:]:
    for line in Path(log).read_text(errors="replace").splitlines():
        if '"DurationMs"' not in line:
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        state = entry.get("State", {})
        if "DurationMs" not in state or state.get("Path") == "/healthcheck":
            continue
        requests += 1
        ms = float(state["DurationMs"])
        if ms >= SLOW_MS:
            ended = datetime.fromisoformat(entry["Timestamp"].replace("Z", "+00:00")).timestamp()
            slow.append((ms, ended - ms / 1000, ended, Path(log).name, state.get("Path", "")))


def overlapping(began, ended, spans=None):
    return [m for m in (machine if spans is None else spans) if m[0] < ended and m[1] > began]


def tcp_during(began, ended):
    """TCP timeouts seen while the request ran (each is noticed up to 100 ms late)."""
    return [t for t in tcp if began < t[0] <= ended + 0.1]


print("## Stalls")
print()
longest = max((e - b for b, e in machine), default=0) * 1000
print(f"The machine itself stopped running programs {len(machine)} times for 100 ms or more"
      + (f" (longest {longest:.0f} ms)" if machine else "")
      + ": `bench/stallwatch.py`, at real-time priority, woke up that late. "
      f"PostgreSQL logged {len(statements)} statements of 250 ms or more. The kernel counted "
      f"{sum(t[2] for t in tcp if t[1] == 'TCPTimeouts')} TCP retransmission timeouts and "
      f"{sum(t[2] for t in tcp if t[1] == 'TCPSynRetrans')} retransmitted connection requests, all on loopback. "
      f"Of the services' {requests:,} requests (warm-ups and sweeps included), {len(slow)} took {SLOW_MS} ms or more; "
      f"{sum(1 for s in slow if overlapping(s[1], s[2]))} of them were running while the machine stalled, "
      f"{sum(1 for s in slow if overlapping(s[1], s[2], statements))} while a statement was slow, "
      f"{sum(1 for s in slow if tcp_during(s[1], s[2]))} while TCP timed out.")
print()
if slow:
    print(f"The slowest {min(SHOWN, len(slow))}, as the service logged them:")
    print()
    print("| ended (UTC) | ms | request | service log | machine stalled meanwhile | slow statements meanwhile | TCP timeouts meanwhile |")
    print("|---|---:|---|---|---|---|---|")
    for ms, began, ended, log, path in sorted(slow, reverse=True)[:SHOWN]:
        machine_hits = ", ".join(f"{(e - b) * 1000:.0f} ms" for b, e in overlapping(began, ended)) or "no"
        statement_hits = ", ".join(f"{(e - b) * 1000:.0f} ms" for b, e in overlapping(began, ended, statements)) or "no"
        when = datetime.fromtimestamp(ended, timezone.utc).strftime("%H:%M:%S.%f")[:-3]
        tcp_hits = ", ".join(f"{n} {name}" for _, name, n in tcp_during(began, ended)) or "no"
        print(f"| {when} | {ms:.0f} | {path} | {log} | {machine_hits} | {statement_hits} | {tcp_hits} |")
    print()
