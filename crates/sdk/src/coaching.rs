//! The coach's side: her cohorts, their invite codes and co-coaches, the tasks she adds, her
//! members, and nudges. Also the member's side of cohort tasks (`my_cohort_tasks`,
//! `set_cohort_task_status`), which sit beside the playbook's own tasks.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::{
    HerLeadError,
    client::HerLeadClient,
    input::{Patch, date},
    operations::{IdVars, InputVars, NoVars, Root},
    types::{Nudge, PlaybookStep, TaskStatus, rfc3339},
};

macro_rules! cohort_fields {
    () => {
        "id name description startsOn endsOn stallDays inviteCode inviteExpiresAt \
         coaches { id displayName owner } \
         tasks { task { id cohortId key title guidance step dueOn } done counted rate }"
    };
}

macro_rules! cohort_task_progress_fields {
    () => {
        "task { id cohortId key title guidance step dueOn } status updatedAt completedAt"
    };
}

pub(crate) const CREATE_COHORT: &str = concat!(
    "mutation CreateCohort($i: CohortInput!) { createCohort(input: $i) { ",
    cohort_fields!(),
    " } }"
);
pub(crate) const UPDATE_COHORT: &str = concat!(
    "mutation UpdateCohort($id: ID!, $i: CohortUpdateInput!) { updateCohort(id: $id, input: $i) { ",
    cohort_fields!(),
    " } }"
);
pub(crate) const COACHED_COHORTS: &str = concat!(
    "query CoachedCohorts { coachedCohorts { ",
    cohort_fields!(),
    " } }"
);
pub(crate) const COHORT: &str = concat!(
    "query Cohort($id: ID!) { cohort(id: $id) { ",
    cohort_fields!(),
    " } }"
);
pub(crate) const ROTATE_INVITE_CODE: &str = concat!(
    "mutation RotateInviteCode($id: ID!, $days: Int!) { rotateInviteCode(cohortId: $id, validDays: $days) { ",
    cohort_fields!(),
    " } }"
);
pub(crate) const ADD_CO_COACH: &str = concat!(
    "mutation AddCoCoach($id: ID!, $email: String!) { addCoCoach(cohortId: $id, email: $email) { ",
    cohort_fields!(),
    " } }"
);
pub(crate) const REMOVE_MEMBER: &str = "mutation RemoveMember($id: ID!, $member: ID!) { removeMember(cohortId: $id, userId: $member) }";
pub(crate) const ADD_COHORT_TASK: &str = "mutation AddCohortTask($id: ID!, $i: CohortTaskInput!) { addCohortTask(cohortId: $id, input: $i) { id cohortId key title guidance step dueOn } }";
pub(crate) const NUDGE_STALLED: &str = "mutation NudgeStalled($i: NudgeInput!) { sendNudge(input: $i) { id cohortId memberId message taskKey createdAt readAt } }";
pub(crate) const MY_COHORT_TASKS: &str = concat!(
    "query MyCohortTasks { myCohortTasks { ",
    cohort_task_progress_fields!(),
    " } }"
);
pub(crate) const SET_COHORT_TASK_STATUS: &str = concat!(
    "mutation SetCohortTaskStatus($id: ID!, $status: TaskStatus!) { setCohortTaskStatus(taskId: $id, status: $status) { ",
    cohort_task_progress_fields!(),
    " } }"
);

/// A cohort she coaches: its settings, invite code, coaches and the tasks she added, with how
/// many members finished each. Its members and figures are on [`crate::CohortDashboard`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
#[serde(rename_all = "camelCase")]
pub struct Cohort {
    /// Stable id.
    pub id: String,
    /// Name.
    pub name: String,
    /// What the cohort is for.
    pub description: Option<String>,
    /// First day (`YYYY-MM-DD`).
    pub starts_on: Option<String>,
    /// Last day (`YYYY-MM-DD`).
    pub ends_on: Option<String>,
    /// Days without activity after which a member counts as stalled.
    pub stall_days: i32,
    /// The code members join with.
    pub invite_code: String,
    /// When the code stops working.
    #[serde(with = "rfc3339")]
    pub invite_expires_at: SystemTime,
    /// Its coaches, the owner among them.
    pub coaches: Vec<CohortCoach>,
    /// The tasks its coaches added, with completion.
    pub tasks: Vec<CohortTaskCompletion>,
}

/// One of a cohort's coaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(rename_all = "camelCase")]
pub struct CohortCoach {
    /// Her id.
    pub id: String,
    /// Her name.
    pub display_name: String,
    /// Whether she created the cohort.
    pub owner: bool,
}

