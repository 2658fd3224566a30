#!/usr/bin/env bash
# The benchmark: Switchboard side by side with its peers, in one run, on this machine.
# Each server runs alone, pinned to core 0 and started fresh for every measurement; the load
# generator is pinned to core 1. Results go to bench/results/ (results.jsonl, table.md, *.png).
# The cluster section runs three nodes of each Socket.IO server on one Redis (redis-server must be installed).
#
#   bash bench/run.sh                  the full run (about 11 minutes)
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

# measure <scenario> <server> <clients> [extra load args...]
measure() {
  local scenario=$1 server=$2 clients=$3; shift 3
  local dialect; dialect=$(dialect_of "$server")
  start_server "$server"
  if [[ $scenario != idle && $SMOKE == 0 ]]; then
    # Warm up (JIT, pools) with a short saturating run whose result is discarded.
    taskset -c 1 $BENCH load --scenario fanout-max --dialect "$dialect" --port "$PORT" --clients 50 --duration 2 >/dev/null
  fi
  local line
  line=$(taskset -c 1 $BENCH load --scenario "$scenario" --dialect "$dialect" --port "$PORT" --server "$server" \
         --clients "$clients" --pid "$SERVER_PID" "$@")
  echo "$line" | tee -a "$RESULTS"
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
  taskset -c 1 $BENCH load --scenario cluster-fanout-max --dialect socketio --ports "$PORTS" --clients 50 --duration 2 >/dev/null
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
  for clients in 50 100 200 400; do
    for server in "${SOCKETIO[@]}" "${PLAIN[@]}"; do
      measure fanout-max "$server" "$clients" --duration $D
      measure fanout-rate "$server" "$clients" --duration $D --rate $(( 50000 / (clients - 1) + 1 ))
    done
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
