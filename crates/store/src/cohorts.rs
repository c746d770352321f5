//! Cohorts, coaches, members, nudges, and the set-based reads behind the coach dashboard: the
//! number of statements they run does not depend on the number of members.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use herlead_core::{
    Role, User, UserId,
    cohort::{Cohort, Nudge, SharingLevel},
    progress::TaskRecord,
    rules::Snapshot,
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use crate::{
    Store, StoreError, db_time,
    entity::{
        cohort, cohort_coach, cohort_member, interaction, nudge, progress_event, task_progress,
        user,
    },
    users::to_user,
};

/// A member of a cohort as listed to its coaches.
#[derive(Debug, Clone)]
pub struct CohortMember {
    /// Her account.
    pub user: User,
    /// What she shares.
    pub sharing: SharingLevel,
    /// When she joined.
    pub joined_at: DateTime<Utc>,
    /// Her account's revision: it changes with every write of her data.
    pub revision: i64,
}

/// What could change a cohort's dashboard; see [`Store::cohort_fingerprint`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CohortFingerprint {
    /// Bumped by changes to the cohort's settings, membership and sharing.
    pub cohort_revision: i64,
    /// How many members it has.
    pub members: i64,
    /// The sum of its members' revisions.
    pub member_revisions: i64,
}

/// Bumps a cohort's revision inside the caller's transaction.
async fn bump_cohort(conn: &impl ConnectionTrait, id: Uuid) -> Result<(), StoreError> {
    cohort::Entity::update_many()
        .col_expr(
            cohort::Column::Revision,
            Expr::col(cohort::Column::Revision).add(1),
        )
        .filter(cohort::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

fn to_cohort(m: cohort::Model) -> Cohort {
    Cohort {
        id: m.id,
        name: m.name,
        description: m.description,
        starts_on: m.starts_on,
        ends_on: m.ends_on,
        stall_days: u32::try_from(m.stall_days).unwrap_or(0),
        invite_code: m.invite_code,
        invite_expires_at: m.invite_expires_at,
        created_at: m.created_at,
    }
}

fn to_nudge(m: nudge::Model) -> Nudge {
    Nudge {
        id: m.id,
        cohort_id: m.cohort_id,
        coach_id: UserId(m.coach_id),
        member_id: UserId(m.member_id),
        message: m.message,
        task_key: m.task_key,
        created_at: m.created_at,
        read_at: m.read_at,
    }
}

fn sharing(raw: &str) -> Result<SharingLevel, StoreError> {
    SharingLevel::parse(raw).ok_or_else(|| StoreError::Corrupt(format!("sharing level {raw}")))
}

impl Store {
    /// Changes a user's role. Returns whether the user exists.
    pub async fn set_role(&self, user: UserId, role: Role) -> Result<bool, StoreError> {
        self.transaction(async |txn, events| {
            let updated = user::Entity::update_many()
                .col_expr(user::Column::Role, Expr::value(role.as_str()))
                .col_expr(user::Column::UpdatedAt, Expr::value(crate::now()))
                .filter(user::Column::Id.eq(user.0))
                .filter(user::Column::Role.ne(role.as_str()))
                .exec(txn)
                .await?;
            // Her open sockets were opened under the old role: they end, and she reconnects.
            let raised = if updated.rows_affected == 1 {
                vec![crate::Event::SessionsEnded {
                    user: user.0,
                    family: None,
                }]
            } else {
                Vec::new()
            };
            events.extend(raised);
            Ok(updated.rows_affected == 1
                || user::Entity::find_by_id(user.0)
                    .one(&self.db)
                    .await?
                    .is_some())
        })
        .await
    }

    /// Creates a cohort with `owner` as its first coach.
    pub async fn create_cohort(&self, owner: UserId, value: Cohort) -> Result<Cohort, StoreError> {
        self.transaction(async |txn, _events| {
            let now = crate::now();
            cohort::Entity::insert(cohort::ActiveModel {
                id: Set(value.id),
                name: Set(value.name.clone()),
                description: Set(value.description.clone()),
                starts_on: Set(value.starts_on),
                ends_on: Set(value.ends_on),
                stall_days: Set(i32::try_from(value.stall_days).unwrap_or(i32::MAX)),
                invite_code: Set(value.invite_code.clone()),
                invite_expires_at: Set(db_time(value.invite_expires_at)),
                created_at: Set(now),
                revision: Set(0),
            })
            .exec_without_returning(txn)
            .await
            .map_err(|e| StoreError::unique(e, "invite code"))?;
            cohort_coach::Entity::insert(cohort_coach::ActiveModel {
                cohort_id: Set(value.id),
                user_id: Set(owner.0),
                is_owner: Set(true),
                added_at: Set(now),
            })
            .exec_without_returning(txn)
            .await?;
            Ok(Cohort {
                created_at: now,
                invite_expires_at: db_time(value.invite_expires_at),
                ..value
            })
        })
        .await
    }

    /// Saves a cohort's name, description, dates, stall threshold and invite.
    pub async fn update_cohort(&self, value: &Cohort) -> Result<(), StoreError> {
        cohort::Entity::update_many()
            .col_expr(cohort::Column::Name, Expr::value(value.name.clone()))
            .col_expr(
                cohort::Column::Description,
                Expr::value(value.description.clone()),
            )
            .col_expr(cohort::Column::StartsOn, Expr::value(value.starts_on))
            .col_expr(cohort::Column::EndsOn, Expr::value(value.ends_on))
            .col_expr(
                cohort::Column::StallDays,
                Expr::value(i32::try_from(value.stall_days).unwrap_or(i32::MAX)),
            )
            .col_expr(
                cohort::Column::InviteCode,
                Expr::value(value.invite_code.clone()),
            )
            .col_expr(
                cohort::Column::InviteExpiresAt,
                Expr::value(db_time(value.invite_expires_at)),
            )
            .col_expr(
                cohort::Column::Revision,
                Expr::col(cohort::Column::Revision).add(1),
            )
            .filter(cohort::Column::Id.eq(value.id))
            .exec(&self.db)
            .await
            .map_err(|e| StoreError::unique(e, "invite code"))?;
        Ok(())
    }

    /// A cohort by id.
    pub async fn cohort(&self, id: Uuid) -> Result<Option<Cohort>, StoreError> {
        Ok(cohort::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .map(to_cohort))
    }

    /// The cohort an invite code belongs to (expired or not).
    pub async fn cohort_by_invite(&self, code: &str) -> Result<Option<Cohort>, StoreError> {
        Ok(cohort::Entity::find()
            .filter(cohort::Column::InviteCode.eq(code))
            .one(&self.db)
            .await?
            .map(to_cohort))
    }

    /// Whether `user` coaches `cohort`.
    pub async fn is_coach(&self, cohort: Uuid, user: UserId) -> Result<bool, StoreError> {
        Ok(cohort_coach::Entity::find_by_id((cohort, user.0))
            .one(&self.db)
            .await?
            .is_some())
    }

    /// Cohorts the user coaches, oldest first.
    pub async fn coached_cohorts(&self, user: UserId) -> Result<Vec<Cohort>, StoreError> {
        let ids: Vec<Uuid> = cohort_coach::Entity::find()
            .filter(cohort_coach::Column::UserId.eq(user.0))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|c| c.cohort_id)
            .collect();
        self.cohorts_by_ids(ids).await
    }

    /// Cohorts the user belongs to, with what she shares in each.
    pub async fn joined_cohorts(
        &self,
        user: UserId,
    ) -> Result<Vec<(Cohort, SharingLevel)>, StoreError> {
        let rows = cohort_member::Entity::find()
            .filter(cohort_member::Column::UserId.eq(user.0))
            .all(&self.db)
            .await?;
        let levels: HashMap<Uuid, String> = rows
            .iter()
            .map(|r| (r.cohort_id, r.sharing.clone()))
            .collect();
        let cohorts = self
            .cohorts_by_ids(levels.keys().copied().collect())
            .await?;
        cohorts
            .into_iter()
            .map(|c| {
                let level = sharing(levels.get(&c.id).map_or("PROGRESS", String::as_str))?;
                Ok((c, level))
            })
            .collect()
    }

    async fn cohorts_by_ids(&self, ids: Vec<Uuid>) -> Result<Vec<Cohort>, StoreError> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        Ok(cohort::Entity::find()
            .filter(cohort::Column::Id.is_in(ids))
            .order_by_asc(cohort::Column::CreatedAt)
            .order_by_asc(cohort::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_cohort)
            .collect())
    }

    /// The coaches of a cohort, owner first.
    pub async fn cohort_coaches(&self, cohort: Uuid) -> Result<Vec<(User, bool)>, StoreError> {
        let rows = cohort_coach::Entity::find()
            .filter(cohort_coach::Column::CohortId.eq(cohort))
            .order_by_desc(cohort_coach::Column::IsOwner)
            .order_by_asc(cohort_coach::Column::AddedAt)
            .all(&self.db)
            .await?;
        let owners: HashMap<Uuid, bool> = rows.iter().map(|r| (r.user_id, r.is_owner)).collect();
        let users = self
            .users_by_ids(rows.iter().map(|r| r.user_id).collect())
            .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                users
                    .get(&r.user_id)
                    .map(|u| (u.clone(), owners[&r.user_id]))
            })
            .collect())
    }

    /// Accounts by id.
    async fn users_by_ids(&self, ids: Vec<Uuid>) -> Result<HashMap<Uuid, User>, StoreError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        user::Entity::find()
            .filter(crate::among(&self.db, user::Column::Id, ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| to_user(m).map(|u| (u.id.0, u)))
            .collect()
    }

    /// Adds a co-coach. Already a coach is a conflict.
    pub async fn add_coach(&self, cohort: Uuid, user: UserId) -> Result<(), StoreError> {
        cohort_coach::Entity::insert(cohort_coach::ActiveModel {
            cohort_id: Set(cohort),
            user_id: Set(user.0),
            is_owner: Set(false),
            added_at: Set(crate::now()),
        })
        .exec_without_returning(&self.db)
        .await
        .map_err(|e| StoreError::unique(e, "coach"))?;
        Ok(())
    }

    /// Adds a member. Already a member is a conflict.
    pub async fn join_cohort(
        &self,
        cohort: Uuid,
        user: UserId,
        level: SharingLevel,
    ) -> Result<DateTime<Utc>, StoreError> {
        let now = crate::now();
        self.transaction(async |txn, _events| {
            bump_cohort(txn, cohort).await?;
            cohort_member::Entity::insert(cohort_member::ActiveModel {
                cohort_id: Set(cohort),
                user_id: Set(user.0),
                sharing: Set(level.as_str().into()),
                joined_at: Set(now),
            })
            .exec_without_returning(txn)
            .await
            .map_err(|e| StoreError::unique(e, "membership"))?;
            Ok(now)
        })
        .await
    }

    /// Removes a member. Returns whether she was one.
    pub async fn leave_cohort(&self, cohort: Uuid, user: UserId) -> Result<bool, StoreError> {
        self.transaction(async |txn, _events| {
            bump_cohort(txn, cohort).await?;
            let removed = cohort_member::Entity::delete_many()
                .filter(cohort_member::Column::CohortId.eq(cohort))
                .filter(cohort_member::Column::UserId.eq(user.0))
                .exec(txn)
                .await?
                .rows_affected
                == 1;
            Ok(removed)
        })
        .await
    }

    /// Changes what a member shares. Returns whether she is a member.
    pub async fn set_sharing(
        &self,
        cohort: Uuid,
        user: UserId,
        level: SharingLevel,
    ) -> Result<bool, StoreError> {
        self.transaction(async |txn, _events| {
            bump_cohort(txn, cohort).await?;
            let changed = cohort_member::Entity::update_many()
                .col_expr(cohort_member::Column::Sharing, Expr::value(level.as_str()))
                .filter(cohort_member::Column::CohortId.eq(cohort))
                .filter(cohort_member::Column::UserId.eq(user.0))
                .exec(txn)
                .await?
                .rows_affected
                == 1;
            Ok(changed)
        })
        .await
    }

    /// What could change a cohort's dashboard, in one statement: the cohort's own revision
    /// (settings, membership, sharing), its member count and the sum of its members'
    /// revisions (every write of their data). Equal fingerprints mean an equal dashboard at
    /// the same instant. `None` when the cohort does not exist.
    pub async fn cohort_fingerprint(
        &self,
        cohort: Uuid,
    ) -> Result<Option<CohortFingerprint>, StoreError> {
        // The sum is cast because PostgreSQL sums BIGINT as NUMERIC.
        let sql = "SELECT c.revision, COUNT(u.id), CAST(COALESCE(SUM(u.revision), 0) AS BIGINT) \
                   FROM cohorts c LEFT JOIN cohort_members m ON m.cohort_id = c.id \
                   LEFT JOIN users u ON u.id = m.user_id WHERE c.id = $1 GROUP BY c.id, c.revision";
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_sql_and_values(
                self.db.get_database_backend(),
                sql,
                [cohort.into()],
            ))
            .await?;
        row.map(|r| {
            Ok(CohortFingerprint {
                cohort_revision: r.try_get_by_index(0)?,
                members: r.try_get_by_index(1)?,
                member_revisions: r.try_get_by_index(2)?,
            })
        })
        .transpose()
    }

    /// What a member shares with a cohort, if she is in it.
    pub async fn membership(
        &self,
        cohort: Uuid,
        user: UserId,
    ) -> Result<Option<SharingLevel>, StoreError> {
        cohort_member::Entity::find_by_id((cohort, user.0))
            .one(&self.db)
            .await?
            .map(|m| sharing(&m.sharing))
            .transpose()
    }

    /// Every member of a cohort, with her account, in one statement (a join: a list of a
    /// thousand ids as bind parameters costs PostgreSQL clients far more than the join).
    pub async fn cohort_members(&self, cohort: Uuid) -> Result<Vec<CohortMember>, StoreError> {
        let rows = self
            .db
            .query_all_raw(sea_orm::Statement::from_sql_and_values(
                self.db.get_database_backend(),
                "SELECT u.id, u.email, u.display_name, u.role, u.created_at, \
                   u.updated_at, u.revision, m.sharing, m.joined_at \
                 FROM cohort_members m JOIN users u ON u.id = m.user_id \
                 WHERE m.cohort_id = $1 ORDER BY m.joined_at, u.id",
                [cohort.into()],
            ))
            .await?;
        rows.iter()
            .map(|r| {
                let model = user::Model {
                    id: r.try_get_by_index(0)?,
                    email: r.try_get_by_index(1)?,
                    display_name: r.try_get_by_index(2)?,
                    password_hash: String::new(),
                    role: r.try_get_by_index(3)?,
                    created_at: r.try_get_by_index(4)?,
                    updated_at: r.try_get_by_index(5)?,
                    revision: r.try_get_by_index(6)?,
                };
                let sharing_level: String = r.try_get_by_index(7)?;
                let joined_at: DateTime<Utc> = r.try_get_by_index(8)?;
                Ok(CohortMember {
                    revision: model.revision,
                    user: to_user(model)?,
                    sharing: sharing(&sharing_level)?,
                    joined_at,
                })
            })
            .collect()
    }

    /// The data of many users at once, in a fixed number of statements.
    pub async fn snapshots_for(
        &self,
        users: &[UserId],
    ) -> Result<HashMap<UserId, Snapshot>, StoreError> {
        Ok(crate::social::load_snapshots(&self.db, users).await?.0)
    }

    /// The task records of many users at once (one statement).
    pub async fn records_for(
        &self,
        users: &[UserId],
    ) -> Result<HashMap<UserId, Vec<TaskRecord>>, StoreError> {
        let mut out: HashMap<UserId, Vec<TaskRecord>> =
            users.iter().map(|u| (*u, vec![])).collect();
        if users.is_empty() {
            return Ok(out);
        }
        for m in task_progress::Entity::find()
            .filter(crate::among(
                &self.db,
                task_progress::Column::UserId,
                users.iter().map(|u| u.0).collect(),
            ))
            .all(&self.db)
            .await?
        {
            let user = UserId(m.user_id);
            let record = crate::progress::to_record(m)?;
            if let Some(list) = out.get_mut(&user) {
                list.push(record);
            }
        }
        Ok(out)
    }

    /// Each user's latest activity: the newest progress event or logged interaction (two
    /// grouped statements).
    pub async fn last_activity_for(
        &self,
        users: &[UserId],
    ) -> Result<HashMap<UserId, DateTime<Utc>>, StoreError> {
        let mut out = HashMap::new();
        if users.is_empty() {
            return Ok(out);
        }
        let ids: Vec<Uuid> = users.iter().map(|u| u.0).collect();
        let events: Vec<(Uuid, Option<DateTime<Utc>>)> = progress_event::Entity::find()
            .select_only()
            .column(progress_event::Column::UserId)
            .column_as(progress_event::Column::OccurredAt.max(), "latest")
            .filter(crate::among(
                &self.db,
                progress_event::Column::UserId,
                ids.clone(),
            ))
            .group_by(progress_event::Column::UserId)
            .into_tuple()
            .all(&self.db)
            .await?;
        let logged: Vec<(Uuid, Option<DateTime<Utc>>)> = interaction::Entity::find()
            .select_only()
            .column(interaction::Column::UserId)
            .column_as(interaction::Column::CreatedAt.max(), "latest")
            .filter(crate::among(&self.db, interaction::Column::UserId, ids))
            .group_by(interaction::Column::UserId)
            .into_tuple()
            .all(&self.db)
            .await?;
        for (id, at) in events.into_iter().chain(logged) {
            if let Some(at) = at {
                let entry = out.entry(UserId(id)).or_insert(at);
                if at > *entry {
                    *entry = at;
                }
            }
        }
        Ok(out)
    }

    /// Stores nudges (one per member) in one transaction.
    pub async fn add_nudges(&self, nudges: &[Nudge]) -> Result<(), StoreError> {
        if nudges.is_empty() {
            return Ok(());
        }
        self.transaction(async |txn, events| {
            nudge::Entity::insert_many(nudges.iter().map(|n| nudge::ActiveModel {
                id: Set(n.id),
                cohort_id: Set(n.cohort_id),
                coach_id: Set(n.coach_id.0),
                member_id: Set(n.member_id.0),
                message: Set(n.message.clone()),
                task_key: Set(n.task_key.clone()),
                created_at: Set(db_time(n.created_at)),
                read_at: Set(None),
            }))
            .exec_without_returning(txn)
            .await?;
            let raised: Vec<crate::Event> = nudges
                .iter()
                .map(|n| crate::Event::Nudge {
                    member: n.member_id.0,
                    nudge: n.id,
                })
                .collect();
            events.extend(raised);
            Ok(())
        })
        .await
    }

    /// One nudge of a member.
    pub async fn nudge(&self, member: UserId, id: Uuid) -> Result<Option<Nudge>, StoreError> {
        Ok(nudge::Entity::find_by_id(id)
            .filter(nudge::Column::MemberId.eq(member.0))
            .one(&self.db)
            .await?
            .map(to_nudge))
    }

    /// A member's nudges, newest first.
    pub async fn nudges_for(
        &self,
        member: UserId,
        unread_only: bool,
    ) -> Result<Vec<Nudge>, StoreError> {
        let mut query = nudge::Entity::find().filter(nudge::Column::MemberId.eq(member.0));
        if unread_only {
            query = query.filter(nudge::Column::ReadAt.is_null());
        }
        Ok(query
            .order_by_desc(nudge::Column::CreatedAt)
            .order_by_desc(nudge::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_nudge)
            .collect())
    }

    /// Marks one of her nudges read; returns it, or `None` when it is not hers.
    pub async fn mark_nudge_read(
        &self,
        member: UserId,
        id: Uuid,
    ) -> Result<Option<Nudge>, StoreError> {
        let now = crate::now();
        nudge::Entity::update_many()
            .col_expr(nudge::Column::ReadAt, Expr::value(now))
            .filter(nudge::Column::Id.eq(id))
            .filter(nudge::Column::MemberId.eq(member.0))
            .filter(nudge::Column::ReadAt.is_null())
            .exec(&self.db)
            .await?;
        Ok(nudge::Entity::find_by_id(id)
            .filter(nudge::Column::MemberId.eq(member.0))
            .one(&self.db)
            .await?
            .map(to_nudge))
    }

    /// Statements run through this store's pool since it was opened (for tests and metrics).
    pub fn statement_count(&self) -> u64 {
        self.statements.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A user by email (for admin commands and co-coach invitations).
    pub async fn user_by_email(
        &self,
        email: &herlead_core::input::Email,
    ) -> Result<Option<User>, StoreError> {
        Ok(self.credentials_by_email(email).await?.map(|c| c.user))
    }
}

