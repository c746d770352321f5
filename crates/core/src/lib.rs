//! The HerLead playbook, as data and pure rules.
//!
//! HerLead turns a four-step playbook for building social capital into tracked progress:
//! position yourself online, bring together people who share your interests, form a common
//! identity through dialogue, and act collectively. This crate owns the content of that
//! playbook ([`Playbook`]), the audience channel catalogue ([`channels`]), the progress rules
//! ([`progress`]) and the validated input types the rest of the system accepts
//! ([`input`]).
//!
//! It performs no I/O and has no async code, so the same rules run on the server and inside
//! the mobile SDK. With the `graphql` feature its enums derive `async_graphql::Enum`, so the
//! API exposes them without mirror types; with the `uniffi` feature they derive `uniffi::Enum`,
//! so the SDK exports them to Kotlin, Swift and Python the same way.

pub mod channels;
pub mod cohort;
pub mod community;
pub mod derived;
pub mod error;
pub mod input;
pub mod network;
pub mod playbook;
pub mod presence;
pub mod progress;
pub mod recommend;
pub mod reconnect;
pub mod rules;
pub mod score;
pub mod task_key;
pub mod user;

pub use channels::{Audience, Channel};
pub use error::ValidationError;
pub use playbook::{Playbook, PlaybookStep, Step, Task, TaskCompletion};
pub use progress::{Progress, StepProgress, TaskProgress, TaskStatus};
pub use task_key::TaskKey;
pub use user::{Role, User, UserId};

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("herlead_core");
