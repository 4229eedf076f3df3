"""Tests for lifx_lan."""
