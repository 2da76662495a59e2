#!/usr/bin/env bash
# The rulesd load benchmark: builds rulesd (release), starts it on a fresh
# temporary database with the default playbook on a free loopback port, runs
# bench/rulesd_load.py against it (sustained ingest with batches of 100 and
# 1000, POST latency at a paced 5,000 events/s, hot lead 202 -> claimable
# dial), prints the figures against the targets and stops rulesd.
#
#   bench/run.sh [client options...]      e.g. bench/run.sh --events 100000 --duration 10
#
# RULESD=path skips the build. KEEP=1 keeps the temporary directory (db, log,
# figures in report.json). Results for docs/BENCHMARKS.md ("rulesd").

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

fail() { echo "bench: error: $*" >&2; exit 1; }
command -v python3 >/dev/null || fail "python3 is needed"
command -v curl >/dev/null || fail "curl is needed"

if [ -n "${RULESD:-}" ]; then
    BIN="$RULESD"
else
    echo "== swift build -c release --product rulesd"
    swift build -c release --product rulesd >&2 || fail "the build failed"
    BIN="$(swift build -c release --show-bin-path)/rulesd"
fi
[ -x "$BIN" ] || fail "no rulesd at $BIN"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/rulesd-bench.XXXXXX")"
PID=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
        kill -TERM "$PID" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$PID" 2>/dev/null || true
        wait "$PID" 2>/dev/null || true
    fi
    if [ "$status" -ne 0 ] && [ -s "$TMP/rulesd.log" ]; then
        echo "-- last lines of the rulesd log --" >&2
        tail -n 20 "$TMP/rulesd.log" >&2 || true
    fi
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The hot-lead probe needs its dial due now: the default playbook calls only in
# office hours of the lead's zone. When no zone is in them (Sunday daytime UTC),
# run on a copy of rules/ that calls all week, and say so.
RULES=rules
if ! python3 -c 'import sys; sys.path.insert(0, "bench"); import rulesd_load; sys.exit(0 if rulesd_load.calling_zone() else 1)'; then
    mkdir -p "$TMP/rules"
    cp rules/*.rules rules/holidays.txt "$TMP/rules/"
    sed -i 's/^CALLING HOURS .*/CALLING HOURS MON-SUN 00:00-24:00/' "$TMP/rules/compliance.rules"
    RULES="$TMP/rules"
    export RULESD_ALL_HOURS=1
    echo "note: no time zone is in calling hours now; using rules/ with CALLING HOURS MON-SUN 00:00-24:00"
fi

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
URL="http://127.0.0.1:$PORT"

echo "== machine"
echo "date:   $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "cpu:    $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //')"
echo "memory: $(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo 2>/dev/null)"
echo "load:   $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) (1, 5, 15 min; other work on the machine skews the figures)"
echo "kernel: $(uname -sr)"
echo "swift:  $(swift --version 2>/dev/null | head -n 1)"
echo "disk:   $(df -h "$TMP" | awk 'NR == 2 {print $1, $2}') (database in $TMP)"

echo "== rulesd $BIN --rules $RULES --db $TMP/rulesd.sqlite --listen 127.0.0.1:$PORT"
"$BIN" --rules "$RULES" --db "$TMP/rulesd.sqlite" --listen "127.0.0.1:$PORT" >"$TMP/rulesd.log" 2>&1 &
PID=$!
ready=0
for _ in $(seq 1 300); do
    kill -0 "$PID" 2>/dev/null || fail "rulesd exited during start-up"
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/readyz" || true)" = 200 ]; then ready=1; break; fi
    sleep 0.1
done
[ "$ready" = 1 ] || fail "rulesd was not ready within 30 s"

echo "== python3 bench/rulesd_load.py --url $URL --pid $PID $*"
python3 bench/rulesd_load.py --url "$URL" --pid "$PID" --json "$TMP/report.json" "$@"

echo "== database after the run: $(du -h "$TMP/rulesd.sqlite" | cut -f1) (+ WAL $(du -h "$TMP/rulesd.sqlite-wal" 2>/dev/null | cut -f1 || echo 0))"
kill -TERM "$PID"
for _ in $(seq 1 300); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$PID" 2>/dev/null; then fail "rulesd did not stop within 30 s of SIGTERM"; fi
set +e; wait "$PID"; code=$?; set -e
PID=""
[ "$code" = 0 ] || fail "rulesd exited with status $code after SIGTERM"
echo "rulesd stopped (exit 0)"
