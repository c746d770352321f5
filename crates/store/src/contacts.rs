//! Her contacts: one at a time, and a filtered page. Every read and write is scoped to her,
//! so another member's id is simply not found.

use std::collections::HashMap;

use herlead_core::{
    UserId,
    network::{Contact, Scope, Sector, Stage},
};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, ExprTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Expr, LikeExpr},
};
use uuid::Uuid;

use crate::{
    Store, StoreError,
    convert::{classified, contact_model, corrupt, search_key, to_contact},
    derived,
    entity::{contact, interaction, meeting_attendee},
};

/// Which contacts a page shows.
#[derive(Debug, Clone, Default)]
pub struct ContactFilter {
    /// Only this sector.
    pub sector: Option<Sector>,
    /// Only this scope.
    pub scope: Option<Scope>,
    /// Only this stage.
    pub stage: Option<Stage>,
    /// Only (or never) meet-list contacts.
    pub on_meet_list: Option<bool>,
    /// Names containing this text, ignoring case.
    pub search: Option<String>,
    /// Only contacts with (`true`) or without (`false`) both a sector and a scope.
    pub classified: Option<bool>,
}

/// A slice of a list in a stable order (contacts: oldest first), Relay style.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageRequest {
    /// The first `n` after `after`.
    pub first: Option<u64>,
    /// Start after this id.
    pub after: Option<Uuid>,
    /// The last `n` before `before`.
    pub last: Option<u64>,
    /// End before this id.
    pub before: Option<Uuid>,
}

/// One page of contacts.
#[derive(Debug, Clone)]
pub struct ContactPage {
    /// The contacts with their stages.
    pub items: Vec<(Contact, Stage)>,
    /// More after this page.
    pub has_next: bool,
    /// More before this page.
    pub has_previous: bool,
    /// All contacts matching the filter.
    pub total: u64,
}

/// What deleting a contact removed with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeletedContact {
    /// Interactions logged with the contact.
    pub interactions: u64,
    /// Meetings whose attendee lists no longer name the contact.
    pub meetings: u64,
}

fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

impl Store {
    /// One of her contacts with its stage.
    pub async fn contact(
        &self,
        user: UserId,
        id: Uuid,
    ) -> Result<Option<(Contact, Stage)>, StoreError> {
        contact::Entity::find_by_id(id)
            .filter(contact::Column::UserId.eq(user.0))
            .one(&self.db)
            .await?
            .map(|m| {
                let (c, stage) = to_contact(m)?;
                let stage = Stage::parse(&stage).ok_or_else(|| corrupt("stage", c.id))?;
                Ok((c, stage))
            })
            .transpose()
    }

