#!/usr/bin/env bash
# The benchmark session behind BENCHMARKS.md (`make bench`): the echo bound
# and the full cluster at 1, 8 and 64 clients, delivery latency at 1k msg/s,
# a mixed workload, history with 1M posts stored, an empty replica's
# catch-up from 1M events, a failover trial, fairness under a flood and the
# Go micro-benchmarks, then the report. About 7 minutes on a 2-core machine.
#
# Environment: BENCH_DURATION (measured time of each load run, default 10s),
# BENCH_FILL (posts stored for history and catch-up, default 1000000),
# BENCH_FLOOD_DURATION (each phase of the flood run, default 30s),
# BENCH_OUT (default BENCHMARKS.md), ZCHAT_BIN (default bin/zchat, rebuilt),
# BENCH_KEEP=1 (keep the session's JSON reports and profiles; the path is
# printed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."

DUR=${BENCH_DURATION:-10s}
FLOOD_DUR=${BENCH_FLOOD_DURATION:-30s}
FILL=${BENCH_FILL:-1000000}
OUT=${BENCH_OUT:-BENCHMARKS.md}
BIN=${ZCHAT_BIN:-bin/zchat}
if [ -z "${ZCHAT_BIN:-}" ]; then
	go build -o "$BIN" ./cmd/zchat
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/zchat-bench-session.XXXXXX")
if [ -z "${BENCH_KEEP:-}" ]; then
	trap 'rm -rf "$WORK"' EXIT
fi
RUNS=$WORK/runs.jsonl
START=$(date +%s)

# run KIND ARGS...: one `zchat bench --json` run appended to $RUNS; a run
# that fails is recorded as not measured, with the end of its error output.
run() {
	local kind=$1
	shift
	local args=(--log-level warn bench --json --label "$kind" "$@")
	echo ">> [$(($(date +%s) - START))s] zchat ${args[*]}" >&2
	if ! "$BIN" "${args[@]}" >>"$RUNS" 2>"$WORK/err"; then
		local why
		why=$(tail -n 3 "$WORK/err" | tr '\n\t' '  ' | sed 's/\\/\\\\/g; s/"/\\"/g')
		echo "   failed: $why" >&2
		printf '{"label":"%s","failed":"%s","args":["%s"]}\n' "$kind" "${why:-exit status $?}" "$(echo "${args[*]}" | sed 's/"/\\"/g')" >>"$RUNS"
	fi
}

# Every spawned broker gets its limits explicitly (internal/bench): none for
# the load runs below, whose closed-loop clients send hundreds of requests/s
# each on one connection, the defaults for the flood run.
#
# The transport bound (the same broker and clients, echo workers) and the
# full cluster (3 servers), publish only, acknowledged after fsync on one
# disk (--sync-replicas 0) or two (1). Each client count runs its echo
# bound right before its cluster runs, so that a ratio compares runs that
# saw the same load on this shared machine. No measured run is profiled:
# perf's syscall tracing halves the servers' throughput; the profile comes
# from a run of its own (label "profile") below.
for c in 1 8 64; do
	run echo --echo --clients "$c" --duration "$DUR"
	if [ "$c" = 64 ]; then
		# Workers that answer in their receive loop, without the server's
		# transport.Responder: what the Responder's handoffs cost.
		run echo-raw --echo --echo-raw --clients 64 --duration "$DUR"
	fi
	for k in 0 1; do
		run publish --spawn --sync-replicas "$k" --clients "$c" --duration "$DUR"
	done
done

# The Go runtime's cost of blocking cgo calls (SQLite's writes and fsync) grows
# with the number of Ps: the 64-client run again with servers on one P.
run publish --spawn --sync-replicas 0 --clients 64 --duration "$DUR" --server-env GOMAXPROCS=1

# One server: no replication. The difference from 3 servers is what
# replicating every event to two peers costs.
run publish --spawn --servers 1 --clients 64 --duration "$DUR"

# Where the servers' CPU and system calls go: the 64-client run under perf
# (CPU samples, counters, pwrite/fsync tracing), for the findings only.
run profile --spawn --sync-replicas 0 --clients 64 --duration "$DUR" --perf "$WORK/perf-sync0.txt"

