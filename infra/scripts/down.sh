#!/usr/bin/env bash
# Stops what up.sh started (SIGTERM, then SIGKILL after 20 s). Data in infra/.data is kept.
set -uo pipefail
run_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.run"
for name in registry kafka; do
  pid_file="$run_dir/$name.pid"
  [ -f "$pid_file" ] || continue
  pid="$(cat "$pid_file")"
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null && echo "$name did not stop in time; killed"
    echo "$name stopped"
  fi
  rm -f "$pid_file"
done
