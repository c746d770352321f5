//! The HerLead client SDK.
//!
//! A [`HerLeadClient`] talks to a HerLead server with typed async methods for the whole member
//! journey (account, playbook, progress, presence, contacts, interactions, communities,
//! recommendations, score, cohorts and nudges) and the coach's dashboard. It refreshes access
//! tokens by itself and keeps them in a [`TokenStore`] the app provides (Keychain, Keystore).
//!
//! The same API is exported with uniffi to Kotlin (`org.herlead.sdk`), Swift (`HerLead`) and
//! Python (`herlead_sdk`); see `bindings/`. The SDK depends on `herlead-core` only, so the
//! playbook's rules run on the device too: see [`progress_from_statuses`].

mod account;
mod client;
mod coaching;
mod error;
mod imports;
mod input;
mod live;
mod network;
pub mod operations;
mod tls;
mod types;

pub use account::*;
pub use client::{HerLeadClient, MemoryTokenStore, TokenStore, memory_token_store};
pub use coaching::*;
pub use error::{HerLeadError, NetworkErrorKind};
pub use imports::*;
pub use live::*;
pub use network::*;
pub use types::*;

uniffi::setup_scaffolding!("herlead_sdk");

/// A task key with its status, for computing progress on the device.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TaskStatusEntry {
    /// The task's key.
    pub task_key: String,
    /// Its status.
    pub status: TaskStatus,
}

/// Computes playbook progress on the device, with the server's own rules (no round trip):
/// for example to update the screen at once after a change, before the server confirms.
#[uniffi::export]
pub fn progress_from_statuses(statuses: Vec<TaskStatusEntry>) -> Progress {
    use herlead_core::{Playbook, progress};
    let records: Vec<progress::TaskRecord> = statuses
        .into_iter()
        .map(|s| progress::TaskRecord {
            task_key: s.task_key,
            status: s.status,
            note: None,
            updated_at: chrono::DateTime::UNIX_EPOCH,
            completed_at: None,
        })
        .collect();
    let computed = progress::Progress::compute(Playbook::standard(), &records);
    Progress {
        percent: i32::from(computed.percent),
        current_step: computed.current_step,
        steps: computed
            .steps
            .into_iter()
            .map(|s| StepProgress {
                step: s.step,
                done: i32::try_from(s.done).unwrap_or(i32::MAX),
                total: i32::try_from(s.total).unwrap_or(i32::MAX),
                percent: i32::from(s.percent),
                tasks: s
                    .tasks
                    .into_iter()
                    .map(|t| TaskProgress {
                        task: TaskRef {
                            key: t.task.key.clone(),
                        },
                        status: t.status,
                        note: None,
                        updated_at: None,
                        completed_at: None,
                    })
                    .collect(),
            })
            .collect(),
    }
}
