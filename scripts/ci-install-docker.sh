#!/usr/bin/env bash
# Kept for old instructions: the system packages of every suite, and a dockerd smoke test, are scripts/provision.sh's.
set -euo pipefail
exec bash "$(dirname "$0")/provision.sh" --smoke "$@"
