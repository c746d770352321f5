// Hand-written, not generated (`cargo xtask bindings` leaves files without its header alone):
// the SDK's live streams as Kotlin Flows. See docs/live-updates.md.
package org.herlead.sdk

import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

/**
 * Her nudges as a cold [Flow]: collecting it reads the stream until it ends (the sign-in
 * ended, or the stream was cancelled) or fails with a [HerLeadException]; when the collector
 * stops or is cancelled, the stream is cancelled and its socket closes. Collect it once.
 */
fun NudgeStream.asFlow(): Flow<Nudge> = liveFlow({ next() }, { cancel() })

/** A cohort's activity as a [Flow], under the same rules as [NudgeStream.asFlow]. */
fun ActivityStream.asFlow(): Flow<ActivityEvent> = liveFlow({ next() }, { cancel() })

private fun <T : Any> liveFlow(next: suspend () -> T?, cancel: () -> Unit): Flow<T> = flow {
    try {
        while (true) {
            emit(next() ?: break)
        }
    } finally {
        cancel()
    }
}
