"""When to send a request again: the retry schedule, and what each device's link has shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

# Never more than 20 messages a second to one device, whatever the round trips say.
MIN_RETRANSMIT_GAP: Final = 0.05
# How much longer than the smoothed round trip a reply may take before a copy is resent
RTO_MARGIN: Final = 0.5
# A LIFX device answers within a second even in power save; a longer "round trip" is a
# busy host's, and waiting longer than this between copies would only lose commands.
MAX_RETRANSMIT_TIMEOUT: Final = 1.0
# About how many recent copies the loss figure covers
LOSS_WINDOW: Final = 200


@dataclass(frozen=True, slots=True)
class RetrySchedule:
    """When to send a request again, as data: escalating gaps and an overall deadline.

    The n-th retransmission waits `gaps[n]` (the last gap repeats), stretched to the
    device's measured retransmission timeout when that is longer, so a slow or lossy
    device is not flooded. Nothing is sent after `deadline` seconds.
    """

    # Flat 100 ms gaps for the first second: on a lossy Wi-Fi link (30 % each way, so a
    # request and its reply both survive only half the time) nine tries in that second
    # bring the chance of failing below 0.2 %, and since each gap is far longer than a
    # LAN round trip, no more datagrams are sent per success than with longer gaps.
    # After that the gaps grow, so a device that is really gone is not flooded.
    gaps: tuple[float, ...] = (0.1,) * 9 + (0.15, 0.2, 0.3, 0.5)
    deadline: float = 5.0

    def gap(self, attempt: int) -> float:
        """The wait after the `attempt`-th transmission (1-based)."""
        return self.gaps[min(attempt - 1, len(self.gaps) - 1)]


@dataclass(slots=True)
class LinkStats:
    """What the client has measured of one device's link.

    Every copy of a request carries its own sequence number, so each reply says which copy
    it answers: every answered copy is an unambiguous round-trip sample (no Karn's rule
    needed), and a reply to a copy that was already superseded is not mistaken for loss.
    """

    requests: int = 0
    transmissions: int = 0
    # Copies answered, including late answers to copies sent again meanwhile
    replies: int = 0
    late_replies: int = 0
    timeouts: int = 0
    retransmissions: int = 0
    smoothed_rtt: float | None = None
    rtt_variance: float = 0.0
    last_rtts: list[float] = field(default_factory=list)
    # How long a reply can plausibly take on this link (0 until a round trip is measured)
    retransmit_timeout: float = 0.0
    # (transmissions, replies) as they were when the loss was read: the loss shown covers
    # about the last LOSS_WINDOW copies, the link as it is now, not since start-up. Kept on
    # reading, so that sending and receiving pay nothing for it.
    loss_marks: list[tuple[int, int]] = field(default_factory=list)

    def answered(self, rtt: float) -> None:
        """Count one copy answered `rtt` seconds after it was sent; RFC 6298's estimator.

        (One method, not two: it runs for every reply.)
        """
        self.replies += 1
        smoothed = self.smoothed_rtt
        if smoothed is None:
            smoothed = rtt
            variance = rtt / 2
        else:
            variance = 0.75 * self.rtt_variance + 0.25 * abs(smoothed - rtt)
            smoothed = 0.875 * smoothed + 0.125 * rtt
        self.smoothed_rtt = smoothed
        self.rtt_variance = variance
        # A device whose delay never varies drives the variance to nothing, which would put
        # the timeout on the very instant its replies arrive: a copy may take half as long
        # again as the smoothed round trip before it counts as lost.
        margin, floor = 4 * variance, RTO_MARGIN * smoothed
        timeout = smoothed + (margin if margin > floor else floor)
        self.retransmit_timeout = (
            timeout if timeout < MAX_RETRANSMIT_TIMEOUT else MAX_RETRANSMIT_TIMEOUT
        )
        last = self.last_rtts
        last.append(rtt)
        if len(last) > 64:
            del last[:32]

    @property
    def rtt_median(self) -> float | None:
        """Median of the recent round trips, in seconds."""
        if not self.last_rtts:
            return None
        ordered = sorted(self.last_rtts)
        return ordered[len(ordered) // 2]

    @property
    def loss(self) -> float:
        """Fraction of the recent copies that got no reply at all (late replies count)."""
        now = (self.transmissions, self.replies)
        marks = self.loss_marks
        # Start from the newest reading at least LOSS_WINDOW copies ago (else the oldest),
        # and forget the readings before it.
        start = 0
        for index, (sent, _) in enumerate(marks):
            if now[0] - sent >= LOSS_WINDOW:
                start = index
        del marks[:start]
        if not marks or now[0] - marks[-1][0] >= LOSS_WINDOW // 4:
            marks.append(now)
        sent, answered = (now[0] - marks[0][0], now[1] - marks[0][1]) if len(marks) > 1 else now
        if not sent:
            return 0.0
        return max(0.0, 1 - answered / sent)
