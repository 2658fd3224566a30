#!/usr/bin/env bash
# Runs the chat as a cluster on this machine, in the foreground: redis-server, three chat servers joined through it
# (--redis), and nginx in front of them with sticky sessions (deploy/switchboard.conf), all on loopback. Each line of
# output is marked with the process that wrote it. Ctrl-C stops them all; so does any one of them exiting.
#
# Needs: dotnet, redis-server and redis-cli (apt-get install redis-server), nginx (apt-get install nginx).
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: deploy/run-cluster.sh [options]

  --listen <address:port>   where nginx listens; open http://<address:port> (default 127.0.0.1:8080)
  --node-ports <p1,p2,...>  the chat servers' ports on 127.0.0.1, one server each (default 8081,8082,8083)
  --redis-port <port>       the port of the redis-server it starts on 127.0.0.1 (default 6380)
  --chat <file>             the chat server to run, Switchboard.Chat.dll (default: build src/Switchboard.Chat
                            in Release and run that)
  -h, --help                show this text
USAGE
}

listen=127.0.0.1:8080
node_ports=8081,8082,8083
redis_port=6380
chat=""
while (($#)); do
  case $1 in
    --listen) listen=${2:?--listen needs a value}; shift 2 ;;
    --node-ports) node_ports=${2:?--node-ports needs a value}; shift 2 ;;
    --redis-port) redis_port=${2:?--redis-port needs a value}; shift 2 ;;
    --chat) chat=${2:?--chat needs a value}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run-cluster: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

here=$(cd "$(dirname "$0")" && pwd)
nginx=$(command -v nginx || echo /usr/sbin/nginx)   # /usr/sbin is not on every user's PATH
for tool in dotnet redis-server redis-cli "$nginx"; do
  command -v "$tool" >/dev/null || { echo "run-cluster: $tool not found" >&2; exit 1; }
done

if [[ -z $chat ]]; then
  echo "[cluster] building the chat server (Release)"
  dotnet build "$here/../src/Switchboard.Chat" -c Release -v q -nologo
  chat=$here/../src/Switchboard.Chat/bin/Release/net10.0/Switchboard.Chat.dll
fi

work=$(mktemp -d -t switchboard-cluster.XXXXXX)
redis_pid="" node_pids=() nginx_pid=""

# Stops what was started in the reverse order: nginx takes no more requests, the chat servers tell their clients
# they are going and give back their nicknames in Redis, then Redis.
stop() {
  local pid
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "$@"; do wait "$pid" 2>/dev/null || true; done
}
cleanup() {
  trap - EXIT INT TERM
  echo "[cluster] stopping"
  stop $nginx_pid
  stop "${node_pids[@]}"
  stop $redis_pid
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# run <name> <command...>: starts the command in the background, its output marked [name] and kept in $work/name.log;
# sets $pid. The command runs in a session of its own, so Ctrl-C reaches only this script, which then stops the
# servers in order; the markers ignore Ctrl-C and SIGTERM and end with the output.
run() {
  local name=$1
  shift
  setsid "$@" > >(trap '' INT TERM; tee "$work/$name.log" | sed -u "s/^/[$name] /") 2>&1 &
  pid=$!
}

# until_ready <what> <pid> <command...>: runs the command until it succeeds, for at most 60 s, while <pid> lives.
until_ready() {
  local what=$1 pid=$2
  shift 2
  for _ in $(seq 600); do
    "$@" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { echo "[cluster] $what exited" >&2; exit 1; }
    sleep 0.1
  done
  echo "[cluster] $what was not ready within 60 s" >&2
  exit 1
}
redis_ready() { [[ $(redis-cli -h 127.0.0.1 -p "$redis_port" ping) == PONG ]]; }
in_cluster() { grep -q "this server is one of the cluster" "$work/$1.log"; }
listening() { (exec 3<>"/dev/tcp/${listen%:*}/${listen##*:}"); }

run redis redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work"
redis_pid=$pid
until_ready redis "$redis_pid" redis_ready

servers=""
n=0
for port in ${node_ports//,/ }; do
  n=$((n + 1))
  run "node-$n" env Logging__Console__FormatterName=simple Logging__Console__FormatterOptions__SingleLine=true \
    dotnet "$chat" --urls "http://127.0.0.1:$port" --redis "127.0.0.1:$redis_port"
  node_pids+=("$pid")
  servers+="server 127.0.0.1:$port;"$'\n    '
done
for i in $(seq "$n"); do until_ready "node-$i" "${node_pids[i - 1]}" in_cluster "node-$i"; done

cp "$here/nginx.conf" "$work/nginx.conf"
site=$(<"$here/switchboard.conf")
site=${site//@LISTEN@/$listen}
site=${site//@SERVERS@/$servers}
printf '%s\n' "$site" >"$work/switchboard.conf"
run nginx "$nginx" -p "$work" -c "$work/nginx.conf"
nginx_pid=$pid
until_ready nginx "$nginx_pid" listening

echo "[cluster] ready: open http://$listen (nginx, sticky by client address) -> chat servers on 127.0.0.1 ports" \
  "$node_ports -> Redis on 127.0.0.1:$redis_port. Ctrl-C stops them all."
wait -n "$redis_pid" "${node_pids[@]}" "$nginx_pid" || true
echo "[cluster] a process exited on its own" >&2
exit 1