/// A task a coach added to a cohort.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(rename_all = "camelCase")]
pub struct CohortTask {
    /// Stable id.
    pub id: String,
    /// Its cohort.
    pub cohort_id: String,
    /// Its key (`cohort.<id>`), unique beside the playbook's keys.
    pub key: String,
    /// Short imperative title.
    pub title: String,
    /// What to do and why.
    pub guidance: Option<String>,
    /// The step it sits in.
    pub step: PlaybookStep,
    /// When it is due (`YYYY-MM-DD`).
    pub due_on: Option<String>,
}

/// How many of a cohort's members finished one of its tasks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
pub struct CohortTaskCompletion {
    /// The task.
    pub task: CohortTask,
    /// Members who finished it.
    pub done: i32,
    /// Members for whom it counts (those who did not skip it).
    pub counted: i32,
    /// `done ÷ counted`, 0 when nobody counts.
    pub rate: f64,
}

/// A cohort task with her status on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, uniffi::Record)]
#[serde(rename_all = "camelCase")]
pub struct CohortTaskProgress {
    /// The task.
    pub task: CohortTask,
    /// Her status.
    pub status: TaskStatus,
    /// When she last changed it.
    #[serde(default, with = "rfc3339::option")]
    pub updated_at: Option<SystemTime>,
    /// When she finished it.
    #[serde(default, with = "rfc3339::option")]
    pub completed_at: Option<SystemTime>,
}

/// A new cohort.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(rename_all = "camelCase")]
pub struct CohortInput {
    /// Name (required).
    pub name: String,
    /// What the cohort is for.
    #[uniffi(default)]
    pub description: Option<String>,
    /// First day (`YYYY-MM-DD`).
    #[uniffi(default)]
    pub starts_on: Option<String>,
    /// Last day (`YYYY-MM-DD`), not before the first.
    #[uniffi(default)]
    pub ends_on: Option<String>,
    /// Days without activity after which a member counts as stalled.
    #[uniffi(default = 14)]
    pub stall_days: i32,
}

/// Changes to a cohort: a field left `None` keeps its value; a field named in `clear` is
/// emptied.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct CohortPatch {
    /// A new name.
    #[uniffi(default)]
    pub name: Option<String>,
    /// A new description.
    #[uniffi(default)]
    pub description: Option<String>,
    /// A new first day (`YYYY-MM-DD`).
    #[uniffi(default)]
    pub starts_on: Option<String>,
    /// A new last day (`YYYY-MM-DD`).
    #[uniffi(default)]
    pub ends_on: Option<String>,
    /// New days until a quiet member counts as stalled.
    #[uniffi(default)]
    pub stall_days: Option<i32>,
    /// Fields to empty.
    #[uniffi(default)]
    pub clear: Vec<CohortField>,
}

/// The fields of a cohort that can be emptied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum CohortField {
    /// Its description.
    Description,
    /// Its first day.
    StartsOn,
    /// Its last day.
    EndsOn,
}

/// A task a coach adds for her cohort.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(rename_all = "camelCase")]
pub struct CohortTaskInput {
    /// Short imperative title (required).
    pub title: String,
    /// The step it belongs in.
    pub step: PlaybookStep,
    /// What to do and why.
    #[uniffi(default)]
    pub guidance: Option<String>,
    /// When it is due (`YYYY-MM-DD`).
    #[uniffi(default)]
    pub due_on: Option<String>,
}

impl CohortPatch {
    /// The `CohortUpdateInput` it stands for.
    fn to_input(&self) -> Result<serde_json::Value, HerLeadError> {
        let mut patch = Patch::default();
        patch.set("name", &self.name);
        patch.set("description", &self.description);
        patch.set_date("startsOn", &self.starts_on)?;
        patch.set_date("endsOn", &self.ends_on)?;
        patch.set("stallDays", &self.stall_days);
        for field in &self.clear {
            patch.clear(match field {
                CohortField::Description => "description",
                CohortField::StartsOn => "startsOn",
                CohortField::EndsOn => "endsOn",
            })?;
        }
        Ok(patch.into_value())
    }
}

#[derive(Serialize)]
struct CohortVars<I> {
    id: String,
    i: I,
}

#[derive(Serialize)]
struct RotateVars {
    id: String,
    days: i32,
}

#[derive(Serialize)]
struct CoCoachVars {
    id: String,
    email: String,
}

#[derive(Serialize)]
struct RemoveMemberVars {
    id: String,
    member: String,
}

#[derive(Serialize)]
struct TaskStatusVars {
    id: String,
    status: TaskStatus,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StalledNudgeInput {
    cohort_id: String,
    stalled_only: bool,
    message: String,
    task_key: Option<String>,
}

#[uniffi::export(async_runtime = "tokio")]
impl HerLeadClient {
    /// COACH: creates a cohort with an invite code valid for 14 days; she owns it.
    pub async fn create_cohort(&self, cohort: CohortInput) -> Result<Cohort, HerLeadError> {
        date::check("startsOn", cohort.starts_on.as_deref())?;
        date::check("endsOn", cohort.ends_on.as_deref())?;
        let vars = InputVars { i: cohort };
        let Root(value): Root<Cohort> = self.execute(CREATE_COHORT, &vars, true).await?;
        Ok(value)
    }

