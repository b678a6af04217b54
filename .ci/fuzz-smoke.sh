#!/usr/bin/env bash
# Runs every fuzz target of the module briefly (make fuzz; make test calls it).
# A fuzz target that finds a failing input fails the run (the input is
# written under the package's testdata/fuzz/). Go's fuzz coordinator can also
# stop with "context deadline exceeded" when a worker does not answer as the
# time runs out; that is a harness hiccup, not a finding: it is reported and
# the target is run once more.
set -uo pipefail
fuzztime=${1:-10s}
go=${GO:-go}
status=0
for pkg in $($go list ./...); do
  for f in $($go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
    for attempt in 1 2; do
      echo "fuzz $pkg $f (attempt $attempt)"
      out=$($go test -run '^$' -fuzz "^$f\$" -fuzztime "$fuzztime" "$pkg" 2>&1); rc=$?
      printf '%s\n' "$out" | tail -n 4
      if [ $rc -eq 0 ]; then break; fi
      if grep -q 'Failing input written' <<<"$out" || ! grep -q 'context deadline exceeded' <<<"$out"; then
        printf '%s\n' "$out"; status=1; break
      fi
      echo "fuzz $pkg $f: coordinator timed out without a finding; retrying"
      [ $attempt -eq 2 ] && echo "fuzz $pkg $f: timed out twice without a finding (not counted as a failure)"
    done
  done
done
exit $status
