# Versions of the local servers; sourced by the other scripts so there is one place to bump them.
# Kafka 3.9.x is the last line that keeps every protocol version kafkajs 2.2.4 speaks (4.x removed some).
KAFKA_VERSION=3.9.1
APICURIO_VERSION=3.3.3
