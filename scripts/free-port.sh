#!/usr/bin/env bash
# Prints a loopback TCP port that nothing listens on, for a server started by a script (bench/, scripts/publish.sh).
# It is taken below the kernel's ephemeral range: ports in that range are handed to outgoing connections, and one held
# by a client socket, even one in TIME_WAIT after curl or wrk closed it, cannot be bound by a listener (EADDRINUSE).
# A busy run leaves thousands of those, so a random port in that range made a server fail to start now and then.
set -euo pipefail
low=32768
if [ -r /proc/sys/net/ipv4/ip_local_port_range ]; then read -r low _ </proc/sys/net/ipv4/ip_local_port_range; fi
base=10000
[ "$low" -gt $((base + 1000)) ] || base=1024
span=$((low - base))
for _ in $(seq 1 100); do
  port=$((base + (RANDOM * 32768 + RANDOM) % span))
  # A refused connection means no listener; anything else (accepted) means taken.
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; exit 0; }
done
echo "free-port.sh: no free port found below $low" >&2
exit 1
