//! Cohort tasks: added by coaches, marked by members.

use std::collections::HashMap;

use herlead_core::{
    TaskStatus, UserId,
    cohort::{CohortTask, CohortTaskState},
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{OnConflict, Query},
};
use uuid::Uuid;

use crate::{
    Store, StoreError,
    convert::{to_state, to_task},
    db_time,
    entity::{cohort_member, cohort_task, cohort_task_status},
};

const NOT_STARTED: CohortTaskState = CohortTaskState {
    status: TaskStatus::NotStarted,
    updated_at: None,
    completed_at: None,
};

impl Store {
    /// Adds a task to a cohort.
    pub async fn add_cohort_task(
        &self,
        task: &CohortTask,
        created_by: UserId,
    ) -> Result<CohortTask, StoreError> {
        let created_at = db_time(task.created_at);
        cohort_task::Entity::insert(cohort_task::ActiveModel {
            id: Set(task.id),
            cohort_id: Set(task.cohort_id),
            title: Set(task.title.as_str().to_owned()),
            guidance: Set(task.guidance.as_deref().map(str::to_owned)),
            step: Set(task.step.as_str().into()),
            due_on: Set(task.due_on),
            created_by: Set(created_by.0),
            created_at: Set(created_at),
        })
        .exec_without_returning(&self.db)
        .await?;
        Ok(CohortTask {
            created_at,
            ..task.clone()
        })
    }

    /// A cohort's tasks with how many of its members finished each, and for how many it
    /// counts (members who did not skip it): three statements.
    pub async fn cohort_task_completion(
        &self,
        cohort: Uuid,
    ) -> Result<Vec<(CohortTask, u32, u32)>, StoreError> {
        let tasks: Vec<CohortTask> = cohort_task::Entity::find()
            .filter(cohort_task::Column::CohortId.eq(cohort))
            .order_by_asc(cohort_task::Column::CreatedAt)
            .order_by_asc(cohort_task::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_task)
            .collect::<Result<_, _>>()?;
        let members = cohort_member::Entity::find()
            .filter(cohort_member::Column::CohortId.eq(cohort))
            .all(&self.db)
            .await?;
        let member_ids: Vec<Uuid> = members.iter().map(|m| m.user_id).collect();
        let mut done: HashMap<Uuid, u32> = HashMap::new();
        let mut skipped: HashMap<Uuid, u32> = HashMap::new();
        if !tasks.is_empty() && !member_ids.is_empty() {
            for s in cohort_task_status::Entity::find()
                .filter(
                    cohort_task_status::Column::TaskId
                        .is_in(tasks.iter().map(|t| t.id).collect::<Vec<_>>()),
                )
                .filter(cohort_task_status::Column::UserId.is_in(member_ids.clone()))
                .all(&self.db)
                .await?
            {
                match s.status.as_str() {
                    "DONE" => *done.entry(s.task_id).or_default() += 1,
                    "SKIPPED" => *skipped.entry(s.task_id).or_default() += 1,
                    _ => {}
                }
            }
        }
        let n = u32::try_from(member_ids.len()).unwrap_or(u32::MAX);
        Ok(tasks
            .into_iter()
            .map(|t| {
                let d = done.get(&t.id).copied().unwrap_or(0);
                let counted = n - skipped.get(&t.id).copied().unwrap_or(0);
                (t, d, counted)
            })
            .collect())
    }

    /// The tasks of every cohort she belongs to, with where she stands on each.
    pub async fn member_cohort_tasks(
        &self,
        user: UserId,
    ) -> Result<Vec<(CohortTask, CohortTaskState)>, StoreError> {
        let tasks: Vec<CohortTask> = cohort_task::Entity::find()
            .filter(
                cohort_task::Column::CohortId.in_subquery(
                    Query::select()
                        .column(cohort_member::Column::CohortId)
                        .from(cohort_member::Entity)
                        .and_where(cohort_member::Column::UserId.eq(user.0))
                        .to_owned(),
                ),
            )
            .order_by_asc(cohort_task::Column::DueOn)
            .order_by_asc(cohort_task::Column::CreatedAt)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_task)
            .collect::<Result<_, _>>()?;
        let mut states: HashMap<Uuid, CohortTaskState> = HashMap::new();
        if !tasks.is_empty() {
            for s in cohort_task_status::Entity::find()
                .filter(cohort_task_status::Column::UserId.eq(user.0))
                .filter(
                    cohort_task_status::Column::TaskId
                        .is_in(tasks.iter().map(|t| t.id).collect::<Vec<_>>()),
                )
                .all(&self.db)
                .await?
            {
                states.insert(s.task_id, to_state(&s)?);
            }
        }
        Ok(tasks
            .into_iter()
            .map(|t| {
                let state = states.remove(&t.id).unwrap_or(NOT_STARTED);
                (t, state)
            })
            .collect())
    }

    /// Sets her status on a task of a cohort she belongs to, with an activity event.
    /// `Ok(None)` when the task is not one of her cohorts'.
    pub async fn set_cohort_task_status(
        &self,
        user: UserId,
        task_id: Uuid,
        status: TaskStatus,
    ) -> Result<Option<(CohortTask, CohortTaskState)>, StoreError> {
        let now = crate::now();
        self.transaction(async |txn, events| {
            let Some(task) = cohort_task::Entity::find_by_id(task_id).one(txn).await? else {
                return Ok(None);
            };
            let task = to_task(task)?;
            if cohort_member::Entity::find_by_id((task.cohort_id, user.0))
                .one(txn)
                .await?
                .is_none()
            {
                return Ok(None);
            }
            let current = cohort_task_status::Entity::find_by_id((task_id, user.0))
                .one(txn)
                .await?
                .map(|m| to_state(&m))
                .transpose()?
                .unwrap_or(NOT_STARTED);
            if current.status == status {
                return Ok(Some((task, current)));
            }
            let completed_at = match status {
                TaskStatus::Done => Some(now),
                _ => None,
            };
            cohort_task_status::Entity::insert(cohort_task_status::ActiveModel {
                task_id: Set(task_id),
                user_id: Set(user.0),
                status: Set(status.as_str().into()),
                updated_at: Set(now),
                completed_at: Set(completed_at),
            })
            .on_conflict(
                OnConflict::columns([
                    cohort_task_status::Column::TaskId,
                    cohort_task_status::Column::UserId,
                ])
                .update_columns([
                    cohort_task_status::Column::Status,
                    cohort_task_status::Column::UpdatedAt,
                    cohort_task_status::Column::CompletedAt,
                ])
                .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
            let raised = vec![crate::Event::Progress {
                user: user.0,
                task_key: task.key(),
                from: current.status,
                to: status,
                at: now,
                source: crate::EventSource::Member,
                cohort: Some(task.cohort_id),
            }];
            events.extend(raised);
            Ok(Some((
                task,
                CohortTaskState {
                    status,
                    updated_at: Some(now),
                    completed_at,
                },
            )))
        })
        .await
    }
}
