//! Where GraphQL work runs: a runtime of its own, apart from the HTTP workers.
//!
//! Parsing, validating and resolving an operation can take CPU without ever yielding (a
//! large dashboard, a document at the edge of the admission limits). On the HTTP workers
//! that would stall every other connection of the worker, `/healthz` included, and the
//! request's time limit could not fire, since a timer needs the thread the work holds. Here
//! the workers only wait: the time limit answers at once when it passes, and the work is
//! aborted at its next await.

use std::{future::Future, time::Duration};

/// Why pooled work gave no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PoolError {
    /// It ran past its time limit and was abandoned.
    TimedOut,
    /// It panicked (the panic is logged).
    Panicked,
    /// The pool is shutting down.
    Closed,
}

/// The GraphQL runtime.
pub(crate) struct Pool {
    runtime: Option<tokio::runtime::Runtime>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool").finish_non_exhaustive()
    }
}

impl Pool {
    /// A runtime with `threads` worker threads.
    pub(crate) fn new(threads: usize) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads.max(1))
            .thread_name("herlead-graphql")
            .enable_all()
            .build()?;
        Ok(Self {
            runtime: Some(runtime),
        })
    }

    fn handle(&self) -> Option<&tokio::runtime::Handle> {
        self.runtime.as_ref().map(tokio::runtime::Runtime::handle)
    }

    /// Runs `work` on the pool and waits for it at most `limit`.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        limit: Duration,
        work: impl Future<Output = T> + Send + 'static,
    ) -> Result<T, PoolError> {
        let Some(handle) = self.handle() else {
            return Err(PoolError::Closed);
        };
        let mut task = handle.spawn(work);
        match tokio::time::timeout(limit, &mut task).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) if e.is_panic() => {
                tracing::error!(error = %e, "pooled work panicked");
                Err(PoolError::Panicked)
            }
            Ok(Err(_)) => Err(PoolError::Closed),
            Err(_) => {
                task.abort();
                Err(PoolError::TimedOut)
            }
        }
    }

    /// Starts `work` on the pool without waiting for it.
    pub(crate) fn spawn(&self, work: impl Future<Output = ()> + Send + 'static) {
        if let Some(handle) = self.handle() {
            handle.spawn(work);
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        // Dropped from inside another runtime (an HTTP worker): a blocking shutdown is not
        // allowed there, and nothing is left to wait for.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
