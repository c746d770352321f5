# Hand-written, not generated (`cargo xtask bindings` leaves files without its header alone):
# the SDK's live streams as Python async iterators. See docs/live-updates.md.
"""Async iteration over the SDK's live streams (``NudgeStream``, ``ActivityStream``).

    from herlead_streams import live

    async with live(await client.nudge_stream()) as nudges:
        async for nudge in nudges:
            print(nudge.message)

Iteration ends when the stream does (its sign-in ended, or it was cancelled) and raises the
stream's ``HerLeadError`` if it fails. Leaving the ``async with`` block, or ``aclose()``,
cancels the stream and closes its socket.
"""

__all__ = ["Live", "live"]


class Live:
    """An async iterator (and async context manager) over a live stream of the SDK."""

    def __init__(self, stream):
        self._stream = stream

    def __aiter__(self):
        return self

    async def __anext__(self):
        # An error ends the stream by itself; a timeout around this call (asyncio.wait_for)
        # leaves it open.
        item = await self._stream.next()
        if item is None:
            raise StopAsyncIteration
        return item

    async def aclose(self):
        """Cancels the stream: its socket closes, and iteration ends."""
        self._stream.cancel()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc_info):
        await self.aclose()
        return False


def live(stream) -> Live:
    """Wraps a ``NudgeStream`` or ``ActivityStream`` for ``async for``."""
    return Live(stream)
