//! Her network kept up to date: contacts found, filtered, changed; profiles, interactions,
//! communities and meetings changed or deleted; and the playbook's audience channels.

use serde::{Deserialize, Serialize};

use crate::{
    HerLeadError,
    client::HerLeadClient,
    input::{Patch, date},
    operations::{self as op, IdVars, Root, contact_fields},
    types::{
        Audience, CommunityKind, CommunityRole, Contact, ContactPage, Platform, Profile, Scope,
        Sector, Stage, ValuesAlignment,
    },
};

pub(crate) const CONTACTS: &str = concat!(
    "query Contacts($filter: ContactFilterInput, $first: Int, $after: String) { \
     contacts(filter: $filter, first: $first, after: $after) { totalCount \
     pageInfo { hasNextPage endCursor } edges { node { ",
    contact_fields!(),
    " } } } }"
);
pub(crate) const CONTACT: &str = concat!(
    "query Contact($id: ID!) { contact(id: $id) { ",
    contact_fields!(),
    " } }"
);
pub(crate) const UPDATE_CONTACT: &str = concat!(
    "mutation UpdateContact($id: ID!, $i: ContactUpdateInput!) { updateContact(id: $id, input: $i) { ",
    contact_fields!(),
    " } }"
);
pub(crate) const UPDATE_PROFILE: &str = "mutation UpdateProfile($id: ID!, $i: ProfileUpdateInput!) { updateProfile(id: $id, input: $i) { id platform handle url displayName tagline pictureUrl websiteLink } }";
pub(crate) const DELETE_PROFILE: &str =
    "mutation DeleteProfile($id: ID!) { deleteProfile(id: $id) }";
pub(crate) const DELETE_INTERACTION: &str =
    "mutation DeleteInteraction($id: ID!) { deleteInteraction(id: $id) }";
pub(crate) const UPDATE_COMMUNITY: &str = "mutation UpdateCommunity($id: ID!, $i: CommunityUpdateInput!) { updateCommunity(id: $id, input: $i) { id name kind role link realWorld meetings { id communityId occurredAt inPerson attendeeIds } } }";
pub(crate) const DELETE_COMMUNITY: &str =
    "mutation DeleteCommunity($id: ID!) { deleteCommunity(id: $id) }";
pub(crate) const DELETE_MEETING: &str =
    "mutation DeleteMeeting($id: ID!) { deleteMeeting(id: $id) }";
pub(crate) const CHANNELS: &str = "query Channels($audience: Audience) { channels(audience: $audience) { key name homepage audience } }";

/// Which of her contacts to list; every condition given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
#[serde(rename_all = "camelCase")]
pub struct ContactFilter {
    /// Only this sector.
    #[uniffi(default)]
    pub sector: Option<Sector>,
    /// Only this scope.
    #[uniffi(default)]
    pub scope: Option<Scope>,
    /// Only this stage.
    #[uniffi(default)]
    pub stage: Option<Stage>,
    /// Only those on (`true`) or off (`false`) her meet list.
    #[uniffi(default)]
    pub on_meet_list: Option<bool>,
    /// Part of the name, in any case.
    #[uniffi(default)]
    pub search: Option<String>,
    /// Only those with (`true`) or without (`false`) a sector and a scope: `false` lists the
    /// imported contacts she still has to classify.
    #[uniffi(default)]
    pub classified: Option<bool>,
}

/// Changes to one of her contacts: a field left `None` keeps its value; a field named in
/// `clear` is emptied (a stage she set goes back to the one the rules derive).
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct ContactPatch {
    /// A new name.
    #[uniffi(default)]
    pub name: Option<String>,
    /// A new sector.
    #[uniffi(default)]
    pub sector: Option<Sector>,
    /// A new scope.
    #[uniffi(default)]
    pub scope: Option<Scope>,
    /// A new industry.
    #[uniffi(default)]
    pub industry: Option<String>,
    /// In her industry or not.
    #[uniffi(default)]
    pub in_her_industry: Option<bool>,
    /// On her meet list or not.
    #[uniffi(default)]
    pub on_meet_list: Option<bool>,
    /// A competitor or not.
    #[uniffi(default)]
    pub competitor: Option<bool>,
    /// Whether their values match hers.
    #[uniffi(default)]
    pub values: Option<ValuesAlignment>,
    /// All her tags for them (replaces the old ones; empty removes them).
    #[uniffi(default)]
    pub tags: Option<Vec<String>>,
    /// All their addresses (replaces the old ones).
    #[uniffi(default)]
    pub links: Option<Vec<String>>,
    /// A stage she sets herself.
    #[uniffi(default)]
    pub stage: Option<Stage>,
    /// Days between touches.
    #[uniffi(default)]
    pub cadence_days: Option<i32>,
    /// All their e-mail addresses (replaces the old ones).
    #[uniffi(default)]
    pub emails: Option<Vec<String>>,
    /// A new company.
    #[uniffi(default)]
    pub company: Option<String>,
    /// A new job title.
    #[uniffi(default)]
    pub job_title: Option<String>,
    /// When they connected (`YYYY-MM-DD`).
    #[uniffi(default)]
    pub connected_on: Option<String>,
    /// Fields to empty.
    #[uniffi(default)]
    pub clear: Vec<ContactField>,
}

