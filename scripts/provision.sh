#!/usr/bin/env bash
# What the test suites need from the system, in one place (npm test, .ci/run and scripts/ci-install-docker.sh call it):
# the real distribution registry, skopeo, htpasswd, a Docker daemon (docker.io, containerd, runc), iproute2 and
# openssl (the network-namespace parity suite), util-linux (nsenter, unshare).
#
#   bash scripts/provision.sh            install what is missing (root and apt-get), else say the exact command
#   bash scripts/provision.sh --check    list what is missing and exit 1 if anything is; installs nothing
#   bash scripts/provision.sh --smoke    also start dockerd on a temporary socket and require an answer to /_ping
#
# Idempotent, and fast when everything is there (a PATH lookup per tool). Package service scripts cannot start
# anything here (no systemd; the tests start dockerd on private sockets), so a policy-rc.d keeps apt from trying; one
# that already exists is left alone. For the tests of this script: REGPROBE_PROVISION_PATH replaces the search path,
# REGPROBE_PROVISION_UID the user id it believes it runs as.
set -euo pipefail

mode=install
smoke=0
for arg in "$@"; do
  case "$arg" in
    --check) mode=check ;;
    --smoke) smoke=1 ;;
    *) echo "usage: $0 [--check] [--smoke]" >&2; exit 2 ;;
  esac
done
fail() { echo "provision: $*" >&2; exit 1; }
search="${REGPROBE_PROVISION_PATH:-$PATH:/usr/sbin:/sbin}"
have() { PATH="$search" command -v "$1" >/dev/null 2>&1; }

# tool:package, in the order the suites need them.
needs="docker-registry:docker-registry skopeo:skopeo htpasswd:apache2-utils dockerd:docker.io docker:docker.io
containerd:containerd runc:runc ip:iproute2 openssl:openssl nsenter:util-linux unshare:util-linux"
missing=()
tools=()
for pair in $needs; do
  tool="${pair%%:*}" pkg="${pair#*:}"
  if ! have "$tool"; then
    tools+=("$tool")
    [[ " ${missing[*]-} " == *" $pkg "* ]] || missing+=("$pkg")
  fi
done

if ((${#missing[@]})); then
  cmd="apt-get install -y ${missing[*]}"
  if [ "$mode" = check ]; then
    echo "missing: ${tools[*]} (packages: ${missing[*]})"
    exit 1
  fi
  uid="${REGPROBE_PROVISION_UID:-$(id -u)}"
  [ "$uid" = 0 ] || fail "the test suites need ${tools[*]}; install them as root: sudo $cmd (or sudo bash scripts/provision.sh)"
  PATH="$search" command -v apt-get >/dev/null || fail "the test suites need ${tools[*]}, and apt-get is not here: install the packages ${missing[*]} (Debian names) with this system's package manager"
  export DEBIAN_FRONTEND=noninteractive
  policy=/usr/sbin/policy-rc.d
  added_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# scripts/provision.sh: no service starts during package installation\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    added_policy=1
  fi
  trap '[ "$added_policy" = 1 ] && rm -f "$policy"; true' EXIT
  # Only refresh the package lists when apt does not know a package (a fresh container has no lists).
  if ! apt-cache show "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq || fail "apt-get update failed (no access to the Debian mirror?)"
  fi
  echo "provision: installing ${missing[*]}"
  # shellcheck disable=SC2086
  $cmd -qq >/dev/null || fail "$cmd failed"
  for pair in $needs; do have "${pair%%:*}" || fail "${pair%%:*} is still missing after installing ${pair#*:}"; done
elif [ "$mode" = check ]; then
  echo "nothing missing"
  exit 0
fi

[ "$smoke" = 1 ] || exit 0
[ "$(id -u)" = 0 ] || fail "dockerd needs root; the tests start it themselves and must run as root"
# Smoke test with the same flags as test/helpers/dockerd.ts.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rp-provision-dockerd.XXXXXX")
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
  return 0
}
trap cleanup EXIT
echo '{}' > "$tmp/daemon.json"
PATH="$search" dockerd --config-file "$tmp/daemon.json" --iptables=false --ip6tables=false --bridge=none \
  --data-root "$tmp/data" --exec-root "$tmp/exec" --pidfile "$tmp/docker.pid" -H "unix://$tmp/docker.sock" \
  >"$tmp/dockerd.log" 2>&1 &
pid=$!
start=$(date +%s%N)
version=
for _ in $(seq 1 300); do
  kill -0 "$pid" 2>/dev/null || break
  if version=$(DOCKER_HOST="unix://$tmp/docker.sock" DOCKER_CONFIG="$tmp/cli" PATH="$search" docker version --format '{{.Server.Version}}' 2>/dev/null); then break; fi
  version=
  sleep 0.1
done
if [ -z "$version" ]; then
  echo "provision: dockerd did not come up; its log:" >&2
  tail -n 40 "$tmp/dockerd.log" >&2
  fail "the real-daemon tests cannot run on this machine"
fi
echo "provision: dockerd $version answers after $(( ($(date +%s%N) - start) / 1000000 )) ms"
