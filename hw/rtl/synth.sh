#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Synthesise each RTL module with Yosys for UltraScale+ (synth_xilinx -family xcup) and print one
# resource line per module and parameter set; fails on a Yosys error or an inferred latch.
# Usage: hw/rtl/synth.sh OUTDIR MODULE...   (modules from hw/rtl/*.v and hw/rtl/gen/*.v)
# Environment: SYNTH_JOBS (parallel Yosys runs, default: the CPU count), SYNTH_KEY_SLOTS (KEY_SLOTS
# of every module that has it, default 1024: the SA key memories are the card's largest RAMs and
# VRFSEC_MAX_SA = 262144 of them is a simulation size).
# A module with a DATA_WIDTH parameter runs twice, DATA_WIDTH=128 (LANES=1) and DATA_WIDTH=512
# (LANES=4, when it has LANES); every other module runs once at its defaults (width=128 lanes=1).
# -flatten: one netlist per module, so the statistics are the module's total and constants (e.g. the
# fixed full-round mode of AES rounds 1..9) propagate across module boundaries; the two tops keep
# their hierarchy (see --one below), their figures are the hierarchy totals.
# lut counts LUT1..LUT6 plus LUTs used as memory or shift registers (RAM32M/RAM64M/RAM128X1D/
# RAM256X1S: 4 each, RAM32M16/RAM64M8/RAM256X1D/RAM512X1S: 8, RAM32X1D/RAM64X1D/RAM128X1S: 2,
# RAM32X1S/RAM64X1S and SRL16E/SRLC32E: 1); bram counts 36 Kb blocks (a RAMB18E2 is half of one).
# At the end: run times and, for vrfsec_top, LUTs per 128-bit GCM lane against the 25,000 target.
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
key_slots=${SYNTH_KEY_SLOTS:-1024}
lane_target=25000

