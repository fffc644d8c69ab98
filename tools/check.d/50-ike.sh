# IKEv2 library (host/ike): its cmocka tests run in the unit steps (build/tests/test_ike_*); here its
# symbol hygiene (only ike_* global symbols, also under ASan) and the
# interop with real strongSwan charon in network namespaces, the library as responder and initiator.
step "ike: global symbols all ike_*" sh -c 'tests/ike/symcheck.sh build/lib/libvrfsec_ike.a && tests/ike/symcheck.sh build-san/lib/libvrfsec_ike.a'
step "ike: interop with strongSwan (netns)" tests/ike/interop.sh
# certificates (RSA PKCS#1 / PSS, ECDSA, Ed25519, a chain) and RFC 7383 fragments: charon and
# charon-cmd --profile ikev2-pub against the library as responder
step "ike: certificates + fragmentation interop (netns)" tests/ike/interop_cert.sh
