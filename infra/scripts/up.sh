#!/usr/bin/env bash
# Starts a local Kafka broker and schema registry in the background on the standard ports
# (Kafka 127.0.0.1:9092, registry http://127.0.0.1:8081/apis/ccompat/v7), for running the
# services separately. Schemas are kept in Kafka, so they survive a restart like the topics do.
# Stop them with down.sh. Data lives in infra/.data, logs and pid files in infra/.run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
infra="$(dirname "$here")"
run_dir="$infra/.run"
mkdir -p "$run_dir"
"$here/fetch.sh"

export KAFKA_PORT="${KAFKA_PORT:-9092}" REGISTRY_PORT="${REGISTRY_PORT:-8081}"

wait_for() { # name, seconds, command...
  local name="$1" seconds="$2"; shift 2
  for _ in $(seq 1 $((seconds * 4))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.25; done
  echo "$name did not come up; see $run_dir/$name.log" >&2; exit 1
}
running() { [ -f "$run_dir/$1.pid" ] && kill -0 "$(cat "$run_dir/$1.pid")" 2>/dev/null; }

if running kafka; then echo "kafka already running"; else
  nohup "$here/kafka.sh" >"$run_dir/kafka.log" 2>&1 &
  echo $! >"$run_dir/kafka.pid"
  wait_for kafka 120 bash -c "exec 3<>/dev/tcp/127.0.0.1/$KAFKA_PORT"
  echo "kafka up on 127.0.0.1:$KAFKA_PORT"
fi

if running registry; then echo "registry already running"; else
  REGISTRY_KAFKA_BOOTSTRAP="127.0.0.1:$KAFKA_PORT" nohup "$here/registry.sh" >"$run_dir/registry.log" 2>&1 &
  echo $! >"$run_dir/registry.pid"
  wait_for registry 180 curl -sf "http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7/subjects"
  echo "schema registry up on http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7"
fi
