//! Cohorts, coaches, members, and the set-based reads behind the coach dashboard: the
//! number of statements they run does not depend on the number of members.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use herlead_core::{
    User, UserId,
    cohort::{Cohort, SharingLevel},
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
    Store, StoreError,
    convert::{sharing, to_cohort, to_record, to_user},
    db_time,
    entity::{
        cohort, cohort_coach, cohort_member, interaction, progress_event, task_progress, user,
    },
    snapshot::load_snapshots,
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

impl Store {
    /// Creates a cohort with `owner` as its first coach.
    pub async fn create_cohort(&self, owner: UserId, value: Cohort) -> Result<Cohort, StoreError> {
        self.transaction(async |txn, _events| {
            let now = crate::now();
            cohort::Entity::insert(cohort::ActiveModel {
                id: Set(value.id),
                name: Set(value.name.as_str().to_owned()),
                description: Set(value.description.as_deref().map(str::to_owned)),
                starts_on: Set(value.starts_on),
                ends_on: Set(value.ends_on),
                stall_days: Set(i32::try_from(value.stall_days.get()).unwrap_or(i32::MAX)),
                invite_code: Set(value.invite_code.as_str().to_owned()),
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
            .col_expr(cohort::Column::Name, Expr::value(value.name.as_str()))
            .col_expr(
                cohort::Column::Description,
                Expr::value(value.description.as_deref().map(str::to_owned)),
            )
            .col_expr(cohort::Column::StartsOn, Expr::value(value.starts_on))
            .col_expr(cohort::Column::EndsOn, Expr::value(value.ends_on))
            .col_expr(
                cohort::Column::StallDays,
                Expr::value(i32::try_from(value.stall_days.get()).unwrap_or(i32::MAX)),
            )
            .col_expr(
                cohort::Column::InviteCode,
                Expr::value(value.invite_code.as_str()),
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
        cohort::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .map(to_cohort)
            .transpose()
    }

    /// The cohort an invite code belongs to (expired or not).
    pub async fn cohort_by_invite(&self, code: &str) -> Result<Option<Cohort>, StoreError> {
        cohort::Entity::find()
            .filter(cohort::Column::InviteCode.eq(code))
            .one(&self.db)
            .await?
            .map(to_cohort)
            .transpose()
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
        cohort::Entity::find()
            .filter(cohort::Column::Id.is_in(ids))
            .order_by_asc(cohort::Column::CreatedAt)
            .order_by_asc(cohort::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_cohort)
            .collect()
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
                    network_totals: None,
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
        Ok(load_snapshots(&self.db, users).await?.0)
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
            let record = to_record(m)?;
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

    /// Statements run through this store's pool since it was opened: a count that does not
    /// depend on the machine, for tests and benchmarks of how much a request costs.
    pub fn statement_count(&self) -> u64 {
        self.statements.load(std::sync::atomic::Ordering::Relaxed)
    }
}
