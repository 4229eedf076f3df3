"""A small CLI for people debugging their LIFX network: discover, state, power, color."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
import json
import sys
from typing import Any

from .client import DeviceAddress, LifxClient, RetrySchedule
from .color import hue_to_degrees, level_to_fraction, make_hsbk
from .device import LifxDevice, decode_label
from .discovery import DiscoveredDevice, discover, probe
from .exceptions import LifxError
from .messages import DeviceGetLabel, DeviceGetVersion
from .transport import LIFX_PORT


class CliError(Exception):
    """A problem to report in one line, with a non-zero exit."""


def parse_target(text: str) -> tuple[str, int]:
    """'host' or 'host:port'."""
    host, sep, port = text.rpartition(":")
    if not sep:
        return text, LIFX_PORT
    try:
        number = int(port)
    except ValueError as err:
        raise CliError(f"bad port in {text!r}") from err
    if not 0 < number <= 0xFFFF:
        raise CliError(f"bad port in {text!r}")
    return host, number


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m custom_components.lifx_lan.protocol",
        description="Talk to LIFX devices on the local network.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    found = commands.add_parser("discover", help="find devices by broadcast")
    found.add_argument("--broadcast", action="append", metavar="ADDR", help="broadcast address")
    found.add_argument("--port", type=int, default=LIFX_PORT)
    found.add_argument("--timeout", type=float, default=3.0)
    found.add_argument("--json", action="store_true")

    def targeted(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("target", metavar="TARGET", help="host or host:port")
        sub.add_argument("--serial", help="the device's serial, when several share TARGET")
        sub.add_argument("--timeout", type=float, default=5.0)
        return sub

    state = targeted("state", "show a device's state")
    state.add_argument("--json", action="store_true")

    power = targeted("power", "switch a device on or off")
    power.add_argument("power", choices=["on", "off"])
    power.add_argument("--duration", type=float, default=0.0, help="fade, in seconds")

    color = targeted("color", "change a light's colour")
    color.add_argument("--hue", type=float, help="degrees 0-360")
    color.add_argument("--saturation", type=float, help="0-1")
    color.add_argument("--brightness", type=float, help="0-1")
    color.add_argument("--kelvin", type=int)
    color.add_argument("--duration", type=float, default=0.0, help="fade, in seconds")
    return parser


async def resolve(client: LifxClient, args: argparse.Namespace) -> LifxDevice:
    """Turn TARGET (and --serial) into a device."""
    host, port = parse_target(args.target)
    if args.serial:
        try:
            address = DeviceAddress(args.serial, host, port)
        except LifxError as err:
            raise CliError(str(err)) from err
        return LifxDevice(client, address)
    answering = await probe(client, host, port, timeout=args.timeout)
    if not answering:
        raise CliError(f"no LIFX device answered at {host}:{port} within {args.timeout:g} s")
    if len(answering) > 1:
        serials = ", ".join(d.serial for d in answering)
        raise CliError(
            f"several devices answer at {host}:{port} ({serials}): pick one with --serial"
        )
    return LifxDevice(client, answering[0].address)


async def describe(client: LifxClient, device: DiscoveredDevice, timeout: float) -> dict[str, Any]:
    """Product id and label of a discovered device (None where it did not answer)."""
    address = device.address
    result: dict[str, Any] = {
        "serial": device.serial,
        "host": device.host,
        "port": device.port,
        "product_id": None,
        "label": None,
    }
    try:
        version = await client.request(address, DeviceGetVersion(), timeout=timeout)
        result["product_id"] = version.product
        label = await client.request(address, DeviceGetLabel(), timeout=timeout)
        result["label"] = decode_label(label.label)
    except LifxError:
        pass
    return result


async def run(args: argparse.Namespace) -> int:
    """Carry out one command."""
    async with LifxClient(schedule=RetrySchedule(deadline=args.timeout)) as client:
        if args.command == "discover":
            devices = await discover(
                client, broadcast_addresses=args.broadcast, port=args.port, timeout=args.timeout
            )
            rows = await asyncio.gather(
                *(describe(client, d, max(args.timeout, 1.0)) for d in devices)
            )
            if args.json:
                print(json.dumps(rows))
            else:
                for row in rows:
                    print(
                        f"{row['serial']}  {row['host']}:{row['port']}  "
                        f"product {row['product_id']}  {row['label']!r}"
                    )
                print(f"{len(rows)} device(s) found")
            return 0

        device = await resolve(client, args)
        if args.command == "state":
            identity = await device.identify()
            status = await device.get_light_state()
            result = {
                "serial": device.serial,
                "power": status.power,
                "hue": round(hue_to_degrees(status.color.hue), 2),
                "saturation": round(level_to_fraction(status.color.saturation), 4),
                "brightness": round(level_to_fraction(status.color.brightness), 4),
                "kelvin": status.color.kelvin,
                "label": status.label,
                "product_id": identity.product.product_id,
                "product_name": identity.product.name,
                "firmware": identity.firmware_version,
            }
            if args.json:
                print(json.dumps(result))
            else:
                for key, value in result.items():
                    print(f"{key}: {value}")
            return 0
        if args.command == "power":
            await device.identify()
            await device.set_power(args.power == "on", args.duration)
            return 0
        # color: fields not given keep their current value.
        current = (await device.get_light_state()).color
        color = make_hsbk(
            hue=args.hue if args.hue is not None else hue_to_degrees(current.hue),
            saturation=args.saturation
            if args.saturation is not None
            else level_to_fraction(current.saturation),
            brightness=args.brightness
            if args.brightness is not None
            else level_to_fraction(current.brightness),
            kelvin=args.kelvin if args.kelvin is not None else current.kelvin,
        )
        await device.set_color(color, args.duration)
        return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: exit 0 on success, 1 with a one-line error otherwise."""
    args = build_parser().parse_args(argv)
    try:
        return asyncio.run(run(args))
    except (LifxError, CliError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
