#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Interop of the IKEv2 library's certificate authentication (RFC 7296 2.15, RFC 7427) and IKE
# fragmentation (RFC 7383) with strongSwan 5.9.8, in two fresh network namespaces. Certificates
# are made here with strongSwan's pki: an ECDSA root, an RSA intermediate, charon's RSA certificate
# under the intermediate (sent as a chain), and the library's certificates (ECDSA P-256, Ed25519,
# RSA). Both sides fragment at 500-byte datagrams. The library responds to:
#   1. charon, RSA PKCS#1 v1.5, against the library's ECDSA P-256 certificate;
#   2. charon, RSASSA-PSS, against the library's Ed25519 certificate;
#   3. charon-cmd --profile ikev2-pub (RSA client certificate, virtual IP), against the library's
#      RSA certificate signing with PSS.
# For every CHILD SA the SPIs and keys charon logs (chd = 4) must equal the library's. One summary
# line; exit 0 on PASS. KEEP_RUN=1 keeps the run directory, VERBOSE=1 prints every check.
set -u
D=$(cd "$(dirname "$0")" && pwd)
RUN=$(mktemp -d -t vrfsec-ike-cert.XXXXXX) || exit 1
NSA=ikcA-$$ NSB=ikcB-$$
FAIL_SHOW="out err"
# shellcheck source=tests/ike/lib.sh
. "$D/lib.sh"

need_peer_and_charon
command -v pki >/dev/null || fail "strongSwan pki not installed (make deps: strongswan-pki)"
command -v charon-cmd >/dev/null || fail "charon-cmd not installed (make deps: charon-cmd)"
[ "$(id -u)" = 0 ] || fail "needs root (network namespaces)"

# ---- certificates with pki ------------------------------------------------------------------
P=$RUN/pki
mkdir -p "$P" "$RUN/x509" "$RUN/x509ca" "$RUN/private"
pk() { pki "$@" 2>>"$RUN/pki.err"; }
issue() { # KEYFILE CAKEY CACERT DN SAN [--ca] > cert.pem
	local k=$1 ck=$2 cc=$3 dn=$4 san=$5
	shift 5
	pk --pub --in "$k" | pk --issue --cacert "$cc" --cakey "$ck" --dn "$dn" ${san:+--san "$san"} \
		--lifetime 30 --outform pem "$@"
}
pk --gen --type ecdsa --size 384 --outform pem >"$P/ca.key" &&
	pk --self --ca --lifetime 30 --in "$P/ca.key" --dn "C=CH, O=vrfsec test, CN=vrfsec Test Root" \
		--outform pem >"$P/ca.pem" &&
	pk --gen --type rsa --size 2048 --outform pem >"$P/inter.key" &&
	issue "$P/inter.key" "$P/ca.key" "$P/ca.pem" "C=CH, O=vrfsec test, CN=vrfsec Test Intermediate" "" \
		--ca >"$P/inter.pem" &&
	pk --gen --type rsa --size 3072 --outform pem >"$P/gw-b.key" &&
	issue "$P/gw-b.key" "$P/inter.key" "$P/inter.pem" "C=CH, O=vrfsec test, CN=gw-b.test" gw-b.test \
		>"$P/gw-b.pem" &&
	pk --gen --type ecdsa --size 256 --outform pem >"$P/a-ec.key" &&
	issue "$P/a-ec.key" "$P/ca.key" "$P/ca.pem" "C=CH, O=vrfsec test, CN=gw-a.test" gw-a.test >"$P/a-ec.pem" &&
	pk --gen --type ed25519 --outform pem >"$P/a-ed.key" &&
	issue "$P/a-ed.key" "$P/ca.key" "$P/ca.pem" "C=CH, O=vrfsec test, CN=gw-a.test" gw-a.test >"$P/a-ed.pem" &&
	pk --gen --type rsa --size 2048 --outform pem >"$P/a-rsa.key" &&
	issue "$P/a-rsa.key" "$P/inter.key" "$P/inter.pem" "C=CH, O=vrfsec test, CN=gw-a.test" gw-a.test \
		>"$P/a-rsa.pem" &&
	pk --gen --type rsa --size 2048 --outform pem >"$P/client.key" &&
	issue "$P/client.key" "$P/ca.key" "$P/ca.pem" "C=CH, O=vrfsec test, CN=client.test" client.test \
		>"$P/client.pem" || fail "pki: $(tail -2 "$RUN/pki.err")"