    /// Adds a contact.
    pub async fn add_contact(&self, user: UserId, value: Contact) -> Result<Contact, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            let before = derived::before(txn, user, &[value.id]).await?;
            let stage = value.stage_override.unwrap_or(Stage::Identified);
            contact::Entity::insert(contact_model(user, &value, stage, now))
                .exec_without_returning(txn)
                .await?;
            derived::after(txn, user, before).await?;
            Ok(value.clone())
        })
        .await
    }

    /// Replaces a contact's fields. `Ok(None)` when it is not hers.
    pub async fn update_contact(
        &self,
        user: UserId,
        value: Contact,
    ) -> Result<Option<Contact>, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            let before = derived::before(txn, user, &[value.id]).await?;
            let mut model = contact_model(user, &value, Stage::Identified, now);
            // The stage is derived by the sync that follows; creation time never changes.
            model.stage = sea_orm::ActiveValue::NotSet;
            model.created_at = sea_orm::ActiveValue::NotSet;
            let updated = contact::Entity::update_many()
                .set(model)
                .filter(contact::Column::Id.eq(value.id))
                .filter(contact::Column::UserId.eq(user.0))
                .exec(txn)
                .await?;
            derived::after(txn, user, before).await?;
            Ok((updated.rows_affected == 1).then(|| value.clone()))
        })
        .await
    }

    /// Sets the sector and scope of several of her contacts at once, in one transaction (the
    /// rules run once). Every id must be hers, or nothing changes and the answer is
    /// `NotFound` for `contactId`. Answers how many contacts changed.
    pub async fn classify_contacts(
        &self,
        user: UserId,
        changes: &[(Uuid, Sector, Scope)],
    ) -> Result<u64, StoreError> {
        let now = crate::now();
        let mut ids: Vec<Uuid> = changes.iter().map(|(id, _, _)| *id).collect();
        ids.sort();
        ids.dedup();
        self.write_for(user, now, async |txn, _| {
            let owned = contact::Entity::find()
                .filter(contact::Column::UserId.eq(user.0))
                .filter(contact::Column::Id.is_in(ids.clone()))
                .count(txn)
                .await?;
            if owned != ids.len() as u64 {
                return Err(StoreError::NotFound {
                    what: "contact",
                    field: "contactId",
                });
            }
            let before = derived::before(txn, user, &ids).await?;
            // One statement per (sector, scope) pair, at most fifteen, not one per contact;
            // an id named twice takes its last classification.
            let mut last: HashMap<Uuid, (Sector, Scope)> = HashMap::new();
            for (id, sector, scope) in changes {
                last.insert(*id, (*sector, *scope));
            }
            let mut groups: HashMap<(Sector, Scope), Vec<Uuid>> = HashMap::new();
            for (id, pair) in last {
                groups.entry(pair).or_default().push(id);
            }
            let mut changed = 0;
            for ((sector, scope), group) in groups {
                changed += contact::Entity::update_many()
                    .col_expr(contact::Column::Sector, Expr::value(sector.as_str()))
                    .col_expr(contact::Column::Scope, Expr::value(scope.as_str()))
                    .col_expr(contact::Column::UpdatedAt, Expr::value(now))
                    .filter(contact::Column::UserId.eq(user.0))
                    .filter(contact::Column::Id.is_in(group))
                    .exec(txn)
                    .await?
                    .rows_affected;
            }
            derived::after(txn, user, before).await?;
            Ok(changed)
        })
        .await
    }

    /// Deletes a contact with its interactions, and takes it off the attendee lists of
    /// meetings (the meetings stay). `Ok(None)` when it is not hers.
    pub async fn delete_contact(
        &self,
        user: UserId,
        id: Uuid,
    ) -> Result<Option<DeletedContact>, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            let owned = contact::Entity::find_by_id(id)
                .filter(contact::Column::UserId.eq(user.0))
                .count(txn)
                .await?;
            if owned == 0 {
                return Ok(None);
            }
            let before = derived::before(txn, user, &[id]).await?;
            let interactions = interaction::Entity::delete_many()
                .filter(interaction::Column::ContactId.eq(id))
                .exec(txn)
                .await?
                .rows_affected;
            let meetings = meeting_attendee::Entity::delete_many()
                .filter(meeting_attendee::Column::ContactId.eq(id))
                .exec(txn)
                .await?
                .rows_affected;
            contact::Entity::delete_by_id(id).exec(txn).await?;
            derived::after(txn, user, before).await?;
            Ok(Some(DeletedContact {
                interactions,
                meetings,
            }))
        })
        .await
    }

    /// A page of her contacts, oldest first, filtered.
    pub async fn contacts_page(
        &self,
        user: UserId,
        filter: &ContactFilter,
        page: PageRequest,
    ) -> Result<ContactPage, StoreError> {
        let mut cond = Condition::all().add(contact::Column::UserId.eq(user.0));
        if let Some(sector) = filter.sector {
            cond = cond.add(contact::Column::Sector.eq(sector.as_str()));
        }
        if let Some(scope) = filter.scope {
            cond = cond.add(contact::Column::Scope.eq(scope.as_str()));
        }
        if let Some(wanted) = filter.classified {
            cond = cond.add(if wanted {
                classified()
            } else {
                classified().not()
            });
        }
        if let Some(stage) = filter.stage {
            cond = cond.add(contact::Column::Stage.eq(stage.as_str()));
        }
        if let Some(flag) = filter.on_meet_list {
            cond = cond.add(contact::Column::OnMeetList.eq(flag));
        }
        if let Some(search) = filter
            .search
            .as_deref()
            .map(search_key)
            .filter(|s| !s.is_empty())
        {
            cond = cond.add(
                Expr::col(contact::Column::NameSearch)
                    .like(LikeExpr::new(escape_like(&search)).escape('\\')),
            );
        }
        // Unfiltered, the count is in her totals (kept by every write): one row read instead
        // of counting thousands after an import.
        let unfiltered = matches!(
            filter,
            ContactFilter {
                sector: None,
                scope: None,
                stage: None,
                on_meet_list: None,
                search: None,
                classified: None,
            }
        );
        let kept = if unfiltered {
            derived::stored_totals(&self.db, user)
                .await?
                .map(|t| u64::from(t.contacts) + u64::from(t.unclassified))
        } else {
            None
        };
        let total = match kept {
            Some(total) => total,
            None => {
                contact::Entity::find()
                    .filter(cond.clone())
                    .count(&self.db)
                    .await?
            }
        };
        let backward = page.last.is_some() && page.first.is_none();
        let limit = if backward { page.last } else { page.first }.unwrap_or(20);
        let mut query = contact::Entity::find().filter(cond.clone());
        if let Some(after) = page.after {
            query = query.filter(contact::Column::Id.gt(after));
        }
        if let Some(before) = page.before {
            query = query.filter(contact::Column::Id.lt(before));
        }
        query = if backward {
            query.order_by_desc(contact::Column::Id)
        } else {
            query.order_by_asc(contact::Column::Id)
        };
        let mut models = query.limit(limit + 1).all(&self.db).await?;
        let more = models.len() as u64 > limit;
        models.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        if backward {
            models.reverse();
        }
        // Whether anything lies beyond the cursor on the other side.
        let beyond = |id: Option<Uuid>, later: bool| {
            let cond = cond.clone();
            async move {
                let Some(id) = id else {
                    return Ok::<bool, StoreError>(false);
                };
                let column = contact::Column::Id;
                let side = if later {
                    column.gte(id)
                } else {
                    column.lte(id)
                };
                Ok(contact::Entity::find()
                    .filter(cond)
                    .filter(side)
                    .count(&self.db)
                    .await?
                    > 0)
            }
        };
        let (has_next, has_previous) = if backward {
            (beyond(page.before, true).await?, more)
        } else {
            (more, beyond(page.after, false).await?)
        };
        let items = models
            .into_iter()
            .map(|m| {
                let (c, stage) = to_contact(m)?;
                let stage = Stage::parse(&stage).ok_or_else(|| corrupt("stage", c.id))?;
                Ok((c, stage))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(ContactPage {
            items,
            has_next,
            has_previous,
            total,
        })
    }
}
