//! Interactions with her contacts (gives and asks), one at a time or imported in bulk.

use herlead_core::{
    UserId,
    network::{self, Contact, Interaction, Stage, WarningCode},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::{
    Store, StoreError,
    convert::{contact_model, interaction_model, to_contact, to_facts, to_interaction},
    derived,
    entity::{contact, interaction},
    snapshot::load_snapshot,
};

impl Store {
    /// Logs an interaction with one of her contacts. Returns the warnings an ask deserves
    /// (it is recorded all the same). A contact that is not hers is not found.
    pub async fn log_interaction(
        &self,
        user: UserId,
        value: Interaction,
    ) -> Result<Vec<WarningCode>, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            let model = contact::Entity::find_by_id(value.contact_id)
                .filter(contact::Column::UserId.eq(user.0))
                .one(txn)
                .await?
                .ok_or(StoreError::NotFound {
                    what: "contact",
                    field: "contactId",
                })?;
            let facts = to_facts(&model)?;
            let (contact, _) = to_contact(model)?;
            // Usually her stored facts and the new interaction are enough: no history read.
            // (At the precision it is stored at, as a from-scratch evaluation would read it.)
            let stored = Interaction {
                occurred_at: crate::db_time(value.occurred_at),
                ..value.clone()
            };
            if let Some((old, new)) = facts.and_then(|old| Some((old, old.with(&stored)?))) {
                let warnings = if value.kind.is_ask() {
                    let preceded = old.first_give_at.is_some_and(|g| g <= stored.occurred_at);
                    network::ask_warnings_given(&contact, preceded)
                } else {
                    vec![]
                };
                interaction::Entity::insert(interaction_model(user, &value, now))
                    .exec_without_returning(txn)
                    .await?;
                derived::after_one(txn, user, &contact, &old, &new).await?;
                return Ok(warnings);
            }
            // Her contact's own history: what the warnings and its facts depend on.
            let warnings = if value.kind.is_ask() {
                let history = interaction::Entity::find()
                    .filter(interaction::Column::ContactId.eq(contact.id))
                    .all(txn)
                    .await?
                    .into_iter()
                    .map(to_interaction)
                    .collect::<Result<Vec<_>, _>>()?;
                network::ask_warnings(&contact, &history, value.occurred_at)
            } else {
                vec![]
            };
            let before = derived::before(txn, user, &[contact.id]).await?;
            interaction::Entity::insert(interaction_model(user, &value, now))
                .exec_without_returning(txn)
                .await?;
            derived::after(txn, user, before).await?;
            Ok(warnings)
        })
        .await
    }

    /// Imports contacts and interactions in bulk (from another tool, or a benchmark), in one
    /// transaction with one evaluation of the rules. Interactions must name imported or
    /// existing contacts of hers.
    pub async fn import_network(
        &self,
        user: UserId,
        contacts: Vec<Contact>,
        interactions: Vec<Interaction>,
    ) -> Result<(), StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            for chunk in contacts.chunks(200) {
                contact::Entity::insert_many(chunk.iter().map(|c| {
                    contact_model(user, c, c.stage_override.unwrap_or(Stage::Identified), now)
                }))
                .exec_without_returning(txn)
                .await?;
            }
            let hers: std::collections::HashSet<Uuid> = load_snapshot(txn, user)
                .await?
                .0
                .contacts
                .iter()
                .map(|c| c.id)
                .collect();
            if interactions.iter().any(|i| !hers.contains(&i.contact_id)) {
                return Err(StoreError::NotFound {
                    what: "contact",
                    field: "contactId",
                });
            }
            for chunk in interactions.chunks(500) {
                interaction::Entity::insert_many(
                    chunk.iter().map(|i| interaction_model(user, i, now)),
                )
                .exec_without_returning(txn)
                .await?;
            }
            // One evaluation for the whole batch.
            derived::rebuild(txn, user).await?;
            Ok(())
        })
        .await
    }

    /// Her interactions, newest first; all of them or one contact's.
    pub async fn interactions(
        &self,
        user: UserId,
        contact_id: Option<Uuid>,
    ) -> Result<Vec<Interaction>, StoreError> {
        let mut query = interaction::Entity::find().filter(interaction::Column::UserId.eq(user.0));
        if let Some(id) = contact_id {
            query = query.filter(interaction::Column::ContactId.eq(id));
        }
        query
            .order_by_desc(interaction::Column::OccurredAt)
            .order_by_desc(interaction::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_interaction)
            .collect()
    }

    /// Deletes one of her interactions. Returns whether it existed and was hers.
    pub async fn delete_interaction(&self, user: UserId, id: Uuid) -> Result<bool, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            let Some(gone) = interaction::Entity::find_by_id(id)
                .filter(interaction::Column::UserId.eq(user.0))
                .one(txn)
                .await?
            else {
                return Ok(false);
            };
            let before = derived::before(txn, user, &[gone.contact_id]).await?;
            interaction::Entity::delete_by_id(id).exec(txn).await?;
            derived::after(txn, user, before).await?;
            Ok(true)
        })
        .await
    }
}
