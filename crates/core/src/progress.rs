//! Progress through the playbook, computed from the status of each task.

use std::{collections::HashMap, fmt};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    input::Note,
    playbook::{Playbook, PlaybookStep, Task},
};

/// Where one task stands for one user.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskStatus {
    /// Nothing recorded yet.
    #[default]
    NotStarted,
    /// Under way.
    InProgress,
    /// Done.
    Done,
    /// Deliberately set aside; counts neither as done nor as open.
    Skipped,
}

crate::network::storage_names!(TaskStatus);

impl TaskStatus {
    /// Whether the task still needs work.
    pub fn is_open(self) -> bool {
        matches!(self, TaskStatus::NotStarted | TaskStatus::InProgress)
    }
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What has been recorded about one task for one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRecord {
    /// The task's key.
    pub task_key: String,
    /// Its status.
    pub status: TaskStatus,
    /// Her note, if she left one.
    pub note: Option<Note>,
    /// When the status or note last changed.
    pub updated_at: DateTime<Utc>,
    /// When it became DONE, while it is DONE.
    pub completed_at: Option<DateTime<Utc>>,
}

/// One task of the playbook with where she stands on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskProgress {
    /// The task.
    pub task: &'static Task,
    /// Its status (NOT_STARTED when nothing was recorded).
    pub status: TaskStatus,
    /// Her note.
    pub note: Option<Note>,
    /// When it last changed; `None` when nothing was recorded.
    pub updated_at: Option<DateTime<Utc>>,
    /// When it became DONE.
    pub completed_at: Option<DateTime<Utc>>,
}

impl TaskProgress {
    /// Combines a task with its record, if any.
    pub fn new(task: &'static Task, record: Option<&TaskRecord>) -> Self {
        match record {
            Some(r) => Self {
                task,
                status: r.status,
                note: r.note.clone(),
                updated_at: Some(r.updated_at),
                completed_at: r.completed_at,
            },
            None => Self {
                task,
                status: TaskStatus::NotStarted,
                note: None,
                updated_at: None,
                completed_at: None,
            },
        }
    }
}

/// Progress through one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepProgress {
    /// The step.
    pub step: PlaybookStep,
    /// Tasks done.
    pub done: u32,
    /// Tasks that count: all but the skipped ones.
    pub total: u32,
    /// `done / total` as a whole percentage, rounded down; 100 when nothing counts.
    pub percent: u8,
    /// Every task of the step, in playbook order.
    pub tasks: Vec<TaskProgress>,
}

/// Progress through the whole playbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// Done over counted tasks across all steps, rounded down.
    pub percent: u8,
    /// The first step that still has open tasks; `None` when everything is done or skipped.
    pub current_step: Option<PlaybookStep>,
    /// The four steps, in order.
    pub steps: Vec<StepProgress>,
}

fn percent(done: u32, total: u32) -> u8 {
    if total == 0 {
        return 100;
    }
    // done <= total, so the quotient is at most 100.
    u8::try_from(u64::from(done) * 100 / u64::from(total)).unwrap_or(100)
}

impl Progress {
    /// Computes progress from what has been recorded. Records for tasks the playbook does not
    /// know (say, a task retired from the content) are ignored.
    pub fn compute(playbook: &'static Playbook, records: &[TaskRecord]) -> Progress {
        let by_key: HashMap<&str, &TaskRecord> =
            records.iter().map(|r| (r.task_key.as_str(), r)).collect();
        let steps: Vec<StepProgress> = playbook
            .steps
            .iter()
            .map(|step| {
                let tasks: Vec<TaskProgress> = step
                    .tasks
                    .iter()
                    .map(|t| TaskProgress::new(t, by_key.get(t.key.as_str()).copied()))
                    .collect();
                let done = count(&tasks, |s| s == TaskStatus::Done);
                let total = count(&tasks, |s| s != TaskStatus::Skipped);
                StepProgress {
                    step: step.key,
                    done,
                    total,
                    percent: percent(done, total),
                    tasks,
                }
            })
            .collect();
        let done = steps.iter().map(|s| s.done).sum();
        let total = steps.iter().map(|s| s.total).sum();
        let current_step = steps
            .iter()
            .find(|s| s.tasks.iter().any(|t| t.status.is_open()))
            .map(|s| s.step);
        Progress {
            percent: percent(done, total),
            current_step,
            steps,
        }
    }
}

