#!/usr/bin/env bash
# Round 5 of docs/eval-losses.md, one worker: the five losses at 720 steps on corpus seeds
# 9001–9012. Each seed's corpus and extra test set are rendered once (a per-seed lock; a second
# worker moves on to another seed meanwhile), then the seed's runs are shared through claim files.
# Results are written into docs/eval-losses-round5/ so that they are committed as they come in and
# the round survives sessions whose .cache is gone (the corpora are rebuilt from their seeds).
#
#   setsid scripts/bench/round5-worker.sh ID [HHMM] &   # HHMM (UTC): start no run after it
#   ROUND5_OUT=/abs/docs/eval-losses-round5 (default: this checkout's): run from a clone at a fixed
#   commit so that edits in the working checkout cannot change the descriptors mid-round.
set -u
cd "$(dirname "$0")/../.."
id=$1
stop=${2:-}
out=${ROUND5_OUT:-docs/eval-losses-round5}
losses=infonce,contrastive,triplet-margin,supcon,multi-similarity
gen=.cache/gen
log=$gen/round5-log.txt
mkdir -p "$gen" "$out"
say() { echo "$(date -u +%FT%TZ) worker $id: $*" >> "$log"; }
done_count() { ls "$out"/losses/seed-*/steps-720/*.json 2>/dev/null | grep -v train-seed | wc -l; }
late() { [ -n "$stop" ] && [ "$(date -u +%H%M)" -ge "$stop" ]; }
seeds="9002 9001 9003 9004 9005 9006 9007 9008 9009 9010 9011 9012"
while [ "$(done_count)" -lt 60 ]; do
  worked=0
  for s in $seeds; do
    late && { say "stop time $stop reached"; exit 0; }
    n=$(ls "$out"/losses/seed-$s/steps-720/*.json 2>/dev/null | wc -l)
    [ "$n" -ge 5 ] && continue
    pairs=250; [ "$s" = 9001 ] && pairs=500
    if [ ! -f "$gen/ready-$s" ]; then
      exec 9>"$gen/prep-$s.lock"
      flock -n 9 || { exec 9>&-; continue; }
      if [ ! -f "$gen/ready-$s" ]; then
        say "rendering seed $s ($pairs pairs + 114 extra)"
        if nice -n 19 npx tsx scripts/bench/generalise.ts --seeds "$s" --pairs "$pairs" --render-only --jobs 1 >> "$log" 2>&1 \
          && nice -n 19 npx tsx scripts/bench/extra-test-set.ts --seeds "$s" --count 114 >> "$log" 2>&1; then
          touch "$gen/ready-$s"; say "seed $s ready"
        else
          say "seed $s: rendering failed"; exec 9>&-; sleep 60; continue
        fi
      fi
      exec 9>&-
    fi
    worked=1
    # One loss per process, so the stop time is checked between runs.
    for loss in ${losses//,/ }; do
      late && { say "stop time $stop reached"; exit 0; }
      nice -n 19 npx tsx scripts/bench/round4.ts --seeds "$s" --steps 720 --losses "$loss" --out "$out" >> "$log" 2>&1 || say "seed $s $loss: the run failed (it is run again)"
    done
  done
  [ "$worked" = 0 ] && sleep 30
done
say "all 60 runs are in"
