# vrfsec-farpe: the far PE of the interop tests (pops the card's labels into customer TAPs).
PROGS += vrfsec-farpe:tests/farpe
