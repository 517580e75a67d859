#!/usr/bin/env python3
"""Reports the moments this machine stopped running programs, and its TCP timeouts.

Sleeps 5 ms at a time, at real-time priority when started with chrt, and prints
"stall <unix time it began> <milliseconds>" whenever it woke up more than the threshold
(argument 1, default 100 ms) late. At real-time priority no ordinary process can keep it
from running, so a late wake-up is a stall of the machine (the hypervisor, the kernel),
not of the service or PostgreSQL. Every 100 ms it also reads the kernel's TCP counters
and prints "tcp <unix time> <counter> <increase>" when a retransmission timeout
(TCPTimeouts: a segment unacknowledged for 200 ms or more, then twice as long each time)
or a retransmitted connection request (TCPSynRetrans: one second) happened: on loopback
either stops a connection for that long. bench/run.sh sets both next to the service's
slowest requests.
"""
import sys
import time

COUNTERS = ("TCPTimeouts", "TCPSynRetrans")


def tcp_counters():
    with open("/proc/net/netstat") as f:
        lines = f.read().splitlines()
    for names, values in zip(lines[::2], lines[1::2]):
        if names.startswith("TcpExt:"):
            table = dict(zip(names.split()[1:], map(int, values.split()[1:])))
            return {name: table.get(name, 0) for name in COUNTERS}
    return {}


threshold = float(sys.argv[1]) / 1000 if len(sys.argv) > 1 else 0.1
period = 0.005
last = time.monotonic()
counters = tcp_counters()
next_read = last + 0.1
while True:
    time.sleep(period)
    now = time.monotonic()
    late = now - last - period
    if late >= threshold:
        print(f"stall {time.time() - late:.3f} {late * 1000:.0f}", flush=True)
    last = now
    if now >= next_read:
        next_read = now + 0.1
        current = tcp_counters()
        for name, value in current.items():
            if value > counters.get(name, value):
                print(f"tcp {time.time():.3f} {name} {value - counters[name]}", flush=True)
        counters = current
