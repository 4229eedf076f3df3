"""Generate protocol/messages.py from LIFX's protocol.yml: one typed, frozen class per packet."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
import re
import subprocess
import sys
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent  # devtools/ sits at the repository root
PROTOCOL_DIR = ROOT / "custom_components" / "lifx_lan" / "protocol"
SPEC = PROTOCOL_DIR / "protocol.yml"
OUTPUT = PROTOCOL_DIR / "messages.py"

SCALARS: dict[str, tuple[str, str]] = {
    "uint8": ("B", "int"),
    "uint16": ("H", "int"),
    "uint32": ("I", "int"),
    "uint64": ("Q", "int"),
    "int16": ("h", "int"),
    "float32": ("f", "float"),
    "bool": ("?", "bool"),
}

# The spec names packets but not which State answers which Get or Set; these are LIFX's
# documented pairings. A Set's State reply is only used with res_required, which firmware
# answers with the state from before the change, so Sets are normally sent with ack_required.
REPLIES: dict[str, str] = {
    "DeviceGetService": "DeviceStateService",
    "DeviceGetHostFirmware": "DeviceStateHostFirmware",
    "DeviceGetWifiInfo": "DeviceStateWifiInfo",
    "DeviceGetWifiFirmware": "DeviceStateWifiFirmware",
    "DeviceGetPower": "DeviceStatePower",
    "DeviceSetPower": "DeviceStatePower",
    "DeviceGetLabel": "DeviceStateLabel",
    "DeviceSetLabel": "DeviceStateLabel",
    "DeviceGetVersion": "DeviceStateVersion",
    "DeviceGetInfo": "DeviceStateInfo",
    "DeviceGetLocation": "DeviceStateLocation",
    "DeviceSetLocation": "DeviceStateLocation",
    "DeviceGetGroup": "DeviceStateGroup",
    "DeviceSetGroup": "DeviceStateGroup",
    "DeviceEchoRequest": "DeviceEchoResponse",
    "LightGet": "LightState",
    "LightSetColor": "LightState",
    "LightSetWaveform": "LightState",
    "LightSetWaveformOptional": "LightState",
    "LightGetPower": "LightStatePower",
    "LightSetPower": "LightStatePower",
    "LightGetInfrared": "LightStateInfrared",
    "LightSetInfrared": "LightStateInfrared",
    "LightGetHevCycle": "LightStateHevCycle",
    "LightSetHevCycle": "LightStateHevCycle",
    "LightGetHevCycleConfiguration": "LightStateHevCycleConfiguration",
    "LightSetHevCycleConfiguration": "LightStateHevCycleConfiguration",
    "LightGetLastHevCycleResult": "LightStateLastHevCycleResult",
    "MultiZoneGetColorZones": "MultiZoneStateMultiZone",
    "MultiZoneSetColorZones": "MultiZoneStateMultiZone",
    "MultiZoneGetEffect": "MultiZoneStateEffect",
    "MultiZoneSetEffect": "MultiZoneStateEffect",
    "MultiZoneExtendedGetColorZones": "MultiZoneExtendedStateMultiZone",
    "MultiZoneExtendedSetColorZones": "MultiZoneExtendedStateMultiZone",
    "RelayGetPower": "RelayStatePower",
    "RelaySetPower": "RelayStatePower",
    "TileGetDeviceChain": "TileStateDeviceChain",
    "TileGet64": "TileState64",
    "TileGetEffect": "TileStateEffect",
    "TileSetEffect": "TileStateEffect",
    "ButtonGet": "ButtonState",
    "ButtonSet": "ButtonState",
    "ButtonGetConfig": "ButtonStateConfig",
    "ButtonSetConfig": "ButtonStateConfig",
}

# Messages that change a device but have no State reply: sent with ack_required only.
COMMANDS = {"DeviceSetReboot", "TileSet64", "TileSetUserPosition", "TileCopyFrameBuffer"}


def snake(name: str) -> str:
    """Turn a spec field name (CamelCase) into a Python attribute name."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def enum_member(enum_name: str, value_name: str) -> str:
    """Strip the enum's own prefix: LIGHT_WAVEFORM_SINE in LightWaveform becomes SINE."""
    prefix = snake(enum_name).upper() + "_"
    return value_name.removeprefix(prefix)


@dataclass
class Slot:
    """One field of a struct: how it packs, how it reads back, and its Python type."""

    name: str
    fmt: str
    width: int  # how many flat struct values it takes
    annotation: str
    default: str
    unflat: str  # expression reading v[{i}] onwards
    flat: str  # expression (possibly starred) producing its flat values


