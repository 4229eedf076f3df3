"""Developer tools for lifx_lan, run through scripts/: never shipped, never importing tests."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The repository's root."""