# One run (the script calls itself through xargs): OUTDIR MODULE WIDTH LANES
if [ "${1:-}" = "--one" ]; then
	out=$2 m=$3 w=$4 l=$5
	src=$(ls "$dir"/$m.v "$dir"/gen/$m.v 2>/dev/null | head -n 1)
	tag="$m.w$w.l$l"
	log="$out/$tag.log"
	stat="$out/$tag.stat"
	set --
	grep -q 'parameter[[:space:]]\+DATA_WIDTH\b' "$src" && set -- "$@" -set DATA_WIDTH "$w"
	grep -q 'parameter[[:space:]]\+LANES\b' "$src" && set -- "$@" -set LANES "$l"
	grep -q 'parameter[[:space:]]\+KEY_SLOTS\b' "$src" && set -- "$@" -set KEY_SLOTS "$key_slots"
	chparam=""
	[ $# -gt 0 ] && chparam="chparam $* $m;"
	srcs=$(ls "$dir"/*.v "$dir"/gen/*.v | tr '\n' ' ')
	# The tops keep their hierarchy: flattened, Yosys's SAT-based memory port sharing meets every
	# byte bank of every slot at once (512 memories at 512 bits) and runs for hours; kept, each
	# distinct module is synthesised once and the hierarchy totals count every instance.
	flat=-flatten
	case $m in vrfsec_top | vrfsec_pipeline) flat= ;; esac
	t0=$(date +%s)
	if ! yosys -q -l "$log" -p "read_verilog -I$dir -I$dir/gen $srcs; $chparam
		synth_xilinx $flat -family xcup -top $m; tee -o $stat stat -top $m" >/dev/null 2>&1; then
		echo "synth module=$m width=$w lanes=$l: yosys failed, see $log" >"$out/$tag.res"
		echo "$(($(date +%s) - t0)) fail" >"$out/$tag.time"
		exit 0
	fi
	echo "$(($(date +%s) - t0)) ok" >"$out/$tag.time"
	# proc_dlatch reports "Latch inferred for signal"; a latch that survives is a $dlatch /
	# $_DLATCH_ cell or an LDCE/LDPE primitive in the statistics.
	if grep -q -e '^Latch inferred' "$log" ||
		grep -q -i -e 'dlatch' -e 'LDCE' -e 'LDPE' "$stat"; then
		echo "synth module=$m width=$w lanes=$l: latch inferred, see $log" >"$out/$tag.res"
		exit 0
	fi
	# With kept hierarchy (gcm_clmul) only the "design hierarchy" totals count.
	awk -v m="$m" -v w="$w" -v l="$l" -v h="$(grep -c 'design hierarchy' "$stat" || true)" '
		/design hierarchy/ { in_h = 1 }
		h > 0 && !in_h { next }
		$1 ~ /^LUT[1-6]$/ { lut += $2 }
		$1 == "RAM32M" || $1 == "RAM64M" || $1 == "RAM128X1D" || $1 == "RAM256X1S" { lut += 4 * $2 }
		$1 == "RAM32M16" || $1 == "RAM64M8" || $1 == "RAM256X1D" || $1 == "RAM512X1S" { lut += 8 * $2 }
		$1 == "RAM32X1D" || $1 == "RAM64X1D" || $1 == "RAM128X1S" { lut += 2 * $2 }
		$1 == "RAM32X1S" || $1 == "RAM64X1S" || $1 ~ /^SRL(16E|C32E)$/ { lut += $2 }
		$1 ~ /^FD[RSCP]E$/ { ff += $2 }
		$1 == "RAMB36E2" { bram += $2 }
		$1 == "RAMB18E2" { bram += $2 / 2 }
		$1 == "URAM288" { uram += $2 }
		$1 ~ /^DSP48E2$/ { dsp += $2 }
		END { printf "synth module=%s width=%s lanes=%s lut=%d ff=%d bram=%g uram=%d dsp=%d\n",
			m, w, l, lut, ff, bram, uram, dsp }' "$stat" >"$out/$tag.res"
	exit 0
fi

out=$1
shift
mkdir -p "$out"
jobs=${SYNTH_JOBS:-$(nproc 2>/dev/null || echo 1)}
list="$out/runs.txt"
: >"$list"
for m in "$@"; do
	src=$(ls "$dir"/$m.v "$dir"/gen/$m.v 2>/dev/null | head -n 1)
	if [ -z "$src" ]; then
		echo "synth: no source for module $m" >&2
		exit 1
	fi
	if grep -q 'parameter[[:space:]]\+DATA_WIDTH\b' "$src"; then
		echo "$m 128 1" >>"$list"
		echo "$m 512 4" >>"$list"
	else
		echo "$m 128 1" >>"$list"
	fi
done
echo "# synth: yosys synth_xilinx -family xcup (-flatten but for vrfsec_top and vrfsec_pipeline)," \
	"KEY_SLOTS=$key_slots where a module has it"
t0=$(date +%s)
# Longest first (the flattened tops), so parallel runs finish together.
awk '{ print ($1 ~ /^vrfsec_(top|pipeline)$/ ? 0 : 1), $0 }' "$list" | sort -s -n -k1,1 |
	cut -d' ' -f2- | xargs -P "$jobs" -L 1 "$0" --one "$out"
status=0
while read -r m w l; do
	tag="$m.w$w.l$l"
	cat "$out/$tag.res"
	grep -q ' lut=' "$out/$tag.res" || status=1
done <"$list"
n=$(wc -l <"$list")
echo "synth summary: $n runs, $(($(date +%s) - t0)) s wall, $jobs parallel; per run (wall s, Yosys CPU s):"
while read -r m w l; do
	tag="$m.w$w.l$l"
	cpu=$(sed -n 's/.*CPU: user \([0-9.]*\)s.*/\1/p' "$out/$tag.log" | tail -n 1)
	echo "synth time module=$m width=$w lanes=$l seconds=$(cut -d' ' -f1 "$out/$tag.time")" \
		"cpu=${cpu:-?}"
done <"$list"
while read -r m w l; do
	[ "$m" = vrfsec_top ] || continue
	lut=$(sed -n 's/.* lut=\([0-9]*\) .*/\1/p' "$out/$m.w$w.l$l.res")
	[ -n "$lut" ] || continue
	per=$((lut / l))
	verdict=ok
	[ "$per" -le "$lane_target" ] || verdict=over
	echo "synth lanes module=$m width=$w lanes=$l lut_per_lane=$per target=$lane_target: $verdict"
done <"$list"
[ "$status" -eq 0 ] || echo "synth: FAILED (a run failed or inferred a latch; see $out/*.log)"
exit $status
