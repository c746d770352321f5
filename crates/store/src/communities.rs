//! Her communities and their meetings.

use herlead_core::{
    UserId,
    community::{Community, Meeting},
};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use crate::{
    Store, StoreError,
    convert::{community_model, to_community},
    db_time, derived,
    entity::{community, contact, meeting, meeting_attendee},
    snapshot::{load_communities, load_meetings},
};

impl Store {
    /// Her communities, oldest first, and their meetings with attendees, newest first: three
    /// statements, whatever the size of her network.
    pub async fn communities_and_meetings(
        &self,
        user: UserId,
    ) -> Result<(Vec<Community>, Vec<Meeting>), StoreError> {
        Ok((
            load_communities(&self.db, user).await?,
            load_meetings(&self.db, user, None).await?,
        ))
    }

    /// One of her communities.
    pub async fn community(&self, user: UserId, id: Uuid) -> Result<Option<Community>, StoreError> {
        community::Entity::find_by_id(id)
            .filter(community::Column::UserId.eq(user.0))
            .one(&self.db)
            .await?
            .map(to_community)
            .transpose()
    }

    /// Adds a community.
    pub async fn add_community(
        &self,
        user: UserId,
        value: Community,
    ) -> Result<Community, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            community::Entity::insert(community_model(user, &value, now))
                .exec_without_returning(txn)
                .await?;
            Ok(value.clone())
        })
        .await
    }

    /// Replaces a community's fields. `Ok(None)` when it is not hers.
    pub async fn update_community(
        &self,
        user: UserId,
        value: Community,
    ) -> Result<Option<Community>, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            let mut model = community_model(user, &value, now);
            model.created_at = sea_orm::ActiveValue::NotSet;
            let updated = community::Entity::update_many()
                .set(model)
                .filter(community::Column::Id.eq(value.id))
                .filter(community::Column::UserId.eq(user.0))
                .exec(txn)
                .await?;
            Ok((updated.rows_affected == 1).then(|| value.clone()))
        })
        .await
    }

    /// Deletes a community with its meetings. Returns whether it existed and was hers.
    pub async fn delete_community(&self, user: UserId, id: Uuid) -> Result<bool, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            let owned = community::Entity::find_by_id(id)
                .filter(community::Column::UserId.eq(user.0))
                .count(txn)
                .await?;
            if owned == 0 {
                return Ok(false);
            }
            let meetings: Vec<Uuid> = meeting::Entity::find()
                .filter(meeting::Column::CommunityId.eq(id))
                .all(txn)
                .await?
                .into_iter()
                .map(|m| m.id)
                .collect();
            let attendees = derived::attendees_of(txn, meetings.clone()).await?;
            let before = derived::before(txn, user, &attendees).await?;
            if !meetings.is_empty() {
                meeting_attendee::Entity::delete_many()
                    .filter(meeting_attendee::Column::MeetingId.is_in(meetings))
                    .exec(txn)
                    .await?;
            }
            meeting::Entity::delete_many()
                .filter(meeting::Column::CommunityId.eq(id))
                .exec(txn)
                .await?;
            community::Entity::delete_by_id(id).exec(txn).await?;
            derived::after(txn, user, before).await?;
            Ok(true)
        })
        .await
    }

    /// Her meetings, newest first; all of them or one community's.
    pub async fn meetings(
        &self,
        user: UserId,
        community_id: Option<Uuid>,
    ) -> Result<Vec<Meeting>, StoreError> {
        load_meetings(&self.db, user, community_id).await
    }

    /// Logs a meeting of one of her communities. The community and every attendee must be
    /// hers, else nothing is written and the first stranger is not found.
    pub async fn log_meeting(&self, user: UserId, value: Meeting) -> Result<Meeting, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            let community = community::Entity::find_by_id(value.community_id)
                .filter(community::Column::UserId.eq(user.0))
                .count(txn)
                .await?;
            if community == 0 {
                return Err(StoreError::NotFound {
                    what: "community",
                    field: "communityId",
                });
            }
            let mut attendees = value.attendees.clone();
            attendees.sort();
            attendees.dedup();
            if !attendees.is_empty() {
                let hers = contact::Entity::find()
                    .filter(contact::Column::UserId.eq(user.0))
                    .filter(contact::Column::Id.is_in(attendees.clone()))
                    .count(txn)
                    .await?;
                if hers != attendees.len() as u64 {
                    return Err(StoreError::NotFound {
                        what: "attendee",
                        field: "attendeeIds",
                    });
                }
            }
            let before = derived::before(txn, user, &attendees).await?;
            meeting::Entity::insert(meeting::ActiveModel {
                id: Set(value.id),
                user_id: Set(user.0),
                community_id: Set(value.community_id),
                occurred_at: Set(db_time(value.occurred_at)),
                in_person: Set(value.in_person),
                notes: Set(value.notes.as_ref().map(|n| n.as_str().to_owned())),
                created_at: Set(now),
            })
            .exec_without_returning(txn)
            .await?;
            if !attendees.is_empty() {
                meeting_attendee::Entity::insert_many(attendees.iter().map(|contact_id| {
                    meeting_attendee::ActiveModel {
                        meeting_id: Set(value.id),
                        contact_id: Set(*contact_id),
                    }
                }))
                .exec_without_returning(txn)
                .await?;
            }
            derived::after(txn, user, before).await?;
            Ok(Meeting {
                attendees,
                occurred_at: db_time(value.occurred_at),
                ..value.clone()
            })
        })
        .await
    }

    /// Deletes one of her meetings. Returns whether it existed and was hers.
    pub async fn delete_meeting(&self, user: UserId, id: Uuid) -> Result<bool, StoreError> {
        let now = crate::now();
        self.write_for(user, now, async |txn, _| {
            let owned = meeting::Entity::find_by_id(id)
                .filter(meeting::Column::UserId.eq(user.0))
                .count(txn)
                .await?;
            if owned == 0 {
                return Ok(false);
            }
            let attendees = derived::attendees_of(txn, vec![id]).await?;
            let before = derived::before(txn, user, &attendees).await?;
            meeting_attendee::Entity::delete_many()
                .filter(meeting_attendee::Column::MeetingId.eq(id))
                .exec(txn)
                .await?;
            meeting::Entity::delete_by_id(id).exec(txn).await?;
            derived::after(txn, user, before).await?;
            Ok(true)
        })
        .await
    }
}
