// Rules across stages (registry-specific advice, clocks, TLS, anonymous access) and compare.
// Rows of the finding catalogue (see index.ts): [code, severity, exit code (or null), message template, fix (or '')].
import {ExitCode} from '../../trace/types.js'
import type {CatalogueRow} from '../catalogue.js'

export const DIAGNOSIS_ROWS: CatalogueRow[] = [
  ["anonymous.private", "info", null, "no credentials were found for … (see the credentials step), so the request was anonymous; the registry does not say whether … is private or does not exist", "Log in (docker login …) with an account that may read it, and check the repository name."],
  ["clock.token-rejected", "warn", null, "the registry's invalid_token is the clocks: …", ""],
  ["ecr.basic-credentials", "info", null, "ECR takes Basic credentials AWS:<password>, where the password comes from `aws ecr get-login-password` (valid 12 hours)", "aws ecr get-login-password --region <region> | regprobe doctor …/<repo> -u AWS --password-stdin"],
  ["ecr.password-expired", "info", null, "ECR registry passwords expire 12 hours after `aws ecr get-login-password` issued them", "Log in again: aws ecr get-login-password --region <region> | docker login --username AWS --password-stdin … (or use docker-credential-ecr-login)."],
  ["ghcr.write-packages", "info", null, "ghcr.io refuses a push with a bare \"denied\" when the token lacks write:packages or the package is not linked to a repository you may write", "Use a classic personal access token with write:packages (or GITHUB_TOKEN with `permissions: packages: write` in the workflow), and link the package to the repository."],
  ["ghcr.wrong-token", "info", null, "ghcr.io rejects passwords: the password must be a personal access token (classic) with read:packages (and write:packages to push)", "Create a token at GitHub → Settings → Developer settings → Personal access tokens, or use GITHUB_TOKEN in Actions."],
  ["gitlab.realm-host", "info", null, "GitLab's registry sends clients to … for tokens: that host must be reachable (proxy, firewall) and the credentials are a GitLab user + personal/deploy token or gitlab-ci-token:$CI_JOB_TOKEN", "In CI use `docker login -u gitlab-ci-token -p $CI_JOB_TOKEN $CI_REGISTRY`; elsewhere a token with read_registry / write_registry."],
  ["harbor.basic-after-reject", "info", null, "Harbor answered with `Basic realm=\"harbor\"` after credentials were sent: Harbor does this when it rejects them, so the credentials (or the robot account's permissions) are the problem, not the scheme", "Check the user or robot account and its project permissions in Harbor."],
  ["hub.library-prefix", "warn", null, "the scope … names an official image without library/: Docker Hub grants nothing for it", "Ask for repository:library/<name>:pull (docker adds library/ for one-word names)."],
  ["hub.pat-read-only", "info", null, "on Docker Hub, push is refused when the repository is not under your namespace or the access token is Read-only", "Push to …/<name> (or an organisation you may write to), and use a personal access token with \"Read & Write\" scope."],
  ["insecure.docker-needs-config", "warn", null, "… speaks plain HTTP: docker refuses it (\"http: server gave HTTP response to HTTPS client\") unless it is listed in the daemon's \"insecure-registries\"", "Serve the registry over TLS, or tell each client: docker — add \"…\" to \"insecure-registries\" in /etc/docker/daemon.json and restart dockerd; podman, skopeo, buildah — [[registry]] location = \"…\" with insecure = true in /e"],
  ["tls.docker-ca-location", "info", null, "docker says \"x509: certificate signed by unknown authority\" here; … reads extra CAs from …/*.crt (not from the shell's trust store)", "Copy the CA to …/ca.crt (no restart needed); regprobe reads it from there too."],
  ["compare.internal", "error", ExitCode.INTERNAL, "comparing this registry failed inside regprobe: …", ""],
]
