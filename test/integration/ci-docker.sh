#!/bin/sh
# Installs and runs the real Docker engine the integration tests apply the examples to.
#   ci-docker.sh install   apt-get docker.io (20.10 on Debian 12), busybox-static, iproute2, iptables
#   ci-docker.sh start     dockerd --storage-driver=vfs in the background; waits until `docker info` answers
#   ci-docker.sh fresh     the same on an empty data root (CI): nothing of an earlier run survives
#   ci-docker.sh stop      stops that dockerd by the PID written at start
# Run as root. State: $CI_DOCKER_STATE (default /tmp/ci-docker): dockerd.pid, dockerd.log, and with
# `fresh` the engine's data root (data/, emptied first; `start` after it, as the tests' dockerd
# restarts do, keeps it). A run killed half-way leaves its swarm, networks and services in the data
# root, and a later run on the same machine then fails on names that already exist: CI uses `fresh`.
set -eu

STATE="${CI_DOCKER_STATE:-/tmp/ci-docker}"
PIDFILE="$STATE/dockerd.pid"
LOG="$STATE/dockerd.log"
WAIT_SECONDS="${CI_DOCKER_WAIT_SECONDS:-60}"

engine_answers() {
  if command -v docker >/dev/null 2>&1; then
    docker info >/dev/null 2>&1
  else
    # No CLI: ask the API on the socket directly.
    [ -S /var/run/docker.sock ] && printf 'GET /_ping HTTP/1.0\r\n\r\n' | busybox nc local:/var/run/docker.sock 2>/dev/null | grep -q OK
  fi
}

case "${1:-}" in
  install)
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends docker.io busybox-static iproute2 iptables
    ;;
  start | fresh)
    mkdir -p "$STATE"
    if engine_answers; then
      echo "ci-docker: an engine already answers on /var/run/docker.sock; not starting another" >&2
      exit 0
    fi
    if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
      echo "ci-docker: dockerd $(cat "$PIDFILE") is running but does not answer; see $LOG" >&2
      exit 1
    fi
    if [ "$1" = fresh ]; then
      # An empty data root, and no overlay vxlan device left by an earlier engine's swarm.
      rm -rf "$STATE/data"
      mkdir -p "$STATE/data"
      echo "$STATE/data" >"$STATE/data-root"
      for dev in $(ip -o link show type vxlan 2>/dev/null | sed -n 's/^[0-9]*: \(vx-[^:@]*\).*/\1/p'); do
        ip link delete "$dev" 2>/dev/null || true
      done
    fi
    root=/var/lib/docker
    [ -f "$STATE/data-root" ] && root="$(cat "$STATE/data-root")"
    # vfs: works on any backing filesystem (overlay-on-overlay is refused in many sandboxes).
    nohup dockerd --storage-driver=vfs --data-root "$root" >"$LOG" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
    i=0
    until engine_answers; do
      i=$((i + 1))
      if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
        echo "ci-docker: dockerd exited; last log lines:" >&2
        tail -n 30 "$LOG" >&2
        exit 1
      fi
      if [ "$i" -ge "$WAIT_SECONDS" ]; then
        echo "ci-docker: dockerd did not answer within ${WAIT_SECONDS}s; last log lines:" >&2
        tail -n 30 "$LOG" >&2
        exit 1
      fi
      sleep 1
    done
    echo "ci-docker: dockerd $(cat "$PIDFILE") is up (log: $LOG)"
    ;;
  stop)
    if [ ! -f "$PIDFILE" ]; then
      echo "ci-docker: no $PIDFILE; nothing to stop"
      exit 0
    fi
    pid="$(cat "$PIDFILE")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      i=0
      while kill -0 "$pid" 2>/dev/null; do
        i=$((i + 1))
        if [ "$i" -ge 30 ]; then kill -KILL "$pid" 2>/dev/null || true; break; fi
        sleep 1
      done
    fi
    rm -f "$PIDFILE"
    echo "ci-docker: dockerd $pid stopped"
    ;;
  *)
    echo "usage: $0 install|start|fresh|stop" >&2
    exit 2
    ;;
esac
