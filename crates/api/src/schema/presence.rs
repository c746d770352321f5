//! Her presence: website, email signature, audiences, social profiles and the consistency
//! findings over them.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use herlead_core::{
    Audience,
    input::{DisplayName, Handle, HttpUrl, Signature, Tagline},
    presence::{self, FindingCode, Platform, Presence, Profile},
};
use uuid::Uuid;

use crate::{ApiError, error::Result};

use super::{
    common::{deleted, gid, parse_id, patch, store, viewer},
    types::ChannelView,
};

/// One of her social profiles.
#[derive(SimpleObject)]
#[graphql(name = "Profile")]
pub struct ProfileView {
    id: ID,
    /// Where it lives.
    platform: Platform,
    /// Her user name there, without `@`.
    handle: String,
    /// The profile's address.
    url: String,
    /// The name shown on it.
    display_name: Option<String>,
    /// The line under the name.
    tagline: Option<String>,
    /// The picture's address.
    picture_url: Option<String>,
    /// The website link shown on it.
    website_link: Option<String>,
}

impl From<Profile> for ProfileView {
    fn from(p: Profile) -> Self {
        Self {
            id: gid(p.id),
            platform: p.platform,
            handle: p.handle.as_str().to_owned(),
            url: p.url.as_str().to_owned(),
            display_name: p.display_name.map(DisplayName::into_string),
            tagline: p.tagline.map(Tagline::into_string),
            picture_url: p.picture_url.map(|u| u.as_str().to_owned()),
            website_link: p.website_link.map(|u| u.as_str().to_owned()),
        }
    }
}

/// Something to fix so every profile tells the same story.
#[derive(SimpleObject)]
pub struct ConsistencyFinding {
    /// What kind of problem.
    code: FindingCode,
    /// The profiles to change.
    profile_ids: Vec<ID>,
    /// How to fix it.
    fix: String,
}

/// Step 1 at a glance: website, signature, audiences, profiles and what to fix.
pub struct PresenceView {
    presence: Presence,
    profiles: Vec<Profile>,
}

#[Object(name = "Presence")]
impl PresenceView {
    /// Her website.
    async fn website(&self) -> Option<&str> {
        self.presence.website.as_ref().map(HttpUrl::as_str)
    }

    /// Her email signature (text or HTML).
    async fn email_signature(&self) -> Option<&str> {
        self.presence.email_signature.as_deref()
    }

    /// The audiences she speaks to.
    async fn audiences(&self) -> &[Audience] {
        &self.presence.audiences
    }

    /// Her profiles, oldest first.
    async fn profiles(&self) -> Vec<ProfileView> {
        self.profiles
            .iter()
            .cloned()
            .map(ProfileView::from)
            .collect()
    }

    /// Inconsistencies between her profiles, and profiles her signature does not link.
    async fn findings(&self) -> Vec<ConsistencyFinding> {
        presence::check_consistency(&self.presence, &self.profiles)
            .into_iter()
            .map(|f| ConsistencyFinding {
                code: f.code,
                profile_ids: f.profile_ids.into_iter().map(gid).collect(),
                fix: f.fix,
            })
            .collect()
    }

    /// Channels made for her audiences on which she has no profile yet.
    async fn recommended_channels(&self) -> Vec<ChannelView> {
        presence::recommended_channels(&self.presence, &self.profiles)
            .into_iter()
            .map(ChannelView)
            .collect()
    }
}

/// Changes to her website, signature and audiences. Omitted fields stay as they are; null
/// clears.
#[derive(InputObject)]
pub struct PresenceInput {
    /// Her website (http or https).
    website: MaybeUndefined<String>,
    /// Her email signature, text or HTML, up to 5,000 characters.
    email_signature: MaybeUndefined<String>,
    /// The audiences she speaks to.
    audiences: MaybeUndefined<Vec<Audience>>,
}

/// A new profile.
#[derive(InputObject)]
pub struct ProfileInput {
    /// Where it lives.
    platform: Platform,
    /// Her user name there (a leading `@` is dropped).
    handle: String,
    /// The profile's address.
    url: String,
    /// The name shown on it.
    display_name: Option<String>,
    /// The line under the name (up to 200 characters).
    tagline: Option<String>,
    /// The picture's address.
    picture_url: Option<String>,
    /// The website link shown on it.
    website_link: Option<String>,
}

/// Changes to a profile. Omitted fields stay; null clears optional ones.
#[derive(InputObject)]
pub struct ProfileUpdateInput {
    platform: Option<Platform>,
    handle: Option<String>,
    url: Option<String>,
    display_name: MaybeUndefined<String>,
    tagline: MaybeUndefined<String>,
    picture_url: MaybeUndefined<String>,
    website_link: MaybeUndefined<String>,
}

