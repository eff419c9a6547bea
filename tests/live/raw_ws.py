"""A WebSocket client on a bare socket, for clients no library would be: one that stops
reading with a tiny receive buffer, and then reads what the server managed to send."""

import asyncio
import base64
import contextlib
import json
import os
import socket
import struct
from dataclasses import dataclass, field
from typing import Any

from tests.live.servers import Server, token

TEXT, CLOSE, PING = 0x1, 0x8, 0x9


@dataclass
class Frame:
    opcode: int
    payload: bytes

    @property
    def message(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.payload)
        return value

    @property
    def close_code(self) -> int:
        code: int = struct.unpack("!H", self.payload[:2])[0]
        return code

    @property
    def close_reason(self) -> str:
        return self.payload[2:].decode()


@dataclass
class RawSocket:
    sock: socket.socket
    _buffer: bytearray = field(default_factory=bytearray)

    @classmethod
    async def open(cls, server: Server, receive_buffer: int | None = None) -> "RawSocket":
        """Connected and upgraded (no compression offered, so frames are plain)."""
        sock = socket.socket()
        if receive_buffer is not None:
            # Before connecting, so the window the server sees is small from the start.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        sock.setblocking(False)
        loop = asyncio.get_running_loop()
        await loop.sock_connect(sock, ("127.0.0.1", server.port))
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            "GET /graphql HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{server.port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n"
        )
        await loop.sock_sendall(sock, request.encode())
        raw = cls(sock)
        head = await raw._read_until(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101"), head
        return raw

    async def send(self, message: dict[str, Any]) -> None:
        await self._send_frame(TEXT, json.dumps(message).encode())

    async def _send_frame(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        if len(payload) < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | len(payload))
        elif len(payload) < 1 << 16:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, len(payload))
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, len(payload))
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        await asyncio.get_running_loop().sock_sendall(self.sock, header + mask + masked)

    async def init(self, bearer: str | None = None) -> None:
        await self.send({"type": "connection_init", "payload": {"token": bearer or token()}})
        assert (await self.frame()).message == {"type": "connection_ack"}

    async def frame(self) -> Frame:
        """The next data or close frame (the server's keep-alive pings are skipped)."""
        while (frame := await self._any_frame()).opcode == PING:
            pass
        return frame

    async def _any_frame(self) -> Frame:
        first, second = await self._read_exactly(2)
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", await self._read_exactly(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", await self._read_exactly(8))
        return Frame(first & 0x0F, await self._read_exactly(length))

    async def frames_until_closed(self) -> tuple[list[Frame], bool]:
        """Every frame until the connection ends; and whether it ended in an abort.

        A close frame is answered with one (RFC 6455 5.5.1), as any client does: the
        server then ends the connection at once instead of waiting out its timeout,
        and any frame it wrongly sends after its close is still read here."""
        frames: list[Frame] = []
        try:
            while True:
                frames.append(await self.frame())
                if frames[-1].opcode == CLOSE:
                    with contextlib.suppress(OSError):  # it may be gone already
                        await self._send_frame(CLOSE, frames[-1].payload[:2])
        except ConnectionResetError:
            return frames, True
        except EOFError:
            return frames, False

    def close(self) -> None:
        self.sock.close()

    async def _read_exactly(self, count: int) -> bytes:
        while len(self._buffer) < count:
            await self._fill()
        data = bytes(self._buffer[:count])
        del self._buffer[:count]
        return data

    async def _read_until(self, marker: bytes) -> bytes:
        while (end := self._buffer.find(marker)) < 0:
            await self._fill()
        data = bytes(self._buffer[: end + len(marker)])
        del self._buffer[: end + len(marker)]
        return data

    async def _fill(self) -> None:
        chunk = await asyncio.get_running_loop().sock_recv(self.sock, 65536)
        if not chunk:
            raise EOFError("the server closed the connection")
        self._buffer += chunk
