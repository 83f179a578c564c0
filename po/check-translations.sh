#!/bin/sh
# Every catalogue is valid and complete for the current sources: strings are
# re-extracted from po/POTFILES and merged, and nothing may be untranslated
# or fuzzy.
set -eu
src="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=IMPASTO_N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  -f po/POTFILES -o "$tmp/impasto.pot"
status=0
for lang in $(cat po/LINGUAS); do
  msgmerge --quiet --no-fuzzy-matching "po/$lang.po" "$tmp/impasto.pot" -o "$tmp/$lang.po"
  stats=$(msgfmt --check --statistics -o /dev/null "$tmp/$lang.po" 2>&1)
  echo "$lang: $stats"
  case "$stats" in
    *untranslated*|*fuzzy*) echo "po/$lang.po is not complete: update it"; status=1 ;;
  esac
done
exit $status
