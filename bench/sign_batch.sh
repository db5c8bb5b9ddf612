#!/usr/bin/env bash
# Signing throughput: one `cipolicy sign` batch over N policies, against one cipolicy process per
# file and against `openssl cms -sign` per file (the baseline: same key, same policies; OpenSSL's
# layout differs from signtool's, but its cost is the crypto and process cost of signing).
# Usage: bench/sign_batch.sh [N] (default 200). Prints wall times; asserts nothing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cipolicy=${CIPOLICY_EXE:-$root/build/tool/cipolicy}
n=${1:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$cipolicy" dev-pki --out-dir "$work/pki" --quiet
mkdir -p "$work/in"
for i in $(seq 1 "$n"); do
  "$cipolicy" new-policy --update-signer "$work/pki/root.cer" -o "$work/in/p$i.bin" --quiet
done
key=(--cert "$work/pki/signer.pem" --key "$work/pki/signer.key" --chain "$work/pki/chain.pem")

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }

t0=$(now)
"$cipolicy" sign "$work"/in/*.bin "${key[@]}" --output-dir "$work/batch" --quiet
t1=$(now)
mkdir -p "$work/seq"
for f in "$work"/in/*.bin; do
  "$cipolicy" sign "$f" "${key[@]}" -o "$work/seq/$(basename "$f").cip" --quiet
done
t2=$(now)
mkdir -p "$work/ossl"
for f in "$work"/in/*.bin; do
  openssl cms -sign -binary -nodetach -in "$f" -signer "$work/pki/signer.pem" \
    -inkey "$work/pki/signer.key" -certfile "$work/pki/chain.pem" -md sha256 \
    -econtent_type 1.3.6.1.4.1.311.79.1 -outform DER -out "$work/ossl/$(basename "$f").p7b"
done
t3=$(now)

batch=$(elapsed "$t0" "$t1"); seq=$(elapsed "$t1" "$t2"); ossl=$(elapsed "$t2" "$t3")
printf 'policies:                          %d (RSA-3072 signer, %d bytes each)\n' "$n" "$(stat -c %s "$work/in/p1.bin")"
printf 'cipolicy sign, one batch:          %6.2f s  (%.1f ms/policy, each output verified)\n' "$batch" "$(calc "$batch*1000/$n")"
printf 'cipolicy sign, one process each:   %6.2f s  (%.1f ms/policy)\n' "$seq" "$(calc "$seq*1000/$n")"
printf 'openssl cms -sign, one each:       %6.2f s  (%.1f ms/policy, baseline)\n' "$ossl" "$(calc "$ossl*1000/$n")"
printf 'batch speed-up over openssl loop:  %.1fx\n' "$(calc "$ossl/$batch")"
