"""End-to-end tests: real Home Assistant, emulated devices, headless Chromium."""
