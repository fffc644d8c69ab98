# The far PE the interop tests stand on (tests/farpe): label pop/push between core and customers.
step "far PE: labels to customer namespaces" tests/farpe/farpe_test.sh
