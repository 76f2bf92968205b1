#!/usr/bin/env bash
# Makes Debian's docker-compose (v1, `docker-compose config` needs no Docker engine) available for the compose test.
# Installs it with apt-get when missing and running as root; otherwise explains how, and fails.
set -euo pipefail
if command -v docker-compose >/dev/null 2>&1; then exit 0; fi
if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "[ensure-docker-compose] installing Debian's docker-compose package" >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
  exit 0
fi
echo "docker-compose is missing: run 'sudo apt-get install -y docker-compose' (Debian) and re-run the tests" >&2
exit 1
