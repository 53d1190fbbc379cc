# Versions of the local servers; sourced by the other scripts so there is one place to bump them.
# KAFKA_VERSION may be set from outside to run another broker line (3.9.x and 4.x are known to
# work with kafkajs 2.2.4); its jars are fetched into their own folder of the cache.
KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
APICURIO_VERSION=3.3.3

# Kafka 3.x logs through Log4j 1 (reload4j), 4.x through Log4j 2: the Maven profile that puts the
# matching SLF4J binding on the broker's classpath.
case "$KAFKA_VERSION" in
  3.*) KAFKA_LOGGING_PROFILE=reload4j ;;
  *) KAFKA_LOGGING_PROFILE=log4j2 ;;
esac
