# The cosimulation, short form (mk/rtl-sim.mk): the Verilated pipeline at both parameter sets
# (128/1, 512/4) against the C model on every data-path vector case (a sample of each case's bit
# flips and truncations) and 1,000 random packets per stream. Building the two models is its own
# step: Verilating them takes longer than the run.
step "rtl: Verilated models and vrfsec-cosim" make --no-print-directory -j"$JOBS" cosim-build
step "rtl: cosimulation, short (128/1 and 512/4)" make --no-print-directory cosim-short