pub(crate) fn opt_url(field: &'static str, raw: Option<&str>) -> Result<Option<HttpUrl>> {
    match raw.map(str::trim) {
        Some(text) if !text.is_empty() => Ok(Some(HttpUrl::parse(field, text)?)),
        _ => Ok(None),
    }
}

fn signature(raw: &str) -> Result<Option<Signature>> {
    Ok(Signature::parse_optional("emailSignature", raw)?)
}

fn new_profile(input: ProfileInput) -> Result<Profile> {
    Ok(Profile {
        id: Uuid::now_v7(),
        platform: input.platform,
        handle: Handle::parse("handle", &input.handle)?,
        url: HttpUrl::parse("url", &input.url)?,
        display_name: DisplayName::parse_optional("displayName", input.display_name.as_deref())?,
        tagline: Tagline::parse_optional("tagline", input.tagline.as_deref())?,
        picture_url: opt_url("pictureUrl", input.picture_url.as_deref())?,
        website_link: opt_url("websiteLink", input.website_link.as_deref())?,
    })
}

/// Presence reads.
#[derive(Debug, Default)]
pub struct PresenceQuery;

#[Object]
impl PresenceQuery {
    /// Her website, signature, audiences and profiles, with consistency findings.
    async fn presence(&self, ctx: &Context<'_>) -> Result<PresenceView> {
        let v = viewer(ctx)?;
        let s = store(ctx);
        Ok(PresenceView {
            presence: s.presence(v.user_id).await?,
            profiles: s.profiles(v.user_id).await?,
        })
    }
}

/// Presence and profile writes.
#[derive(Debug, Default)]
pub struct PresenceMutation;

#[Object]
impl PresenceMutation {
    /// Changes her website, signature or audiences.
    async fn update_presence(
        &self,
        ctx: &Context<'_>,
        input: PresenceInput,
    ) -> Result<PresenceView> {
        let v = viewer(ctx)?;
        let s = store(ctx);
        let current = s.presence(v.user_id).await?;
        let website = patch(current.website, input.website, |w| {
            opt_url("website", Some(&w))
        })?;
        let email_signature = patch(current.email_signature, input.email_signature, |t| {
            signature(&t)
        })?;
        let audiences = match input.audiences {
            MaybeUndefined::Undefined => current.audiences,
            MaybeUndefined::Null => vec![],
            MaybeUndefined::Value(list) => {
                let mut unique = Vec::new();
                for a in list {
                    if !unique.contains(&a) {
                        unique.push(a);
                    }
                }
                unique
            }
        };
        let presence = s
            .save_presence(
                v.user_id,
                Presence {
                    website,
                    email_signature,
                    audiences,
                },
            )
            .await?;
        let profiles = s.profiles(v.user_id).await?;
        Ok(PresenceView { presence, profiles })
    }

    /// Adds a social profile. The same platform and handle twice is a CONFLICT.
    async fn add_profile(&self, ctx: &Context<'_>, input: ProfileInput) -> Result<ProfileView> {
        let v = viewer(ctx)?;
        let profile = new_profile(input)?;
        Ok(store(ctx).add_profile(v.user_id, profile).await?.into())
    }

    /// Changes one of her profiles.
    async fn update_profile(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: ProfileUpdateInput,
    ) -> Result<ProfileView> {
        let v = viewer(ctx)?;
        let id = parse_id("id", &id)?;
        let s = store(ctx);
        let not_found = || ApiError::not_found("profile", "id");
        let mut p = s.profile(v.user_id, id).await?.ok_or_else(not_found)?;
        if let Some(platform) = input.platform {
            p.platform = platform;
        }
        if let Some(handle) = input.handle {
            p.handle = Handle::parse("handle", &handle)?;
        }
        if let Some(url) = input.url {
            p.url = HttpUrl::parse("url", &url)?;
        }
        p.display_name = patch(p.display_name, input.display_name, |t| {
            Ok(DisplayName::parse_optional("displayName", Some(&t))?)
        })?;
        p.tagline = patch(p.tagline, input.tagline, |t| {
            Ok(Tagline::parse_optional("tagline", Some(&t))?)
        })?;
        p.picture_url = patch(p.picture_url, input.picture_url, |u| {
            opt_url("pictureUrl", Some(&u))
        })?;
        p.website_link = patch(p.website_link, input.website_link, |u| {
            opt_url("websiteLink", Some(&u))
        })?;
        Ok(s.update_profile(v.user_id, p)
            .await?
            .ok_or_else(not_found)?
            .into())
    }

    /// Deletes one of her profiles; returns its id.
    async fn delete_profile(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        let v = viewer(ctx)?;
        let uuid = parse_id("id", &id)?;
        deleted(
            id,
            store(ctx).delete_profile(v.user_id, uuid).await?,
            "profile",
        )
    }
}
