# Versions of the local servers; sourced by the other scripts so there is one place to bump them.
# KAFKA_VERSION may be set from outside to run another broker line; its jars are fetched into their
# own folder of the cache (KAFKA_VERSION=3.9.1 still runs the 3.x line). The default is the current
# 4.x line; see docs/running-services.md for what was measured on which version.
KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
APICURIO_VERSION=3.3.3

# Kafka 3.x logs through Log4j 1 (reload4j), 4.x through Log4j 2: the Maven profile that puts the
# matching SLF4J binding on the broker's classpath.
case "$KAFKA_VERSION" in
  3.*) KAFKA_LOGGING_PROFILE=reload4j ;;
  *) KAFKA_LOGGING_PROFILE=log4j2 ;;
esac
