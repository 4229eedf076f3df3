"""Developer tools for lifx_lan, run through scripts/: never shipped, never importing tests."""
