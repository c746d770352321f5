//! Nudges: a coach's message to a member, stored one per member and delivered live.

use herlead_core::{UserId, cohort::Nudge};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr,
};
use uuid::Uuid;

use crate::{Store, StoreError, convert::to_nudge, db_time, entity::nudge};

impl Store {
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
                message: Set(n.message.as_str().to_owned()),
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
}
