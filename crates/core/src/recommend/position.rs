//! Step 1, position yourself online: website, signature, consistent profiles, channels.

use crate::presence::{FindingCode, check_consistency, recommended_channels};

use super::{Ctx, EntityKind, PER_CODE, RecommendationCode, TaskKey};

/// Adds this step's recommendations for the tasks still open.
pub(super) fn recommend(cx: &mut Ctx<'_>) {
    let s = cx.s;
    let findings = check_consistency(s.presence, s.profiles);
    if cx.open(TaskKey::POSITION_WEBSITE) {
        cx.push(
            RecommendationCode::AddWebsite,
            TaskKey::POSITION_WEBSITE,
            "Add your website: one link that tells people who you are and what you do.".into(),
            None,
        );
    }
    if cx.open(TaskKey::POSITION_EMAIL_SIGNATURE) {
        if s.presence.email_signature.is_none() {
            cx.push(
                RecommendationCode::WriteSignature,
                TaskKey::POSITION_EMAIL_SIGNATURE,
                "Write an email signature that links your website and every profile.".into(),
                None,
            );
        } else if let Some(f) = findings
            .iter()
            .find(|f| f.code == FindingCode::SignatureMissingProfile)
        {
            for id in f.profile_ids.iter().take(PER_CODE) {
                let platform = s
                    .profiles
                    .iter()
                    .find(|p| p.id == *id)
                    .map_or("this", |p| p.platform.as_str());
                cx.push(
                    RecommendationCode::LinkProfileInSignature,
                    TaskKey::POSITION_EMAIL_SIGNATURE,
                    format!(
                        "Link your {} profile from your email signature.",
                        platform.to_lowercase()
                    ),
                    Some((EntityKind::Profile, *id)),
                );
            }
        }
    }
    if cx.open(TaskKey::POSITION_CONSISTENT_PROFILES) {
        if s.profiles.len() < 2 {
            cx.push(RecommendationCode::AddProfile, TaskKey::POSITION_CONSISTENT_PROFILES,
                "Add the profiles you keep on social networks so they can be checked for one consistent story.".into(), None);
        }
        for f in findings
            .iter()
            .filter(|f| f.code != FindingCode::SignatureMissingProfile)
        {
            for id in f.profile_ids.iter().take(PER_CODE) {
                cx.push(
                    RecommendationCode::FixProfile,
                    TaskKey::POSITION_CONSISTENT_PROFILES,
                    f.fix.clone(),
                    Some((EntityKind::Profile, *id)),
                );
            }
        }
    }
    if cx.open(TaskKey::POSITION_AUDIENCE_CHANNELS) {
        if s.presence.audiences.is_empty() {
            cx.push(
                RecommendationCode::ChooseAudiences,
                TaskKey::POSITION_AUDIENCE_CHANNELS,
                "Choose the audiences you speak to, to see the channels made for them.".into(),
                None,
            );
        } else if let Some(channel) = recommended_channels(s.presence, s.profiles).first() {
            cx.push(
                RecommendationCode::JoinChannel,
                TaskKey::POSITION_AUDIENCE_CHANNELS,
                format!(
                    "Open a profile on {}, a channel made for your audience.",
                    channel.name
                ),
                None,
            );
        }
    }
}