fn count(tasks: &[TaskProgress], pred: impl Fn(TaskStatus) -> bool) -> u32 {
    u32::try_from(tasks.iter().filter(|t| pred(t.status)).count()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(key: &str, status: TaskStatus) -> TaskRecord {
        TaskRecord {
            task_key: key.to_owned(),
            status,
            note: None,
            updated_at: DateTime::UNIX_EPOCH,
            completed_at: None,
        }
    }

    fn keys_of(step: PlaybookStep) -> Vec<&'static str> {
        Playbook::standard()
            .step(step)
            .tasks
            .iter()
            .map(|t| t.key.as_str())
            .collect()
    }

    #[test]
    fn test_nothing_recorded_means_zero_percent_on_step_one() {
        let progress = Progress::compute(Playbook::standard(), &[]);
        assert_eq!(progress.percent, 0);
        assert_eq!(progress.current_step, Some(PlaybookStep::Position));
        assert_eq!(progress.steps.len(), 4);
        let first = &progress.steps[0];
        assert_eq!((first.done, first.total, first.percent), (0, 5, 0));
        assert!(
            first
                .tasks
                .iter()
                .all(|t| t.status == TaskStatus::NotStarted)
        );
        assert!(first.tasks.iter().all(|t| t.updated_at.is_none()));
    }

    #[test]
    fn test_skipped_counts_as_neither_done_nor_total() {
        let progress = Progress::compute(
            Playbook::standard(),
            &[
                record("position.website", TaskStatus::Done),
                record("position.email_signature", TaskStatus::Skipped),
                record("position.consistent_profiles", TaskStatus::InProgress),
            ],
        );
        let first = &progress.steps[0];
        assert_eq!((first.done, first.total), (1, 4));
        assert_eq!(first.percent, 25);
        // 1 done of 16 counted tasks overall.
        assert_eq!(progress.percent, 6);
    }

    #[test]
    fn test_current_step_is_first_with_open_tasks() {
        let mut records: Vec<TaskRecord> = keys_of(PlaybookStep::Position)
            .into_iter()
            .map(|k| record(k, TaskStatus::Done))
            .collect();
        let progress = Progress::compute(Playbook::standard(), &records);
        assert_eq!(progress.current_step, Some(PlaybookStep::BringTogether));
        assert_eq!(progress.steps[0].percent, 100);

        // A later step with open tasks does not move the current step back.
        records.push(record("position.website", TaskStatus::InProgress));
        records.remove(0);
        let progress = Progress::compute(Playbook::standard(), &records);
        assert_eq!(progress.current_step, Some(PlaybookStep::Position));
    }

    #[test]
    fn test_everything_done_or_skipped_has_no_current_step() {
        let records: Vec<TaskRecord> = Playbook::standard()
            .tasks()
            .enumerate()
            .map(|(i, t)| {
                let status = if i % 3 == 0 {
                    TaskStatus::Skipped
                } else {
                    TaskStatus::Done
                };
                record(&t.key, status)
            })
            .collect();
        let progress = Progress::compute(Playbook::standard(), &records);
        assert_eq!(progress.current_step, None);
        assert_eq!(progress.percent, 100);
    }

    #[test]
    fn test_all_skipped_step_is_complete() {
        let records: Vec<TaskRecord> = keys_of(PlaybookStep::Dialogue)
            .into_iter()
            .map(|k| record(k, TaskStatus::Skipped))
            .collect();
        let progress = Progress::compute(Playbook::standard(), &records);
        let dialogue = &progress.steps[2];
        assert_eq!(
            (dialogue.done, dialogue.total, dialogue.percent),
            (0, 0, 100)
        );
        assert_eq!(progress.percent, 0);
    }

    #[test]
    fn test_records_of_unknown_tasks_are_ignored() {
        let progress = Progress::compute(
            Playbook::standard(),
            &[record("position.retired", TaskStatus::Done)],
        );
        assert_eq!(progress.percent, 0);
    }

    #[test]
    fn test_status_round_trips_through_its_name() {
        for status in [
            TaskStatus::NotStarted,
            TaskStatus::InProgress,
            TaskStatus::Done,
            TaskStatus::Skipped,
        ] {
            assert_eq!(status.as_str().parse::<TaskStatus>(), Ok(status));
        }
        assert!("FINISHED".parse::<TaskStatus>().is_err());
    }
}
