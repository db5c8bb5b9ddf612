#!/usr/bin/env bash
# The main job on an embedded default: build, create a development PKI, write a policy that
# authorizes its root, sign the policy, verify it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${CIPOLICY_BUILD_DIR:-$root/build}
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"

cipolicy="$build/tool/cipolicy"
demo="$build/demo"
rm -rf "$demo"
mkdir -p "$demo"

echo "== 1. development PKI (root -> intermediate -> RSA-3072 code signing leaf)"
"$cipolicy" dev-pki --out-dir "$demo/pki"
echo "== 2. a base policy whose UpdatePolicySigners authorize that root: the signable template,"
echo "      that root added as update and supplemental signer, a PolicyID of its own, compiled"
cp "$root/templates/policy/SignableBase.xml" "$demo/policy.xml"
"$cipolicy" add-signer "$demo/policy.xml" --cert "$demo/pki/root.cer" --update --supplemental
"$cipolicy" set-id "$demo/policy.xml" --reset
"$cipolicy" compile "$demo/policy.xml" -o "$demo/policy.bin"
echo "== 3. sign it (signtool's layout: PKCS#7 SignedData, version 1, SHA-256)"
"$cipolicy" sign "$demo/policy.bin" --cert "$demo/pki/signer.pem" --key "$demo/pki/signer.key" \
  --chain "$demo/pki/chain.pem" --output-dir "$demo/signed"
signed=$(ls "$demo"/signed/*.cip)
echo "== 4. verify it against Windows' rules (the file carries the root its policy names, as"
echo "      Windows needs), then that it ends at the root we expect"
"$cipolicy" verify "$signed" --verbose
"$cipolicy" verify "$signed" --root "$demo/pki/root.pem"
echo "== 5. what it holds"
"$cipolicy" inspect "$signed"
echo
echo "Done: $signed is a signed policy that verifies. Deploy a real one only after signing it"
echo "with your own key or Trusted Signing (docs/cli.md)."
