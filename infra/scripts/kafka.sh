#!/usr/bin/env bash
# Runs a single-node Kafka broker in KRaft mode in the foreground (the caller supervises it).
# Settings come from the environment so tests can run a private broker on free ports:
#   KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_DATA_DIR (infra/.data/kafka),
#   KAFKA_HEAP (512m). Binds to 127.0.0.1 only.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
infra="$(dirname "$here")"
source "$here/versions.sh"
"$here/fetch.sh"

port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
data_dir="${KAFKA_DATA_DIR:-$infra/.data/kafka}"
heap="${KAFKA_HEAP:-512m}"
classpath="${CX_INFRA_CACHE:-$infra/.cache}/kafka-$KAFKA_VERSION/libs/*"
mkdir -p "$data_dir"

# Internal topics need replication factor 1 on a single node; topics are created explicitly
# by the services (auto-creation would hide a missing topic behind a default partition count).
cat > "$data_dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$data_dir/log
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.cleaner.backoff.ms=1000
PROPS

# Both logging settings: each Kafka line reads the one of its own Log4j and ignores the other.
java_opts=(-Xms128m "-Xmx$heap" -XX:+UseG1GC "-Dlog4j.configuration=file:$infra/kafka/log4j.properties"
  "-Dlog4j2.configurationFile=$infra/kafka/log4j2.properties")
if [ ! -f "$data_dir/log/meta.properties" ]; then
  cluster_id="$(java -cp "$classpath" "${java_opts[@]}" kafka.tools.StorageTool random-uuid)"
  java -cp "$classpath" "${java_opts[@]}" kafka.tools.StorageTool format \
    -t "$cluster_id" -c "$data_dir/server.properties" >&2
fi
exec java -cp "$classpath" "${java_opts[@]}" kafka.Kafka "$data_dir/server.properties"
