#!/usr/bin/env bash
# Two replicas of the app (one shared cookie secret) behind Debian's nginx, sticky by client address; then
# the load generator through nginx, each visitor from its own 127.0.x.y address.
#
#   deploy/two_replicas.sh                     # 60 visitors x 10 changes
#   VISITORS="20 60" CHANGES=5 deploy/two_replicas.sh
#   SCENARIO=explore deploy/two_replicas.sh     # the class exploring on its own
#   BENCH=live deploy/two_replicas.sh           # a live class session (benchmarks.live): 60 students answering,
#                                               # idle polling, a replica restarted, Redis stopped and started
#   BENCH=live LIVE_ARGS="--only class" STUDENTS=30 deploy/two_replicas.sh
#
# The replicas share their class sessions in a redis-server started here (own port REDIS, data in the temporary
# folder, stopped at the end): RNNLAB_CLASS_STORE=redis://127.0.0.1:$REDIS/0.
set -euo pipefail
cd "$(dirname "$0")/.."

VISITORS=${VISITORS:-60}
CHANGES=${CHANGES:-10}
SCENARIO=${SCENARIO:-class}
BENCH=${BENCH:-load}
STUDENTS=${STUDENTS:-60}
LIVE_ARGS=${LIVE_ARGS:-}
REDIS=${REDIS:-8603}
PORT=${PORT:-8600}
A=${A:-8601}
B=${B:-8602}
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)

make -s .venv/.dev-installed
command -v nginx >/dev/null || { $SUDO apt-get update -q && $SUDO apt-get install -y -q nginx-light || \
    $SUDO apt-get install -y -q nginx; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

DIR=$(mktemp -d /tmp/rnnlab-replicas.XXXXXX)
chmod 755 "$DIR"
SECRET=$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(32))')
PIDS=()
REDIS_PID=

cleanup() {
    [ -f "$DIR/nginx.pid" ] && $SUDO "$NGINX" -p "$DIR" -c "$DIR/nginx.conf" -s quit 2>/dev/null || true
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -n "$REDIS_PID" ] && kill "$REDIS_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    echo "logs: $DIR"
}
trap cleanup EXIT

# The class sessions' store, shared by the replicas (a real redis-server; nothing saved unless asked to).
REDIS_SERVER=$(command -v redis-server || echo /usr/bin/redis-server)
[ -x "$REDIS_SERVER" ] || { $SUDO apt-get update -q && $SUDO apt-get install -y -q redis-server; }
mkdir -p "$DIR/redis"
"$REDIS_SERVER" --port "$REDIS" --bind 127.0.0.1 --save "" --appendonly no --dir "$DIR/redis" \
    --logfile "$DIR/redis/redis.log" --daemonize no &
REDIS_PID=$!
for _ in $(seq 100); do
    .venv/bin/python -c "import redis, sys; sys.exit(not redis.Redis(port=$REDIS).ping())" 2>/dev/null && break
    sleep 0.1
done

# The replicas' settings, exported: benchmarks.live restarts a replica with the same ones.
export RNNLAB_CLASS_STORE="redis://127.0.0.1:$REDIS/0"
export STREAMLIT_SERVER_COOKIE_SECRET="$SECRET"
export RNNLAB_ENGINE_WORKERS=${RNNLAB_ENGINE_WORKERS:-1}  # two replicas on one 2-core machine: one engine worker each
for port in "$A" "$B"; do
    .venv/bin/python -m ui.serve --server.port "$port" --server.address 127.0.0.1 --server.headless true \
        >"$DIR/replica-$port.log" 2>&1 &
    PIDS+=("$!")
done

wait_healthy() {  # url, seconds
    .venv/bin/python - "$1" "$2" <<'PY'
import sys, time, urllib.request
url, deadline = sys.argv[1], time.time() + float(sys.argv[2])
while time.time() < deadline:
    try:
        if urllib.request.urlopen(url, timeout=1).read().strip() == b"ok":
            sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit(f"not healthy: {url}")
PY
}
wait_healthy "http://127.0.0.1:$A/_stcore/health" 120
wait_healthy "http://127.0.0.1:$B/_stcore/health" 120

sed -e "s|@PORT@|$PORT|g" -e "s|@A@|$A|g" -e "s|@B@|$B|g" -e "s|@DIR@|$DIR|g" deploy/nginx.conf >"$DIR/nginx.conf"
$SUDO "$NGINX" -p "$DIR" -c "$DIR/nginx.conf"
wait_healthy "http://127.0.0.1:$PORT/_stcore/health" 20
echo "nginx on 127.0.0.1:$PORT -> replicas on $A (pid ${PIDS[0]}) and $B (pid ${PIDS[1]}); class sessions in $RNNLAB_CLASS_STORE"

if [ "$BENCH" = live ]; then
    # shellcheck disable=SC2086
    .venv/bin/python -m benchmarks.live --url "http://127.0.0.1:$PORT" --pids "${PIDS[0]},${PIDS[1]}" --sources \
        --replicas "$A:${PIDS[0]},$B:${PIDS[1]}" --redis "$RNNLAB_CLASS_STORE" --label nginx \
        --warm "http://127.0.0.1:$A" --warm "http://127.0.0.1:$B" --students "$STUDENTS" $LIVE_ARGS
    exit
fi

# shellcheck disable=SC2086
.venv/bin/python -m benchmarks.load --url "http://127.0.0.1:$PORT" --pids "${PIDS[0]},${PIDS[1]}" --sources \
    --warm "http://127.0.0.1:$A" --warm "http://127.0.0.1:$B" --label "load_nginx_$SCENARIO" --visitors $VISITORS \
    --changes "$CHANGES" --scenario "$SCENARIO"
