#!/usr/bin/env bash
# Two replicas of the app (one shared cookie secret) behind Debian's nginx, sticky by client address; then
# the load generator through nginx, each visitor from its own 127.0.x.y address.
#
#   deploy/two_replicas.sh                     # 60 visitors x 10 changes
#   VISITORS="20 60" CHANGES=5 deploy/two_replicas.sh
#   SCENARIO=explore deploy/two_replicas.sh     # the class exploring on its own
set -euo pipefail
cd "$(dirname "$0")/.."

VISITORS=${VISITORS:-60}
CHANGES=${CHANGES:-10}
SCENARIO=${SCENARIO:-class}
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

cleanup() {
    [ -f "$DIR/nginx.pid" ] && $SUDO "$NGINX" -p "$DIR" -c "$DIR/nginx.conf" -s quit 2>/dev/null || true
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    echo "logs: $DIR"
}
trap cleanup EXIT

for port in "$A" "$B"; do
    # two replicas on one 2-core machine: one engine worker each
    RNNLAB_ENGINE_WORKERS=${RNNLAB_ENGINE_WORKERS:-1} STREAMLIT_SERVER_COOKIE_SECRET="$SECRET" .venv/bin/python -m ui.serve \
        --server.port "$port" --server.address 127.0.0.1 --server.headless true \
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
echo "nginx on 127.0.0.1:$PORT -> replicas on $A (pid ${PIDS[0]}) and $B (pid ${PIDS[1]})"

# shellcheck disable=SC2086
.venv/bin/python -m benchmarks.load --url "http://127.0.0.1:$PORT" --pids "${PIDS[0]},${PIDS[1]}" --sources \
    --warm "http://127.0.0.1:$A" --warm "http://127.0.0.1:$B" --label "load_nginx_$SCENARIO" --visitors $VISITORS \
    --changes "$CHANGES" --scenario "$SCENARIO"
