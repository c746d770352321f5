//! sea-orm entities. Private to this crate: callers get core types.

pub(crate) mod calendar_feed;
pub(crate) mod cohort;
pub(crate) mod cohort_coach;
pub(crate) mod cohort_member;
pub(crate) mod cohort_task;
pub(crate) mod cohort_task_status;
pub(crate) mod community;
pub(crate) mod contact;
pub(crate) mod import_batch;
pub(crate) mod interaction;
pub(crate) mod meeting;
pub(crate) mod meeting_attendee;
pub(crate) mod nudge;
pub(crate) mod presence;
pub(crate) mod profile;
pub(crate) mod progress_event;
pub(crate) mod refresh_token;
pub(crate) mod task_progress;
pub(crate) mod user;
