# vrfsecd with real peers (tests/interop): strongSwan clients in namespaces, the simulated card, the
# far PE; remote access, two VRFs with the same addresses, NAT-T, rekeys under a ping flood, DPD,
# site to site with a LAN behind a charon gateway, a NAT mapping that moves mid-ping, remote access
# with certificates (charon-cmd ikev2-pub), site to site with certificates and with vrfsecd as the
# initiator (about 60 s).
step "interop: vrfsecd + strongSwan clients (netns)" tests/interop/interop.sh
