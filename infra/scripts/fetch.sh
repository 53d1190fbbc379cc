#!/usr/bin/env bash
# Fetches the Kafka broker jars and the Apicurio Registry server from Maven Central into
# infra/.cache (git-ignored). Idempotent: a marker file per version skips work already done,
# and Maven's own ~/.m2 cache makes a re-fetch after `git clean` cheap.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
infra="$(dirname "$here")"
source "$here/versions.sh"
cache="${CX_INFRA_CACHE:-$infra/.cache}"
mkdir -p "$cache"

kafka_dir="$cache/kafka-$KAFKA_VERSION"
if [ ! -f "$kafka_dir/.complete" ]; then
  echo "fetching Apache Kafka $KAFKA_VERSION jars from Maven Central..." >&2
  rm -rf "$kafka_dir"
  mvn -q -B -f "$infra/pom.xml" -P "$KAFKA_LOGGING_PROFILE" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$kafka_dir/libs" >&2
  touch "$kafka_dir/.complete"
fi

registry_dir="$cache/apicurio-registry-$APICURIO_VERSION"
if [ ! -f "$registry_dir/.complete" ]; then
  echo "fetching Apicurio Registry $APICURIO_VERSION from Maven Central..." >&2
  rm -rf "$registry_dir"
  mkdir -p "$registry_dir"
  mvn -q -B -f "$infra/pom.xml" dependency:copy \
    -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" \
    -DoutputDirectory="$registry_dir/download" >&2
  tar -xzf "$registry_dir/download/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz" -C "$registry_dir"
  rm -rf "$registry_dir/download"
  touch "$registry_dir/.complete"
fi
