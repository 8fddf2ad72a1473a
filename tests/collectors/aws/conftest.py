"""moto's server on 127.0.0.1 (one per test session, reset before each test) and a shim in front.

Tests talk to AWS through boto3 over real HTTP: ``moto`` gives the emulator's endpoint and
helpers to seed it and to switch IAM enforcement on; ``shim`` puts :class:`~shim.AwsShim`
between the SDK and moto for calls moto cannot answer the way a test needs (throttling, one
refused AssumeRole, APIs moto lacks such as CloudTrail ``LookupEvents``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto.server import ThreadedMotoServer

from .harness import Moto
from .shim import AwsShim, ShimServer


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    with pytest.MonkeyPatch.context() as patch:
        # The server runs in this process and reads its settings from the environment. Loading
        # moto's thousands of sample AMIs costs over a second in every new account.
        patch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


@pytest.fixture
def moto(moto_server: str) -> Iterator[Moto]:
    emulator = Moto(moto_server)
    emulator.reset()
    try:
        yield emulator
    finally:
        emulator.relax_iam()


@pytest.fixture(scope="session")
def shim_server(moto_server: str) -> Iterator[ShimServer]:
    server = ShimServer(AwsShim(moto_server))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def shim(moto: Moto, shim_server: ShimServer) -> Iterator[ShimServer]:
    """The shim in front of a freshly reset moto, with no handlers registered."""
    shim_server.shim.clear()
    try:
        yield shim_server
    finally:
        shim_server.shim.clear()
