#!/usr/bin/env bash
# The README's five-minute tour of rulesd, from nothing:
#
#   examples/tour.sh
#
# builds rulesd if needed, starts it on a fresh temporary database with the
# default playbook (rules/) on a free loopback port, posts the example events
# with curl as NDJSON, captures a new hot lead, claims its dial task as a
# dialer would, acknowledges it, reports call outcomes (a voicemail, then a
# callback request) and shows what the daemon did with them: the lead's
# history, the rules in force and a few metrics. It stops the daemon with
# SIGTERM at the end and removes everything it created, also on failure or
# Ctrl-C. Any failed step stops the tour with a non-zero exit status.
#
# Needs: curl, and jq or python3 (to read the JSON answers).
# Environment: RULESD=path/to/rulesd skips the build and runs that binary;
# KEEP=1 keeps the temporary directory (database and daemon log).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
    BOLD=$'\033[1m'; DIM=$'\033[2m'; RED=$'\033[31m'; RESET=$'\033[0m'
else
    BOLD=""; DIM=""; RED=""; RESET=""
fi

STEP=0
heading() { STEP=$((STEP + 1)); printf '\n%s== %d. %s%s\n' "$BOLD" "$STEP" "$*" "$RESET"; }
say() { printf '%s\n' "$*"; }
run_shown() { printf '%s$ %s%s\n' "$DIM" "$*" "$RESET"; }
fail() { printf '\n%stour: error: %s%s\n' "$RED" "$*" "$RESET" >&2; exit 1; }

# --- tools -------------------------------------------------------------------
command -v curl >/dev/null || fail "curl is needed"
if command -v jq >/dev/null; then JSON=jq
elif command -v python3 >/dev/null; then JSON=python3
else fail "jq or python3 is needed to read the JSON answers"; fi

# pretty FILE: prints a JSON document indented.
pretty() {
    if [ "$JSON" = jq ]; then jq . "$1"; else python3 -m json.tool "$1"; fi
}

# field FILE EXPR: one value (jq syntax for the few expressions used here,
# with the equivalent Python for machines without jq).
field() {
    local file="$1" expr="$2"
    if [ "$JSON" = jq ]; then jq -r "$expr" "$file"; return; fi
    python3 - "$file" "$expr" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
expr = sys.argv[2]
def out(v):
    print("null" if v is None else (json.dumps(v) if isinstance(v, (dict, list)) else v))
length = expr.endswith(" | length")
if length:
    expr = expr[: -len(" | length")]
if expr.startswith(".tasks[]"):
    # .tasks[] | "\(.id) \(.lease_token) \(.lead_id)"
    for t in doc["tasks"]:
        print(t["id"], t["lease_token"], t["lead_id"])
    sys.exit(0)
for key in [k for k in expr.split(".") if k]:
    doc = doc.get(key) if isinstance(doc, dict) else None
out(len(doc) if length else doc)
PY
}

# --- temporary directory, cleanup ------------------------------------------
TMP="$(mktemp -d "${TMPDIR:-/tmp}/rulesd-tour.XXXXXX")"
PID=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
        kill -TERM "$PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$PID" 2>/dev/null || true
        wait "$PID" 2>/dev/null || true
    fi
    if [ "$status" -ne 0 ] && [ -s "$TMP/rulesd.log" ]; then
        printf '\n%s-- last lines of the daemon log (%s) --%s\n' "$DIM" "$TMP/rulesd.log" "$RESET" >&2
        tail -n 20 "$TMP/rulesd.log" >&2 || true
    fi
    if [ "${KEEP:-0}" = 1 ]; then say "kept $TMP"; else rm -rf "$TMP"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- build ---------------------------------------------------------------------
heading "Build rulesd"
if [ -n "${RULESD:-}" ]; then
    BIN="$RULESD"
    [ -x "$BIN" ] || fail "RULESD=$BIN is not an executable"
    say "using $BIN"
else
    command -v swift >/dev/null || fail "swift is not on PATH (and RULESD is not set)"
    BIN="$(swift build --show-bin-path)/rulesd"
    if [ -x "$BIN" ]; then
        say "already built: $BIN"
    else
        run_shown swift build --product rulesd
        swift build --product rulesd || fail "the build failed"
    fi
fi

# --- start ---------------------------------------------------------------------
heading "Start rulesd on a fresh database with the default playbook"
free_port() {
    if command -v python3 >/dev/null; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    else
        local port
        while :; do
            port=$((20000 + RANDOM % 40000))
            curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/" || { echo "$port"; return; }
        done
    fi
}
PORT="$(free_port)"
URL="http://127.0.0.1:$PORT"
run_shown rulesd --rules rules --db "$TMP/rulesd.sqlite" --listen "127.0.0.1:$PORT"
"$BIN" --rules rules --db "$TMP/rulesd.sqlite" --listen "127.0.0.1:$PORT" >"$TMP/rulesd.log" 2>&1 &
PID=$!

ready=0
for _ in $(seq 1 600); do   # up to 60 s (a debug build on a busy machine)
    kill -0 "$PID" 2>/dev/null || { wait "$PID" || true; fail "rulesd exited during start-up"; }
    if curl -s -o /dev/null -w '%{http_code}' "$URL/readyz" 2>/dev/null | grep -q '^200$'; then ready=1; break; fi
    sleep 0.1