# Publish -> subscriber delivery at 1k msg/s, 4 subscribers; enough clients
# that the rate limit, not their round trips, sets the pace.
run delivery --spawn --clients 64 --rate 1000 --subscribers 4 --duration "$DUR"

# The workload of the issue, with one subscriber.
run mixed --spawn --clients 8 --mix publish=80,message=15,history=5 --subscribers 1 --duration "$DUR"

# History: the last 100 posts of a channel holding $FILL posts, on every
# server. The filled database is built once and reused by the catch-up.
run history --spawn --fill "$FILL" --fill-cache "$WORK/fill" --channels 1 --clients 8 --mix history=100 \
	--duration "$DUR"
# The same at 200 requests/s, well below saturation: latency without the
# queueing of the closed loop above (reported beside it, not instead).
run history --spawn --fill "$FILL" --fill-cache "$WORK/fill" --channels 1 --clients 8 --rate 200 --mix history=100 \
	--duration "$DUR"
# The same under perf, for the profile of the history target only.
run profile-history --spawn --fill "$FILL" --fill-cache "$WORK/fill" --channels 1 --clients 8 --mix history=100 \
	--duration "$DUR" --perf "$WORK/perf-history.txt"

# Catch-up: s1 and s2 hold the fill, s3 starts empty; at most 4 minutes.
run catch-up --spawn --fill "$FILL" --fill-cache "$WORK/fill" --channels 1 --catchup --duration 240s
rm -rf "$WORK/fill"

# Failover: SIGKILL the coordinator 3 s into a publish run; clients retry
# after 500 ms without a reply.
run failover --spawn --sync-replicas 1 --clients 8 --duration "$DUR" --kill coordinator --kill-after 3s \
	--timeout 500ms --retries 10

# Fairness: a client publishing at 20/s alone, then beside a DEALER keeping
# 1000 requests in flight, against 3 servers behind a broker with its
# default limits. The run prints its own section of the report.
FLOOD=$WORK/flood.md
echo ">> [$(($(date +%s) - START))s] zchat bench --spawn --flood --duration $FLOOD_DUR" >&2
if ! "$BIN" --log-level warn bench --spawn --flood --duration "$FLOOD_DUR" >"$FLOOD" 2>"$WORK/err"; then
	{
		echo "## Fairness: one client floods the broker"
		echo
		echo "Not measured: $(tail -n 3 "$WORK/err" | tr '\n\t' '  ')"
		echo
	} >"$FLOOD"
fi

echo ">> [$(($(date +%s) - START))s] Go micro-benchmarks" >&2
MICRO=$WORK/micro.txt
{
	go test -run '^$' -bench . -benchtime 20000x ./internal/wire/
	go test -run '^$' -bench 'Submit|History|Apply' -benchtime 1s ./internal/store/
} 2>&1 | grep -E '^(Benchmark|goos|goarch|cpu|pkg)' >"$MICRO" || true

"$BIN" bench --render "$RUNS" >"$WORK/report.md"
ELAPSED=$(($(date +%s) - START))
{
	cat "$WORK/report.md"
	cat "$FLOOD"
	echo "## Go micro-benchmarks"
	echo
	echo "The codec (\`internal/wire\`); the store's group commit, history query (100k events) and replicated-batch apply (\`internal/store\`)."
	echo "Compare sessions with \`benchstat\`."
	echo
	echo '```'
	cat "$MICRO"
	echo '```'
	echo
	echo "## Reproduce"
	echo
	echo "\`make bench\` (or \`scripts/bench.sh\`) runs this whole session and rewrites this file; this one took ${ELAPSED} s."
	echo "One run by hand: \`bin/zchat bench --spawn --clients 64\` (a cluster of child processes on free ports),"
	echo "\`bin/zchat bench --echo --clients 64\` (the transport bound), or \`bin/zchat bench --clients 8\` against a running \`zchat up\`;"
	echo "\`bin/zchat bench --help\` lists every option."
} >"$OUT"
echo ">> [${ELAPSED}s] wrote $OUT${BENCH_KEEP:+; runs and profiles kept in $WORK}" >&2