class Generator:
    """Walks protocol.yml and writes the Python source of messages.py."""

    def __init__(self, spec: dict[str, Any]) -> None:
        """Index the spec's enums, field groups, unions and packets by name."""
        self.enums: dict[str, Any] = spec["enums"]
        self.groups: dict[str, Any] = spec["fields"]
        self.unions: dict[str, Any] = spec["unions"]
        self.packets: dict[str, Any] = {}
        for namespace in spec["packets"].values():
            self.packets.update(namespace)
        self.widths: dict[str, int] = {}
        self.formats: dict[str, str] = {}

    def struct_fields(self, name: str) -> list[dict[str, Any]]:
        """Fields of a field group or of a packet used as a struct."""
        if name in self.groups:
            return list(self.groups[name]["fields"])
        return list(self.packets[name]["fields"])

    def slot(self, field: dict[str, Any], index: int) -> Slot:
        """Describe how one spec field packs and unpacks."""
        kind: str = field["type"]
        size: int = field["size_bytes"]
        if kind == "reserved":
            return Slot("", f"{size}x", 0, "", "", "", "")
        name = snake(field["name"])
        array = re.fullmatch(r"\[(\d+)\](.+)", kind)
        if array:
            count, inner = int(array.group(1)), array.group(2)
            if inner == "byte":
                return Slot(name, f"{count}s", 1, "bytes", 'b""', "v[{i}]", f"self.{name}")
            if inner in SCALARS:
                code, py = SCALARS[inner]
                return Slot(
                    name,
                    code * count,
                    count,
                    f"tuple[{py}, ...]",
                    "()",
                    f"tuple(v[{{i}}:{{i}} + {count}])",
                    f"*_pad_scalars(self.{name}, {count})",
                )
            nested = inner.strip("<>")
            width = self.struct_width(nested)
            return Slot(
                name,
                self.struct_format(nested) * count,
                width * count,
                f"tuple[{nested}, ...]",
                "()",
                f"tuple({nested}._unflat(v, j)"
                f" for j in range({{i}}, {{i}} + {width * count}, {width}))",
                f"*_flatten(self.{name}, {count}, {nested}())",
            )
        if kind in SCALARS:
            code, py = SCALARS[kind]
            default = {"int": "0", "float": "0.0", "bool": "False"}[py]
            return Slot(name, code, 1, py, default, "v[{i}]", f"self.{name}")
        ref = kind.strip("<>")
        if ref in self.enums:
            code = SCALARS[self.enums[ref]["type"]][0]
            lookup = f"_{snake(ref).upper()}_VALUES"
            return Slot(
                name,
                code,
                1,
                f"{ref} | int",
                "0",
                f"{lookup}.get(v[{{i}}], v[{{i}}])",
                f"self.{name}",
            )
        if ref in self.unions:
            # A union's meaning depends on a sibling field; it stays raw bytes here.
            return Slot(name, f"{size}s", 1, "bytes", 'b""', "v[{i}]", f"self.{name}")
        width = self.struct_width(ref)
        return Slot(
            name,
            self.struct_format(ref),
            width,
            ref,
            f"{ref}()",
            f"{ref}._unflat(v, {{i}})",
            f"*self.{name}._flat()",
        )

    def slots(self, name: str) -> list[Slot]:
        """Slots of a struct or packet, in wire order."""
        return [self.slot(field, 0) for field in self.struct_fields(name)]

    def struct_width(self, name: str) -> int:
        """How many flat struct values the struct unpacks to."""
        if name not in self.widths:
            self.widths[name] = sum(s.width for s in self.slots(name))
        return self.widths[name]

    def struct_format(self, name: str) -> str:
        """The struct format of the struct, without byte-order prefix."""
        if name not in self.formats:
            self.formats[name] = "".join(s.fmt for s in self.slots(name))
        return self.formats[name]

    def unflat_values(self, name: str, base: str) -> list[tuple[str, str]]:
        """(field, expression) pairs decoding the struct from flat values from `base`."""
        values = []
        offset = 0
        for slot in self.slots(name):
            if not slot.name:
                continue
            index = base if offset == 0 else f"{base} + {offset}"
            values.append((slot.name, slot.unflat.format(i=index)))
            offset += slot.width
        return values

    def group_unflat(self, name: str) -> str:
        """The body of a field group's _unflat: positional, or one slice when all scalars.

        Decoding runs for every reply, so the cheapest construction is generated.
        """
        values = self.unflat_values(name, "i")
        width = self.struct_width(name)
        if len(values) == width and all(
            expr == ("v[i]" if n == 0 else f"v[i + {n}]") for n, (_, expr) in enumerate(values)
        ):
            return f"        return _tuple_new(cls, v[i : i + {width}])"
        return f"        return cls({', '.join(expr for _, expr in values)})"

    def packet_unflat(self, name: str) -> list[str]:
        """The body of a packet's _unflat: each field set directly.

        That is what the frozen dataclass's own __init__ does, without the cost of a
        keyword call.
        """
        values = self.unflat_values(name, "i")
        if not values:
            return ["        return _new_object(cls)"]
        lines = ["        self = _new_object(cls)"]
        lines += [f'        _set_attribute(self, "{field}", {expr})' for field, expr in values]
        return [*lines, "        return self"]

    def flat_expr(self, name: str) -> str:
        """The tuple of flat values of `self`."""
        items = [s.flat for s in self.slots(name) if s.name]
        if not items:
            return "()"
        return "(" + ", ".join(items) + ",)"

    def enum_source(self, name: str) -> str:
        """An IntEnum for a spec enum, and the value lookup used when decoding."""
        lines = [f"class {name}(IntEnum):", f'    """{name} values from the LIFX protocol."""', ""]
        for value in self.enums[name]["values"]:
            if value["name"] == "reserved":
                continue
            lines.append(f"    {enum_member(name, value['name'])} = {value['value']}")
        lines.append("")
        lines.append("")
        lines.append(
            f"_{snake(name).upper()}_VALUES: dict[int, {name}] = {{m.value: m for m in {name}}}"
        )
        return "\n".join(lines)

    def group_source(self, name: str) -> str:
        """A NamedTuple for a field group: cheap to build, immutable and typed."""
        slots = [s for s in self.slots(name) if s.name]
        lines = [f"class {name}(NamedTuple):", f'    """The {name} field group."""', ""]
        for slot in slots:
            lines.append(f"    {slot.name}: {slot.annotation} = {slot.default}")
        lines += [
            "",
            "    @classmethod",
            "    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:",
            self.group_unflat(name),
            "",
            "    def _flat(self) -> tuple[Any, ...]:",
            f"        return {self.flat_expr(name)}",
        ]
        return "\n".join(lines)

    def packet_source(self, name: str) -> str:
        """A frozen dataclass for a packet, with its type number, size and reply type."""
        packet = self.packets[name]
        slots = [s for s in self.slots(name) if s.name]
        if name in REPLIES:
            base = f"Request[{REPLIES[name]}]"
        elif name in COMMANDS:
            base = "Command"
        else:
            base = "Packet"
        lines = [
            "@dataclass(frozen=True, slots=True, kw_only=True)",
            f"class {name}({base}):",
            f'    """{name} (type {packet["pkt_type"]}, {packet["size_bytes"]} bytes)."""',
            "",
            f"    pkt_type: ClassVar[int] = {packet['pkt_type']}",
            f"    size: ClassVar[int] = {packet['size_bytes']}",
            f"    _STRUCT: ClassVar[Struct] = Struct({'<' + self.struct_format(name)!r})",
        ]
        if name in REPLIES:
            lines.append(f"    reply_type: ClassVar[type[Packet]] = {REPLIES[name]}")
        for slot in slots:
            lines.append(f"    {slot.name}: {slot.annotation} = {slot.default}")
        lines += [
            "",
            "    @classmethod",
            "    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:",
            *self.packet_unflat(name),
            "",
            "    def _flat(self) -> tuple[Any, ...]:",
            f"        return {self.flat_expr(name)}",
        ]
        if not slots:
            # Nothing to encode (a Get, mostly): the payload is a constant
            size = packet["size_bytes"]
            lines += [
                "",
                "    def pack(self) -> bytes:",
                '        """Encode the payload: no fields, so always the same bytes."""',
                f"        return {'bytes(' + str(size) + ')' if size else 'b""'}",
            ]
        return "\n".join(lines)

    def source(self) -> str:
        """The whole generated module."""
        parts = [PRELUDE]
        parts += [self.enum_source(name) for name in self.enums]
        # Field groups may nest packets (TileStateDevice holds DeviceStateVersion), so
        # those packets come first; then groups in dependency order; then every packet,
        # replies before the requests that name them.
        order = self.group_order()
        nested_packets = [n for n in order if n in self.packets]
        parts += [self.packet_source(n) for n in nested_packets]
        parts += [self.group_source(n) for n in order if n in self.groups]
        rest = [n for n in self.packets if n not in nested_packets]
        replies_first = sorted(
            rest, key=lambda n: (n in REPLIES or n in COMMANDS, self.packets[n]["pkt_type"])
        )
        parts += [self.packet_source(n) for n in replies_first]
        table = ",\n".join(
            f"    {name}.pkt_type: {name}"
            for name in sorted(self.packets, key=lambda n: self.packets[n]["pkt_type"])
        )
        parts.append(f"PACKETS: dict[int, type[Packet]] = {{\n{table},\n}}")
        return "\n\n\n".join(parts) + "\n"

    def group_order(self) -> list[str]:
        """Field groups (and packets used as groups) so that each follows what it nests."""
        order: list[str] = []

        def visit(name: str) -> None:
            if name in order:
                return
            for field in self.struct_fields(name):
                ref = re.sub(r"^\[\d+\]", "", field["type"]).strip("<>")
                if ref in self.groups or (ref in self.packets and ref != name):
                    visit(ref)
            order.append(name)

        for name in self.groups:
            visit(name)
        return order


