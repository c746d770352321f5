//! GraphQL object types, written for clients rather than copied from tables.

use async_graphql::{ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use herlead_core::{
    Audience, Channel, Playbook, PlaybookStep, Role, Step, Task, TaskCompletion, TaskStatus, User,
    progress,
};

/// The playbook: four steps from a visible online presence to collective action.
pub struct PlaybookView(pub &'static Playbook);

#[Object(name = "Playbook")]
impl PlaybookView {
    /// Content version; changes whenever the wording or tasks do.
    async fn version(&self) -> &str {
        &self.0.version
    }

    /// The four steps, in order.
    async fn steps(&self) -> Vec<StepView> {
        self.0.steps.iter().map(StepView).collect()
    }
}

/// One of the four steps.
pub struct StepView(pub &'static Step);

#[Object(name = "Step")]
impl StepView {
    /// Which step.
    async fn key(&self) -> PlaybookStep {
        self.0.key
    }

    /// 1 to 4.
    async fn number(&self) -> i32 {
        i32::from(self.0.number)
    }

    /// Short title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// What the step achieves.
    async fn summary(&self) -> &str {
        &self.0.summary
    }

    /// The step's tasks, in order.
    async fn tasks(&self) -> Vec<TaskView> {
        self.0.tasks.iter().map(TaskView).collect()
    }
}

/// One thing to do.
pub struct TaskView(pub &'static Task);

#[Object(name = "Task")]
impl TaskView {
    /// Stable key such as `position.website`.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The step it belongs to.
    async fn step(&self) -> PlaybookStep {
        self.0.step
    }

    /// Short imperative title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// What to do and why.
    async fn guidance(&self) -> &str {
        &self.0.guidance
    }

    /// How the task gets done.
    async fn completion(&self) -> TaskCompletion {
        self.0.completion
    }

    /// The number to reach, where there is one (five people, fifteen names …).
    async fn target(&self) -> Option<i32> {
        self.0.target.and_then(|n| i32::try_from(n).ok())
    }

    /// The upper end of a target range (a meet list of 15 to 20 people).
    async fn target_max(&self) -> Option<i32> {
        self.0.target_max.and_then(|n| i32::try_from(n).ok())
    }
}

/// A social channel recommended for an audience.
pub struct ChannelView(pub &'static Channel);

#[Object(name = "Channel")]
impl ChannelView {
    /// Stable key.
    async fn key(&self) -> &str {
        &self.0.key
    }

    /// The channel's name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Its home page, where one is known.
    async fn homepage(&self) -> Option<&str> {
        self.0.homepage.as_deref()
    }

    /// The audience it serves.
    async fn audience(&self) -> Audience {
        self.0.audience
    }
}

/// A HerLead account.
pub struct UserView(pub User);

#[Object(name = "User")]
impl UserView {
    /// Stable identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Her email address (normalized to lower case).
    async fn email(&self) -> &str {
        self.0.email.as_str()
    }

    /// The name shown in the app.
    async fn display_name(&self) -> &str {
        self.0.display_name.as_str()
    }

    /// What she may do.
    async fn role(&self) -> Role {
        self.0.role
    }

    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Credentials for a signed-in session.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Bearer token for the `Authorization` header; short-lived.
    pub access_token: String,
    /// Exchange it with `refreshSession` for new tokens; single use.
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i32,
    /// The signed-in user.
    pub user: UserView,
}

/// Progress through the whole playbook.
pub struct ProgressView(pub progress::Progress);

#[Object(name = "Progress")]
impl ProgressView {
    /// Done over counted (not skipped) tasks across all steps, 0 to 100, rounded down.
    async fn percent(&self) -> i32 {
        i32::from(self.0.percent)
    }

    /// The first step with open tasks; null when everything is done or skipped.
    async fn current_step(&self) -> Option<PlaybookStep> {
        self.0.current_step
    }

    /// The four steps, in order.
    async fn steps(&self) -> Vec<StepProgressView<'_>> {
        self.0.steps.iter().map(StepProgressView).collect()
    }
}

/// Progress through one step.
pub struct StepProgressView<'a>(pub &'a progress::StepProgress);

#[Object(name = "StepProgress")]
impl StepProgressView<'_> {
    /// Which step.
    async fn step(&self) -> PlaybookStep {
        self.0.step
    }

    /// Tasks done.
    async fn done(&self) -> i32 {
        i32::try_from(self.0.done).unwrap_or(i32::MAX)
    }

    /// Tasks that count (all but skipped ones).
    async fn total(&self) -> i32 {
        i32::try_from(self.0.total).unwrap_or(i32::MAX)
    }

    /// `done / total`, 0 to 100, rounded down; 100 when no task counts.
    async fn percent(&self) -> i32 {
        i32::from(self.0.percent)
    }

    /// Each task with its status.
    async fn tasks(&self) -> Vec<TaskProgressView> {
        self.0.tasks.iter().cloned().map(TaskProgressView).collect()
    }
}

/// Where one task stands.
pub struct TaskProgressView(pub progress::TaskProgress);

#[Object(name = "TaskProgress")]
impl TaskProgressView {
    /// The task.
    async fn task(&self) -> TaskView {
        TaskView(self.0.task)
    }

    /// Its status.
    async fn status(&self) -> TaskStatus {
        self.0.status
    }

    /// Her note.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_ref().map(|n| n.as_str())
    }

    /// When it last changed; null when nothing was recorded.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.0.updated_at
    }

    /// When it was completed, while it is DONE.
    async fn completed_at(&self) -> Option<DateTime<Utc>> {
        self.0.completed_at
    }
}

/// Creates an account.
#[derive(InputObject)]
pub struct RegisterInput {
    /// Her email address; used to sign in.
    pub email: String,
    /// 8 to 128 characters.
    pub password: String,
    /// The name to show, 1 to 80 characters.
    pub display_name: String,
}

/// Signs in.
#[derive(InputObject)]
pub struct LoginInput {
    /// The email she registered with (any case).
    pub email: String,
    /// Her password.
    pub password: String,
}

/// Changes one task's status.
#[derive(InputObject)]
pub struct SetTaskStatusInput {
    /// A task key from the playbook, such as `position.website`.
    pub task_key: String,
    /// The new status.
    pub status: TaskStatus,
    /// An optional note (up to 2,000 characters); omitted or blank clears it.
    pub note: Option<String>,
}
