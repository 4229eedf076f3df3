"""Helpers of scripts/bench: the client workers, the fake receiver and the Home Assistant case."""
