#!/usr/bin/env bash
# Two `python -m index add` at once on one index, N trials; counts acknowledged adds that are missing.
set -u
PY=.venv/bin/python
cd "$(dirname "$0")/../.." && mkdir -p "${WORK:-/tmp/race}"
rm -rf ${WORK:-/tmp/race}/idx && $PY -m index build data/notices --index ${WORK:-/tmp/race}/idx >/dev/null 2>&1
lost=0; acked=0
for t in $(seq 1 ${1:-10}); do
  for side in a b; do
    sed "s/^.*$/&/" data/notices/000_4339a6bb93f327d8.txt | sed "1s/.*/第${t}${side}号测试通知/" > ${WORK:-/tmp/race}/t${t}${side}.txt
  done
  $PY -m index add ${WORK:-/tmp/race}/t${t}a.txt --index ${WORK:-/tmp/race}/idx >${WORK:-/tmp/race}/a.log 2>&1 & pa=$!
  $PY -m index add ${WORK:-/tmp/race}/t${t}b.txt --index ${WORK:-/tmp/race}/idx >${WORK:-/tmp/race}/b.log 2>&1 & pb=$!
  wait $pa; ra=$?; wait $pb; rb=$?
  held=$($PY -c "
import sys; sys.path.insert(0,'.')
from index import Searcher
print(' '.join(n.doc_id for n in Searcher.open('${WORK:-/tmp/race}/idx').notices()))" 2>/dev/null)
  for side in a b; do
    rc=$([ $side = a ] && echo $ra || echo $rb)
    if [ "$rc" = 0 ]; then acked=$((acked+1)); case " $held " in *" t${t}${side} "*) ;; *) lost=$((lost+1));; esac; fi
  done
done
echo "trials ${1:-10}: acknowledged adds $acked, lost $lost"