    /// COACH: changes a cohort she coaches.
    pub async fn update_cohort(
        &self,
        cohort_id: String,
        patch: CohortPatch,
    ) -> Result<Cohort, HerLeadError> {
        let vars = CohortVars {
            id: cohort_id,
            i: patch.to_input()?,
        };
        let Root(value): Root<Cohort> = self.execute(UPDATE_COHORT, &vars, true).await?;
        Ok(value)
    }

    /// COACH: the cohorts she coaches (owner or co-coach).
    pub async fn coached_cohorts(&self) -> Result<Vec<Cohort>, HerLeadError> {
        let Root(value): Root<Vec<Cohort>> =
            self.execute(COACHED_COHORTS, &NoVars {}, true).await?;
        Ok(value)
    }

    /// COACH: one cohort she coaches, with its invite code, coaches and tasks.
    pub async fn cohort(&self, cohort_id: String) -> Result<Cohort, HerLeadError> {
        let vars = IdVars { id: cohort_id };
        let Root(value): Root<Cohort> = self.execute(COHORT, &vars, true).await?;
        Ok(value)
    }

    /// COACH: replaces a cohort's invite code with one valid for `valid_days` (1 to 90); the
    /// old code stops working at once.
    #[uniffi::method(default(valid_days = 14))]
    pub async fn rotate_invite_code(
        &self,
        cohort_id: String,
        valid_days: i32,
    ) -> Result<Cohort, HerLeadError> {
        let vars = RotateVars {
            id: cohort_id,
            days: valid_days,
        };
        let Root(value): Root<Cohort> = self.execute(ROTATE_INVITE_CODE, &vars, true).await?;
        Ok(value)
    }

    /// COACH: makes another coach (by her account's email) a co-coach of the cohort.
    pub async fn add_co_coach(
        &self,
        cohort_id: String,
        email: String,
    ) -> Result<Cohort, HerLeadError> {
        let vars = CoCoachVars {
            id: cohort_id,
            email,
        };
        let Root(value): Root<Cohort> = self.execute(ADD_CO_COACH, &vars, true).await?;
        Ok(value)
    }

    /// COACH: removes a member from a cohort she coaches; her coaches stop seeing her at once.
    pub async fn remove_member(
        &self,
        cohort_id: String,
        member_id: String,
    ) -> Result<(), HerLeadError> {
        let vars = RemoveMemberVars {
            id: cohort_id,
            member: member_id,
        };
        let _: Root<bool> = self.execute(REMOVE_MEMBER, &vars, true).await?;
        Ok(())
    }

    /// COACH: adds a task for every member of the cohort, in one of the playbook's steps.
    pub async fn add_cohort_task(
        &self,
        cohort_id: String,
        task: CohortTaskInput,
    ) -> Result<CohortTask, HerLeadError> {
        date::check("dueOn", task.due_on.as_deref())?;
        let vars = CohortVars {
            id: cohort_id,
            i: task,
        };
        let Root(value): Root<CohortTask> = self.execute(ADD_COHORT_TASK, &vars, true).await?;
        Ok(value)
    }

    /// COACH: sends the same nudge to every stalled member of the cohort; answers the nudges
    /// sent (none when nobody is stalled).
    pub async fn nudge_stalled_members(
        &self,
        cohort_id: String,
        message: String,
        task_key: Option<String>,
    ) -> Result<Vec<Nudge>, HerLeadError> {
        let vars = InputVars {
            i: StalledNudgeInput {
                cohort_id,
                stalled_only: true,
                message,
                task_key,
            },
        };
        let Root(value): Root<Vec<Nudge>> = self.execute(NUDGE_STALLED, &vars, true).await?;
        Ok(value)
    }

    /// The tasks her coaches added to her cohorts, soonest due first, with her status on each.
    pub async fn my_cohort_tasks(&self) -> Result<Vec<CohortTaskProgress>, HerLeadError> {
        let Root(value): Root<Vec<CohortTaskProgress>> =
            self.execute(MY_COHORT_TASKS, &NoVars {}, true).await?;
        Ok(value)
    }

    /// Sets her status on a task of one of her cohorts.
    pub async fn set_cohort_task_status(
        &self,
        task_id: String,
        status: TaskStatus,
    ) -> Result<CohortTaskProgress, HerLeadError> {
        let vars = TaskStatusVars {
            id: task_id,
            status,
        };
        let Root(value): Root<CohortTaskProgress> =
            self.execute(SET_COHORT_TASK_STATUS, &vars, true).await?;
        Ok(value)
    }
}
