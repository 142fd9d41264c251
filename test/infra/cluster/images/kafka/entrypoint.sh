#!/bin/bash
# Starts the single-node KRaft broker. The storage is formatted only when the data volume holds no
# formatted log directory yet, so a restarted pod on the same volume keeps its topics, messages and
# cluster id.
#
# Environment:
#   KAFKA_ADVERTISED_HOST  the name clients in other pods reach this broker by (the Service's DNS
#                          name in Kubernetes); defaults to this container's host name
#   KAFKA_ADVERTISED_PORT  the port that goes with it; defaults to 9092, where the broker listens
#   KAFKA_CLUSTER_ID       the cluster id to format a new volume with; a random one when unset
#   KAFKA_HEAP_OPTS        the broker JVM's heap flags; defaults to -Xms256m -Xmx512m
#   KAFKA_OPTS             more JVM flags, appended
#   KAFKA_CONFIG_DIR       where the generated server.properties goes; defaults to /tmp/kafka
set -euo pipefail

readonly home=/opt/kafka
# A subdirectory rather than the volume's root: file systems such as ext4 put lost+found there,
# which the broker would take for a damaged partition directory.
readonly log_dir=/var/lib/kafka/data/kraft
# The root filesystem is read-only; the configuration depends on the environment, so it is written
# where the pod has scratch space.
readonly config_dir=${KAFKA_CONFIG_DIR:-/tmp/kafka}
readonly config=$config_dir/server.properties

advertised_host=${KAFKA_ADVERTISED_HOST:-$HOSTNAME}
advertised_port=${KAFKA_ADVERTISED_PORT:-9092}

log() { printf '[%s] entrypoint: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }

mkdir -p "$config_dir"
{
  cat "$home/config/server.properties"
  echo
  echo "log.dirs=$log_dir"
  # Clients anywhere: the client port on every interface. The controller only serves this same JVM.
  echo "listeners=PLAINTEXT://0.0.0.0:9092,CONTROLLER://127.0.0.1:9093"
  # The controller's endpoint is advertised as loopback too: `format --standalone` records the
  # single voter from it, and loopback stays right whatever address the pod gets next time.
  echo "advertised.listeners=PLAINTEXT://$advertised_host:$advertised_port,CONTROLLER://127.0.0.1:9093"
} >"$config"

java_common=(
  -Djava.awt.headless=true
  # The codecs' native libraries, unpacked at build time (see the Dockerfile), so nothing needs to
  # be mapped executable from /tmp. lz4 looks in java.library.path before unpacking its own copy.
  "-Djava.library.path=$home/native"
  "-DZstdNativePath=$home/native/libzstd-jni.so"
  "-Dorg.xerial.snappy.lib.path=$home/native"
  -Dorg.xerial.snappy.lib.name=libsnappyjava.so
  "-Dlog4j2.configurationFile=$home/config/log4j2.properties"
  -cp "$home/libs/*"
)

if [[ -f $log_dir/meta.properties ]]; then
  log "reusing the formatted storage in $log_dir ($(grep '^cluster.id=' "$log_dir/meta.properties"))"
else
  # The formatter writes meta.properties, and the broker refuses a directory without it: whatever
  # an interrupted format left behind holds no data and would only make the next format fail.
  rm -rf "$log_dir"
  mkdir -p "$log_dir"
  # 16 random bytes in unpadded URL-safe base64: the form Kafka's Uuid parses.
  cluster_id=${KAFKA_CLUSTER_ID:-$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')}
  log "formatting $log_dir for cluster $cluster_id"
  # A short-lived JVM: client-style JIT and the serial collector start it faster.
  # --cluster-id=... is one argument, so an id that starts with "-" is not read as an option.
  java -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC "${java_common[@]}" \
    kafka.tools.StorageTool format --standalone "--cluster-id=$cluster_id" --config "$config"
fi

log "starting Kafka ${KAFKA_VERSION:-} advertised as $advertised_host:$advertised_port"
# exec: the JVM replaces this shell and receives SIGTERM itself, so stopping the pod is a controlled
# shutdown (logs closed cleanly, no log recovery on the next start).
# shellcheck disable=SC2086 # the *_OPTS variables are lists of flags, split on purpose
exec java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
  ${KAFKA_OPTS:-} "${java_common[@]}" kafka.Kafka "$config"
