# IKEv2 library (host/ike): its cmocka tests run in the unit steps (build/tests/test_ike_*); here the
# interop with real strongSwan charon in network namespaces, the library as responder and initiator.
step "ike: interop with strongSwan (netns)" tests/ike/interop.sh
