#!/usr/bin/env bash
# The benchmark: Switchboard side by side with its peers, in one run, on this machine.
# Each server runs alone, pinned to core 0, started fresh for each scenario and warmed up at its
# fan-out ceiling before it is measured (30 s before the fan-out at every client count, 10 s
# before each other scenario; none before the idle one, which times connecting from cold); the
# load generator is pinned to core 1. Results go to bench/results/ (results.jsonl, table.md, *.png).
# The cluster section runs three nodes of each Socket.IO server on one Redis (redis-server must be installed).
#
#   bash bench/run.sh                  the full run (about 15 minutes)
#   bash bench/run.sh --smoke          every server for a second, for CI (about 20 seconds; no cluster)
#   bash bench/run.sh --cluster-only   the cluster section alone, to bench/results-cluster/ (about a minute)
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

MODE=full
case "${1:-}" in
  --smoke) MODE=smoke ;;
  --cluster-only) MODE=cluster ;;
esac
SMOKE=0
[[ $MODE == smoke ]] && SMOKE=1
case $MODE in
  full) OUT=results ;;
  smoke) OUT=$(mktemp -d -t bench-smoke.XXXXXX) ;;
  cluster) OUT=results-cluster ;;
esac
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"

if ! command -v gnuplot >/dev/null && [[ $MODE == full ]]; then
  apt-get install -y -q --no-install-recommends gnuplot-nox >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends gnuplot-nox >/dev/null; }
fi
(cd peers && npm ci --no-audit --no-fund --silent)
dotnet build Switchboard.Bench -c Release --nologo -v q >/dev/null
BENCH="dotnet Switchboard.Bench/bin/Release/net10.0/Switchboard.Bench.dll"

# stop <pid>: asks the process to stop, and kills it if it has not within ten seconds.
stop() {
  kill "$1" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}

SERVER_PID=""
stop_server() {
  if [[ -n "$SERVER_PID" ]]; then
    stop "$SERVER_PID"
    SERVER_PID=""
  fi
}

NODE_PIDS=()
stop_cluster() {
  for pid in "${NODE_PIDS[@]}"; do stop "$pid"; done
  NODE_PIDS=()
}

REDIS_PID=""
stop_redis() {
  if [[ -n "$REDIS_PID" ]]; then
    stop "$REDIS_PID"
    REDIS_PID=""
  fi
}
trap 'stop_server; stop_cluster; stop_redis' EXIT

# launch <name> <log> [redis host:port]: starts the server on core 0 in the background, as a node of a
# cluster over that Redis if one is given; sets SERVER_PID and, once it listens, PORT.
launch() {
  local log=$2 redis=${3:-}
  case "$1" in
    switchboard|switchboard-ws) taskset -c 0 $BENCH serve switchboard ${redis:+--redis "$redis"} >"$log" 2>&1 & ;;
    signalr)                    taskset -c 0 $BENCH serve signalr >"$log" 2>&1 & ;;
    naive)                      taskset -c 0 $BENCH serve naive >"$log" 2>&1 & ;;
    floor)                      taskset -c 0 $BENCH serve floor >"$log" 2>&1 & ;;
    node-socketio)              (cd peers && PORT=0 REDIS_URL=${redis:+redis://$redis} exec taskset -c 0 node socketio-server.js) >"$log" 2>&1 & ;;
    node-ws)                    (cd peers && PORT=0 exec taskset -c 0 node ws-server.js) >"$log" 2>&1 & ;;
  esac
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    PORT=$(awk '/^listening/{print $2}' "$log")
    [[ -n "$PORT" ]] && return 0
    sleep 0.1
  done
  echo "server $1 did not start:"; cat "$log"; exit 1
}

# start_server <name>: starts it on core 0 and sets PORT and SERVER_PID.
start_server() {
  launch "$1" "$OUT/server.log"
}

dialect_of() {
  case "$1" in
    switchboard|node-socketio) echo socketio ;;
    signalr) echo signalr ;;
    *) echo ws ;;
  esac
}

# warm_up <server> <seconds>: runs it at its fan-out ceiling (200 clients), a result that is discarded. Under
# this load .NET's tiered JIT takes 20-30 s to settle (the ceiling about doubles over that time), V8 less; the
# tables are about servers that have been up for a while.
warm_up() {
  [[ $SMOKE == 1 ]] && return 0
  taskset -c 1 $BENCH load --scenario fanout-max --dialect "$(dialect_of "$1")" --port "$PORT" --clients 200 --duration "$2" >/dev/null
}

# run_load <scenario> <server> <clients> [extra load args...]: one measurement against the running server.
run_load() {
  local scenario=$1 server=$2 clients=$3; shift 3
  local line
  line=$(taskset -c 1 $BENCH load --scenario "$scenario" --dialect "$(dialect_of "$server")" --port "$PORT" --server "$server" \
         --clients "$clients" --pid "$SERVER_PID" "$@")
  echo "$line" | tee -a "$RESULTS"
}

