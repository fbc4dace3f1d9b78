#!/bin/sh
# The official image builds Redis without protected mode; Debian's does not: turn it off so other
# containers (and published ports) reach it, as with the official image.
if [ "$1" = redis-server ]; then shift; set -- redis-server --protected-mode no --bind 0.0.0.0 -::* "$@"; fi
exec "$@"
