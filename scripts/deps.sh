#!/usr/bin/env bash
# Makes sure the system packages zchat needs are present: libzmq (cgo) and
# pkg-config to build; python3-zmq, python3-msgpack, node and npm for the
# interoperability tests. Installs them with apt-get when run as root,
# otherwise prints the command to run.
set -euo pipefail

need=()
dpkg -s libzmq3-dev >/dev/null 2>&1 || need+=(libzmq3-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
if [ "${1:-}" = "--test" ]; then
  dpkg -s python3-zmq >/dev/null 2>&1 || need+=(python3-zmq)
  dpkg -s python3-msgpack >/dev/null 2>&1 || need+=(python3-msgpack)
  command -v node >/dev/null 2>&1 || need+=(nodejs)
  command -v npm >/dev/null 2>&1 || need+=(npm)
  command -v tmux >/dev/null 2>&1 || need+=(tmux)
fi
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "zchat needs: ${need[*]}" >&2
  echo "run: sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
