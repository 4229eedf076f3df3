"""Turn LIFX client errors in service actions into translated Home Assistant errors."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any, cast

from homeassistant.exceptions import HomeAssistantError

from .const import DOMAIN
from .entity import LifxEntity
from .protocol import LifxError, LifxTimeoutError, LifxUnsupportedError

type _Action = Callable[..., Coroutine[Any, Any, None]]


def lifx_exception_handler[F: _Action](func: F) -> F:
    """Raise a translated HomeAssistantError naming the device when a command fails."""

    @wraps(func)
    async def handler(self: LifxEntity, *args: Any, **kwargs: Any) -> None:
        coordinator = self.coordinator
        placeholders = {"device": coordinator.title, "serial": coordinator.serial}
        try:
            await func(self, *args, **kwargs)
        except LifxTimeoutError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="command_timeout",
                translation_placeholders=placeholders,
            ) from err
        except LifxUnsupportedError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="command_unsupported",
                translation_placeholders=placeholders,
            ) from err
        except LifxError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="command_failed",
                translation_placeholders={**placeholders, "error": str(err)},
            ) from err

    return cast(F, handler)
