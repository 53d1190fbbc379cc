#!/usr/bin/env bash
# Runs Apicurio Registry (Confluent-compatible API under /apis/ccompat/v7) in the foreground.
#   REGISTRY_PORT (8081), REGISTRY_MANAGEMENT_PORT (8082), REGISTRY_HEAP (256m),
#   REGISTRY_KAFKA_BOOTSTRAP: when set, schemas are kept in Kafka (KafkaSQL storage) and
#   survive a restart; otherwise they live in memory, which suits a test run.
# Apicurio 3.x is compiled for Java 21+, so this picks the newest JDK >= 21 on the machine.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
infra="$(dirname "$here")"
source "$here/versions.sh"
"$here/fetch.sh"

java_major() { "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1; }
find_java() {
  local candidate best="" best_major=0 major
  for candidate in ${REGISTRY_JAVA:-} ${JAVA_HOME:+$JAVA_HOME/bin/java} /usr/lib/jvm/*/bin/java "$(command -v java || true)"; do
    [ -x "$candidate" ] || continue
    major="$(java_major "$candidate")"
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$candidate"; best_major="$major"
    fi
  done
  [ -n "$best" ] || { echo "registry.sh: Apicurio Registry $APICURIO_VERSION needs Java 21 or newer; none found (set REGISTRY_JAVA to a java binary)" >&2; exit 1; }
  echo "$best"
}
java_bin="$(find_java)"

opts=(
  "-Xmx${REGISTRY_HEAP:-256m}" -XX:+UseSerialGC
  -Dquarkus.http.host=127.0.0.1 "-Dquarkus.http.port=${REGISTRY_PORT:-8081}"
  -Dquarkus.management.host=127.0.0.1 "-Dquarkus.management.port=${REGISTRY_MANAGEMENT_PORT:-8082}"
  -Dquarkus.log.level=WARN -Dquarkus.banner.enabled=false
)
if [ -n "${REGISTRY_KAFKA_BOOTSTRAP:-}" ]; then
  opts+=(-Dapicurio.storage.kind=kafkasql "-Dapicurio.kafkasql.bootstrap.servers=$REGISTRY_KAFKA_BOOTSTRAP")
fi
cd "${CX_INFRA_CACHE:-$infra/.cache}/apicurio-registry-$APICURIO_VERSION"
exec "$java_bin" "${opts[@]}" -jar quarkus-run.jar
