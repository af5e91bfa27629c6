#!/usr/bin/env bash
# Install what department mode (`make hub`, tests/test_hub.py) needs beside the Python
# packages: JupyterHub's proxy, configurable-http-proxy, from the npm registry. Installs
# it globally with npm only when it is missing, and only where it may (as root, or with
# password-less sudo); npm itself comes from tools/install-system-deps.sh.
set -euo pipefail

command -v configurable-http-proxy >/dev/null 2>&1 && exit 0
"$(dirname "$0")/install-system-deps.sh"
if ! command -v npm >/dev/null 2>&1; then
  echo "!!! npm is missing: install Node.js, then: npm install -g configurable-http-proxy" >&2
  exit 1
fi
if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "!!! configurable-http-proxy is missing: sudo npm install -g configurable-http-proxy@5" >&2
  exit 1
fi
echo "Installing configurable-http-proxy (JupyterHub's proxy) from npm"
"${as_root[@]}" npm install -g --silent --no-fund --no-audit configurable-http-proxy@5 >/dev/null
