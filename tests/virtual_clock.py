"""An event loop whose clock moves only when nothing else can happen: tests never wait.

Time stands still while anything is ready to run or any socket is readable; once the loop
would block, its clock jumps straight to the next timer instead. A request that a fake
device answers 300 ms later completes at once in real time, with every timer (the
client's retransmissions and deadlines, the fake's reply delay) firing in the right order
at the right virtual instant, however busy the machine is.

This relies on loopback UDP being delivered within the sending `sendto` call: on Linux a
datagram sent to a loopback address is in the receiving socket's queue when `sendto`
returns (0 misses in 200,000 sends checked with a zero-timeout poll, with the other core
busy). So "nothing readable now" means "nothing on its way". Work that does not answer at
once (executor threads, child processes) is waited for in real time instead: while any
executor job runs, the clock does not move.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
import concurrent.futures
import selectors
import time
from typing import Any


class _JumpingSelector(selectors.BaseSelector):
    """The loop's selector, except that waiting for a timer moves the clock instead."""

    def __init__(self, real: selectors.BaseSelector, loop: VirtualClockLoop) -> None:
        self._real = real
        self._loop = loop

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._real.register(fileobj, events, data)

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        return self._real.unregister(fileobj)

    def modify(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._real.modify(fileobj, events, data)

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready = self._real.select(0)
        if ready or timeout == 0:
            return ready
        if timeout is None or self._loop.executor_jobs:
            # Nothing scheduled, or a thread will wake the loop: wait for it for real
            return self._real.select(None if timeout is None else min(timeout, 60.0))
        self._loop.advance(timeout)
        return []

    def close(self) -> None:
        self._real.close()

    def get_key(self, fileobj: Any) -> selectors.SelectorKey:
        return self._real.get_key(fileobj)

    def get_map(self) -> Mapping[Any, selectors.SelectorKey]:
        return self._real.get_map()


class VirtualClockLoop(asyncio.SelectorEventLoop):
    """A selector event loop on a virtual clock (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        # Start where the real clock is, so times look like monotonic readings
        self._virtual_now = time.monotonic()
        self.executor_jobs = 0
        self._selector = _JumpingSelector(self._selector, self)

    def time(self) -> float:
        """The virtual clock."""
        return self._virtual_now

    def advance(self, seconds: float) -> None:
        """Move the clock forward (the selector does this when the loop would block)."""
        self._virtual_now += seconds

    def run_in_executor(  # type: ignore[override]
        self, executor: concurrent.futures.Executor | None, func: Callable[..., Any], *args: Any
    ) -> asyncio.Future[Any]:
        """Run in a thread; the clock stands still until it is done."""
        future = super().run_in_executor(executor, func, *args)
        self.executor_jobs += 1

        def done(_: asyncio.Future[Any]) -> None:
            self.executor_jobs -= 1

        future.add_done_callback(done)
        return future

    async def shutdown_default_executor(self, timeout: float | None = None) -> None:
        """Join the executor's threads; the clock waits for the thread that joins them."""
        self.executor_jobs += 1
        try:
            await super().shutdown_default_executor(timeout)
        finally:
            self.executor_jobs -= 1
