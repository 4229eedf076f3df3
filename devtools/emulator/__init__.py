"""Emulated LIFX devices (lifx-emulator-core in its own venv) for the lifx_lan tests."""
