#!/bin/sh
# impasto-batch — Impasto's Script-Fu batch (impasto-batch.scm) in GIMP 2.10,
# with an exit status a shell can use: 0 when every file was stylised, 1
# when any failed or the run could not start (GIMP 2.10 itself always exits
# with 0), 2 for a usage error. GIMP's lines pass through unchanged.
#
#   impasto-batch 'PHOTOS-PATTERN' STYLE-IMAGE OUT-DIR [STYLE-WEIGHT ITERATIONS SIZE COLOURS]
#   impasto-batch --model 'PHOTOS-PATTERN' MODEL OUT-DIR [STRENGTH SCALE COLOURS]
set -eu
usage() {
  echo "usage: impasto-batch 'PHOTOS-PATTERN' STYLE-IMAGE OUT-DIR [STYLE-WEIGHT ITERATIONS SIZE COLOURS]" >&2
  echo "       impasto-batch --model 'PHOTOS-PATTERN' MODEL OUT-DIR [STRENGTH SCALE COLOURS]" >&2
  exit 2
}
# A Scheme string literal.
quote() { printf '"%s"' "$(printf '%s' "$1" | sed 's/[\\"]/\\&/g')"; }
number() { case "$1" in ''|*[!0-9.]*|*.*.*) echo "impasto-batch: '$1' is not a number" >&2; exit 2 ;; esac; echo "$1"; }

if [ "${1:-}" = --model ]; then
  shift
  [ $# -eq 3 ] || [ $# -eq 6 ] || usage
  call="(script-fu-impasto-batch-model $(quote "$1") $(quote "$2") $(quote "$3") $(number "${4:-1.0}") $(number "${5:-1.0}") $(number "${6:-0}"))"
else
  [ $# -eq 3 ] || [ $# -eq 7 ] || usage
  call="(script-fu-impasto-batch $(quote "$1") $(quote "$2") $(quote "$3") $(number "${4:-2}") $(number "${5:-150}") $(number "${6:-384}") $(number "${7:-0}"))"
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
gimp-console-2.10 -i -d -f -b "$call" -b "(for-each gimp-image-delete (vector->list (cadr (gimp-image-list))))" \
  -b "(gimp-quit 0)" | tee "$log"
summary=$(grep '^impasto-batch: .* stylised, [0-9]* failed$' "$log" | tail -n 1)
case "$summary" in
  *" stylised, 0 failed") exit 0 ;;
  "") echo "impasto-batch: GIMP ended before the batch finished" >&2; exit 1 ;;
  *) exit 1 ;;
esac
