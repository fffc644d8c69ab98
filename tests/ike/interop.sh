#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Interop of the IKEv2 library (host/ike, through build/bin/vrfsec-ike-peer) with strongSwan 5.9.8's
# charon in two fresh network namespaces: the library as RESPONDER to charon, then as INITIATOR to
# charon. For every CHILD SA the SPIs in `swanctl --list-sas` and the keys charon logs (chd = 4)
# must equal what the library derived; CHILD rekeys (one with PFS), IKE rekeys, DPD and deletes
# must work both ways. One summary line; exit 0 on PASS. KEEP_RUN=1 keeps the run directory.
set -u
D=$(cd "$(dirname "$0")" && pwd)
RUN=$(mktemp -d -t vrfsec-ike-interop.XXXXXX) || exit 1
NSA=ikeA-$$ NSB=ikeB-$$
PSK=interop-psk-0123456789
PEER_ARGS=(--psk "$PSK")
# shellcheck source=tests/ike/lib.sh
. "$D/lib.sh"

need_peer_and_charon
[ "$(id -u)" = 0 ] || fail "needs root (network namespaces)"

make_namespaces
mkdir -p "$RUN/x509" "$RUN/x509ca" "$RUN/private"
start_charon "$D/strongswan.conf.in" "$D/swanctl.conf"
grep -q 'could not create any sockets' "$RUN/charon.log" && fail "charon has no IKE sockets"
load_swanctl

