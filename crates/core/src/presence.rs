//! Step 1, digital presence: her website, email signature and social profiles, and the
//! consistency check that tells her what to fix.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

use crate::{
    channels::{self, Audience, Channel},
    input::{DisplayName, Signature, Tagline},
    input::{Handle, HttpUrl, links_in, url_key},
};

/// A profile is understood at a glance when its tagline reads in three to five seconds. At a
/// typical reading pace of four words a second on a phone, that allows 12 words; longer
/// taglines get a finding.
pub const TAGLINE_MAX_WORDS: usize = 12;
pub use crate::input::{SIGNATURE_MAX_LEN, TAGLINE_MAX_LEN};

/// Where a profile lives: the big networks, every channel of the audience catalogue, or
/// somewhere else.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Platform {
    /// LinkedIn.
    Linkedin,
    /// X (formerly Twitter).
    X,
    /// Instagram.
    Instagram,
    /// Facebook.
    Facebook,
    /// TikTok.
    Tiktok,
    /// YouTube.
    Youtube,
    /// GitHub.
    Github,
    /// Medium.
    Medium,
    /// MicroMentor (entrepreneurs).
    Micromentor,
    /// AngelList (entrepreneurs).
    Angellist,
    /// Gust (entrepreneurs).
    Gust,
    /// SeedInvest (entrepreneurs).
    Seedinvest,
    /// ConnectAmericas (entrepreneurs).
    Connectamericas,
    /// Creative Mornings (creatives).
    CreativeMornings,
    /// Behance (creatives).
    Behance,
    /// nova (public sector).
    Nova,
    /// Shared Value Initiative (game changers).
    SharedValueInitiative,
    /// Global Citizen (game changers).
    GlobalCitizen,
    /// Horyou (game changers).
    Horyou,
    /// Lean In (women).
    LeanIn,
    /// Levo (women).
    Levo,
    /// Anywhere else.
    Other,
}

crate::network::storage_names!(Platform);

impl Platform {
    /// The catalogue channel this platform is, if it is one.
    pub fn channel(self) -> Option<&'static Channel> {
        let key = self.as_str().to_lowercase();
        channels::catalogue().iter().find(|c| c.key == key)
    }
}

/// Her website, signature and audiences.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Presence {
    /// Her personal website.
    pub website: Option<HttpUrl>,
    /// Her email signature, as text or HTML.
    pub email_signature: Option<Signature>,
    /// The audiences she speaks to.
    pub audiences: Vec<Audience>,
}

/// One of her social profiles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Identifier.
    pub id: Uuid,
    /// Where it lives.
    pub platform: Platform,
    /// Her user name there.
    pub handle: Handle,
    /// The profile's address.
    pub url: HttpUrl,
    /// The name shown on it.
    pub display_name: Option<DisplayName>,
    /// The one-line description under the name.
    pub tagline: Option<Tagline>,
    /// The profile picture's address.
    pub picture_url: Option<HttpUrl>,
    /// The website link shown on it.
    pub website_link: Option<HttpUrl>,
}

/// What a consistency finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FindingCode {
    /// Profiles show different names.
    NameMismatch,
    /// Profiles show different pictures.
    PictureMismatch,
    /// Profiles show different taglines.
    TaglineMismatch,
    /// A profile links somewhere other than her website (or the others' common link).
    WebsiteLinkMismatch,
    /// A profile has no website link.
    MissingWebsiteLink,
    /// Her email signature does not link a profile (or she has no signature).
    SignatureMissingProfile,
    /// A tagline too long to take in within a few seconds.
    TaglineTooLong,
}

/// Something to fix so every profile tells the same story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What kind of problem.
    pub code: FindingCode,
    /// The profiles to change.
    pub profile_ids: Vec<Uuid>,
    /// How to fix it, in a sentence.
    pub fix: String,
}

