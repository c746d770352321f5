//! What the guidance reads (the score, who is due for a touch) from her derived state, in a
//! fixed number of statements whatever the size of her network.

use chrono::{DateTime, Utc};
use herlead_core::{
    UserId,
    network::{Contact, Stage},
    reconnect::{Reconnect, cadence_days},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::{
    RuleData, Store, StoreError,
    convert::{corrupt, to_contact},
    derived,
    entity::contact,
    snapshot::load_rule_data,
};

impl Store {
    /// What the rules and the score read: five statements.
    pub async fn rule_data(&self, user: UserId) -> Result<RuleData, StoreError> {
        let mut data = load_rule_data(&self.db, user).await?;
        data.totals = derived::totals(&self.db, user).await?;
        Ok(data)
    }

    /// Her contacts whose cadence has run out at `now`, most overdue first (ties: longest
    /// since last touch, then id), at most `limit`, from the indexed due date kept by her
    /// writes: one statement.
    pub async fn due_to_reconnect(
        &self,
        user: UserId,
        now: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<(Contact, Stage, Reconnect)>, StoreError> {
        if !derived::computed(&self.db, user).await? {
            // Not kept yet (an account from before the upgrade that has not written since).
            let snapshot = self.snapshot(user).await?;
            let stages = snapshot.stages();
            return Ok(herlead_core::reconnect::due_to_reconnect(&snapshot, now)
                .into_iter()
                .take(usize::try_from(limit).unwrap_or(usize::MAX))
                .filter_map(|r| {
                    let c = snapshot.contacts.iter().find(|c| c.id == r.contact_id)?;
                    Some((c.clone(), stages.get(&c.id).copied()?, r))
                })
                .collect());
        }
        let models = contact::Entity::find()
            .filter(contact::Column::UserId.eq(user.0))
            .filter(contact::Column::DueAt.lte(now))
            .order_by_asc(contact::Column::DueAt)
            .order_by_asc(contact::Column::LastTouchAt)
            .order_by_asc(contact::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        models
            .into_iter()
            .map(|m| {
                let (due_at, last_touch) = (m.due_at, m.last_touch_at);
                let (c, stage) = to_contact(m)?;
                let stage = Stage::parse(&stage).ok_or_else(|| corrupt("stage", c.id))?;
                let (Some(due_at), Some(last_touch), Some(cadence)) =
                    (due_at, last_touch, cadence_days(&c, stage))
                else {
                    return Err(corrupt("due date", c.id));
                };
                let reconnect = Reconnect {
                    contact_id: c.id,
                    last_touch,
                    cadence_days: cadence,
                    due_at,
                    overdue_days: (now - due_at).num_days(),
                };
                Ok((c, stage, reconnect))
            })
            .collect()
    }
}
