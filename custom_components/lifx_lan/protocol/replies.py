"""Which packets answer a request, and when a reply sent in several parts is complete."""

from __future__ import annotations

from typing import Final

from .messages import (
    MultiZoneExtendedGetColorZones,
    MultiZoneExtendedStateMultiZone,
    MultiZoneGetColorZones,
    MultiZoneStateMultiZone,
    MultiZoneStateZone,
    Packet,
    Request,
    TileGet64,
    TileState64,
)


class ReplyCollector:
    """Decides when a request has all of its reply parts; the base takes one."""

    __slots__ = ()

    def add(self, reply: Packet) -> bool:
        """Keep a reply part; return True when the request is complete."""
        return True

    def parts(self) -> list[Packet]:
        """The parts in order."""
        raise NotImplementedError


class _ByIndex(ReplyCollector):
    """Parts keyed by an index; complete once every expected index has arrived."""

    __slots__ = ("expected", "received")

    def __init__(self) -> None:
        self.expected: set[int] | None = None
        self.received: dict[int, Packet] = {}

    def expect(self, reply: Packet) -> set[int]:
        raise NotImplementedError

    def index(self, reply: Packet) -> int:
        raise NotImplementedError

    def add(self, reply: Packet) -> bool:
        if self.expected is None:
            self.expected = self.expect(reply)
        self.received.setdefault(self.index(reply), reply)
        return self.expected <= self.received.keys()

    def parts(self) -> list[Packet]:
        return [self.received[i] for i in sorted(self.received)]


class _ZonesCollector(_ByIndex):
    """GetColorZones: one StateMultiZone per 8 zones from start to min(end, count - 1)."""

    __slots__ = ("end", "start")

    def __init__(self, request: MultiZoneGetColorZones) -> None:
        super().__init__()
        self.start = request.start_index
        self.end = request.end_index

    def expect(self, reply: Packet) -> set[int]:
        assert isinstance(reply, MultiZoneStateMultiZone | MultiZoneStateZone)
        last = min(self.end, reply.count - 1)
        if isinstance(reply, MultiZoneStateZone):
            return set(range(self.start, last + 1))
        return set(range(self.start, last + 1, 8))

    def index(self, reply: Packet) -> int:
        assert isinstance(reply, MultiZoneStateMultiZone | MultiZoneStateZone)
        return reply.index


class _ExtendedZonesCollector(_ByIndex):
    """GetExtendedColorZones: one ExtendedStateMultiZone per 82 zones."""

    __slots__ = ()

    def expect(self, reply: Packet) -> set[int]:
        assert isinstance(reply, MultiZoneExtendedStateMultiZone)
        return set(range(0, max(reply.count, 1), 82))

    def index(self, reply: Packet) -> int:
        assert isinstance(reply, MultiZoneExtendedStateMultiZone)
        return reply.index


class _TilesCollector(_ByIndex):
    """Get64: one State64 per tile asked for."""

    __slots__ = ("tiles",)

    def __init__(self, request: TileGet64) -> None:
        super().__init__()
        self.tiles = set(range(request.tile_index, request.tile_index + max(request.length, 1)))

    def expect(self, reply: Packet) -> set[int]:
        return self.tiles

    def index(self, reply: Packet) -> int:
        assert isinstance(reply, TileState64)
        return reply.tile_index


def collector_for(message: Packet) -> ReplyCollector | None:
    """How the replies to a request are gathered; None for a request answered once."""
    if isinstance(message, MultiZoneGetColorZones):
        return _ZonesCollector(message)
    if isinstance(message, MultiZoneExtendedGetColorZones):
        return _ExtendedZonesCollector()
    if isinstance(message, TileGet64):
        return _TilesCollector(message)
    return None


# What an acknowledged command accepts besides its acknowledgement: nothing
NO_REPLIES: Final[dict[int, type[Packet]]] = {}
# The answers each kind of request accepts, worked out once per message class
_REPLY_TYPES: dict[type[Packet], dict[int, type[Packet]]] = {}


def reply_types_for(message: Packet) -> dict[int, type[Packet]]:
    """The packet types that answer `message`, by type number."""
    kind = type(message)
    types = _REPLY_TYPES.get(kind)
    if types is None:
        if not isinstance(message, Request):
            # Only a Request has a reply type: asking for a reply to anything else is the
            # caller's mistake, reported as reading the missing attribute would report it.
            raise AttributeError(f"{kind.__name__} has no reply_type: it is not a request")
        reply_type = message.reply_type
        types = {reply_type.pkt_type: reply_type}
        if kind is MultiZoneGetColorZones:
            # A one-zone range is answered with StateZone instead of StateMultiZone.
            types[MultiZoneStateZone.pkt_type] = MultiZoneStateZone
        _REPLY_TYPES[kind] = types
    return types
