#!/usr/bin/env bash
# Checks an ActiveLab image without running it (containers cannot run on
# every build machine): entrypoint, non-root user, size. Usage:
#   deploy/check-image.sh podman|buildah|docker IMAGE
set -euo pipefail
tool=$1 image=$2
case $tool in
  buildah) fmt() { buildah inspect --type image --format "$1" "$image"; } ;;
  *)       fmt() { "$tool" image inspect --format "$1" "$image"; } ;;
esac
if [ "$tool" = buildah ]; then
  entry=$(fmt '{{.OCIv1.Config.Entrypoint}}'); user=$(fmt '{{.OCIv1.Config.User}}')
else
  entry=$(fmt '{{.Config.Entrypoint}}'); user=$(fmt '{{.Config.User}}')
fi
size=$("$tool" images --format '{{.Size}}' "$image" 2>/dev/null | head -1 || true)
echo "image $image: entrypoint $entry, user $user, size ${size:-unknown}"
[ "$entry" = '[/usr/local/bin/activelab]' ] || { echo "check-image: unexpected entrypoint $entry" >&2; exit 1; }
[ "$user" = '65532:65532' ] || { echo "check-image: runs as '$user', want 65532:65532" >&2; exit 1; }
