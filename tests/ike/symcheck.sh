#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Symbol hygiene of the IKE library: every global symbol defined in the archive starts with ike_,
# so it links beside the agent (and any other code) without collisions. Usage: symcheck.sh ARCHIVE
set -eu
lib=${1:-build/lib/libvrfsec_ike.a}
[ -f "$lib" ] || { echo "symcheck: no $lib (build it first)"; exit 1; }
# nm -P: "name type value size" per symbol, "archive[member]:" per object
all=$(nm -g --defined-only -P "$lib" | awk 'NF >= 2 && $1 !~ /:$/ { print $1 }' | sort -u)
# ASan's one-definition-rule markers (__odr_asan.<symbol>) name a symbol checked on its own
bad=$(printf '%s\n' "$all" | grep -v -e '^ike_' -e '^__odr_asan\.ike_' || true)
n=$(printf '%s\n' "$all" | grep -c . || true)
if [ -n "$bad" ]; then
	echo "symcheck: global symbols of $lib without the ike_ prefix (make them static or rename):"
	printf '%s\n' "$bad" | sed 's/^/  /'
	exit 1
fi
echo "symcheck: $n global symbols in $lib, all ike_*"
