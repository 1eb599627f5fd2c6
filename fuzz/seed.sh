#!/usr/bin/env bash
# Seeds the fuzz corpora from the shipped pack and its examples.
# Run from anywhere; writes fuzz/corpus/<target>/ (gitignored).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/.."
pack="$root/policies/unsubscription"
mkdir -p "$here/corpus/parse_check" "$here/corpus/facts" "$here/corpus/evaluate"

# parse_check: the first byte picks the mode ('0' alone, '1' added to the pack).
for f in "$pack"/*.policy "$root"/tests/diagnostics/*/*.policy; do
  [ -f "$f" ] || continue
  base="$(basename "$(dirname "$f")")-$(basename "$f")"
  { printf '0'; cat "$f"; } > "$here/corpus/parse_check/alone-$base"
  { printf '1'; cat "$f"; } > "$here/corpus/parse_check/pack-$base"
done

# facts: the first byte picks the format ('0' YAML, '1' JSON, '2' JSON Lines).
for f in "$pack"/examples/*; do
  base="$(basename "$f")"
  case "$f" in
    *.jsonl) { printf '2'; cat "$f"; } > "$here/corpus/facts/$base" ;;
    *.json)  { printf '1'; cat "$f"; } > "$here/corpus/facts/$base" ;;
    *)       { printf '0'; cat "$f"; } > "$here/corpus/facts/$base" ;;
  esac
done
# Each JSON line on its own, as a JSON document.
i=0
while IFS= read -r line; do
  i=$((i + 1))
  { printf '1'; printf '%s' "$line"; } > "$here/corpus/facts/line-$i.json"
done < "$pack/examples/batch.jsonl"

# evaluate takes structured input (arbitrary bytes decoded by `Arbitrary`):
# it needs no seeds, an empty directory is enough.
echo "seeded: $(ls "$here/corpus/parse_check" | wc -l) policies, $(ls "$here/corpus/facts" | wc -l) facts files"
