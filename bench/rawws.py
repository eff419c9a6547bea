"""A minimal graphql-transport-ws client on a raw asyncio protocol.

A benchmark client for thousands of sockets in one process: it costs a few
microseconds per received frame (websockets' client costs tens), so the time it
measures is the server's, not the client's.
"""

import asyncio
import base64
import os
import struct
import time

import orjson


class Tally:
    """Counts `next` frames across subscribers; wakes a waiter at a target count."""

    def __init__(self) -> None:
        self.count = 0
        self.target = 0
        self.reached = asyncio.Event()

    def expect(self, target: int) -> None:
        self.target = target
        self.reached.clear()
        if self.count >= target:
            self.reached.set()

    def add(self) -> None:
        self.count += 1
        if self.count >= self.target:
            self.reached.set()


class RawSubscriber(asyncio.Protocol):
    def __init__(self, on_next: "list[float]", tally: Tally) -> None:
        self.tally = tally
        self.on_next = on_next
        self.buffer = b""
        self.handshaken = False
        self.upgraded: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.acked: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # asyncio hands the base transport type

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.upgraded.done():
            self.upgraded.set_exception(ConnectionError("closed during the handshake"))
        if not self.acked.done():
            self.acked.set_exception(ConnectionError("closed before connection_ack"))

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.handshaken:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            if not self.buffer.startswith(b"HTTP/1.1 101"):
                raise ConnectionError(self.buffer[:200].decode(errors="replace"))
            self.handshaken = True
            self.buffer = self.buffer[end + 4 :]
            self.upgraded.set_result(None)
        while True:
            frame = self._frame()
            if frame is None:
                return
            opcode, payload = frame
            if opcode == 0x1:
                if b'"next"' in payload:
                    self.on_next.append(time.perf_counter())
                    self.tally.add()
                elif b'"connection_ack"' in payload and not self.acked.done():
                    self.acked.set_result(None)
            elif opcode == 0x9:
                self.send(payload, opcode=0xA)  # pong

    def _frame(self) -> tuple[int, bytes] | None:
        if len(self.buffer) < 2:
            return None
        opcode = self.buffer[0] & 0x0F
        length = self.buffer[1] & 0x7F
        offset = 2
        if length == 126:
            if len(self.buffer) < 4:
                return None
            length = struct.unpack(">H", self.buffer[2:4])[0]
            offset = 4
        elif length == 127:
            if len(self.buffer) < 10:
                return None
            length = struct.unpack(">Q", self.buffer[2:10])[0]
            offset = 10
        if len(self.buffer) < offset + length:
            return None
        payload = self.buffer[offset : offset + length]
        self.buffer = self.buffer[offset + length :]
        return opcode, payload

    def send(self, payload: bytes, opcode: int = 0x1) -> None:
        mask = os.urandom(4)
        header = bytes([0x80 | opcode])
        length = len(payload)
        if length < 126:
            header += bytes([0x80 | length])
        elif length < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", length)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", length)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        assert self.transport is not None
        self.transport.write(header + mask + masked)

    def send_json(self, message: object) -> None:
        self.send(orjson.dumps(message))


async def connect(
    host: str,
    port: int,
    token: str,
    query: str,
    variables: dict[str, object],
    on_next: list[float],
    tally: Tally,
) -> RawSubscriber:
    loop = asyncio.get_running_loop()
    _, protocol = await loop.create_connection(lambda: RawSubscriber(on_next, tally), host, port)
    key = base64.b64encode(os.urandom(16)).decode()
    assert protocol.transport is not None
    protocol.transport.write(
        (
            f"GET /graphql HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n"
        ).encode()
    )
    await asyncio.wait_for(protocol.upgraded, 30)
    protocol.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    await asyncio.wait_for(protocol.acked, 30)
    protocol.send_json(
        {"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}}
    )
    return protocol
