#!/usr/bin/env bash
# The benchmark: Switchboard side by side with its peers, in one run, on this machine.
# Each server runs alone, pinned to core 0 and started fresh for every measurement; the load
# generator is pinned to core 1. Results go to bench/results/ (results.jsonl, table.md, *.png).
#
#   bash bench/run.sh            the full run (about 10 minutes)
#   bash bench/run.sh --smoke    every server for a second, for CI (about 20 seconds)
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

SMOKE=0
[[ "${1:-}" == "--smoke" ]] && SMOKE=1
OUT=results
[[ $SMOKE == 1 ]] && OUT=$(mktemp -d -t bench-smoke.XXXXXX)
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"

if ! command -v gnuplot >/dev/null && [[ $SMOKE == 0 ]]; then
  apt-get install -y -q --no-install-recommends gnuplot-nox >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends gnuplot-nox >/dev/null; }
fi
(cd peers && npm ci --no-audit --no-fund --silent)
dotnet build Switchboard.Bench -c Release --nologo -v q >/dev/null
BENCH="dotnet Switchboard.Bench/bin/Release/net10.0/Switchboard.Bench.dll"

SERVER_PID=""
stop_server() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
trap stop_server EXIT

# start_server <name>: starts it on core 0 and sets PORT and SERVER_PID.
start_server() {
  local log="$OUT/server.log"
  case "$1" in
    switchboard|switchboard-ws) taskset -c 0 $BENCH serve switchboard >"$log" 2>&1 & ;;
    signalr)                    taskset -c 0 $BENCH serve signalr >"$log" 2>&1 & ;;
    naive)                      taskset -c 0 $BENCH serve naive >"$log" 2>&1 & ;;
    floor)                      taskset -c 0 $BENCH serve floor >"$log" 2>&1 & ;;
    node-socketio)              (cd peers && PORT=0 exec taskset -c 0 node socketio-server.js) >"$log" 2>&1 & ;;
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

SOCKETIO=(switchboard node-socketio signalr)
PLAIN=(switchboard-ws node-ws naive)

if [[ $SMOKE == 1 ]]; then
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

python3 report.py "$RESULTS" "$OUT" $([[ $SMOKE == 1 ]] && echo --no-plots)
[[ $SMOKE == 1 ]] && rm -rf "$OUT"
exit 0