/// The fields of a contact that can be emptied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum ContactField {
    /// The industry.
    Industry,
    /// The stage she set: the rules derive it again.
    Stage,
    /// Her cadence: the playbook's default applies again.
    CadenceDays,
    /// The company.
    Company,
    /// The job title.
    JobTitle,
    /// The day they connected.
    ConnectedOn,
}

/// Changes to one of her profiles: `None` keeps a value; a field in `clear` is emptied.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct ProfilePatch {
    /// A new platform.
    #[uniffi(default)]
    pub platform: Option<Platform>,
    /// A new handle.
    #[uniffi(default)]
    pub handle: Option<String>,
    /// A new address.
    #[uniffi(default)]
    pub url: Option<String>,
    /// A new name shown.
    #[uniffi(default)]
    pub display_name: Option<String>,
    /// A new tagline.
    #[uniffi(default)]
    pub tagline: Option<String>,
    /// A new picture address.
    #[uniffi(default)]
    pub picture_url: Option<String>,
    /// A new website link.
    #[uniffi(default)]
    pub website_link: Option<String>,
    /// Fields to empty.
    #[uniffi(default)]
    pub clear: Vec<ProfileField>,
}

/// The fields of a profile that can be emptied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum ProfileField {
    /// The name shown.
    DisplayName,
    /// The tagline.
    Tagline,
    /// The picture.
    PictureUrl,
    /// The website link.
    WebsiteLink,
}

/// Changes to one of her communities: `None` keeps a value; `clear_link` removes its link.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct CommunityPatch {
    /// A new name.
    #[uniffi(default)]
    pub name: Option<String>,
    /// A new kind.
    #[uniffi(default)]
    pub kind: Option<CommunityKind>,
    /// Her new role in it.
    #[uniffi(default)]
    pub role: Option<CommunityRole>,
    /// A new link.
    #[uniffi(default)]
    pub link: Option<String>,
    /// Remove its link.
    #[uniffi(default)]
    pub clear_link: bool,
}

/// A channel made for one audience (such as a network of women in a profession).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, uniffi::Record)]
pub struct Channel {
    /// Stable key.
    pub key: String,
    /// Its name.
    pub name: String,
    /// Its address, when it has one.
    pub homepage: Option<String>,
    /// Whom it is for.
    pub audience: Audience,
}

impl ContactPatch {
    fn to_input(&self) -> Result<serde_json::Value, HerLeadError> {
        let mut patch = Patch::default();
        patch.set("name", &self.name);
        patch.set("sector", &self.sector);
        patch.set("scope", &self.scope);
        patch.set("industry", &self.industry);
        patch.set("inHerIndustry", &self.in_her_industry);
        patch.set("onMeetList", &self.on_meet_list);
        patch.set("competitor", &self.competitor);
        patch.set("values", &self.values);
        patch.set("tags", &self.tags);
        patch.set("links", &self.links);
        patch.set("stage", &self.stage);
        patch.set("cadenceDays", &self.cadence_days);
        patch.set("emails", &self.emails);
        patch.set("company", &self.company);
        patch.set("jobTitle", &self.job_title);
        patch.set_date("connectedOn", &self.connected_on)?;
        for field in &self.clear {
            patch.clear(match field {
                ContactField::Industry => "industry",
                ContactField::Stage => "stage",
                ContactField::CadenceDays => "cadenceDays",
                ContactField::Company => "company",
                ContactField::JobTitle => "jobTitle",
                ContactField::ConnectedOn => "connectedOn",
            })?;
        }
        Ok(patch.into_value())
    }
}

impl ProfilePatch {
    fn to_input(&self) -> Result<serde_json::Value, HerLeadError> {
        let mut patch = Patch::default();
        patch.set("platform", &self.platform);
        patch.set("handle", &self.handle);
        patch.set("url", &self.url);
        patch.set("displayName", &self.display_name);
        patch.set("tagline", &self.tagline);
        patch.set("pictureUrl", &self.picture_url);
        patch.set("websiteLink", &self.website_link);
        for field in &self.clear {
            patch.clear(match field {
                ProfileField::DisplayName => "displayName",
                ProfileField::Tagline => "tagline",
                ProfileField::PictureUrl => "pictureUrl",
                ProfileField::WebsiteLink => "websiteLink",
            })?;
        }
        Ok(patch.into_value())
    }
}

