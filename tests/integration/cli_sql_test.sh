#!/usr/bin/env bash
# Drives the real `aurora sql` binary as a user would: statements from -q and from standard input,
# results on stdout, errors on stderr with a non-zero exit, data surviving across processes.
#   cli_sql_test.sh PATH_TO_AURORA
set -uo pipefail
aurora="$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failures=0
check() {  # check NAME EXPECTED ACTUAL
  if [[ "$2" == "$3" ]]; then echo "ok: $1"; else echo "FAILED: $1"; echo "  expected: $2"; echo "  actual:   $3"; failures=$((failures + 1)); fi
}

out=$("$aurora" sql --data "$dir" -q "CREATE TABLE t (a Int32, s String) ORDER BY a; INSERT INTO t VALUES (1, 'x'); SHOW TABLES" 2>&1)
check "create, insert and show in one call" $'name\nt' "$out"

out=$(printf "DESCRIBE t;\n-- a comment; with a semicolon\nSHOW TABLES LIKE 'x%%'" | "$aurora" sql --data "$dir" 2>&1)
check "statements from standard input, in a new process" $'name\ttype\tdefault_type\tdefault_expression\tcomment\tcodec_expression\tttl_expression\na\tInt32\t\t\t\t\t\ns\tString\t\t\t\t\t\nname' "$out"

err=$("$aurora" sql --data "$dir" -q "INSERT INTO t VALUES (1, 2, 3)" 2>&1 >/dev/null); code=$?
check "a bad statement exits non-zero" "1" "$code"
check "with a clear error" "aurora: INVALID_ARGUMENT: row 1 has 3 values, expected 2 (at line 1, column 23)" "$err"

err=$("$aurora" sql --data "$dir" -q "SELEC 1" 2>&1 >/dev/null)
check "syntax errors show line, column and caret" $'aurora: INVALID_ARGUMENT: syntax error at line 1, column 1: expected a statement (SELECT, INSERT, CREATE, ALTER, DROP, TRUNCATE, SHOW, DESCRIBE, EXPLAIN, GRANT, REVOKE), found \'SELEC\'\n  SELEC 1\n  ^' "$err"

"$aurora" stats --data "$dir" --table t | grep -q "rows            1"; check "the inserted row is durable across processes" "0" "$?"

out=$("$aurora" sql --data "$dir" -q "CREATE USER bob IDENTIFIED BY 'pw' DEFAULT ROLE viewer; SHOW USERS" 2>&1)
check "the embedded CLI manages users without credentials" $'name\nbob' "$out"
out=$("$aurora" sql --data "$dir" -q "SHOW GRANTS FOR bob" 2>&1)
check "users survive across processes (meta.db)" $'grant\nGRANT viewer TO bob' "$out"

recent="$dir/recent"
"$aurora" demo --data "$recent" --rows 5000 --days 1 --recent >/dev/null
out=$("$aurora" sql --data "$recent" -q "SELECT count() = 5000 AS n, max(timestamp) >= now() - INTERVAL 2 MINUTE AS ends_now, min(timestamp) >= now() - INTERVAL 25 HOUR AS one_day FROM events" 2>&1)
check "demo --recent writes events that end now and span --days" $'n\tends_now\tone_day\n1\t1\t1' "$out"

echo "$(( 9 - failures )) passed, $failures failed"
[[ $failures -eq 0 ]]
