#!/usr/bin/env bash
# Install the system packages the project needs: npm (to fetch reveal.js's style
# sheets for the projector slides once, at install), Debian's Chromium (browser
# tests) and PostgreSQL (store tests against a real server). Installs with apt
# only what is missing, and only where it may (as root, or with password-less sudo).
set -euo pipefail

missing=()
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)

if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "!!! Missing system packages: ${missing[*]}" >&2
  echo "!!! Install them with: sudo apt-get install -y ${missing[*]}" >&2
  echo "!!! Tests that need them will say so." >&2
  exit 0
fi

echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
