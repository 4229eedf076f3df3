"""Emulated LIFX devices (lifx-emulator-core in its own venv) for tests, bench and develop."""