# measure <scenario> <server> <clients> [extra load args...]: one measurement on a server started fresh for it
# (and warmed up, unless the scenario is the idle one, which times connecting from cold).
measure() {
  local scenario=$1 server=$2
  start_server "$server"
  [[ $scenario != idle ]] && warm_up "$server" 10
  run_load "$@"
  stop_server
}

# measure_fanout <server>: (a) at every client count, at the ceiling and at the fixed load, on one server
# started fresh and warmed up.
measure_fanout() {
  start_server "$1"
  warm_up "$1" 30
  for clients in 50 100 200 400; do
    run_load fanout-max "$1" "$clients" --duration 5
    run_load fanout-rate "$1" "$clients" --duration 5 --rate $(( 50000 / (clients - 1) + 1 ))
  done
  stop_server
}

# start_redis: a Redis of its own on a free loopback port, on core 0 beside the nodes; sets REDIS_PORT and REDIS_PID.
start_redis() {
  REDIS_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  taskset -c 0 redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$OUT/redis.log" 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 1 100); do
    grep -q "Ready to accept connections" "$OUT/redis.log" && return 0
    sleep 0.1
  done
  echo "redis-server did not start:"; cat "$OUT/redis.log"; exit 1
}

# start_cluster <name>: three nodes of it on the Redis, all on core 0; sets PORTS (comma-separated) and NODE_PIDS.
start_cluster() {
  local ports=()
  for node in 1 2 3; do
    launch "$1" "$OUT/node-$node.log" "127.0.0.1:$REDIS_PORT"
    NODE_PIDS+=("$SERVER_PID")
    ports+=("$PORT")
  done
  SERVER_PID=""
  PORTS=$(IFS=,; echo "${ports[*]}")
}

# load_cluster <scenario> <server> [extra load args...]: one measurement with 150 clients spread over the nodes (50 each).
load_cluster() {
  local scenario=$1 server=$2; shift 2
  local line
  line=$(taskset -c 1 $BENCH load --scenario "$scenario" --dialect socketio --ports "$PORTS" --server "$server" --clients 150 "$@")
  echo "$line" | tee -a "$RESULTS"
}

# measure_cluster <server>: (f) broadcast at a fixed load (~20,000 deliveries/s) and at its ceiling, (g) fetchSockets
# round trips; the three nodes are started once, warmed up, and stopped after.
measure_cluster() {
  start_cluster "$1"
  taskset -c 1 $BENCH load --scenario cluster-fanout-max --dialect socketio --ports "$PORTS" --clients 150 --duration 10 >/dev/null
  load_cluster cluster-fanout "$1" --duration 5 --rate $(( 20000 / 149 + 1 ))
  load_cluster cluster-fanout-max "$1" --duration 5
  load_cluster cluster-fetch "$1" --count 1000
  stop_cluster
}

SOCKETIO=(switchboard node-socketio signalr)
PLAIN=(switchboard-ws node-ws naive)

if [[ $MODE == cluster ]]; then
  : # the cluster section alone, below
elif [[ $SMOKE == 1 ]]; then
  # Every server starts and carries a second of chat traffic; the report is built.
  for server in "${SOCKETIO[@]}" "${PLAIN[@]}"; do
    measure fanout-rate "$server" 10 --duration 1 --rate 100
  done
  measure ack switchboard 100
  measure polling switchboard 10 --duration 1 --rate 100
  measure idle floor 10
else
  D=5
  for server in "${SOCKETIO[@]}" "${PLAIN[@]}"; do
    measure_fanout "$server"
  done
  for server in "${SOCKETIO[@]}"; do
    measure rooms "$server" 2000 --duration $D
    measure ack "$server" 5000
  done
  # SignalR's long-polling is another protocol; the polling comparison is between the Socket.IO servers.
  for server in switchboard node-socketio; do
    measure polling "$server" 50 --duration $D --rate 2000
  done
  # floor: the least a WebSocket server on Kestrel holds per connection; it answers no message, so idle only.
  # 500 clients connect and leave before the timed 10,000, so every server (JIT or V8) is timed warm.
  for server in "${SOCKETIO[@]}" "${PLAIN[@]}" floor; do
    measure idle "$server" 10000 --warmup 500
  done
fi

if [[ $MODE != smoke ]]; then
  # Three nodes of each server on one Redis: the nodes and Redis share core 0, the load generator has core 1.
  start_redis
  for server in switchboard node-socketio; do
    measure_cluster "$server"
  done
  stop_redis
fi

python3 report.py "$RESULTS" "$OUT" $([[ $MODE != full ]] && echo --no-plots)
[[ $SMOKE == 1 ]] && rm -rf "$OUT"
exit 0
