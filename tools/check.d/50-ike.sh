# IKEv2 library (host/ike): its cmocka tests run in the unit steps (build/tests/test_ike_*); here the
# interop with real strongSwan charon in network namespaces, the library as responder and initiator.
step "ike: interop with strongSwan (netns)" tests/ike/interop.sh
# certificates (RSA PKCS#1 / PSS, ECDSA, Ed25519, a chain) and RFC 7383 fragments: charon and
# charon-cmd --profile ikev2-pub against the library as responder
step "ike: certificates + fragmentation interop (netns)" tests/ike/interop_cert.sh
