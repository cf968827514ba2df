# shellcheck shell=bash
# shellcheck disable=SC2034  # variables set here are read by the sourcing script
# Shared part of the ClickHouse peer scripts (clickhouse.sh, clickhouse_queries.sh):
# a private clickhouse-server on random localhost ports with a temporary data
# directory, the `events` table of the standard workload and its NDJSON load.
# Sourced, not run. The sourcing script sets CH_PROG (its name, used in
# messages) and `set -euo pipefail` first, then calls, in order:
#   ch_init          find the binaries, make the work directory, install the
#                    cleanup trap (stops the server, deletes the directory)
#   ch_start         start the server; sets TCP_PORT, HTTP_PORT, VERSION
#   ch_create_events create the `events` table
#   ch_load_events F load NDJSON file F; sets LOAD_SECONDS
# and uses ch (clickhouse-client connected to the server), now, log, die.
# Environment:
#   CLICKHOUSE_SERVER, CLICKHOUSE_CLIENT  binaries (default: from PATH, then
#                                         the Debian package locations)
#   CH_LOW_CARDINALITY=0                  use String instead of LowCardinality(String)
#   TMPDIR                                where the server's data directory is made

[[ -n ${CH_PROG:-} ]] || { echo "clickhouse_lib.sh: set CH_PROG before sourcing" >&2; exit 1; }

die() { echo "$CH_PROG: error: $*" >&2; exit 1; }
log() { echo "$CH_PROG: $*" >&2; }
now() { date +%s.%N; }

find_bin() { # name, fallback paths...
    local name=$1; shift
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
    local p
    for p in "$@"; do [[ -x $p ]] && { echo "$p"; return; }; done
    return 1
}

WORK=
SERVER_PID=

ch_cleanup() {
    local rc=$?
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        local i
        for ((i = 0; i < 100; i++)); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            log "server did not stop in 10 s, killing it"
            kill -KILL "$SERVER_PID" 2>/dev/null || true
        fi
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    [[ -z $WORK ]] || rm -rf "$WORK"
    exit "$rc"
}

ch_init() {
    SERVER=${CLICKHOUSE_SERVER:-$(find_bin clickhouse-server /usr/sbin/clickhouse-server /usr/bin/clickhouse-server)} \
        || die "clickhouse-server not found (apt-get install clickhouse-server, or set CLICKHOUSE_SERVER)"
    CLIENT=${CLICKHOUSE_CLIENT:-$(find_bin clickhouse-client /usr/bin/clickhouse-client)} \
        || die "clickhouse-client not found (apt-get install clickhouse-client, or set CLICKHOUSE_CLIENT)"

    if [[ ${CH_LOW_CARDINALITY:-1} == 0 ]]; then LC=String; else LC='LowCardinality(String)'; fi

    WORK=$(mktemp -d "${TMPDIR:-/tmp}/clickhouse-peer.XXXXXX") || die "cannot create a temporary directory"
    trap ch_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
        || echo $((20000 + RANDOM % 40000))
}

write_config() { # tcp_port http_port
    mkdir -p "$WORK/data" "$WORK/tmp" "$WORK/user_files" "$WORK/format_schemas" "$WORK/log"
    cat >"$WORK/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
    <logger>
        <level>warning</level>
        <log>$WORK/log/server.log</log>
        <errorlog>$WORK/log/server.err.log</errorlog>
        <console>0</console>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <tcp_port>$1</tcp_port>
    <http_port>$2</http_port>
    <path>$WORK/data/</path>
    <tmp_path>$WORK/tmp/</tmp_path>
    <user_files_path>$WORK/user_files/</user_files_path>
    <format_schema_path>$WORK/format_schemas/</format_schema_path>
    <users_config>$WORK/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <max_concurrent_queries>16</max_concurrent_queries>
    <mark_cache_size>1073741824</mark_cache_size>
    <uncompressed_cache_size>1073741824</uncompressed_cache_size>
</yandex>
EOF
    cat >"$WORK/users.xml" <<EOF
<?xml version="1.0"?>
<yandex>
    <profiles><default></default></profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas><default></default></quotas>
</yandex>
EOF
}

# Starts the server on fresh ports; retries if a port was taken in between.
start_server() {
    local attempt i
    for attempt in 1 2 3; do
        TCP_PORT=$(free_port)
        HTTP_PORT=$(free_port)
        [[ $TCP_PORT != "$HTTP_PORT" ]] || continue
        write_config "$TCP_PORT" "$HTTP_PORT"
        "$SERVER" --config-file="$WORK/config.xml" >"$WORK/log/stdout.log" 2>&1 &
        SERVER_PID=$!
        for ((i = 0; i < 600; i++)); do
            if ! kill -0 "$SERVER_PID" 2>/dev/null; then
                wait "$SERVER_PID" 2>/dev/null || true
                SERVER_PID=
                break
            fi
            if "$CLIENT" --host 127.0.0.1 --port "$TCP_PORT" --query "SELECT 1" >/dev/null 2>&1; then
                return 0
            fi
            sleep 0.1
        done
        if [[ -n $SERVER_PID ]]; then
            die "server did not answer within 60 s on port $TCP_PORT; last log lines:
$(tail -n 20 "$WORK/log/server.err.log" 2>/dev/null)"
        fi
        log "server exited during start (attempt $attempt); last log lines:
$(tail -n 5 "$WORK/log/server.err.log" 2>/dev/null)"
    done
    die "could not start clickhouse-server ($SERVER)"
}

ch() { "$CLIENT" --host 127.0.0.1 --port "$TCP_PORT" "$@"; }

ch_start() {
    log "starting private server from $SERVER in $WORK"
    start_server
    VERSION=$(ch --query "SELECT version()")
    log "server $VERSION listening on 127.0.0.1:$TCP_PORT (http $HTTP_PORT)"
}

# 18.16 has no DateTime64: timestamps are DateTime (seconds); the milliseconds are
# dropped at load time by date_time_input_format=best_effort.
# LowCardinality is experimental in 18.16 and must be allowed explicitly.
ch_create_events() {
    ch --allow_experimental_low_cardinality_type=1 --query "
CREATE TABLE events (
    timestamp   DateTime('UTC'),
    product_id  UInt32,
    price       Float64,
    quantity    UInt8,
    user_id     UInt32,
    action_type $LC,
    session_id  String,
    region      $LC,
    user_type   $LC,
    category    $LC,
    brand       $LC,
    device_type $LC
) ENGINE = MergeTree PARTITION BY toYYYYMM(timestamp) ORDER BY timestamp" \
        || die "CREATE TABLE failed"
}

ch_load_events() { # ndjson_file
    local t0 t1
    log "loading $1"
    t0=$(now)
    ch --date_time_input_format=best_effort --query "INSERT INTO events FORMAT JSONEachRow" <"$1" \
        || die "load of '$1' failed"
    t1=$(now)
    LOAD_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
}
