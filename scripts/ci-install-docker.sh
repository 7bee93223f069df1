#!/usr/bin/env bash
# Provides a real Docker daemon for the tests (test/helpers/dockerd.ts): Debian's docker.io with containerd and runc.
# Idempotent. The packages' service scripts cannot start anything here (no systemd; the tests start dockerd on a
# private socket themselves), so a policy-rc.d keeps apt from trying; one that already exists is left alone.
# Ends with a smoke test: dockerd must start on a temp socket and answer /_ping, or this script fails with the reason.
set -euo pipefail

fail() { echo "ci-install-docker: $*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
PATH="$PATH:/usr/sbin:/sbin"

missing=()
have dockerd || missing+=(docker.io)
have docker || missing+=(docker.io)
have containerd || missing+=(containerd)
have runc || missing+=(runc)

if ((${#missing[@]})); then
  [ "$(id -u)" = 0 ] || fail "need root to install ${missing[*]} (apt-get install -y docker.io containerd runc)"
  command -v apt-get >/dev/null || fail "apt-get not found: install docker.io, containerd and runc with this system's package manager"
  export DEBIAN_FRONTEND=noninteractive
  policy=/usr/sbin/policy-rc.d
  added_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# ci-install-docker.sh: no service starts during package installation\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    added_policy=1
  fi
  trap '[ "$added_policy" = 1 ] && rm -f "$policy"' EXIT
  # Only refresh the package lists when apt does not know the packages (a fresh container has no lists).
  if ! apt-cache show docker.io containerd runc >/dev/null 2>&1; then
    apt-get update -qq || fail "apt-get update failed (no access to the Debian mirror?)"
  fi
  echo "ci-install-docker: installing docker.io containerd runc"
  apt-get install -y -qq docker.io containerd runc >/dev/null \
    || fail "apt-get install -y docker.io containerd runc failed"
fi

for bin in dockerd docker containerd runc; do have "$bin" || fail "$bin is still missing after installation"; done
[ "$(id -u)" = 0 ] || fail "dockerd needs root; the tests start it themselves and must run as root"

# Smoke test with the same flags as test/helpers/dockerd.ts.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rp-ci-dockerd.XXXXXX")
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  if grep -q " $tmp/" /proc/self/mounts 2>/dev/null; then
    grep " $tmp/" /proc/self/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l || true
  fi
  rm -rf "$tmp"
  [ "${added_policy:-0}" = 1 ] && rm -f /usr/sbin/policy-rc.d
  return 0
}
trap cleanup EXIT
echo '{}' > "$tmp/daemon.json"
dockerd --config-file "$tmp/daemon.json" --iptables=false --ip6tables=false --bridge=none \
  --data-root "$tmp/data" --exec-root "$tmp/exec" --pidfile "$tmp/docker.pid" -H "unix://$tmp/docker.sock" \
  >"$tmp/dockerd.log" 2>&1 &
pid=$!
start=$(date +%s%N)
ok=0
for _ in $(seq 1 300); do
  kill -0 "$pid" 2>/dev/null || break
  if DOCKER_HOST="unix://$tmp/docker.sock" DOCKER_CONFIG="$tmp/cli" docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then ok=1; break; fi
  sleep 0.1
done
if [ "$ok" != 1 ]; then
  echo "ci-install-docker: dockerd did not come up; its log:" >&2
  tail -n 40 "$tmp/dockerd.log" >&2
  fail "the real-daemon tests cannot run on this machine"
fi
version=$(DOCKER_HOST="unix://$tmp/docker.sock" DOCKER_CONFIG="$tmp/cli" docker version --format '{{.Server.Version}}')
echo "ci-install-docker: dockerd $version answers after $(( ($(date +%s%N) - start) / 1000000 )) ms"
