#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Self-test of tools/hls_check.py: every bad/ file is rejected for its rule, good/ passes.
#
# Each bad/*.c names its rule in its purpose line: "expected rule: R" (optionally
# "; also rejected: R2" when a second rule necessarily fires too). A bad file passes the
# test when the checker exits 1, reports R, and reports no rule outside that list.
# When a C compiler is present, every file must also be valid C11 (good/ with -Wvla -Werror),
# so the checker, not the compiler, is what rejects the bad files.

root=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
cd "$root" || exit 2
check="python3 tools/hls_check.py"
dir=tests/hls_check
out=$(mktemp) || exit 2
trap 'rm -f "$out"' EXIT INT TERM
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

cc=${CC:-cc}
command -v "$cc" >/dev/null 2>&1 || cc=

for f in "$dir"/bad/*.c; do
	want=$(sed -n 's/.*expected rule: \([a-z-]*\).*/\1/p' "$f" | head -n 1)
	also=$(sed -n 's/.*also rejected: \([a-z-]*\).*/\1/p' "$f" | head -n 1)
	if [ -z "$want" ]; then
		bad "$f: no 'expected rule:' in the file"
		continue
	fi
	$check "$f" >"$out" 2>&1
	rc=$?
	rules=$(sed -n 's/^[^:]*:[0-9]*: \([a-z-]*\): .*/\1/p' "$out" | sort -u)
	stray=$(printf '%s\n' "$rules" | grep -v -x -e "$want" -e "${also:-$want}" -e '' | tr '\n' ' ')
	if [ "$rc" -ne 1 ]; then
		bad "$f: exit status $rc, want 1"; cat "$out"
	elif ! grep -q "^$f:[0-9]*: $want: " "$out"; then
		bad "$f: no '$want' violation reported"; cat "$out"
	elif [ -n "$stray" ]; then
		bad "$f: unexpected rule(s): $stray"; cat "$out"
	else
		ok
	fi
	if [ -n "$cc" ]; then
		if "$cc" -std=c11 -fsyntax-only -Wno-unknown-pragmas "$f" >"$out" 2>&1; then
			ok
		else
			bad "$f: not valid C11"; cat "$out"
		fi
	fi
done

# The good files pass, one waiver is used, and the summary says so.
$check "$dir/good" >"$out" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && grep -q -x 'hls_check: 3 files, 0 violations, 1 waivers used' "$out"; then
	ok
else
	bad "$dir/good: exit status $rc, want 0 and '3 files, 0 violations, 1 waivers used'"
	cat "$out"
fi
if [ -n "$cc" ]; then
	for f in "$dir"/good/*.c; do
		if "$cc" -std=c11 -Wall -Wextra -Werror -Wvla -Wshadow -Wstrict-prototypes \
			-Wmissing-prototypes -Wno-unknown-pragmas -fsyntax-only "$f" >"$out" 2>&1; then
			ok
		else
			bad "$f: does not compile cleanly"; cat "$out"
		fi
	done
fi

# A directory of bad files fails as a whole; a missing path is a usage error.
$check "$dir/bad" >/dev/null 2>&1
rc=$?
if [ "$rc" -eq 1 ]; then ok; else bad "$dir/bad as a directory: exit status $rc, want 1"; fi
$check "$dir/no-such-dir" >/dev/null 2>&1
rc=$?
if [ "$rc" -eq 2 ]; then ok; else bad "missing path: exit status $rc, want 2"; fi

echo "hls_check self-test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
