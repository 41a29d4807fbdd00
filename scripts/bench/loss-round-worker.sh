#!/usr/bin/env bash
# One worker of a planned round of docs/eval-losses.md: the five losses at 720 steps on the
# round's corpus seeds. Each seed's corpus and extra test set are rendered once (a per-seed lock; a
# second worker moves on to another seed meanwhile), then the seed's runs are shared through claim
# files. Results are written into docs/eval-losses-roundN/ so that they are committed as they come
# in and the round survives sessions whose .cache is gone (the corpora are rebuilt from their seeds).
#
#   setsid scripts/bench/loss-round-worker.sh ROUND ID [HHMM] &   # ROUND 5, 6 or 7; HHMM (UTC): start no run after it
#   ROUND_OUT=/abs/docs/eval-losses-roundN (default: this checkout's): run from a clone at a fixed
#   commit so that edits in the working checkout cannot change the descriptors mid-round.
#
# Round 5: seeds 9001–9012 (9001 with 500 pairs), one file per run. Round 6: seeds 9013–9024, each
# run also scored at the prefixes 180 and 360 of its 720 steps (round4.ts --prefixes). Round 7: round 6's
# runs on seeds 9025–9034.
set -u
cd "$(dirname "$0")/../.."
round=$1
id=$2
stop=${3:-}
case "$round" in
  5) seeds="9002 9001 9003 9004 9005 9006 9007 9008 9009 9010 9011 9012"; prefixes=""; out=${ROUND_OUT:-${ROUND5_OUT:-docs/eval-losses-round5}} ;;
  6) seeds="9013 9014 9015 9016 9017 9018 9019 9020 9021 9022 9023 9024"; prefixes="180,360"; out=${ROUND_OUT:-docs/eval-losses-round6} ;;
  7) seeds="9025 9026 9027 9028 9029 9030 9031 9032 9033 9034"; prefixes="180,360"; out=${ROUND_OUT:-docs/eval-losses-round7} ;;
  *) echo "round $round: not a planned round (5, 6 or 7)" >&2; exit 2 ;;
esac
losses=infonce,contrastive,triplet-margin,supcon,multi-similarity
planned=$(( $(echo $seeds | wc -w) * 5 ))
gen=.cache/gen
log=$gen/round$round-log.txt
mkdir -p "$gen" "$out"
say() { echo "$(date -u +%FT%TZ) worker $id: $*" >> "$log"; }
done_count() { ls "$out"/losses/seed-*/steps-720/*.json 2>/dev/null | grep -v train-seed | wc -l; }
late() { [ -n "$stop" ] && [ "$(date -u +%H%M)" -ge "$stop" ]; }
while [ "$(done_count)" -lt "$planned" ]; do
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
    # One loss per process, so the stop time is checked between runs. Status 3: nothing trained
    # (done, or claimed by the other worker), so this worker is not busy and waits below.
    for loss in ${losses//,/ }; do
      late && { say "stop time $stop reached"; exit 0; }
      nice -n "${ROUND_NICE:-19}" npx tsx scripts/bench/round4.ts --seeds "$s" --steps 720 ${prefixes:+--prefixes "$prefixes"} --losses "$loss" --out "$out" >> "$log" 2>&1
      status=$?
      case $status in
        0) worked=1 ;;
        3) ;;
        *) worked=1; say "seed $s $loss: the run failed, status $status (it is run again)" ;;
      esac
    done
  done
  [ "$worked" = 0 ] && sleep 30
done
say "all $planned runs are in"
