"""Tests of the embedded LIFX client, over real UDP on loopback; no Home Assistant needed."""
