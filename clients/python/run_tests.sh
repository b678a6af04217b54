#!/usr/bin/env bash
# Runs the Python client's tests against a live server, on each database:
# builds activelab; installs the package into a throwaway venv (pip install
# ./clients/python, offline: --no-build-isolation --no-deps); then for
# SQLite (always) and PostgreSQL (when TEST_DATABASE_URL is set; a fresh
# database is created in that server and dropped after) serves the demo,
# makes an admin and a scientist token, imports a 25,000-compound pool
# (selections from it run as background jobs), runs the unittest suite and
# stops the server.
#
# Needs Debian's python3 with python3-requests and python3-websockets
# (python3-pandas optional; python3-venv, python3-pip and python3-setuptools
# for the install check; psql for PostgreSQL). Without requests/websockets it
# skips loudly (exit 0), unless ACTIVELAB_REQUIRE_PYTHON=1, when it fails;
# without TEST_DATABASE_URL it skips PostgreSQL loudly, unless
# ACTIVELAB_REQUIRE_POSTGRES=1.
#
#   clients/python/run_tests.sh                   # from anywhere
#   clients/python/run_tests.sh -k test_wait      # unittest arguments
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
PY=${PYTHON:-/usr/bin/python3}

if ! "$PY" -c 'import requests, websockets' 2>/dev/null; then
  msg="SKIPPED: $PY lacks requests/websockets (apt-get install python3-requests python3-websockets)"
  if [[ "${ACTIVELAB_REQUIRE_PYTHON:-}" == 1 ]]; then echo "FAIL: $msg" >&2; exit 1; fi
  echo "$msg" >&2
  exit 0
fi

tmp=$(mktemp -d -t activelab-py.XXXXXX)
server_pid=
pg_db=
cleanup() {
  stop_server
  if [[ -n "$pg_db" ]]; then
    psql -q "$TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS \"$pg_db\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  if [[ "${KEEP_TMP:-}" != 1 ]]; then rm -rf "$tmp"; else echo "kept $tmp" >&2; fi
}
stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=
}
trap cleanup EXIT

echo "== building activelab" >&2
(cd "$root" && "${GO:-go}" build -o "$tmp/activelab" ./cmd/activelab)

# Install the package the way a user would, offline, from a copy (setuptools
# writes build/ and *.egg-info next to the sources); else test the source tree.
mkdir -p "$tmp/src" && cp -r "$here/pyproject.toml" "$here/README.md" "$here/activelab" "$tmp/src/"
if "$PY" -m venv --system-site-packages "$tmp/venv" >/dev/null 2>&1 && \
   "$tmp/venv/bin/pip" install -q --no-build-isolation --no-deps --no-index "$tmp/src" >"$tmp/pip.log" 2>&1; then
  run_py="$tmp/venv/bin/python"
  echo "== installed with pip install --no-build-isolation --no-deps (a copy of) $here" >&2
else
  cat "$tmp/pip.log" 2>/dev/null >&2 || true
  if [[ "${ACTIVELAB_REQUIRE_PYTHON:-}" == 1 ]]; then echo "FAIL: pip install of $here failed (python3-venv, python3-pip, python3-setuptools?)" >&2; exit 1; fi
  echo "WARNING: pip install failed (python3-venv/python3-pip missing?); testing the source tree" >&2
  run_py="$PY"
  export PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}"
fi

# A pool larger than the service's inline limit (Config.InlinePoolLimit,
# 20000), so a selection from it runs as a background job (status SELECTING).
big_set="big pool"
"$PY" - "$tmp/big.csv" <<'PY'
import random, sys
rng, seen = random.Random(7), set()
with open(sys.argv[1], "w") as f:
    f.write("smiles,name\n")
    while len(seen) < 25000:  # chains of 12 C/N/O atoms, one per molecule (a chain and its reverse are one)
        s = "C" + "".join(rng.choice("CCCNO") for _ in range(11))
        if min(s, s[::-1]) not in seen:
            seen.add(min(s, s[::-1]))
            f.write(f"{s},big-{len(seen)}\n")
PY

# run_backend NAME DATABASE_URL [unittest args]: one server, one test run.
run_backend() {
  local name=$1 db=$2; shift 2
  local port url log="$tmp/server-$name.log"
  port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  url="http://127.0.0.1:$port"
  export ACTIVELAB_ADMIN_PASSWORD="py-tests-$(date +%s)-$$"
  echo "== $name: serving the demo on $url" >&2
  "$tmp/activelab" serve --addr "127.0.0.1:$port" --database-url "$db" --log-level warn >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do
    if curl -fsS "$url/readyz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then cat "$log" >&2; echo "FAIL: $name: the server exited" >&2; return 1; fi
    sleep 0.2
  done
  curl -fsS "$url/readyz" >/dev/null || { cat "$log" >&2; echo "FAIL: $name: the server is not ready" >&2; return 1; }

  # The demo seeds the admin (it can finish after /readyz answers); a
  # scientist is made for role checks.
  local admin_token= sci_token
  for _ in $(seq 1 300); do
    if admin_token=$("$tmp/activelab" token create --database-url "$db" --email admin@localhost --name py-tests 2>/dev/null); then break; fi
    sleep 0.2
  done
  [[ -n "$admin_token" ]] || { cat "$log" >&2; echo "FAIL: $name: no demo admin to make a token for" >&2; return 1; }
  echo 'a long scientist password' | "$tmp/activelab" user create --database-url "$db" \
    --email sci@example.org --name "Sci Entist" --role scientist >/dev/null
  sci_token=$("$tmp/activelab" token create --database-url "$db" --email sci@example.org --name py-tests)
  "$tmp/activelab" import --database-url "$db" --user admin@localhost --file "$tmp/big.csv" --set "$big_set" \
    >"$tmp/import-$name.log" 2>&1 || { cat "$tmp/import-$name.log" >&2; echo "FAIL: $name: importing the large pool" >&2; return 1; }

  echo "== $name: running the client tests" >&2
  local status=0
  # From $tmp, so the source tree is not on sys.path: the installed package is tested.
  (cd "$tmp" && ACTIVELAB_URL="$url" ACTIVELAB_TOKEN="$admin_token" ACTIVELAB_SCIENTIST_TOKEN="$sci_token" \
    ACTIVELAB_BIG_SET="$big_set" "$run_py" -B -m unittest discover -s "$here/tests" -t "$here/tests" -v "$@") || status=$?
  if [[ $status -ne 0 ]]; then echo "--- $name server log ---" >&2; tail -50 "$log" >&2; fi
  stop_server
  return $status
}

failed=0
run_backend sqlite "sqlite:$tmp/activelab.db" "$@" || failed=1

if [[ -n "${TEST_DATABASE_URL:-}" ]]; then
  if ! command -v psql >/dev/null; then
    echo "FAIL: TEST_DATABASE_URL is set but psql is missing (apt-get install postgresql-client)" >&2; exit 1
  fi
  pg_db="activelab_py_$$_$(date +%s)"
  psql -q "$TEST_DATABASE_URL" -c "CREATE DATABASE \"$pg_db\"" >/dev/null
  # The same server URL with the new database as its path.
  pg_url=$("$PY" -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' \
    "$TEST_DATABASE_URL" "$pg_db")
  run_backend postgres "$pg_url" "$@" || failed=1
elif [[ "${ACTIVELAB_REQUIRE_POSTGRES:-}" == 1 ]]; then
  echo "FAIL: ACTIVELAB_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set" >&2; failed=1
else
  echo "SKIPPED: PostgreSQL (set TEST_DATABASE_URL=postgres://... to test the client on it too)" >&2
fi
exit $failed
