# vrfsec-ikeload (tests/ikeload): a few hundred IKE setups against charon, the library responder
# and vrfsecd through the simulated card; correctness only (the timing is make bench-ike's).
step "ikeload: IKE setup load smoke (netns)" tests/ikeload/bench_ike.sh --smoke
