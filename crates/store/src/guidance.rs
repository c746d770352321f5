//! What the guidance reads (the score, who is due for a touch) from her derived state, in a
//! fixed number of statements whatever the size of her network.

use chrono::{DateTime, Utc};
use herlead_core::{
    UserId,
    network::{Contact, Stage},
    recommend::{Focus, PER_CODE},
    reconnect::{Reconnect, due_to_reconnect},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::{
    RuleData, Store, StoreError, convert::to_contact, derived, entity::contact,
    snapshot::load_rule_data,
};

impl Store {
    /// What the rules and the score read: five statements.
    pub async fn rule_data(&self, user: UserId) -> Result<RuleData, StoreError> {
        let mut data = load_rule_data(&self.db, user).await?;
        data.totals = derived::totals(&self.db, user).await?;
        Ok(data)
    }

    /// The few contacts her recommendations name at `now` (see [`Focus`]): six indexed
    /// queries of at most five rows, whatever the size of her network.
    pub async fn focus(&self, user: UserId, now: DateTime<Utc>) -> Result<Focus, StoreError> {
        if !derived::computed(&self.db, user).await? {
            return Ok(Focus::of(&self.snapshot(user).await?, now));
        }
        let mut lists: [Vec<contact::Model>; 5] = Default::default();
        for (rows, spec) in lists.iter_mut().zip(derived::focus_lists()) {
            let mut query = contact::Entity::find()
                .filter(contact::Column::UserId.eq(user.0))
                .filter(spec.filter);
            for (column, order) in spec.order {
                query = query.order_by(column, order);
            }
            *rows = query.limit(spec.limit).all(&self.db).await?;
        }
        let per = u64::try_from(PER_CODE).unwrap_or(5);
        let overdue = self.due_from_index(user, now, per).await?;
        derived::focus_from(lists, overdue)
    }

    /// Her contacts whose cadence has run out at `now`, most overdue first (ties: longest
    /// since last touch, then id), at most `limit`. From the indexed due date kept by her
    /// writes, plus the few contacts with a touch still ahead of `now` (a planned meeting),
    /// recomputed from their own history because their due date moves when it passes: a
    /// handful of statements, whatever the size of her network.
    pub async fn due_to_reconnect(
        &self,
        user: UserId,
        now: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<(Contact, Stage, Reconnect)>, StoreError> {
        let take = usize::try_from(limit).unwrap_or(usize::MAX);
        if !derived::computed(&self.db, user).await? {
            // Not kept yet (an account from before the upgrade that has not written since).
            let snapshot = self.snapshot(user).await?;
            return Ok(derived::with_contacts(
                &snapshot,
                due_to_reconnect(&snapshot, now),
                take,
            ));
        }
        self.due_from_index(user, now, limit).await
    }

    /// [`Store::due_to_reconnect`] from her kept derived state (the caller checked it is).
    async fn due_from_index(
        &self,
        user: UserId,
        now: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<(Contact, Stage, Reconnect)>, StoreError> {
        let take = usize::try_from(limit).unwrap_or(usize::MAX);
        let spec = derived::due_list(now, limit);
        let mut query = contact::Entity::find()
            .filter(contact::Column::UserId.eq(user.0))
            .filter(spec.filter);
        for (column, order) in spec.order {
            query = query.order_by(column, order);
        }
        let due = query
            .limit(spec.limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| derived::due_entry(m, now))
            .collect::<Result<Vec<_>, _>>()?;
        // A touch ahead of `now` does not count yet: recompute those contacts exactly.
        let ahead: Vec<Contact> = contact::Entity::find()
            .filter(contact::Column::UserId.eq(user.0))
            .filter(contact::Column::LastTouchAt.gt(now))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| to_contact(m).map(|(c, _)| c))
            .collect::<Result<_, _>>()?;
        let mini = derived::history_snapshot(&self.db, ahead).await?;
        Ok(derived::merge_due(due, &mini, now, take))
    }
}
