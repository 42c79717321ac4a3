#!/usr/bin/env bash
# Installs Chromium from Debian's `chromium` package for the report's browser test
# (src/report/browser.test.ts drives it with playwright-core at /usr/bin/chromium, flags
# --no-sandbox --headless --disable-background-networking --disable-component-update).
#
# Idempotent and non-interactive: does nothing when /usr/bin/chromium already runs. Run as root
# (apt-get install):  sudo scripts/install-chromium.sh
set -euo pipefail

if [ -x /usr/bin/chromium ] && /usr/bin/chromium --version >/dev/null 2>&1; then
  echo "install-chromium: $(/usr/bin/chromium --version) already installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-chromium: must run as root (apt-get install chromium)" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: needs apt-get (written for Debian/Ubuntu); install Chromium at /usr/bin/chromium by hand" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core

/usr/bin/chromium --version
