//! The catalogue of social channels built for specific audiences.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

const CHANNELS_TOML: &str = include_str!("../data/channels.toml");

/// An audience a woman leader speaks to; each has channels made for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Audience {
    /// Founders and people building companies.
    Entrepreneur,
    /// Designers, artists and other creative professionals.
    Creative,
    /// People working in or with government.
    PublicSector,
    /// People driving social and environmental change.
    GameChanger,
    /// Women's leadership networks.
    Women,
}

impl Audience {
    /// All audiences, in catalogue order.
    pub const ALL: [Audience; 5] = [
        Audience::Entrepreneur,
        Audience::Creative,
        Audience::PublicSector,
        Audience::GameChanger,
        Audience::Women,
    ];
}

/// A social channel recommended for one audience.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    /// Stable key, lower snake case.
    pub key: String,
    /// The channel's name.
    pub name: String,
    /// The channel's home page, where one is known.
    #[serde(default)]
    pub homepage: Option<String>,
    /// The audience it serves.
    pub audience: Audience,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Catalogue {
    channels: Vec<Channel>,
}

static CATALOGUE: LazyLock<Vec<Channel>> = LazyLock::new(|| {
    toml::from_str::<Catalogue>(CHANNELS_TOML)
        .expect("the embedded channel catalogue is validated by its tests")
        .channels
});

/// Every channel in the catalogue.
pub fn catalogue() -> &'static [Channel] {
    &CATALOGUE
}

/// The channels recommended for one audience.
pub fn for_audience(audience: Audience) -> impl Iterator<Item = &'static Channel> {
    catalogue().iter().filter(move |c| c.audience == audience)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn test_catalogue_covers_every_audience_with_unique_keys() {
        let keys: HashSet<_> = catalogue().iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys.len(), catalogue().len());
        for audience in Audience::ALL {
            assert!(for_audience(audience).count() > 0, "{audience:?}");
        }
        assert_eq!(for_audience(Audience::Entrepreneur).count(), 5);
        assert_eq!(for_audience(Audience::Creative).count(), 2);
        assert_eq!(for_audience(Audience::PublicSector).count(), 1);
        assert_eq!(for_audience(Audience::GameChanger).count(), 3);
        assert_eq!(for_audience(Audience::Women).count(), 2);
    }

    #[test]
    fn test_homepages_are_https_urls() {
        for channel in catalogue() {
            if let Some(url) = &channel.homepage {
                assert!(url.starts_with("https://") && url.ends_with('/'), "{url}");
            }
        }
    }
}