cp "$P/ca.pem" "$P/inter.pem" "$RUN/x509ca/" && cp "$P/gw-b.pem" "$RUN/x509/" && cp "$P/gw-b.key" "$RUN/private/"
ok "certificates made with pki"

# ---- nsA: the library, 10.99.0.1 <== veth ==> nsB: charon / charon-cmd, 10.99.0.2 ----------
make_namespaces
start_charon "$D/strongswan-cert.conf.in" "$D/swanctl-cert.conf"
load_swanctl

# check_keys CHILD_UP-LINE LOG: the peer (always the initiator here) logged the same SPIs and keys
check_keys() {
	local in out kin kout ch
	in=$(field "$1" spi_in); out=$(field "$1" spi_out)
	kin=$(field "$1" key_in); kout=$(field "$1" key_out)
	[ ${#kin} -ge 40 ] && [ ${#kout} -ge 40 ] || fail "no keys in: $1"
	ch=$(charon_keys "$2" | awk -v a="$out" -v b="$in" '$1 == a && $2 == b')
	[ -n "$ch" ] || fail "$(basename "$2") shows no CHILD SA with SPIs ${out}_i ${in}_o"
	set -- $ch
	[ "$3" = "$kin" ] && [ "$4" = "$kout" ] || fail "keys differ for SPI $in"
	ok "keys of CHILD SA $in/$out equal the peer's"
}

# start_peer (lib.sh) starts the library in nsA as responder with these
PEER_ARGS=(--id gw-a.test --auth pubkey --peer-auth pubkey --ca "$P/ca.pem" --frag-size 500
	--ike aes256gcm16-prfsha256-x25519 --esp aes128gcm16 --esp aes256gcm16 -v)

# both directions fragmented, reassembled; the AUTH of each side verified with the right scheme
check_frag_auth() { # NAME CHARON-LOG SCHEME-OF-PEER SCHEME-OF-LIBRARY
	local e=$RUN/$1.err
	grep -qE 'IKE message 1 reassembled from [0-9]+ fragments' "$e" || fail "$1: charon's IKE_AUTH not reassembled"
	grep -qE 'IKE message 1 \([0-9]+ bytes\) sent in [0-9]+ fragments' "$e" || fail "$1: our IKE_AUTH not fragmented"
	grep -qE 'splitting IKE message .* into [0-9]+ fragments' "$2" || fail "$1: the peer did not fragment"
	grep -qE 'received fragment #[0-9]+ of [0-9]+, reassembled fragmented IKE message' "$2" ||
		fail "$1: the peer did not reassemble our fragments"
	ok "$1: IKE_AUTH fragmented and reassembled both ways"
	grep -q 'gw-b.test\|client.test' "$e" && grep -q 'authenticated by certificate (method 14)' "$e" ||
		fail "$1: no RFC 7427 certificate authentication at the library"
	grep -qE "authentication of 'gw-a.test' with $4[A-Z0-9_]* successful" "$2" ||
		fail "$1: the peer did not verify our $4 signature"
	grep -qE "\(myself\) with $3[A-Z0-9_]* successful" "$2" || fail "$1: the peer did not sign with $3"
	ok "$1: $3 from the peer and $4 from the library verified"
}

# ---- 1: charon RSA (PKCS#1 v1.5, chain through the intermediate) -> library ECDSA P-256 ---------
start_peer ec 7 --cert "$P/a-ec.pem" --key "$P/a-ec.key" --peer-id gw-b.test
R=$RUN/ec.out
sw --initiate --child net --ike to-dut >"$RUN/initiate1.log" 2>&1 || fail "charon -> library (ECDSA): $(tail -3 "$RUN/initiate1.log")"
wait_for "$R" '^CHILD_UP' 1 || fail "no CHILD SA at the library (ECDSA)"
grep -q '^IKE_UP .*peer=gw-b.test' "$R" || fail "IKE_UP with peer gw-b.test"
check_frag_auth ec "$RUN/charon.log" RSA_EMSA_PKCS1_SHA2_256 ECDSA_WITH_SHA256_DER
check_keys "$(grep '^CHILD_UP' "$R" | tail -1)" "$RUN/charon.log"
sw --list-sas >"$RUN/sas.txt" 2>&1
L=$(grep '^CHILD_UP' "$R" | tail -1)
grep -qE "in +$(field "$L" spi_out)," "$RUN/sas.txt" && grep -qE "out +$(field "$L" spi_in)," "$RUN/sas.txt" ||
	fail "swanctl --list-sas does not show the CHILD SA"
ok "list-sas shows the SPIs"
sw --rekey --child net >/dev/null 2>&1 || fail "charon CHILD rekey"
wait_for "$R" '^CHILD_DOWN .*reason=3' 1 || fail "CHILD rekey over the certificate IKE SA"
check_keys "$(grep '^CHILD_UP' "$R" | tail -1)" "$RUN/charon.log"
sw --terminate --ike to-dut >/dev/null 2>&1 || fail "charon terminate"
wait_for "$R" '^IKE_DOWN .*reason=2' 1 || fail "IKE delete by charon not seen"
echo quit >&7
exec 7>&-

# ---- 2: charon RSASSA-PSS -> library Ed25519 --------------------------------------------------
start_peer ed 8 --cert "$P/a-ed.pem" --key "$P/a-ed.key" --peer-id gw-b.test
R=$RUN/ed.out
sw --initiate --child net2 --ike to-dut-pss >"$RUN/initiate2.log" 2>&1 ||
	fail "charon -> library (Ed25519): $(tail -3 "$RUN/initiate2.log")"
wait_for "$R" '^CHILD_UP' 1 || fail "no CHILD SA at the library (Ed25519)"
check_frag_auth ed "$RUN/charon.log" RSA_EMSA_PSS_SHA2_256 ED25519
check_keys "$(grep '^CHILD_UP' "$R" | tail -1)" "$RUN/charon.log"
sw --terminate --ike to-dut-pss >/dev/null 2>&1 || fail "charon terminate (PSS)"
wait_for "$R" '^IKE_DOWN .*reason=2' 1 || fail "IKE delete by charon not seen (PSS)"
echo quit >&8
exec 8>&-

# charon-cmd brings its own ipsec0 TUN device: charon goes first
stop_pid "$CHARON"

# ---- 3: charon-cmd --profile ikev2-pub (RSA client) -> library RSA with PSS and a virtual IP ----
start_peer rsa 9 --cert "$P/a-rsa.pem" --key "$P/a-rsa.key" --chain "$P/inter.pem" --rsa-pss \
	--peer-id client.test --vip 10.3.0.7
R=$RUN/rsa.out
ip netns exec "$NSB" env STRONGSWAN_CONF="$RUN/strongswan.conf" setsid charon-cmd --host 10.99.0.1 \
	--identity client.test --remote-identity gw-a.test --cert "$P/ca.pem" --cert "$P/client.pem" \
	--rsa "$P/client.key" --profile ikev2-pub --remote-ts 10.1.0.0/24 \
	--ike-proposal aes256gcm16-prfsha256-x25519 --esp-proposal aes128gcm16 \
	</dev/null >"$RUN/charon-cmd.stdout" 2>&1 &
CMD=$!
PIDS+=($CMD)
wait_for "$R" '^CHILD_UP' 1 || fail "no CHILD SA with charon-cmd: $(tail -3 "$RUN/charon-cmd.stdout")"
wait_for "$RUN/charon-cmd.log" 'installing new virtual IP 10.3.0.7' 1 5 || fail "charon-cmd has no virtual IP"
ok "charon-cmd got the virtual IP 10.3.0.7"
L=$(grep '^CHILD_UP' "$R" | tail -1)
[ "$(field "$L" vip)" = 10.3.0.7 ] || fail "CHILD SA without the virtual IP: $L"
check_frag_auth rsa "$RUN/charon-cmd.log" RSA_EMSA_PKCS1_SHA2_256 RSA_EMSA_PSS_SHA2_256
check_keys "$L" "$RUN/charon-cmd.log"
stop_pid "$CMD"
wait_for "$R" '^IKE_DOWN .*reason=2' 1 || fail "charon-cmd's delete not seen"
ok "charon-cmd deleted its IKE SA on exit"
echo quit >&9
exec 9>&-
echo "PASS: IKE certificate + fragmentation interop with strongSwan $(dpkg-query -W -f='${Version}' strongswan-charon 2>/dev/null):" \
	"$CHECKS checks, RSA PKCS#1/PSS, ECDSA P-256, Ed25519, chain, charon-cmd ikev2-pub, 500-byte fragments ($(elapsed))"