mod tasks {
    //! Cohort tasks: added by coaches, marked by members.

    use std::collections::HashMap;

    use herlead_core::{
        PlaybookStep, TaskStatus, UserId,
        cohort::{CohortTask, CohortTaskState},
    };
    use sea_orm::{
        ActiveValue::Set,
        ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
        sea_query::{OnConflict, Query},
    };
    use uuid::Uuid;

    use crate::{
        Store, StoreError, db_time,
        entity::{cohort_member, cohort_task, cohort_task_status},
    };

    fn to_task(m: cohort_task::Model) -> Result<CohortTask, StoreError> {
        Ok(CohortTask {
            id: m.id,
            cohort_id: m.cohort_id,
            title: m.title,
            guidance: m.guidance,
            step: PlaybookStep::parse(&m.step)
                .ok_or_else(|| StoreError::Corrupt(format!("step of {}", m.id)))?,
            due_on: m.due_on,
            created_at: m.created_at,
        })
    }

    fn to_state(m: &cohort_task_status::Model) -> Result<CohortTaskState, StoreError> {
        Ok(CohortTaskState {
            status: m
                .status
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("status of {}", m.task_id)))?,
            updated_at: Some(m.updated_at),
            completed_at: m.completed_at,
        })
    }

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
                title: Set(task.title.clone()),
                guidance: Set(task.guidance.clone()),
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
}

