#!/bin/bash
# Succeeds when the broker answers a Kafka request on its client port. Kafka 4.3 opens the port only
# once it serves, so at start this agrees with a TCP check; later it also fails for a broker that
# still accepts connections but no longer handles requests. Bash and coreutils only, so a probe
# costs no JVM start.
set -euo pipefail
port=${1:-9092}

exec 3<>"/dev/tcp/127.0.0.1/$port"
# ApiVersions v0, the one request every broker answers before any negotiation: size 15, api key 18,
# version 0, correlation id 1, client id "ready".
printf '\x00\x00\x00\x0f\x00\x12\x00\x00\x00\x00\x00\x01\x00\x05ready' >&3
# The reply starts with its size (4 bytes), the correlation id (4) and the error code (2).
reply=$(timeout 4 head -c 10 <&3 | od -An -tx1 | tr -d ' \n')
exec 3<&-
[[ ${reply:8:12} == 000000010000 ]]