done
[ "$ready" = 1 ] || fail "rulesd was not ready within 60 s"
say "rulesd (pid $PID) is ready on $URL"
run_shown curl -s "$URL/healthz"
curl -sS "$URL/healthz"; echo

# api METHOD PATH EXPECTED-STATUS [curl args...]: the answer is left in $TMP/resp.
api() {
    local method="$1" path="$2" expected="$3"; shift 3
    local code
    code="$(curl -sS -o "$TMP/resp" -w '%{http_code}' -X "$method" "$@" "$URL$path")" \
        || fail "$method $path: no answer from rulesd"
    if [ "$code" != "$expected" ]; then
        printf '%s\n' "$(cat "$TMP/resp")" >&2
        fail "$method $path answered $code, expected $expected"
    fi
}

# post_events FILE: posts NDJSON and prints the counts.
post_events() {
    run_shown curl -s -X POST -H "Content-Type: application/x-ndjson" --data-binary @"$1" "$URL/v1/events"
    api POST /v1/events 202 -H "Content-Type: application/x-ndjson" --data-binary @"$1"
    say "202 Accepted: $(field "$TMP/resp" .accepted) accepted, $(field "$TMP/resp" .duplicates) duplicates"
}

# --- the example events -------------------------------------------------------
heading "Post the example events (examples/events.jsonl: 16 leads, two weeks of March)"
post_events examples/events.jsonl
say "Posting the same file again is harmless: events are idempotent by id."
post_events examples/events.jsonl
[ "$(field "$TMP/resp" .accepted)" = 0 ] || fail "a re-sent event was accepted twice"

say ""
say "Where lead L1 (James Whitfield) stands after his two weeks:"
api GET /v1/leads/L1 200
say "  status $(field "$TMP/resp" .status), score $(field "$TMP/resp" .score), tier $(field "$TMP/resp" .tier), rules version $(field "$TMP/resp" .rules_version | cut -c1-12)"

# --- a new hot lead, now ------------------------------------------------------
heading "A new lead registers, opens a demo account and trades: a hot lead"
# The lead's calling hours (MON-FRI 09:00-20:00, SAT 10:00-14:00, rules/compliance.rules)
# count in its own time zone. So that its dial is due at once, the tour gives
# the lead a zone where it is office hours right now (when python3 can tell).
ZONE="Europe/London"
if command -v python3 >/dev/null; then
    ZONE="$(python3 - <<'PY'
import datetime, zoneinfo
now = datetime.datetime.now(datetime.timezone.utc)
for name in ["Europe/London", "America/New_York", "America/Los_Angeles", "Pacific/Honolulu",
             "Pacific/Auckland", "Australia/Sydney", "Asia/Singapore", "Asia/Dubai", "Asia/Kolkata"]:
    local = now.astimezone(zoneinfo.ZoneInfo(name))
    minutes = local.hour * 60 + local.minute
    if (local.weekday() < 5 and 9 * 60 + 5 <= minutes < 19 * 60 + 30) or \
       (local.weekday() == 5 and 10 * 60 + 5 <= minutes < 13 * 60 + 30):
        print(name)
        break
else:
    print("Europe/London")
PY
)"
fi
LEAD="T$(date +%s)"
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
NOW=$(date +%s)
cat >"$TMP/hot.jsonl" <<EOF
{"id":"$LEAD-1","lead_id":"$LEAD","type":"lead_created","at":"$(iso $((NOW - 180)))","data":{"name":"Harriet Cole","email":"h.cole@cole-partners.co.uk","phone":"+447700900777","country":"GB","language":"English","source":"organic_search","campaign":"uk_seo_cfd_guide","timezone":"$ZONE","ip_country":"GB","age":41}}
{"id":"$LEAD-2","lead_id":"$LEAD","type":"demo_account_created","at":"$(iso $((NOW - 120)))","data":{}}
{"id":"$LEAD-3","lead_id":"$LEAD","type":"demo_trade","at":"$(iso $((NOW - 60)))","data":{}}
EOF
cat "$TMP/hot.jsonl"
post_events "$TMP/hot.jsonl"
api GET "/v1/leads/$LEAD" 200
say "lead $LEAD (time zone $ZONE): score $(field "$TMP/resp" .score), tier $(field "$TMP/resp" .tier), queue $(field "$TMP/resp" .route.queue)"
[ "$(field "$TMP/resp" .tier)" = hot ] || fail "lead $LEAD should be hot"

