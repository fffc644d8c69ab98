#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian 12 packages vrfsec builds and tests with; quick when nothing is missing.
set -eu
PKGS="gcc make pkg-config libc6-dev libssl-dev openssl libipsec-mb-dev libcmocka-dev libpcap-dev \
tshark python3 python3-scapy python3-cryptography valgrind libpci-dev pciutils libxdp-dev libbpf-dev \
libelf-dev zlib1g-dev gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf verilator yosys g++ \
libconfig-dev libjansson-dev \
strongswan-charon strongswan-swanctl libstrongswan-standard-plugins libstrongswan-extra-plugins \
libcharon-extra-plugins iputils-ping tcpdump nftables strongswan-pki charon-cmd conntrack"
missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = "installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages:$missing (run 'make deps' as root)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
