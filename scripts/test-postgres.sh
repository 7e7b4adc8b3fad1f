#!/usr/bin/env bash
# Starts (or reuses) a throwaway PostgreSQL server on loopback for the tests and prints its URL.
# TEST_POSTGRES_URL, when set and reachable, is used as it is. Fails loudly, never silently.
set -euo pipefail
if [ -n "${TEST_POSTGRES_URL:-}" ]; then echo "$TEST_POSTGRES_URL"; exit 0; fi
PORT=${TEST_PG_PORT:-55432}
DIR=${TEST_PG_DIR:-/tmp/landuse-portal-pg}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  echo "ERROR: PostgreSQL server binaries not found; run 'make system-packages'." >&2; exit 1
fi
if [ "$(id -u)" -eq 0 ]; then RUN=(runuser -u postgres --); OWNER=postgres; else RUN=(); OWNER=$(id -un); fi
if ! "${RUN[@]}" "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
  if [ ! -f "$DIR/PG_VERSION" ]; then
    rm -rf "$DIR"; mkdir -p "$DIR"; chown "$OWNER" "$DIR"; chmod 700 "$DIR"
    "${RUN[@]}" "$BIN/initdb" -D "$DIR" -U portal --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR.initdb.log" 2>&1 \
      || { echo "ERROR: initdb failed:" >&2; cat "$DIR.initdb.log" >&2; exit 1; }
  fi
  # Durability settings off: this server holds throwaway test data only.
  "${RUN[@]}" "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    >/dev/null || { echo "ERROR: PostgreSQL did not start:" >&2; tail -20 "$DIR/server.log" >&2; exit 1; }
fi
for db in portal_test portal_bench; do
  "${RUN[@]}" "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U portal -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 \
    || "${RUN[@]}" "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U portal -d postgres -qc "CREATE DATABASE $db" >/dev/null
done
echo "postgresql+psycopg://portal@127.0.0.1:$PORT/portal_test"
