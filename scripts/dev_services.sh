#!/usr/bin/env bash
# Start the local PostgreSQL, RabbitMQ and Redis when they are not answering (Docker-less dev boxes and CI).
# Installs them from Debian's packages first when they are missing altogether.
set -euo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local name=$1 port=$2
  for _ in $(seq 1 60); do port_open "$port" && return 0; sleep 1; done
  echo "dev_services: $name did not come up on port $port" >&2
  return 1
}

need_packages=()
command -v pg_ctlcluster >/dev/null || need_packages+=(postgresql)
command -v redis-server >/dev/null || need_packages+=(redis-server)
command -v rabbitmq-server >/dev/null || need_packages+=(rabbitmq-server)
if [ ${#need_packages[@]} -gt 0 ]; then
  echo "dev_services: installing ${need_packages[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_packages[@]}"
fi

if ! port_open 5432; then
  echo "dev_services: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
fi
if ! port_open 6379; then
  echo "dev_services: starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
if ! port_open 5672; then
  echo "dev_services: starting RabbitMQ"
  rabbitmq-server -detached
fi
wait_port PostgreSQL 5432
wait_port Redis 6379
wait_port RabbitMQ 5672
echo "dev_services: PostgreSQL, Redis and RabbitMQ are up"
