// Hand-written, not generated (`cargo xtask bindings` leaves files without its header alone):
// the SDK's live streams as Swift AsyncSequences. See docs/live-updates.md.

/// Her nudges as an `AsyncSequence`: `for try await nudge in try await client.nudgeStream()`.
/// The loop ends when the stream does (its sign-in ended, or it was cancelled) and throws the
/// stream's `HerLeadError` if it fails; cancelling the iterating task cancels the stream. Call
/// `cancel()` after breaking out of a loop early (or let go of the stream) to close its socket.
extension NudgeStream: AsyncSequence {
    public typealias Element = Nudge

    public func makeAsyncIterator() -> LiveIterator<Nudge> {
        LiveIterator(next: { try await self.next() }, cancel: { self.cancel() })
    }
}

/// A cohort's activity as an `AsyncSequence`, under the same rules as `NudgeStream`'s.
extension ActivityStream: AsyncSequence {
    public typealias Element = ActivityEvent

    public func makeAsyncIterator() -> LiveIterator<ActivityEvent> {
        LiveIterator(next: { try await self.next() }, cancel: { self.cancel() })
    }
}

/// Iterates a live stream of the SDK.
public struct LiveIterator<Element>: AsyncIteratorProtocol {
    private let nextElement: @Sendable () async throws -> Element?
    private let cancelStream: @Sendable () -> Void

    init(next: @escaping @Sendable () async throws -> Element?, cancel: @escaping @Sendable () -> Void) {
        nextElement = next
        cancelStream = cancel
    }

    public mutating func next() async throws -> Element? {
        // The SDK's `next()` does not hear of task cancellation by itself; `cancel()` makes a
        // waiting `next()` answer nil at once.
        let cancel = cancelStream
        return try await withTaskCancellationHandler {
            try await nextElement()
        } onCancel: {
            cancel()
        }
    }
}