/// The comparison form of free text: NFKC, lower case, NFKC again, white space folded.
///
/// The second NFKC is needed because lower-casing can make a new composable pair: "T" with a
/// combining diaeresis has no precomposed form, but "t" with it does ("ẗ"). Without it the
/// key of a key could differ from the key (found by cargo fuzz).
pub fn text_key(text: &str) -> String {
    text.nfkc()
        .collect::<String>()
        .to_lowercase()
        .nfkc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The most common value (first seen wins ties) and the profiles that differ from it,
/// including those without a value, when at least one profile has a value and not all agree.
fn outliers<'a>(
    profiles: &'a [Profile],
    value: impl Fn(&'a Profile) -> Option<(String, &'a str)>,
) -> Option<(&'a str, Vec<Uuid>)> {
    let values: Vec<Option<(String, &str)>> = profiles.iter().map(&value).collect();
    let mut counts: HashMap<&str, (usize, usize, &str)> = HashMap::new();
    for (i, (key, shown)) in values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.as_ref().map(|v| (i, v)))
    {
        let entry = counts.entry(key.as_str()).or_insert((0, i, shown));
        entry.0 += 1;
    }
    let (majority_key, (_, _, shown)) = counts
        .iter()
        .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1)))?;
    let differing: Vec<Uuid> = profiles
        .iter()
        .zip(&values)
        .filter(|(_, v)| v.as_ref().is_none_or(|(k, _)| k != majority_key))
        .map(|(p, _)| p.id)
        .collect();
    (!differing.is_empty()).then_some((*shown, differing))
}

/// Checks that her profiles tell one story and that her signature leads to all of them.
pub fn check_consistency(presence: &Presence, profiles: &[Profile]) -> Vec<Finding> {
    let mut findings = Vec::new();
    if profiles.is_empty() {
        return findings;
    }
    if let Some((name, ids)) = outliers(profiles, |p| {
        p.display_name.as_deref().map(|n| (text_key(n), n))
    }) {
        findings.push(Finding {
            code: FindingCode::NameMismatch,
            profile_ids: ids,
            fix: format!("Show the same name everywhere: use \"{name}\" on these profiles."),
        });
    }
    if let Some((_, ids)) = outliers(profiles, |p| {
        p.picture_url.as_ref().map(|u| (u.key(), u.as_str()))
    }) {
        findings.push(Finding {
            code: FindingCode::PictureMismatch,
            profile_ids: ids,
            fix: "Use the same profile picture on every profile.".into(),
        });
    }
    if let Some((tagline, ids)) =
        outliers(profiles, |p| p.tagline.as_deref().map(|t| (text_key(t), t)))
    {
        findings.push(Finding {
            code: FindingCode::TaglineMismatch,
            profile_ids: ids,
            fix: format!("Tell the same story: use the tagline \"{tagline}\" on these profiles."),
        });
    }
    let missing_link: Vec<Uuid> = profiles
        .iter()
        .filter(|p| p.website_link.is_none())
        .map(|p| p.id)
        .collect();
    if !missing_link.is_empty() {
        findings.push(Finding {
            code: FindingCode::MissingWebsiteLink,
            profile_ids: missing_link,
            fix: "Add your website link to these profiles.".into(),
        });
    }
    let wrong_link: Vec<Uuid> = match &presence.website {
        Some(website) => {
            let key = website.key();
            profiles
                .iter()
                .filter(|p| p.website_link.as_ref().is_some_and(|l| l.key() != key))
                .map(|p| p.id)
                .collect()
        }
        None => {
            let linked: Vec<Profile> = profiles
                .iter()
                .filter(|p| p.website_link.is_some())
                .cloned()
                .collect();
            outliers(&linked, |p| {
                p.website_link.as_ref().map(|u| (u.key(), u.as_str()))
            })
            .map(|(_, ids)| ids)
            .unwrap_or_default()
        }
    };
    if !wrong_link.is_empty() {
        findings.push(Finding {
            code: FindingCode::WebsiteLinkMismatch,
            profile_ids: wrong_link,
            fix: match &presence.website {
                Some(website) => format!("Point the website link of these profiles to {website}."),
                None => "Point every profile to the same website.".into(),
            },
        });
    }
    let signature_keys: Vec<String> = presence
        .email_signature
        .as_deref()
        .map(|s| links_in(s).iter().filter_map(|l| url_key(l)).collect())
        .unwrap_or_default();
    let unlinked: Vec<Uuid> = profiles
        .iter()
        .filter(|p| !signature_keys.contains(&p.url.key()))
        .map(|p| p.id)
        .collect();
    if !unlinked.is_empty() {
        findings.push(Finding {
            code: FindingCode::SignatureMissingProfile,
            profile_ids: unlinked,
            fix: if presence.email_signature.is_some() {
                "Link these profiles from your email signature.".into()
            } else {
                "Write an email signature that links every profile.".into()
            },
        });
    }
    let long: Vec<Uuid> = profiles
        .iter()
        .filter(|p| {
            p.tagline
                .as_deref()
                .is_some_and(|t| t.split_whitespace().count() > TAGLINE_MAX_WORDS)
        })
        .map(|p| p.id)
        .collect();
    if !long.is_empty() {
        findings.push(Finding {
            code: FindingCode::TaglineTooLong,
            profile_ids: long,
            fix: format!(
                "Shorten the tagline to {TAGLINE_MAX_WORDS} words or fewer so it reads in a few seconds."
            ),
        });
    }
    findings
}

