#!/usr/bin/env bash
# Starts an ActiveLab image and checks that it serves: /healthz and /readyz
# answer 200 on its embedded SQLite default (demo data seeded in the
# container's /data). Usage:
#   deploy/run-image.sh podman|buildah|docker IMAGE
#
# Some build machines can build images but not run containers (no user
# namespaces, no runtime). The script first runs `activelab -h` in the
# image: when that cannot start, it says so and exits 0 (CI's note says
# what the machine allowed); once the binary runs in the image, any failure
# to serve fails the script. buildah runs it with chroot isolation on the
# host's network (no port mapping needed); podman and docker publish the
# port.
set -euo pipefail
tool=$1 image=$2
port=${IMAGE_PORT:-18080}
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done

ctr= pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  case $tool in
    buildah) [ -z "$ctr" ] || buildah rm "$ctr" >/dev/null 2>&1 || true ;;
    *) [ -z "$ctr" ] || "$tool" rm -f "$ctr" >/dev/null 2>&1 || true ;;
  esac
}
trap cleanup EXIT

log=$(mktemp -t activelab-image.XXXXXX)
case $tool in
  buildah)
    ctr=$(buildah from "$image")
    if ! buildah run --isolation chroot "$ctr" -- /usr/local/bin/activelab -h >/dev/null 2>"$log"; then
      echo "run-image: SKIPPED: this machine cannot run containers ($(tail -1 "$log"))"; exit 0
    fi
    # buildah run does not apply ENTRYPOINT/CMD: name the image's command.
    buildah run --isolation chroot --env ACTIVELAB_ADDR="127.0.0.1:$port" "$ctr" -- /usr/local/bin/activelab serve >"$log" 2>&1 &
    pid=$!
    ;;
  podman|docker)
    if ! "$tool" run --rm "$image" -h >/dev/null 2>"$log"; then
      echo "run-image: SKIPPED: this machine cannot run containers ($(tail -1 "$log"))"; exit 0
    fi
    ctr=$("$tool" run -d -p "127.0.0.1:$port:8080" "$image")
    ;;
  *) echo "run-image: unknown tool $tool (podman, buildah or docker)" >&2; exit 2 ;;
esac

deadline=$((SECONDS + 120))
until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
  if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
    echo "run-image: the container exited before it was ready:" >&2; tail -20 "$log" >&2; exit 1
  fi
  if ((SECONDS > deadline)); then
    echo "run-image: /readyz did not answer 200 within 120 s:" >&2
    if [ "$tool" = buildah ]; then tail -20 "$log" >&2; else "$tool" logs "$ctr" 2>&1 | tail -20 >&2; fi
    exit 1
  fi
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null
echo "run-image: $image serves on 127.0.0.1:$port (/healthz and /readyz 200) with $tool"
rm -f "$log"
