"""Tests of the Home Assistant integration, against fake LIFX devices over real UDP."""