/// The SQL-expressible part of a cohort's aggregates, computed by hand-written SQL: the
/// benchmark's yardstick for the dashboard (see BENCHMARKS.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandWrittenAggregates {
    /// Members.
    pub members: u32,
    /// Members quiet for longer than the cohort's stall threshold.
    pub stalled: u32,
    /// Per task key that anyone touched: members with it DONE, members with it SKIPPED.
    pub tasks: Vec<(String, u32, u32)>,
    /// Per sector: members with at least one contact in it.
    pub sectors: Vec<(String, u32)>,
}

impl Store {
    /// Members, stalled members, task completion and sector coverage of a cohort, by four
    /// hand-written SQL statements (grouped in the database). `None` for an unknown cohort.
    pub async fn hand_written_aggregates(
        &self,
        cohort: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Option<HandWrittenAggregates>, StoreError> {
        use sea_orm::Statement;
        let backend = self.db.get_database_backend();
        let stmt = |sql: &str| Statement::from_sql_and_values(backend, sql, [cohort.into()]);
        let to_u32 = |n: i64| u32::try_from(n).unwrap_or(0);
        let Some(stall_days) = self
            .db
            .query_one_raw(stmt("SELECT stall_days FROM cohorts WHERE id = $1"))
            .await?
            .map(|r| r.try_get_by_index::<i32>(0))
            .transpose()?
        else {
            return Ok(None);
        };
        let quiet_since = now - chrono::Duration::days(i64::from(stall_days));
        let activity = self
            .db
            .query_all_raw(stmt(
                "SELECT m.joined_at, \
                   (SELECT MAX(e.occurred_at) FROM progress_events e WHERE e.user_id = m.user_id), \
                   (SELECT MAX(i.created_at) FROM interactions i WHERE i.user_id = m.user_id) \
                 FROM cohort_members m WHERE m.cohort_id = $1",
            ))
            .await?;
        let mut stalled = 0;
        for row in &activity {
            let joined: DateTime<Utc> = row.try_get_by_index(0)?;
            let event: Option<DateTime<Utc>> = row.try_get_by_index(1)?;
            let logged: Option<DateTime<Utc>> = row.try_get_by_index(2)?;
            let last = [Some(joined), event, logged].into_iter().flatten().max();
            if last.is_some_and(|l| l < quiet_since) {
                stalled += 1;
            }
        }
        let tasks = self
            .db
            .query_all_raw(stmt(
                "SELECT p.task_key, \
                   SUM(CASE WHEN p.status = 'DONE' THEN 1 ELSE 0 END), \
                   SUM(CASE WHEN p.status = 'SKIPPED' THEN 1 ELSE 0 END) \
                 FROM task_progress p JOIN cohort_members m ON m.user_id = p.user_id \
                 WHERE m.cohort_id = $1 GROUP BY p.task_key ORDER BY p.task_key",
            ))
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get_by_index::<String>(0)?,
                    to_u32(r.try_get_by_index::<i64>(1)?),
                    to_u32(r.try_get_by_index::<i64>(2)?),
                ))
            })
            .collect::<Result<Vec<_>, sea_orm::DbErr>>()?;
        let sectors = self
            .db
            .query_all_raw(stmt(
                "SELECT c.sector, COUNT(DISTINCT c.user_id) \
                 FROM contacts c JOIN cohort_members m ON m.user_id = c.user_id \
                 WHERE m.cohort_id = $1 AND (m.sharing <> 'PROGRESS' OR \
                   (SELECT COUNT(*) FROM cohort_members p \
                    WHERE p.cohort_id = $1 AND p.sharing = 'PROGRESS') >= 5) \
                 GROUP BY c.sector ORDER BY c.sector",
            ))
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get_by_index::<String>(0)?,
                    to_u32(r.try_get_by_index::<i64>(1)?),
                ))
            })
            .collect::<Result<Vec<_>, sea_orm::DbErr>>()?;
        Ok(Some(HandWrittenAggregates {
            members: u32::try_from(activity.len()).unwrap_or(u32::MAX),
            stalled,
            tasks,
            sectors,
        }))
    }
}
