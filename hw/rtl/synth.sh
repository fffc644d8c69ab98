#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Synthesise each RTL module with Yosys for UltraScale+ (synth_xilinx -family xcup) and print one
# resource line per module; fails on a Yosys error or an inferred latch.
# Usage: hw/rtl/synth.sh OUTDIR MODULE...
# -flatten: one netlist per module, so the statistics are the module's total and constants (e.g. the
# fixed full-round mode of AES rounds 1..9) propagate across module boundaries.
# lut counts LUT1..LUT6 plus LUTs used as memory or shift registers (RAM32M/RAM64M: 4 each,
# RAM32X1D/RAM64X1D: 2, RAM128X1D: 4, other LUTRAM and SRL16E/SRLC32E: 1); bram counts 36 Kb
# blocks (a RAMB18E2 is half of one).
set -eu
out=$1
shift
mkdir -p "$out"
dir=$(dirname "$0")
srcs=$(ls "$dir"/*.v | tr '\n' ' ')
status=0
for m in "$@"; do
	log="$out/$m.log"
	if ! yosys -q -l "$log" -p "read_verilog $srcs; synth_xilinx -flatten -family xcup -top $m; tee -o $out/$m.stat stat" \
		>/dev/null 2>&1; then
		echo "synth module=$m: yosys failed, see $log"
		status=1
		continue
	fi
	# proc_dlatch reports "Latch inferred for signal"; a latch that survives is a $dlatch /
	# $_DLATCH_ cell or an LDCE/LDPE primitive in the statistics.
	if grep -q -e '^Latch inferred' "$log" ||
		grep -q -i -e 'dlatch' -e 'LDCE' -e 'LDPE' "$out/$m.stat"; then
		echo "synth module=$m: latch inferred, see $log"
		status=1
	fi
	# With kept hierarchy (gcm_clmul) only the "design hierarchy" totals count.
	awk -v m="$m" -v h="$(grep -c 'design hierarchy' "$out/$m.stat" || true)" '
		/design hierarchy/ { in_h = 1 }
		h > 0 && !in_h { next }
		$1 ~ /^LUT[1-6]$/ { lut += $2 }
		$1 == "RAM32M" || $1 == "RAM64M" || $1 == "RAM128X1D" || $1 == "RAM32M16" { lut += 4 * $2 }
		$1 == "RAM32X1D" || $1 == "RAM64X1D" { lut += 2 * $2 }
		$1 ~ /^RAM(32|64|128|256)X1S$/ || $1 ~ /^SRL(16E|C32E)$/ { lut += $2 }
		$1 ~ /^FD[RSCP]E$/ { ff += $2 }
		$1 == "RAMB36E2" { bram += $2 }
		$1 == "RAMB18E2" { bram += $2 / 2 }
		$1 == "URAM288" { uram += $2 }
		$1 ~ /^DSP48E2$/ { dsp += $2 }
		END { printf "synth module=%s width=128 lanes=1 lut=%d ff=%d bram=%g uram=%d dsp=%d\n",
			m, lut, ff, bram, uram, dsp }' "$out/$m.stat"
done
exit $status
