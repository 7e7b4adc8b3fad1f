#!/usr/bin/env bash
# Starts (or reuses) a throwaway Redis on loopback for the tests (the shared rate-limit store of the
# two-instance tests) and prints its URL. TEST_REDIS_URL, when set, is used as it is.
set -euo pipefail
if [ -n "${TEST_REDIS_URL:-}" ]; then echo "$TEST_REDIS_URL"; exit 0; fi
PORT=${TEST_REDIS_PORT:-56379}
DIR=${TEST_REDIS_DIR:-/tmp/landuse-portal-redis}
command -v redis-server >/dev/null || { echo "ERROR: redis-server not found; run 'make system-packages'." >&2; exit 1; }
if ! redis-cli -p "$PORT" ping 2>/dev/null | grep -q PONG; then
  mkdir -p "$DIR"
  # No persistence: it holds rate-limit counters of test runs only.
  redis-server --bind 127.0.0.1 --port "$PORT" --daemonize yes --save "" --appendonly no \
    --dir "$DIR" --logfile "$DIR/server.log" >/dev/null
  for _ in $(seq 1 50); do redis-cli -p "$PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  redis-cli -p "$PORT" ping 2>/dev/null | grep -q PONG || { echo "ERROR: Redis did not start:" >&2; tail -20 "$DIR/server.log" >&2; exit 1; }
fi
echo "redis://127.0.0.1:$PORT/0"
