"""Helpers for the servers the tests start: a free loopback port, and children that end
with the test run even when pytest itself is killed."""

from __future__ import annotations

import ctypes
import signal
import socket

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """``preexec_fn`` for Popen: the kernel sends the child SIGKILL when pytest dies.

    Teardown stops servers normally; this covers a run killed by a timeout or Ctrl+C
    twice, which would otherwise leave `chroma run` or `legends serve` on a port.
    """
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
