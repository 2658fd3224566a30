#!/usr/bin/env python3
"""Turns the benchmark's results.jsonl into a markdown table (with Switchboard-to-peer ratios) and PNG charts."""
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

results_path, out = Path(sys.argv[1]), Path(sys.argv[2])
plots = "--no-plots" not in sys.argv
rows = [json.loads(line) for line in results_path.read_text().splitlines() if line.strip()]
by = defaultdict(dict)  # (scenario, clients) -> server -> row
for r in rows:
    by[(r["Scenario"], r["Clients"])][r["Server"]] = r

# floor (a Kestrel connection handler that upgrades and holds only the transport) runs in (c) only.
GROUPS = [("switchboard", ["node-socketio", "signalr"]), ("switchboard-ws", ["node-ws", "naive", "floor"])]
LOWER_IS_BETTER = {"P50Microseconds", "P99Microseconds", "MaxMicroseconds", "RssPerConnectionKb", "Lost"}


def fmt(value, key):
    if value is None:
        return "–"
    if key.endswith("Microseconds"):
        return f"{value / 1000:.2f} ms"
    if key == "RssPerConnectionKb":
        return f"{value:.1f} KB"
    if key.endswith("CpuMicrosecondsPerConnection"):
        return f"{value:.0f} µs"
    if key == "Lost":
        return f"{value:,.0f}"
    return f"{value:,.0f}"


def ratio(ours, theirs, key):
    if ours is None or theirs is None or ours == 0 or theirs == 0:
        return "–"
    # "×" reads as "times better": higher throughput, or lower latency and memory.
    r = theirs / ours if key in LOWER_IS_BETTER else ours / theirs
    return f"{r:.2f}×"


def table(title, scenario, clients, keys):
    lines = [f"### {title}", "", "| server | " + " | ".join(label for label, _ in keys) + " | vs Switchboard |",
             "|---|" + "---|" * len(keys) + "---|"]
    present = by.get((scenario, clients), {})
    for ours, peers in GROUPS:
        for server in [ours] + peers:
            row = present.get(server)
            if row is None:
                continue
            cells = [fmt(row.get(key), key) for _, key in keys]
            main_key = keys[0][1]
            note = "" if server == ours or ours not in present else \
                ratio(present[ours].get(main_key), row.get(main_key), main_key) + f" ({keys[0][0]})"
            lines.append(f"| {server} | " + " | ".join(cells) + f" | {note} |")
    return "\n".join(lines) + "\n"


def largest(scenario):
    counts = sorted(c for (s, c) in by if s == scenario)
    return 200 if 200 in counts else (counts[-1] if counts else 0)


md = ["# Benchmark results", "",
      "Server pinned to core 0, load generator to core 1; ratios read as Switchboard's advantage "
      "(above 1× is better for Switchboard).", ""]
# A run of the cluster section alone (run.sh --cluster-only) has no (a).
if largest("fanout-max"):
    md.append(table(f"(a) Chat fan-out ceiling, {largest('fanout-max')} clients", "fanout-max", largest("fanout-max"),
                    [("deliveries/s", "DeliveredPerSecond"), ("p50", "P50Microseconds"), ("p99", "P99Microseconds")]))
if largest("fanout-rate"):
    md.append(table(f"(a) Chat fan-out at a fixed load (~50,000 deliveries/s), {largest('fanout-rate')} clients", "fanout-rate",
                    largest("fanout-rate"),
                    [("p99", "P99Microseconds"), ("p50", "P50Microseconds"), ("max", "MaxMicroseconds"), ("deliveries/s", "DeliveredPerSecond"), ("lost", "Lost")]))
CLUSTER = "three nodes and Redis all pinned to core 0, clients spread evenly over the nodes"
for scenario, title, keys in [
    ("rooms", "(b) Rooms of 20, one message per room per second", [("p99", "P99Microseconds"), ("p50", "P50Microseconds"), ("deliveries/s", "DeliveredPerSecond"), ("lost", "Lost")]),
    ("idle", "(c) Idle connections", [("memory per connection", "RssPerConnectionKb"), ("connections/s", "ConnectionsPerSecond"),
                                      ("server CPU per connection", "ServerCpuMicrosecondsPerConnection"),
                                      ("load generator CPU per connection", "LoadCpuMicrosecondsPerConnection")]),
    ("ack", "(d) Acknowledgement round trip, one at a time", [("p50", "P50Microseconds"), ("p99", "P99Microseconds"), ("round trips/s", "SentPerSecond")]),
    ("polling", "(e) Chat fan-out over long-polling, 2,000 messages/s sent", [("p99", "P99Microseconds"), ("p50", "P50Microseconds"), ("deliveries/s", "DeliveredPerSecond"), ("lost", "Lost")]),
    ("cluster-fanout", f"(f) Cluster of three nodes over Redis: broadcast at a fixed load (~20,000 deliveries/s; {CLUSTER})",
     [("p99", "P99Microseconds"), ("p50", "P50Microseconds"), ("max", "MaxMicroseconds"), ("deliveries/s", "DeliveredPerSecond"), ("lost", "Lost")]),
    ("cluster-fanout-max", f"(f) Cluster of three nodes over Redis: broadcast ceiling ({CLUSTER})",
     [("deliveries/s", "DeliveredPerSecond"), ("p50", "P50Microseconds"), ("p99", "P99Microseconds")]),
    ("cluster-fetch", f"(g) Cluster: fetchSockets round trip, one at a time, from a client of one node ({CLUSTER})",
     [("p50", "P50Microseconds"), ("p99", "P99Microseconds"), ("round trips/s", "SentPerSecond")]),
]:
    for (s, clients) in sorted(k for k in by if k[0] == scenario):
        md.append(table(f"{title} ({clients} clients)", scenario, clients, keys))
(out / "table.md").write_text("\n".join(md))
print("\n".join(md))

if plots:
    for scenario, key, name, ylabel in [("fanout-max", "DeliveredPerSecond", "throughput", "deliveries per second"),
                                        ("fanout-rate", "P99Microseconds", "p99", "p99 latency at ~50k deliveries/s (ms)")]:
        servers = sorted({s for (sc, _), rows_ in by.items() if sc == scenario for s in rows_})
        data = out / f"{name}.dat"
        with data.open("w") as f:
            for server in servers:
                f.write(f'"{server}"\n')
                for clients in sorted(c for (sc, c) in by if sc == scenario):
                    row = by[(scenario, clients)].get(server)
                    if row and row.get(key) is not None:
                        value = row[key] / 1000 if key.endswith("Microseconds") else row[key]
                        f.write(f"{clients} {value}\n")
                f.write("\n\n")
        script = (f'set terminal pngcairo size 900,540 font "sans,11"\nset output "{out / (name + ".png")}"\n'
                  f'set title "{ylabel} vs clients (chat fan-out)"\nset xlabel "clients"\nset ylabel "{ylabel}"\n'
                  'set key outside right\nset grid\nset logscale y\n'
                  f'plot for [i=0:{len(servers) - 1}] "{data}" index i using 1:2 with linespoints lw 2 title columnheader(1)\n')
        subprocess.run(["gnuplot"], input=script, text=True, check=True)
        data.unlink()
