// doctor's own steps: the docker daemon, --docker-error, the network.
// Rows of the finding catalogue (see index.ts): [code, severity, exit code (or null), message template, fix (or '')].
import {ExitCode} from '../../trace/types.js'
import type {CatalogueRow} from '../catalogue.js'

export const DOCTOR_ROWS: CatalogueRow[] = [
  ["daemon.bad-response", "warn", ExitCode.PROTOCOL, "the Docker daemon answered …, which is not the Engine API answer expected", ""],
  ["daemon.ca.missing", "error", ExitCode.TLS, "… uses a private CA, but the daemon trusts only the system store and …/*.crt,", "on the daemon's machine: mkdir -p '…' && cp ca.pem '…' (read on every request, no restart)"],
  ["daemon.ca.not-verified", "info", null, "the daemon treats … as insecure (…), so it does not verify its certificate:", ""],
  ["daemon.insecure.missing", "warn", ExitCode.TLS, "… speaks plain HTTP, but the daemon does not treat it as an insecure registry…:", "add \"insecure-registries\": [\"…\"] to /etc/docker/daemon.json (or dockerd --insecure-registry …) and restart docker"],
  ["daemon.login.disagrees", "warn", null, "the daemon logged in, but regprobe's direct login from this shell failed: the daemon uses its own CA files (/etc/docker/certs.d), insecure-registries and proxy", "Compare with `regprobe daemon`: the difference is in those settings, not in the credentials."],
  ["daemon.mirror.configured", "info", null, "the daemon pulls Docker Hub images through … first; logins and pushes still go to Docker Hub", ""],
  ["daemon.permission-denied", "warn", ExitCode.UNREACHABLE, "permission denied on the Docker socket …: this user may not talk to the daemon", ""],
  ["daemon.proxy.daemon-only", "warn", null, "the daemon reaches … through the proxy …; this shell connects directly", "if … is an internal registry, add it to the daemon's NO_PROXY and restart docker"],
  ["daemon.proxy.different", "warn", null, "this shell reaches … through …, the daemon through …", ""],
  ["daemon.proxy.shell-only", "warn", null, "this shell reaches … through the proxy … (…); the daemon connects directly…", ""],
  ["daemon.socket-missing", "warn", ExitCode.UNREACHABLE, "there is no Docker socket at …: the daemon is not running here (or DOCKER_HOST points elsewhere)", ""],
  ["daemon.unreachable", "warn", ExitCode.UNREACHABLE, "the Docker daemon at … cannot be reached: …", ""],
  ["docker-error.dial", "warn", null, "docker's daemon dialled …:… over … and got \"…\"; from here that address …", ""],
  ["docker-error.unknown", "info", null, "docker's error … is not one regprobe knows; compare it with the stages above", ""],
  ["network.ipv4-broken", "warn", null, "… has IPv4 addresses (A) but IPv4 does not connect from here (… to …); IPv6 connects", "An IPv4-only client (or a daemon without IPv6) fails here: give this machine an IPv4 route to the registry (or NAT64/DNS64 on an IPv6-only network), or use a client that speaks IPv6."],
  ["network.ipv6-broken", "warn", null, "… has IPv6 addresses (AAAA) but IPv6 does not connect from here (… to […]); IPv4 connects", "regprobe falls back to IPv4; a client that tries IPv6 and stops there (docker's daemon: \"connect: network is unreachable\" or \"cannot assign requested address\") fails. Give this machine working IPv6 (a global address and a route), or make the client use IPv4 (for dockerd: disable IPv6 on the host, or pin the registry's IPv4 address in /etc/hosts)."],
  ["network.ipv6-only-unreachable", "warn", null, "… has only IPv6 addresses, and IPv6 does not connect from here (…)", "This machine has no working IPv6 path to the registry: give it a global IPv6 address and a route, or reach the registry through a proxy that has one."],
]
