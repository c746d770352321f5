//! Change notifications for live views (coach activity feeds, nudges).
//!
//! Writes attach their events to the transaction. On PostgreSQL they are sent with
//! `pg_notify` inside it — delivered only on commit, to every server replica listening on the
//! database. On SQLite (one process) they go to the local channel after the commit.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use tokio::sync::{OnceCell, broadcast};
use uuid::Uuid;

use herlead_core::TaskStatus;

use crate::{Backend, StoreError};

/// The PostgreSQL channel events travel on.
pub const CHANNEL: &str = "herlead_events";

/// Something subscribers may want to know about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// A task's status changed.
    Progress {
        /// Whose task.
        user: Uuid,
        /// Which task.
        task_key: String,
        /// Status before.
        from: TaskStatus,
        /// Status after.
        to: TaskStatus,
        /// When.
        at: DateTime<Utc>,
        /// Whether she set it or a rule did.
        source: EventSource,
        /// The cohort whose own task it is; `None` for the playbook's tasks. Only that
        /// cohort's coaches may hear of it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cohort: Option<Uuid>,
    },
    /// A coach sent a nudge.
    Nudge {
        /// Who receives it.
        member: Uuid,
        /// The nudge.
        nudge: Uuid,
    },
    /// Sessions of a user ended (sign-out, a reused refresh token, a change of role): open
    /// sockets of those sessions must close.
    SessionsEnded {
        /// Whose.
        user: Uuid,
        /// The sign-in (token family) that ended; `None`: every one of hers.
        family: Option<Uuid>,
    },
}

#[derive(Debug)]
pub(crate) struct Hub {
    sender: broadcast::Sender<Event>,
    listener: OnceCell<()>,
    url: String,
    backend: Backend,
}

impl Hub {
    pub(crate) fn new(url: &str, backend: Backend) -> Arc<Self> {
        let (sender, _) = broadcast::channel(1024);
        Arc::new(Self {
            sender,
            listener: OnceCell::new(),
            url: url.to_owned(),
            backend,
        })
    }

    /// Sends events as part of the transaction (PostgreSQL only).
    pub(crate) async fn notify_in(
        &self,
        conn: &impl ConnectionTrait,
        events: &[Event],
    ) -> Result<(), StoreError> {
        if self.backend != Backend::Postgres {
            return Ok(());
        }
        for event in events {
            let payload =
                serde_json::to_string(event).map_err(|e| StoreError::Events(e.to_string()))?;
            conn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [CHANNEL.into(), payload.into()],
            ))
            .await?;
        }
        Ok(())
    }

    /// Delivers events after a commit (SQLite only; PostgreSQL delivers through LISTEN).
    pub(crate) fn after_commit(&self, events: Vec<Event>) {
        if self.backend == Backend::Sqlite {
            for event in events {
                // No receiver is fine: nobody is watching.
                let _ = self.sender.send(event);
            }
        }
    }

    pub(crate) async fn subscribe(
        self: &Arc<Self>,
    ) -> Result<broadcast::Receiver<Event>, StoreError> {
        let receiver = self.sender.subscribe();
        if self.backend == Backend::Postgres {
            let hub = self.clone();
            self.listener
                .get_or_try_init(|| async move {
                    let mut listener = sea_orm::sqlx::postgres::PgListener::connect(&hub.url)
                        .await
                        .map_err(|e| StoreError::Events(e.to_string()))?;
                    listener
                        .listen(CHANNEL)
                        .await
                        .map_err(|e| StoreError::Events(e.to_string()))?;
                    let weak = Arc::downgrade(&hub);
                    tokio::spawn(async move {
                        loop {
                            // PgListener reconnects by itself after a dropped connection.
                            let notification = match listener.recv().await {
                                Ok(n) => n,
                                Err(e) => {
                                    tracing::warn!(error = %e, "event listener failed; retrying");
                                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                                    continue;
                                }
                            };
                            let Some(hub) = weak.upgrade() else { break };
                            match serde_json::from_str::<Event>(notification.payload()) {
                                Ok(event) => {
                                    let _ = hub.sender.send(event);
                                }
                                Err(e) => tracing::warn!(error = %e, "ignoring a malformed event"),
                            }
                        }
                    });
                    Ok::<(), StoreError>(())
                })
                .await?;
        }
        Ok(receiver)
    }
}

/// Who changed a status.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum EventSource {
    /// The member, through `setTaskStatus`.
    Member,
    /// A rule, from her data.
    Rule,
}

impl EventSource {
    /// The stable name, stored and sent: `MEMBER` or `RULE`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}
