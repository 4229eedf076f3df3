"""Many devices at once: one request or command to each, started together, failures kept."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import cast

from .address import DeviceAddress
from .exceptions import LifxError, LifxTimeoutError
from .exchange import RequestExchange
from .messages import Packet, Request


@dataclass(frozen=True, slots=True)
class BatchError:
    """A device of a batch that failed, and why."""

    address: DeviceAddress
    error: LifxError


class BatchRequests(RequestExchange):
    """The client's calls to many devices at once, started in one pass without awaiting."""

    async def request_batch[R: Packet](
        self,
        addresses: Iterable[DeviceAddress],
        message: Request[R] | Callable[[DeviceAddress], Request[R]],
        *,
        errors: list[BatchError] | Callable[[BatchError], None] | None = None,
        timeout: float | None = None,
    ) -> AsyncIterator[tuple[DeviceAddress, R]]:
        """Ask many devices at once; yield replies as they arrive, collect failures."""
        async for address, parts in self._batch(addresses, message, False, errors, timeout):
            # The reply boundary: a decoded part is handed over as the type its request
            # promises, which holds for the reason given at _call's overloads.
            yield address, cast(R, parts[0])

    async def send_batch(
        self,
        addresses: Iterable[DeviceAddress],
        message: Packet | Callable[[DeviceAddress], Packet],
        *,
        timeout: float | None = None,
    ) -> list[BatchError]:
        """Send acknowledged Sets to many devices together; return the ones that failed.

        Every datagram is built first and sent in one pass over the socket, so devices
        change together instead of one after another.
        """
        errors: list[BatchError] = []
        async for _ in self._batch(addresses, message, True, errors, timeout):
            pass
        return errors

    async def _batch(
        self,
        addresses: Iterable[DeviceAddress],
        message: Packet | Callable[[DeviceAddress], Packet],
        ack: bool,
        errors: list[BatchError] | Callable[[BatchError], None] | None,
        timeout: float | None,
    ) -> AsyncIterator[tuple[DeviceAddress, list[Packet]]]:
        targets = list(addresses)
        messages = [message(a) if callable(message) else message for a in targets]
        waiting: list[int] = []
        queue: asyncio.Queue[tuple[DeviceAddress, list[Packet] | LifxError]] = asyncio.Queue()

        def report(address: DeviceAddress, future: asyncio.Future[list[Packet]]) -> None:
            error = future.exception()
            # A request's future fails with nothing but a LifxError (see _finish)
            assert error is None or isinstance(error, LifxError)
            queue.put_nowait((address, future.result() if error is None else error))

        def start(index: int) -> None:
            """Start one request; its inflight slot is already taken."""
            address = targets[index]
            try:
                future = self._start(address, messages[index], ack, timeout, None).future
            except LifxError as err:
                # Nothing was registered (the message could not be built); _start gave
                # the slot back.
                queue.put_nowait((address, err))
                return
            future.add_done_callback(partial(report, address))

        # Start every request that fits in the inflight limit in one pass, no awaits.
        for index in range(len(targets)):
            if self._free_slots > 0:
                self._free_slots -= 1
                start(index)
            else:
                waiting.append(index)
        for index in waiting:
            try:
                await self._wait_for_slot(
                    timeout if timeout is not None else self.schedule.deadline
                )
            except LifxTimeoutError as err:
                queue.put_nowait((targets[index], err))
                continue
            start(index)
        for _ in range(len(targets)):
            address, outcome = await queue.get()
            if isinstance(outcome, LifxError):
                failure = BatchError(address, outcome)
                if callable(errors):
                    errors(failure)
                elif errors is not None:
                    errors.append(failure)
                continue
            yield address, outcome
