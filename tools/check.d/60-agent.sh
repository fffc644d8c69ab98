# vrfsecd (host/agent): the simulated card, the agent, the CLI and scapy end to end (tests/agent).
step "agent: vrfsecd + vrfsec-sim + CLI, traffic" tests/agent/agent_test.sh