PRELUDE = '''"""LIFX LAN packets, GENERATED from protocol.yml by scripts/generate_messages."""

# Do not edit: change devtools/generate_messages.py and run it again.

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from struct import Struct
from struct import error as StructError
from typing import Any, ClassVar, Final, NamedTuple, Protocol, Self

from .exceptions import LifxProtocolError

# Decoding builds objects the cheapest way: fields set directly, tuples from one slice
_new_object: Final = object.__new__
_set_attribute: Final = object.__setattr__
_tuple_new: Final = tuple.__new__


class _Flattenable(Protocol):
    def _flat(self) -> tuple[Any, ...]: ...


def _pad_scalars(values: Sequence[int], count: int) -> tuple[int, ...]:
    """Fixed-size arrays on the wire: short ones are zero-padded, long ones refused."""
    if len(values) > count:
        raise LifxProtocolError(f"{len(values)} values do not fit in an array of {count}")
    return (*values, *(0,) * (count - len(values)))


def _flatten(values: Sequence[_Flattenable], count: int, zero: _Flattenable) -> Iterable[Any]:
    """Flatten a fixed-size array of structs, zero-padding a short one."""
    if len(values) > count:
        raise LifxProtocolError(f"{len(values)} items do not fit in an array of {count}")
    for item in values:
        yield from item._flat()
    for _ in range(count - len(values)):
        yield from zero._flat()


class Packet:
    """Base of every packet: its type number, payload size and (un)packing."""

    __slots__ = ()
    pkt_type: ClassVar[int]
    size: ClassVar[int]
    _STRUCT: ClassVar[Struct]

    @classmethod
    def _unflat(cls, v: tuple[Any, ...], i: int) -> Self:
        raise NotImplementedError

    def _flat(self) -> tuple[Any, ...]:
        raise NotImplementedError

    @classmethod
    def unpack(cls, payload: bytes | memoryview) -> Self:
        """Decode a payload; newer firmware may append fields, which are ignored."""
        return cls.unpack_from(payload, 0)

    @classmethod
    def unpack_from(cls, data: bytes | memoryview, offset: int) -> Self:
        """Decode the payload that starts at `offset` of a datagram, without copying it."""
        if len(data) - offset < cls.size:
            raise LifxProtocolError(
                f"{cls.__name__} needs {cls.size} payload bytes, got {len(data) - offset}"
            )
        return cls._unflat(cls._STRUCT.unpack_from(data, offset), 0)

    def pack(self) -> bytes:
        """Encode the payload."""
        try:
            return self._STRUCT.pack(*self._flat())
        except (StructError, OverflowError) as err:
            raise LifxProtocolError(f"{type(self).__name__}: {err}") from err


class Request[R: Packet](Packet):
    """A packet a device answers with a State packet of type `reply_type`."""

    __slots__ = ()
    reply_type: ClassVar[type[Packet]]


class Command(Packet):
    """A packet that changes a device and has no State reply: only an acknowledgement."""

    __slots__ = ()'''


def generate() -> str:
    """Return the formatted source of messages.py."""
    spec = yaml.safe_load(SPEC.read_text())
    raw = Generator(spec).source()
    ruff = Path(sys.executable).parent / "ruff"
    fixed = subprocess.run(
        [str(ruff), "check", "--fix-only", "--exit-zero", "--stdin-filename", str(OUTPUT), "-"],
        input=raw,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    formatted = subprocess.run(
        [str(ruff), "format", "--stdin-filename", str(OUTPUT), "-"],
        input=fixed.stdout,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return formatted.stdout


def main() -> int:
    """Write messages.py, or with --check fail when it is stale."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if messages.py is stale")
    args = parser.parse_args()
    source = generate()
    if args.check:
        if not OUTPUT.exists() or OUTPUT.read_text() != source:
            print(
                f"{OUTPUT.relative_to(ROOT)} is stale: run scripts/generate_messages",
                file=sys.stderr,
            )
            return 1
        return 0
    OUTPUT.write_text(source)
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