# --- the dialer ---------------------------------------------------------------
heading "A dialer claims the hot queue, calls, and acknowledges"
claim() {
    printf '{"queue":"%s","limit":%d,"lease_seconds":60}' "$1" "$2" >"$TMP/claim.json"
    run_shown curl -s -X POST "$URL/v1/tasks/claim" -d "$(cat "$TMP/claim.json")"
    api POST /v1/tasks/claim 200 -H "Content-Type: application/json" --data-binary @"$TMP/claim.json"
    cp "$TMP/resp" "$TMP/claimed.json"
}
# ack_all: acknowledges every task of the last claim; sets CLAIMED_FOR_LEAD
# when one of them belongs to $LEAD.
ack_all() {
    CLAIMED_FOR_LEAD=""
    while read -r id token lead; do
        [ -n "$id" ] || continue
        api POST "/v1/tasks/$id/ack" 200 -H "Content-Type: application/json" -d "{\"lease_token\":\"$token\"}"
        say "  ack $id ($lead): $(field "$TMP/resp" .status)"
        [ "$lead" = "$LEAD" ] && CLAIMED_FOR_LEAD="$id"
    done < <(field "$TMP/claimed.json" '.tasks[] | "\(.id) \(.lease_token) \(.lead_id)"')
    return 0
}
claim english_hot_lead_queue 25
pretty "$TMP/claimed.json"
ack_all
HOT_DIAL="$CLAIMED_FOR_LEAD"
if [ -z "$HOT_DIAL" ]; then
    say "(no dial of $LEAD was due yet: it is outside calling hours in $ZONE; the task waits in the outbox)"
fi

# --- call outcomes ------------------------------------------------------------
heading "The call went to voicemail: the dialer reports V01"
NOW=$(date +%s)
cat >"$TMP/v01.jsonl" <<EOF
{"id":"$LEAD-4","lead_id":"$LEAD","type":"call_outcome","at":"$(iso "$NOW")","data":{"code":"V01","agent_id":"agent_en_07"}}
EOF
post_events "$TMP/v01.jsonl"
say "rules/dispositions.rules answers V01 with a retry the next business day and an SMS:"
api GET "/v1/leads/$LEAD" 200
cp "$TMP/resp" "$TMP/lead.json"
if [ "$JSON" = jq ]; then
    jq -r '.tasks[] | "  \(.kind)\t\(.state)\t\(.queue // .template // "-")\tdue \(.due)\t\(.reason)"' "$TMP/lead.json"
else
    python3 -c '
import json, sys
for t in json.load(open(sys.argv[1]))["tasks"]:
    print("  %s\t%s\t%s\tdue %s\t%s" % (t["kind"], t["state"], t.get("queue") or t.get("template") or "-", t["due"], t["reason"]))
' "$TMP/lead.json"
fi

heading "An agent reaches the lead, who asks to be called back tomorrow: C01"
NOW=$(date +%s)
cat >"$TMP/c01.jsonl" <<EOF
{"id":"$LEAD-5","lead_id":"$LEAD","type":"call_outcome","at":"$(iso "$NOW")","data":{"code":"C01","callback_at":"$(iso $((NOW + 86400)))","agent_id":"agent_en_07"}}
EOF
post_events "$TMP/c01.jsonl"

heading "The lead's history: every step with the rule (file:line) behind it"
run_shown "curl -s $URL/v1/leads/$LEAD | $JSON ..."
api GET "/v1/leads/$LEAD" 200
cp "$TMP/resp" "$TMP/lead.json"
if [ "$JSON" = jq ]; then
    jq '{lead_id, status, score, categories, tier, route, timers,
         tasks: [.tasks[] | {id, kind, state, queue, template, due, rule, reason}],
         history}' "$TMP/lead.json"
else
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
keep = {k: d.get(k) for k in ["lead_id", "status", "score", "categories", "tier", "route", "timers"]}
keep["tasks"] = [{k: t.get(k) for k in ["id", "kind", "state", "queue", "template", "due", "rule", "reason"]} for t in d["tasks"]]
keep["history"] = d["history"]
print(json.dumps(keep, indent=2, ensure_ascii=False))
' "$TMP/lead.json"
fi
[ "$(field "$TMP/lead.json" '.history | length')" -ge 5 ] || fail "the history of $LEAD should have a step per event"

# --- rules, metrics -----------------------------------------------------------
heading "The rules in force"
run_shown curl -s "$URL/v1/rules"
api GET /v1/rules 200
pretty "$TMP/resp"

heading "A few metrics"
run_shown "curl -s $URL/metrics | grep ..."
api GET /metrics 200
grep -E '^rulesd_(events_ingested_total|tasks_issued_total|tasks_claimed_total|tasks_acked_total|timers_pending|rules_last_reload_successful)' "$TMP/resp" | head -n 20 \
    || fail "/metrics has none of the rulesd_ series"

# --- stop -------------------------------------------------------------------------
heading "Stop rulesd (SIGTERM: it finishes what it has in hand and exits)"
kill -TERM "$PID"
stopped=0
for _ in $(seq 1 150); do kill -0 "$PID" 2>/dev/null || { stopped=1; break; }; sleep 0.1; done
[ "$stopped" = 1 ] || fail "rulesd did not stop within 15 s of SIGTERM"
set +e; wait "$PID"; code=$?; set -e
PID=""
[ "$code" = 0 ] || fail "rulesd exited with status $code after SIGTERM"
say "rulesd stopped cleanly (exit status 0)."
say ""
say "${BOLD}Tour complete.${RESET} Next: docs/API.md (every endpoint) and docs/RULESD.md (rulesd.yaml)."
