#!/usr/bin/env bash
# Round 5 of docs/eval-losses.md (complete): now one case of loss-round-worker.sh.
#   setsid scripts/bench/round5-worker.sh ID [HHMM] &   (ROUND5_OUT as before)
exec "$(dirname "$0")/loss-round-worker.sh" 5 "$@"
