"""A small CLI for people debugging their LIFX network: discover, state, power, color."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Sequence
import json
import socket
import sys
from typing import Final, NoReturn, override

from .client import DeviceAddress, LifxClient, RetrySchedule
from .color import hue_to_degrees, level_to_fraction, make_hsbk
from .connection import decode_label
from .device import LifxDevice
from .discovery import DiscoveredDevice, discover, probe
from .exceptions import LifxError
from .header import serial_to_target
from .messages import DeviceGetLabel, DeviceGetVersion
from .transport import LIFX_PORT

# Long enough for the slowest network anyone debugs by hand; a larger value is a typo, and
# an infinite or NaN one would make the command wait forever.
MAX_TIMEOUT: Final = 3600.0
# Fades travel as u32 milliseconds, so whole seconds up to this fit (about 49 days).
MAX_DURATION: Final = 4294967.0
# The colour temperatures LIFX products accept between them.
MIN_KELVIN: Final = 1500
MAX_KELVIN: Final = 9000


class CliError(Exception):
    """A problem to report in one line, with a non-zero exit."""


class OneLineArgumentParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr, with exit status 2."""

    @override
    def error(self, message: str) -> NoReturn:
        # argparse would print the whole usage first; the one line names the option and
        # what it accepts, and --help has the rest.
        self.exit(2, f"error: {message}\n")


def float_option(
    low: float, high: float, allowed: str, *, low_exclusive: bool = False
) -> Callable[[str], float]:
    """An argparse type: a number from `low` to `high`, described as `allowed` if not."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        # NaN fails every comparison and an infinity fails one of these, so only finite
        # numbers in range get through.
        above_low = value > low if low_exclusive else value >= low
        if not (above_low and value <= high):
            raise argparse.ArgumentTypeError(f"must be {allowed}, not {text!r}")
        return value

    return parse


def int_option(low: int, high: int, allowed: str) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high`, described as `allowed` if not."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {allowed}, not {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be {allowed}, not {text!r}")
        return value

    return parse


port_number = int_option(1, 0xFFFF, "a port from 1 to 65535")
timeout_seconds = float_option(
    0, MAX_TIMEOUT, f"more than 0 and at most {MAX_TIMEOUT:.0f} seconds", low_exclusive=True
)
duration_seconds = float_option(0, MAX_DURATION, f"from 0 to {MAX_DURATION:.0f} seconds")


def host_text(text: str) -> str:
    """An argparse type: a host name or IPv4 address, resolved later."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must be an address or host name, not empty")
    return text


def parse_target(text: str) -> tuple[str, int]:
    """'host' or 'host:port' (an argparse type; the host is resolved later)."""
    host, sep, port = text.rpartition(":")
    if not sep:
        host, port = text, str(LIFX_PORT)
    if ":" in host:
        raise argparse.ArgumentTypeError(
            f"must be host or host:port (LIFX devices speak IPv4 only), not {text!r}"
        )
    if not host.strip():
        raise argparse.ArgumentTypeError(f"must be host or host:port, not {text!r}")
    try:
        number = port_number(port)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"must be host or host:port with a port from 1 to 65535, not {text!r}"
        ) from None
    return host, number


def serial_text(text: str) -> str:
    """An argparse type: a device serial, 12 hex digits (colons or dashes allowed)."""
    try:
        serial_to_target(text)
    except LifxError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    return text


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = OneLineArgumentParser(
        prog="python -m custom_components.lifx_lan.protocol",
        description="Talk to LIFX devices on the local network.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    found = commands.add_parser("discover", help="find devices by broadcast")
    found.add_argument(
        "--broadcast",
        action="append",
        type=host_text,
        metavar="ADDR",
        help="broadcast address or host name (repeatable)",
    )
    found.add_argument("--port", type=port_number, default=LIFX_PORT, help="1-65535")
    found.add_argument("--timeout", type=timeout_seconds, default=3.0, help="seconds, up to 3600")
    found.add_argument("--json", action="store_true")

    def targeted(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("target", metavar="TARGET", type=parse_target, help="host or host:port")
        sub.add_argument(
            "--serial", type=serial_text, help="the device's serial, when several share TARGET"
        )
        sub.add_argument("--timeout", type=timeout_seconds, default=5.0, help="seconds, up to 3600")
        return sub

    state = targeted("state", "show a device's state")
    state.add_argument("--json", action="store_true")

    power = targeted("power", "switch a device on or off")
    power.add_argument("power", choices=["on", "off"])
    power.add_argument("--duration", type=duration_seconds, default=0.0, help="fade, in seconds")

    color = targeted("color", "change a light's colour")
    color.add_argument("--hue", type=float_option(0, 360, "degrees from 0 to 360"), help="0-360")
    color.add_argument("--saturation", type=float_option(0, 1, "from 0 to 1"), help="0-1")
    color.add_argument("--brightness", type=float_option(0, 1, "from 0 to 1"), help="0-1")
    color.add_argument(
        "--kelvin",
        type=int_option(MIN_KELVIN, MAX_KELVIN, f"kelvin from {MIN_KELVIN} to {MAX_KELVIN}"),
        help=f"{MIN_KELVIN}-{MAX_KELVIN}",
    )
    color.add_argument("--duration", type=duration_seconds, default=0.0, help="fade, in seconds")
    return parser


async def resolve_host(host: str, what: str) -> str:
    """The IPv4 address of a host name or address, in the canonical form replies come from.

    The client matches a reply by the address it came from, so a name (or a short form
    such as 127.1) would never be answered if it were sent to as typed.
    """
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, None, family=socket.AF_INET, type=socket.SOCK_DGRAM)
    except (OSError, UnicodeError) as err:
        # UnicodeError: a name IDNA cannot encode, such as one with an empty label.
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise CliError(f"cannot resolve {what} {host!r}: {reason}") from err
    return str(infos[0][4][0])


async def resolve(client: LifxClient, args: argparse.Namespace) -> LifxDevice:
    """Turn TARGET (and --serial) into a device."""
    name, port = args.target
    host = await resolve_host(name, "TARGET")
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


async def describe(
    client: LifxClient, device: DiscoveredDevice, timeout: float
) -> dict[str, object]:
    """Product id and label of a discovered device (None where it did not answer)."""
    address = device.address
    result: dict[str, object] = {
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
            broadcasts = [await resolve_host(name, "--broadcast") for name in args.broadcast or []]
            devices = await discover(
                client, broadcast_addresses=broadcasts or None, port=args.port, timeout=args.timeout
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
    """Entry point: exit 0 on success, 2 on a usage error, 1 on any other; errors are one line."""
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
