#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# make check: every test step in order; one line per step and the summary `N passed, N failed`.
set -u
cd "$(dirname "$0")/.."
pass=0
fail=0
failed=""
LOG=build/check-logs
JOBS=${JOBS:-2}
DIFF_PACKETS=${DIFF_PACKETS:-100000}

step() {
	name=$1
	shift
	mkdir -p "$LOG"
	log="$LOG/$(echo "$name" | tr ' /' '__').log"
	t0=$(date +%s)
	if "$@" >"$log" 2>&1; then
		pass=$((pass + 1))
		printf 'ok   %-44s %3ss  %s\n' "$name" "$(($(date +%s) - t0))" "$(tail -n 1 "$log")"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		printf 'FAIL %-44s %3ss  (log: %s)\n' "$name" "$(($(date +%s) - t0))" "$log"
		tail -n 15 "$log" | sed 's/^/     | /'
	fi
}

units() {
	dir=$1
	shift
	rc=0
	n=0
	bad=0
	for t in "$dir"/tests/test_*; do
		[ -x "$t" ] || continue
		echo "== $t"
		n=$((n + 1))
		"$@" "$t" || { rc=1; bad=$((bad + 1)); }
	done
	echo "$n test programs, $bad failed"
	return $rc
}

# make install into a scratch root, then build the driver example the way a user would.
example_build() {
	root=$(pwd)/build/install-test
	rm -rf "$root"
	make --no-print-directory install DESTDIR="$root" PREFIX=/usr >/dev/null &&
		PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_LIBDIR="$root/usr/lib/pkgconfig" \
			sh -c 'cc -Wall -Wextra -Werror -o build/hello_card driver/examples/hello_card.c \
			$(pkg-config --cflags --libs --static vrfsec)' &&
		build/hello_card pci:auto 2>&1 | grep -q "no vrfsec card" &&
		echo "installed to $root; hello_card built with pkg-config, pci:auto says no card"
}

under_valgrind() {
	valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect "$@"
}

mkdir -p build
step "build (-Wall -Wextra -Werror)" make --no-print-directory -j"$JOBS" all
step "card ABI: generated files up to date" python3 tools/abigen.py --check
step "rtl: card-memory layout up to date" make --no-print-directory layout-check
step "firmware rv32 build (64 KiB text budget)" make --no-print-directory firmware-rv32
step "rtl: verilator lint -Wall" make --no-print-directory rtl-lint
step "rtl: module testbenches vs the C kernels" make --no-print-directory rtl-test
step "hls rules: hw/hls" python3 tools/hls_check.py hw/hls
step "hls rules: checker self-test" sh tests/hls_check/run.sh
step "unit tests" units build
step "card: driver + firmware + vrfsec-sim" build/bin/vrfsec-cardtest
step "driver installs; example builds with pkg-config" example_build
step "vectors (both engines)" build/bin/vrfsec-vectors tests/vectors/data/*.txt
if [ -x build/bin/vrfsec-diff ]; then
	step "differential cmodel vs cpu ($DIFF_PACKETS pkts)" build/bin/vrfsec-diff --packets "$DIFF_PACKETS"
fi
step "build with ASan+UBSan" make --no-print-directory -j"$JOBS" BUILD=build-san SAN=1 all
step "unit tests (ASan+UBSan)" units build-san
step "vectors (ASan+UBSan)" build-san/bin/vrfsec-vectors tests/vectors/data/*.txt
if [ -x build-san/bin/vrfsec-diff ]; then
	step "differential (ASan+UBSan, 20000 pkts)" build-san/bin/vrfsec-diff --packets 20000
fi
step "unit tests under valgrind" units build under_valgrind
step "vectors under valgrind" under_valgrind build/bin/vrfsec-vectors tests/vectors/data/esp_gcm.txt tests/vectors/data/gcm.txt
if [ -x build/bin/vrfsec-diff ]; then
	step "differential under valgrind (2000 pkts)" under_valgrind build/bin/vrfsec-diff --packets 2000
fi
step "data-path demo: pcaps decoded by tshark" env OUT=build/check-demo tools/demo-datapath.sh
if [ -x build/bin/vrfsec-bench ]; then
	step "benchmark smoke run (no timing verdict)" build/bin/vrfsec-bench --smoke
	step "ring benchmark smoke run (no timing verdict)" build/bin/vrfsec-bench ring --smoke
fi

# Further steps kept beside their parts (tools/check.d/*.sh, sourced in name order; they call step).
for f in tools/check.d/*.sh; do
	[ -f "$f" ] && . "$f"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