# check_child LINE CHILD-NAME: SPIs and keys of one CHILD_UP line against charon's log and list-sas
check_child() {
	local in out init kin kout ch
	in=$(field "$1" spi_in); out=$(field "$1" spi_out); init=$(field "$1" initiator)
	kin=$(field "$1" key_in); kout=$(field "$1" key_out)
	[ ${#kin} -ge 40 ] && [ ${#kout} -ge 40 ] || fail "no keys in: $1"
	ch=$(charon_keys "$RUN/charon.log" | awk -v a="$out" -v b="$in" '$1 == a && $2 == b')
	[ -n "$ch" ] || fail "charon logged no CHILD SA with SPIs ${out}_i ${in}_o"
	set -- $ch
	if [ "$init" = 1 ]; then
		[ "$3" = "$kout" ] && [ "$4" = "$kin" ] || fail "keys differ for SPI $in (we initiated)"
	else
		[ "$3" = "$kin" ] && [ "$4" = "$kout" ] || fail "keys differ for SPI $in (charon initiated)"
	fi
	ok "keys of CHILD SA $in/$out equal charon's"
	sw --list-sas >"$RUN/sas.txt" 2>&1
	grep -qE "in +$out," "$RUN/sas.txt" && grep -qE "out +$in," "$RUN/sas.txt" ||
		fail "swanctl --list-sas does not show CHILD SA in $out out $in"
	grep -q "INSTALLED, TUNNEL-in-UDP" "$RUN/sas.txt" || fail "CHILD SA not INSTALLED in UDP"
	ok "list-sas shows SPIs $out/$in"
}

# ---- 1: charon initiates, the library responds ----------------------------------------------
start_peer resp 7 --id gw-a.test --peer-id gw-b.test --ike aes128gcm16-prfsha512-ecp256 \
	--ike aes256gcm16-prfsha256-x25519 --esp aes128gcm16 --esp aes256gcm16
R=$RUN/resp.out
sw --initiate --child net --ike to-dut >"$RUN/initiate.log" 2>&1 || fail "charon could not initiate to the library"
wait_for "$R" '^CHILD_UP' 1 || fail "no CHILD SA at the library (responder)"
grep -q '^IKE_UP .*peer=gw-b.test' "$R" || fail "IKE_UP with peer gw-b.test"
grep -q 'peer didn.t accept DH group CURVE_25519, it requested ECP_256' "$RUN/charon.log" ||
	fail "the library did not ask charon for ECP_256 (INVALID_KE_PAYLOAD)"
ok "INVALID_KE_PAYLOAD from the library"
L=$(grep '^CHILD_UP' "$R" | tail -1)
[ "$(field "$L" encap)" = 1 ] && [ "$(field "$L" remote_port)" = 4500 ] || fail "not floated to UDP 4500"
check_child "$L" net
sw --rekey --child net >/dev/null 2>&1 || fail "charon CHILD rekey"
wait_for "$R" '^CHILD_DOWN .*reason=3' 1 || fail "CHILD rekey by charon: old SA not replaced"
L2=$(grep '^CHILD_UP' "$R" | tail -1)
[ "$(field "$L2" rekeys)" = "$(field "$L" spi_in)" ] || fail "rekeyed CHILD SA does not name the old one"
check_child "$L2" net
sw --rekey --ike to-dut >/dev/null 2>&1 || fail "charon IKE rekey"
wait_for "$R" '^IKE_DOWN .*reason=3' 1 || fail "IKE rekey by charon"
grep -qE '^IKE_UP .*old=[0-9a-f]*[1-9a-f]' "$R" || fail "no rekeyed IKE SA"
ok "IKE SA rekeyed by charon"
sw --rekey --child net >/dev/null 2>&1 || fail "CHILD rekey over the rekeyed IKE SA"
wait_for "$R" '^CHILD_UP' 3 || fail "no CHILD SA after the IKE rekey"
check_child "$(grep '^CHILD_UP' "$R" | tail -1)" net
sw --terminate --ike to-dut >/dev/null 2>&1 || fail "charon terminate"
wait_for "$R" '^IKE_DOWN .*reason=2' 1 || fail "IKE delete by charon not seen"
grep -q '^CHILD_DOWN .*reason=2' "$R" || fail "CHILD SA not reported down on the delete"
ok "deleted by charon"
echo quit >&7
exec 7>&-

# ---- 2: the library initiates (guessing ECP-256: INVALID_KE_PAYLOAD to ECP-384), charon responds
start_peer init 8 --id dut-i.test --peer-id gw-b.test --ike aes128gcm16-prfsha384-ecp256 \
	--ike aes128gcm16-prfsha384-ecp384 --esp aes256gcm16-ecp384 --initiate 10.99.0.2
I=$RUN/init.out
wait_for "$I" '^CHILD_UP' 1 || fail "no CHILD SA with the library as initiator"
grep -q 'requesting ECP_384' "$RUN/charon.log" || fail "charon did not ask for ECP_384 (INVALID_KE_PAYLOAD)"
ok "INVALID_KE_PAYLOAD retry"
L=$(grep '^CHILD_UP' "$I" | tail -1)
check_child "$L" back
echo rekey-child >&8
wait_for "$I" '^CHILD_DOWN .*reason=3' 1 || fail "CHILD rekey (PFS) by the library"
check_child "$(grep '^CHILD_UP' "$I" | tail -1)" back
grep -q 'CHILD_SA back{[0-9]*} state change: INSTALLED => DELETING\|closing CHILD_SA back' "$RUN/charon.log" ||
	fail "charon did not delete the old CHILD SA"
echo rekey-ike >&8
wait_for "$I" '^IKE_DOWN .*reason=3' 1 || fail "IKE rekey by the library"
sw --list-sas --ike from-dut >"$RUN/sas.txt" 2>&1
[ "$(grep -c 'from-dut: #' "$RUN/sas.txt")" = 1 ] || fail "charon should hold exactly one IKE SA after the rekey"
NEW=$(grep '^IKE_UP' "$I" | tail -1 | sed 's/.* spi=\([0-9a-f]*\) .*/\1/')
grep -q "$NEW" "$RUN/sas.txt" || fail "charon's IKE SA does not carry our new SPI $NEW"
ok "IKE SA rekeyed by the library: charon shows SPI $NEW"
echo dpd >&8
sleep 0.3
grep -q '^CMD dpd rc=0' "$I" && ! grep -q '^IKE_DOWN .*reason=4' "$I" || fail "DPD"
ok "DPD answered"
echo rekey-child >&8
wait_for "$I" '^CHILD_DOWN .*reason=3' 2 || fail "CHILD rekey over the rekeyed IKE SA"
check_child "$(grep '^CHILD_UP' "$I" | tail -1)" back
echo delete >&8
wait_for "$I" '^IKE_DOWN .*reason=1' 1 || fail "delete by the library"
i=0
while sw --list-sas --ike from-dut 2>/dev/null | grep -q 'from-dut: #'; do
	i=$((i + 1)); [ $i -gt 40 ] && fail "charon still holds the IKE SA after our delete"; sleep 0.05
done
ok "deleted by the library"
echo quit >&8
exec 8>&-

# ---- 3: the library initiates with X25519 directly; charon deletes ---------------------------
start_peer init2 9 --id dut-i.test --peer-id gw-b.test --ike aes256gcm16-prfsha256-x25519 \
	--esp aes256gcm16 --initiate 10.99.0.2
I=$RUN/init2.out
wait_for "$I" '^CHILD_UP' 1 || fail "no CHILD SA with X25519"
check_child "$(grep '^CHILD_UP' "$I" | tail -1)" back
sw --terminate --ike from-dut >/dev/null 2>&1 || fail "charon terminate"
wait_for "$I" '^IKE_DOWN .*reason=2' 1 || fail "IKE delete by charon (library initiator)"
ok "X25519 initiator, deleted by charon"
echo quit >&9
exec 9>&-
echo "PASS: IKE interop with strongSwan $(dpkg-query -W -f='${Version}' strongswan-charon 2>/dev/null):" \
	"$CHECKS checks, library as responder and initiator, groups 19/20/31, keys and SPIs equal ($(elapsed))"
