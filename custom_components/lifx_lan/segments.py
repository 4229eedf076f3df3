"""Named segments of a strip (zone ranges set in the options), each a light of its own."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
import re
from typing import Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.util import slugify

from .coordinator import LifxCoordinator, LifxData
from .parts import LifxPartLight
from .protocol import LifxDevice, LightHsbk

CONF_SEGMENTS: Final = "segments"
# One segment a line: "Desk: 0-39" (a name, a colon, the first and last zone, both in)
_LINE = re.compile(r"^\s*(?P<name>[^:]*\S)\s*:\s*(?P<first>\d+)\s*-\s*(?P<last>\d+)\s*$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Segment:
    """A named range of a strip's zones, first and last included."""

    name: str
    first: int
    last: int

    @property
    def key(self) -> str:
        """What the segment's light is known by (its unique id is the serial and this)."""
        return f"segment_{slugify(self.name)}"

    @property
    def zones(self) -> range:
        """Its zone indices."""
        return range(self.first, self.last + 1)

    def as_line(self) -> str:
        """The segment as the options form writes it."""
        return f"{self.name}: {self.first}-{self.last}"


class SegmentError(ValueError):
    """Segments the options form cannot take: `error` names why, `line` where."""

    def __init__(self, error: str, line: str) -> None:
        """Say why (a form error key) and which line."""
        super().__init__(f"{error}: {line}")
        self.error = error
        self.line = line


def parse_segments(text: str, zone_count: int) -> list[Segment]:
    """Segments from the form, one a line; refused if any is malformed, outside or overlaps."""
    segments: list[Segment] = []
    for line in filter(str.strip, text.splitlines()):
        match = _LINE.match(line)
        if match is None or not slugify(match["name"]):
            raise SegmentError("segment_syntax", line.strip())
        segment = Segment(name=match["name"], first=int(match["first"]), last=int(match["last"]))
        if segment.first > segment.last or segment.last >= zone_count:
            raise SegmentError("segment_range", line.strip())
        for other in segments:
            if other.key == segment.key:
                raise SegmentError("segment_name_taken", line.strip())
            if segment.first <= other.last and other.first <= segment.last:
                raise SegmentError("segment_overlap", line.strip())
        segments.append(segment)
    return segments


def segments_of(entry: ConfigEntry) -> list[Segment]:
    """The segments the entry's options define (none for most devices)."""
    return [
        Segment(name=s["name"], first=int(s["first"]), last=int(s["last"]))
        for s in entry.options.get(CONF_SEGMENTS, [])
    ]


def as_options(segments: Sequence[Segment]) -> list[dict[str, str | int]]:
    """Segments as the entry's options store them."""
    return [{"name": s.name, "first": s.first, "last": s.last} for s in segments]


class LifxSegment(LifxPartLight):
    """One segment of a strip: only its zones change; the strip is on while any is lit."""

    def __init__(
        self, coordinator: LifxCoordinator, segment: Segment, every_part: Collection[int]
    ) -> None:
        """Bind to the segment's zones; `every_part` holds the zones of all segments."""
        super().__init__(coordinator, segment.key, segment.zones, every_part)
        self._attr_name = segment.name
        self._segment = segment

    def _frame(self, data: LifxData) -> Sequence[LightHsbk]:
        return data.zones

    async def _send(
        self, device: LifxDevice, frame: Sequence[LightHsbk], whole: bool, duration: float
    ) -> None:
        if whole:
            await device.set_zones(frame, duration=duration)
            return
        first, last = self._segment.first, self._segment.last
        await device.set_zones(frame[first : last + 1], start=first, duration=duration)

    def _with_frame(self, state: LifxData, frame: Sequence[LightHsbk]) -> LifxData:
        return state.with_zones(frame)
