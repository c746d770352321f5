//! sea-orm entities. Private to this crate: callers get core types.

pub(crate) mod progress_event;
pub(crate) mod refresh_token;
pub(crate) mod task_progress;
pub(crate) mod user;
