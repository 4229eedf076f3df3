"""Child processes of the developer tools: an environment that keeps venvs apart, a polite stop."""

from __future__ import annotations

import asyncio
import contextlib
import os

# The variables that would make a child's interpreter load packages from another
# virtualenv than its own
LEAKY_ENV = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV")


def child_env() -> dict[str, str]:
    """The environment of this process, without anything that would mix two virtualenvs."""
    return {k: v for k, v in os.environ.items() if k not in LEAKY_ENV}


async def stop_child(
    process: asyncio.subprocess.Process, *, quit_timeout: float, terminate_timeout: float
) -> None:
    """Stop a child that reads JSON lines: a quit line and EOF, then terminate, then kill."""
    if process.stdin is not None:
        if process.returncode is None:
            with contextlib.suppress(ConnectionError, RuntimeError):
                process.stdin.write(b'{"cmd": "quit"}\n')
                await process.stdin.drain()
        # EOF is also a quit, for a child busy with an earlier line
        process.stdin.close()
    for signal_child, timeout in (
        (None, quit_timeout),
        (process.terminate, terminate_timeout),
        (process.kill, None),
    ):
        if process.returncode is not None:
            break
        if signal_child is not None:
            with contextlib.suppress(ProcessLookupError):
                signal_child()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await process.wait()
