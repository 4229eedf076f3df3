"""One vocabulary for failed commands: LIFX client errors become translated errors.

An entity's command and an action over several devices report a timeout, an unsupported
command and any other failure with the same translation keys, naming the devices.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from functools import wraps
from typing import Any, Concatenate, Protocol

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .const import DOMAIN
from .coordinator import LifxCoordinator
from .entity import LifxEntity
from .protocol import LifxError, LifxTimeoutError, LifxUnsupportedError


def _key(error: LifxError) -> str:
    if isinstance(error, LifxTimeoutError):
        return "command_timeout"
    if isinstance(error, LifxUnsupportedError):
        return "command_unsupported"
    return "command_failed"


def command_error(
    error: LifxError, coordinators: Sequence[LifxCoordinator], *, key: str | None = None
) -> HomeAssistantError:
    """The translated error for a command that failed on these devices."""
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key or _key(error),
        translation_placeholders={
            "devices": ", ".join(sorted(f"{c.title} ({c.serial})" for c in coordinators)),
            "error": str(error),
        },
    )


class EntityMethod[EntityT: LifxEntity, **P](Protocol):
    """An entity's async method, `self` named as Home Assistant's own methods name it.

    Concatenate alone would take `self` as positional-only, which methods such as
    `async_turn_on(self, **kwargs)` are not.
    """

    def __call__(
        method, self: EntityT, *args: P.args, **kwargs: P.kwargs
    ) -> Coroutine[Any, Any, None]:
        """Run the method on the entity."""


def lifx_exception_handler[EntityT: LifxEntity, **P](
    func: EntityMethod[EntityT, P],
) -> Callable[Concatenate[EntityT, P], Coroutine[Any, Any, None]]:
    """Raise a translated HomeAssistantError naming the device when a command fails."""

    @wraps(func)
    async def handler(self: EntityT, /, *args: P.args, **kwargs: P.kwargs) -> None:
        try:
            await func(self, *args, **kwargs)
        except LifxError as err:
            raise command_error(err, [self.coordinator]) from err

    return handler


async def async_run_all(
    coordinators: Sequence[LifxCoordinator],
    action: Callable[[LifxCoordinator], Awaitable[None]],
) -> None:
    """Run on every device at once (their packets leave together); report every failure.

    A mistake in what was asked is raised as it is. The devices whose commands failed are
    named together, under the key of their failure when they all failed alike.
    """
    results = await asyncio.gather(*(action(c) for c in coordinators), return_exceptions=True)
    failed: list[tuple[LifxCoordinator, LifxError]] = []
    unexpected: list[BaseException] = []
    for coordinator, result in zip(coordinators, results, strict=True):
        if isinstance(result, LifxError):
            failed.append((coordinator, result))
        elif isinstance(result, BaseException):
            unexpected.append(result)
    for error in unexpected:
        if isinstance(error, ServiceValidationError):
            raise error
    if unexpected:
        raise unexpected[0]
    if not failed:
        return
    first = failed[0][1]
    keys = {_key(error) for _, error in failed}
    # Failed in different ways: a failure, with the first reason.
    key = keys.pop() if len(keys) == 1 else "command_failed"
    raise command_error(first, [coordinator for coordinator, _ in failed], key=key) from first
