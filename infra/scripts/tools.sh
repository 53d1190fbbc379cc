#!/usr/bin/env bash
# Installs the system tools the checks of the report, dashboards and alert rules need, only when
# missing: Debian's `chromium` (headless browser for the report test, driven by playwright-core)
# and `prometheus` (promtool for the rule checks, the server for the scrape test).
# Idempotent: a machine that has both does nothing. Needs root (or sudo) and apt on first run.
#
# Debian's prometheus package would start a system service on port 9090; the tests start their
# own server on a free port, so the install forbids service start-up (policy-rc.d answering 101)
# and leaves no daemon behind.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
{ command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; } || missing+=(prometheus)

if [ "${#missing[@]}" -eq 0 ]; then
  echo "tools.sh: chromium and prometheus already installed"
  exit 0
fi

sudo_if_needed=()
[ "$(id -u)" -eq 0 ] || sudo_if_needed=(sudo)

policy=/usr/sbin/policy-rc.d
placed_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo_if_needed[@]}" tee "$policy" >/dev/null
  "${sudo_if_needed[@]}" chmod +x "$policy"
  placed_policy=true
fi
remove_policy() { if $placed_policy; then "${sudo_if_needed[@]}" rm -f "$policy"; fi; }
trap remove_policy EXIT

echo "tools.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_if_needed[@]}" apt-get -o DPkg::Lock::Timeout=600 update
"${sudo_if_needed[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"