/// Channels made for her audiences on which she has no profile yet, in catalogue order.
pub fn recommended_channels(presence: &Presence, profiles: &[Profile]) -> Vec<&'static Channel> {
    channels::catalogue()
        .iter()
        .filter(|c| presence.audiences.contains(&c.audience))
        .filter(|c| {
            !profiles
                .iter()
                .any(|p| p.platform.channel().is_some_and(|pc| pc.key == c.key))
        })
        .collect()
}

/// Whether she has a profile on a channel made for one of her audiences (any catalogue channel
/// when she has not chosen audiences).
pub fn on_audience_channel(presence: &Presence, profiles: &[Profile]) -> bool {
    profiles
        .iter()
        .filter_map(|p| p.platform.channel())
        .any(|c| presence.audiences.is_empty() || presence.audiences.contains(&c.audience))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_text_keys_are_stable_when_lower_casing_makes_a_composable_pair() {
        // Found by cargo fuzz: "T" + U+0308 stays decomposed under NFKC, "t" + U+0308 composes.
        for text in ["T\u{308}", "AT\u{308}\u{301}B", "  Ada T\u{308}  Lovelace "] {
            let key = text_key(text);
            assert_eq!(text_key(&key), key, "{text:?}");
        }
        assert_eq!(text_key("T\u{308}"), "\u{1e97}");
        assert_eq!(text_key("T\u{308}"), text_key("\u{1e97}"));
    }

    pub(crate) fn profile(platform: Platform, handle: &str) -> Profile {
        let host = match platform {
            Platform::Linkedin => "linkedin.com/in",
            Platform::X => "x.com",
            Platform::Instagram => "instagram.com",
            _ => "example.net",
        };
        Profile {
            id: Uuid::new_v4(),
            platform,
            handle: Handle::parse("handle", handle).expect("handle"),
            url: HttpUrl::parse("url", &format!("https://{host}/{handle}")).expect("url"),
            display_name: Some("Ada Lovelace".into()),
            tagline: Some("Engineer. I build tools for women leaders.".into()),
            picture_url: Some(
                HttpUrl::parse("pictureUrl", "https://cdn.example.org/ada.jpg").expect("url"),
            ),
            website_link: Some(
                HttpUrl::parse("websiteLink", "https://ada.example.org").expect("url"),
            ),
        }
    }

    fn presence(signature: &str) -> Presence {
        Presence {
            website: Some(HttpUrl::parse("website", "ada.example.org").expect("url")),
            email_signature: Signature::parse_optional("signature", signature).expect("valid"),
            audiences: vec![Audience::Women],
        }
    }

    #[test]
    fn test_consistent_profiles_have_no_findings() {
        let mut linkedin = profile(Platform::Linkedin, "ada");
        let mut x = profile(Platform::X, "ada");
        // Near-duplicates that a person would call the same.
        x.display_name = Some("  ADA   lovelace ".into());
        x.website_link =
            Some(HttpUrl::parse("w", "http://www.ada.example.org/?utm_source=x").expect("url"));
        linkedin.picture_url = Some(HttpUrl::parse("p", "cdn.example.org/ada.jpg#x").expect("url"));
        let sig = r#"<a href="https://www.linkedin.com/in/ada/">in</a> <a href="https://x.com/ada?utm_source=sig">x</a>"#;
        let findings = check_consistency(&presence(sig), &[linkedin, x]);
        assert_eq!(findings, vec![], "{findings:?}");
    }

    #[test]
    fn test_each_kind_of_difference_is_found_with_the_profiles_involved() {
        let a = profile(Platform::Linkedin, "ada");
        let b = profile(Platform::X, "ada");
        let mut c = profile(Platform::Instagram, "ada");
        c.display_name = Some("Ada L.".into());
        c.picture_url =
            Some(HttpUrl::parse("p", "https://cdn.example.org/other.jpg").expect("url"));
        c.tagline =
            Some("one two three four five six seven eight nine ten eleven twelve thirteen".into());
        c.website_link = Some(HttpUrl::parse("w", "https://old-site.example.org").expect("url"));
        let mut d = profile(Platform::Facebook, "ada");
        d.website_link = None;
        let sig = "Ada — linkedin.com/in/ada · x.com/ada";
        let findings = check_consistency(
            &presence(sig),
            &[a.clone(), b.clone(), c.clone(), d.clone()],
        );
        let by_code = |code| {
            findings
                .iter()
                .find(|f| f.code == code)
                .map(|f| f.profile_ids.clone())
                .unwrap_or_else(|| panic!("{code:?} missing in {findings:?}"))
        };
        assert_eq!(by_code(FindingCode::NameMismatch), vec![c.id]);
        assert_eq!(by_code(FindingCode::PictureMismatch), vec![c.id]);
        assert_eq!(by_code(FindingCode::TaglineMismatch), vec![c.id]);
        assert_eq!(by_code(FindingCode::TaglineTooLong), vec![c.id]);
        assert_eq!(by_code(FindingCode::WebsiteLinkMismatch), vec![c.id]);
        assert_eq!(by_code(FindingCode::MissingWebsiteLink), vec![d.id]);
        assert_eq!(
            by_code(FindingCode::SignatureMissingProfile),
            vec![c.id, d.id]
        );
        assert!(
            findings
                .iter()
                .find(|f| f.code == FindingCode::NameMismatch)
                .is_some_and(|f| f.fix.contains("Ada Lovelace"))
        );
    }

    #[test]
    fn test_no_signature_means_every_profile_is_unlinked() {
        let a = profile(Platform::Linkedin, "ada");
        let mut p = presence("");
        p.email_signature = None;
        let findings = check_consistency(&p, std::slice::from_ref(&a));
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].code, FindingCode::SignatureMissingProfile);
        assert!(findings[0].fix.contains("Write an email signature"));
    }

    #[test]
    fn test_recommended_channels_exclude_those_she_is_on() {
        let mut p = presence("");
        p.audiences = vec![Audience::Women, Audience::Creative];
        let names = |profiles: &[Profile]| -> Vec<&str> {
            recommended_channels(&p, profiles)
                .iter()
                .map(|c| c.name.as_str())
                .collect()
        };
        assert_eq!(
            names(&[]),
            ["Creative Mornings", "Behance", "Lean In", "Levo"]
        );
        let lean_in = profile(Platform::LeanIn, "ada");
        assert_eq!(
            names(std::slice::from_ref(&lean_in)),
            ["Creative Mornings", "Behance", "Levo"]
        );
        assert!(on_audience_channel(&p, &[lean_in]));
        assert!(!on_audience_channel(&p, &[profile(Platform::Gust, "ada")]));
    }

    #[test]
    fn test_every_catalogue_channel_is_a_platform() {
        for channel in channels::catalogue() {
            assert!(
                Platform::ALL
                    .iter()
                    .any(|p| p.channel().is_some_and(|c| c.key == channel.key)),
                "{}",
                channel.key
            );
        }
        for &platform in Platform::ALL {
            assert_eq!(Platform::parse(platform.as_str()), Some(platform));
        }
    }
}
