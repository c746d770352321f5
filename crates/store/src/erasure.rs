//! Erasure: deleting her account and everything that is hers, in one transaction.
//!
//! Every table that holds her data references `users` with `ON DELETE CASCADE` (directly,
//! or through her contacts, communities and meetings), so deleting her row deletes it all;
//! what does not cascade is handled here: cohorts she coaches alone, the revision of her
//! cohorts (so their dashboards drop her at once), and her rate-limit counters. The test in
//! `store/tests/store/erasure.rs` scans every column of every table the database lists, so
//! a new table that keeps her id without cascading fails it.

use herlead_core::UserId;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Statement,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use crate::{
    Event, Store, StoreError,
    entity::{cohort, cohort_coach, cohort_member, user},
};

/// What asking to delete an account led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Erasure {
    /// Her account and everything of hers are gone.
    Deleted,
    /// No such account.
    Unknown,
    /// She coaches cohorts that have members or other coaches (their ids): deleting her
    /// would take their cohort tasks and her nudges from them. Nothing was deleted.
    CoachesOthers(Vec<Uuid>),
}

impl Store {
    /// Deletes her account and every row that is hers, in one transaction, and ends her
    /// sessions (her open sockets close). Cohorts she coaches alone and that have no members
    /// go with her; while she coaches a cohort that someone else is in, nothing is deleted.
    pub async fn delete_account(&self, user: UserId) -> Result<Erasure, StoreError> {
        self.transaction(async |txn, events| {
            // Her row lock first on PostgreSQL, as every write of hers takes it.
            self.lock_user(txn, user).await?;
            let Some(account) = user::Entity::find_by_id(user.0).one(txn).await? else {
                return Ok(Erasure::Unknown);
            };
            let coached: Vec<Uuid> = cohort_coach::Entity::find()
                .select_only()
                .column(cohort_coach::Column::CohortId)
                .filter(cohort_coach::Column::UserId.eq(user.0))
                .into_tuple()
                .all(txn)
                .await?;
            let mut shared = Vec::new();
            for &id in &coached {
                let coaches = cohort_coach::Entity::find()
                    .filter(cohort_coach::Column::CohortId.eq(id))
                    .filter(cohort_coach::Column::UserId.ne(user.0))
                    .count(txn)
                    .await?;
                let members = cohort_member::Entity::find()
                    .filter(cohort_member::Column::CohortId.eq(id))
                    .filter(cohort_member::Column::UserId.ne(user.0))
                    .count(txn)
                    .await?;
                if coaches + members > 0 {
                    shared.push(id);
                }
            }
            if !shared.is_empty() {
                return Ok(Erasure::CoachesOthers(shared));
            }
            // The cohorts she is in change: their dashboards must not be reused.
            let member_of: Vec<Uuid> = cohort_member::Entity::find()
                .select_only()
                .column(cohort_member::Column::CohortId)
                .filter(cohort_member::Column::UserId.eq(user.0))
                .into_tuple()
                .all(txn)
                .await?;
            if !member_of.is_empty() {
                cohort::Entity::update_many()
                    .col_expr(
                        cohort::Column::Revision,
                        Expr::col(cohort::Column::Revision).add(1),
                    )
                    .filter(cohort::Column::Id.is_in(member_of))
                    .exec(txn)
                    .await?;
            }
            // Cohorts only she was in: with her gone nobody could reach them.
            if !coached.is_empty() {
                cohort::Entity::delete_many()
                    .filter(cohort::Column::Id.is_in(coached))
                    .exec(txn)
                    .await?;
            }
            user::Entity::delete_by_id(user.0).exec(txn).await?;
            // Counters keyed by her id or email (PostgreSQL keeps them in the database).
            txn.execute_raw(Statement::from_sql_and_values(
                txn.get_database_backend(),
                "DELETE FROM rate_limits WHERE key = $1 OR key = $2",
                [
                    format!("caller:{}", user.0).into(),
                    format!("account:{}", account.email).into(),
                ],
            ))
            .await?;
            events.push(Event::SessionsEnded {
                user: user.0,
                family: None,
            });
            Ok(Erasure::Deleted)
        })
        .await
    }
}
