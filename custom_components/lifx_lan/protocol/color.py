"""Conversions between the wire's 16-bit HSBK and human units (degrees, fractions)."""

from __future__ import annotations

from .messages import LightHsbk

MAX_U16 = 65535


def hue_to_degrees(raw: int) -> float:
    """0..65535 -> 0..360 degrees."""
    return raw * 360 / 65536


def degrees_to_hue(degrees: float) -> int:
    """Degrees (any value; wraps) -> 0..65535."""
    return round((degrees % 360) * 65536 / 360) & 0xFFFF


def fraction_to_level(fraction: float) -> int:
    """0..1 -> 0..65535, clamped."""
    return max(0, min(MAX_U16, round(fraction * MAX_U16)))


def level_to_fraction(level: int) -> float:
    """0..65535 -> 0..1."""
    return level / MAX_U16


def make_hsbk(
    *, hue: float = 0.0, saturation: float = 0.0, brightness: float = 1.0, kelvin: int = 3500
) -> LightHsbk:
    """A wire colour from degrees, fractions and kelvin."""
    return LightHsbk(
        hue=degrees_to_hue(hue),
        saturation=fraction_to_level(saturation),
        brightness=fraction_to_level(brightness),
        kelvin=max(0, min(MAX_U16, int(kelvin))),
    )
