"""The benchmark behind scripts/bench: orchestrator, client workers, fake receiver, HA case."""
