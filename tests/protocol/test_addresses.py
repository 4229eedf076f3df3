"""Addresses: DeviceAddress accepts only IPv4 and real ports, and a bad send spares the socket."""

from __future__ import annotations

from typing import Any, Final

import pytest

from custom_components.lifx_lan.protocol import DeviceAddress, LifxClient, messages as m
from custom_components.lifx_lan.protocol.exceptions import LifxConnectionError
from devtools.fake_lifx import FakeFleet

SERIAL: Final = "d073d5000001"


@pytest.mark.parametrize(
    ("host", "canonical"),
    [
        ("192.168.1.20", "192.168.1.20"),
        ("127.1", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
    ],
    ids=["dotted_quad", "two_parts", "hex_part", "one_number"],
)
def test_device_address_keeps_the_canonical_form_replies_come_from(
    host: str, canonical: str
) -> None:
    address = DeviceAddress(SERIAL, host, 56700)
    assert address.host == canonical
    assert address.sockaddr == (canonical, 56700)
    assert address == DeviceAddress(SERIAL, canonical, 56700)


@pytest.mark.parametrize(
    "host",
    ["localhost", "::1", "", "256.0.0.1", "1.2.3.4.5", "127.0.0.1 ", " 127.0.0.1", "1.2.3.4\0"],
    ids=["name", "ipv6", "empty", "octet_256", "five_parts", "trailing_space", "leading_space",
         "nul"],
)  # fmt: skip
def test_device_address_rejects_a_host_that_is_not_an_ipv4_address(host: str) -> None:
    with pytest.raises(LifxConnectionError, match="not an IPv4 address"):
        DeviceAddress(SERIAL, host, 56700)


@pytest.mark.parametrize("port", [0, -1, 65536, 70000, True, 56700.0, "56700"])
def test_device_address_rejects_a_port_that_is_not_1_to_65535(port: Any) -> None:
    with pytest.raises(LifxConnectionError, match="port"):
        DeviceAddress(SERIAL, "127.0.0.1", port)


async def test_a_device_addressed_in_a_short_ipv4_form_is_answered(
    client: LifxClient, fleet: FakeFleet
) -> None:
    fleet.add("color_bulb", SERIAL, power=65535)
    reply = await client.request(DeviceAddress(SERIAL, "127.1", fleet.port), m.LightGetPower())
    assert reply.level == 65535


@pytest.mark.parametrize(
    "address",
    [
        ("127.0.0.1", 70000),
        ("127.0.0.1", -1),
        ("127.0.0.1", 0),
        ("localhost", 56700),
        ("127.1", 56700),
        ("::1", 56700),
        ("127.0.0.1", 56700.0),
        ("127.0.0.1",),
    ],
    ids=["port_70000", "port_negative", "port_0", "host_name", "short_ipv4", "ipv6",
         "float_port", "no_port"],
)  # fmt: skip
async def test_a_send_to_an_invalid_address_raises_and_the_socket_still_works(
    client: LifxClient, fleet: FakeFleet, address: Any
) -> None:
    fleet.add("color_bulb", SERIAL, power=65535)
    sequence = client.listen_broadcast(lambda reply, target, source: None)
    try:
        with pytest.raises(LifxConnectionError, match="cannot send to"):
            client.send_tagged(m.DeviceGetService(), sequence, address)
    finally:
        client.stop_listening(sequence)
    assert not client.transport.closed.done()
    reply = await client.request(DeviceAddress(SERIAL, "127.0.0.1", fleet.port), m.LightGetPower())
    assert reply.level == 65535


async def test_a_float_port_is_not_sent_even_after_its_integer_twin(
    client: LifxClient, fleet: FakeFleet
) -> None:
    """The transport remembers addresses it has checked; 56700.0 == 56700 must not pass."""
    fleet.add("color_bulb", SERIAL, power=65535)
    sequence = client.listen_broadcast(lambda reply, target, source: None)
    try:
        client.send_tagged(m.DeviceGetService(), sequence, ("127.0.0.1", fleet.port))
        with pytest.raises(LifxConnectionError, match="cannot send to"):
            client.send_tagged(m.DeviceGetService(), sequence, ("127.0.0.1", float(fleet.port)))
    finally:
        client.stop_listening(sequence)
    reply = await client.request(DeviceAddress(SERIAL, "127.0.0.1", fleet.port), m.LightGetPower())
    assert reply.level == 65535