impl CommunityPatch {
    fn to_input(&self) -> Result<serde_json::Value, HerLeadError> {
        let mut patch = Patch::default();
        patch.set("name", &self.name);
        patch.set("kind", &self.kind);
        patch.set("role", &self.role);
        patch.set("link", &self.link);
        if self.clear_link {
            patch.clear("link")?;
        }
        Ok(patch.into_value())
    }
}

#[derive(Serialize)]
struct ContactsVars {
    filter: Option<ContactFilter>,
    first: Option<i32>,
    after: Option<String>,
}

#[derive(Serialize)]
struct PatchVars {
    id: String,
    i: serde_json::Value,
}

#[derive(Serialize)]
struct AudienceVars {
    audience: Option<Audience>,
}

#[derive(Deserialize)]
struct Deleted(#[allow(dead_code)] String);

#[uniffi::export(async_runtime = "tokio")]
impl HerLeadClient {
    /// A page of her contacts, oldest first: `first` up to 100 (20 when `None`), from after
    /// the cursor `after`, only those matching `filter` (all when `None`). `total_count`
    /// counts every match.
    #[uniffi::method(default(filter = None, first = None, after = None))]
    pub async fn contacts(
        &self,
        filter: Option<ContactFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ContactPage, HerLeadError> {
        let vars = ContactsVars {
            filter,
            first,
            after,
        };
        let Root(page): Root<op::ContactConnection> = self.execute(CONTACTS, &vars, true).await?;
        Ok(ContactPage {
            contacts: page.edges.into_iter().map(|e| e.node).collect(),
            end_cursor: page.page_info.end_cursor,
            has_next_page: page.page_info.has_next_page,
            total_count: page.total_count,
        })
    }

    /// One of her contacts; `NotFound` for an id that is not hers.
    pub async fn contact(&self, id: String) -> Result<Contact, HerLeadError> {
        let Root(contact) = self.execute(CONTACT, &IdVars { id }, true).await?;
        Ok(contact)
    }

    /// Changes one of her contacts (see [`ContactPatch`]); the rules run again with it.
    pub async fn update_contact(
        &self,
        id: String,
        patch: ContactPatch,
    ) -> Result<Contact, HerLeadError> {
        let vars = PatchVars {
            id,
            i: patch.to_input()?,
        };
        let Root(contact) = self.execute(UPDATE_CONTACT, &vars, true).await?;
        Ok(contact)
    }

    /// Changes one of her profiles (see [`ProfilePatch`]).
    pub async fn update_profile(
        &self,
        id: String,
        patch: ProfilePatch,
    ) -> Result<Profile, HerLeadError> {
        let vars = PatchVars {
            id,
            i: patch.to_input()?,
        };
        let Root(profile) = self.execute(UPDATE_PROFILE, &vars, true).await?;
        Ok(profile)
    }

    /// Deletes one of her profiles.
    pub async fn delete_profile(&self, id: String) -> Result<(), HerLeadError> {
        let _: Root<Deleted> = self.execute(DELETE_PROFILE, &IdVars { id }, true).await?;
        Ok(())
    }

    /// Deletes one of her interactions; the rules count without it.
    pub async fn delete_interaction(&self, id: String) -> Result<(), HerLeadError> {
        let _: Root<Deleted> = self
            .execute(DELETE_INTERACTION, &IdVars { id }, true)
            .await?;
        Ok(())
    }

    /// Changes one of her communities (see [`CommunityPatch`]).
    pub async fn update_community(
        &self,
        id: String,
        patch: CommunityPatch,
    ) -> Result<crate::types::Community, HerLeadError> {
        let vars = PatchVars {
            id,
            i: patch.to_input()?,
        };
        let Root(community) = self.execute(UPDATE_COMMUNITY, &vars, true).await?;
        Ok(community)
    }

    /// Deletes one of her communities with its meetings.
    pub async fn delete_community(&self, id: String) -> Result<(), HerLeadError> {
        let _: Root<Deleted> = self.execute(DELETE_COMMUNITY, &IdVars { id }, true).await?;
        Ok(())
    }

    /// Deletes one of her meetings.
    pub async fn delete_meeting(&self, id: String) -> Result<(), HerLeadError> {
        let _: Root<Deleted> = self.execute(DELETE_MEETING, &IdVars { id }, true).await?;
        Ok(())
    }

    /// Channels made for specific audiences: all of them, or those of `audience` (public).
    #[uniffi::method(default(audience = None))]
    pub async fn channels(&self, audience: Option<Audience>) -> Result<Vec<Channel>, HerLeadError> {
        let Root(channels) = self
            .execute(CHANNELS, &AudienceVars { audience }, false)
            .await?;
        Ok(channels)
    }
}

/// Checks the day of a new contact before it is sent.
pub(crate) fn check_contact(contact: &crate::types::ContactInput) -> Result<(), HerLeadError> {
    date::check("connectedOn", contact.connected_on.as_deref())
}
