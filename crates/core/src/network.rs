//! Steps 2 and 3: the people she brings together, and the gives and asks she logs with them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::input::{CadenceDays, Company, ContactName, Email, HttpUrl, Industry, JobTitle, Note};

/// The stable storage names of an enum, from its `strum` derives (`SCREAMING_SNAKE_CASE`, the
/// same spelling as the GraphQL enum values and the serde names).
macro_rules! storage_names {
    ($ty:ident) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = <$ty as strum::VariantArray>::VARIANTS;

            /// The stable storage name.
            pub fn as_str(self) -> &'static str {
                self.into()
            }

            /// Parses a storage name.
            pub fn parse(s: &str) -> Option<$ty> {
                s.parse().ok()
            }
        }
    };
}
pub(crate) use storage_names;

/// Where a contact has influence. The guide asks for all five, media first.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Sector {
    /// Government and public institutions.
    Public,
    /// Companies.
    Private,
    /// Universities and research.
    Academia,
    /// Nonprofits and NGOs.
    Nonprofit,
    /// Journalists, editors, media outlets.
    Media,
}
storage_names!(Sector);

/// How far a contact's influence reaches.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Scope {
    /// Her city.
    City,
    /// Her country.
    Country,
    /// The world.
    Global,
}
storage_names!(Scope);

/// Whether a contact's values and interests meet hers.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ValuesAlignment {
    /// Not checked yet.
    #[default]
    Unknown,
    /// They share her values.
    Aligned,
    /// They do not.
    NotAligned,
}
storage_names!(ValuesAlignment);

/// How far a relationship has come, in order.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Stage {
    /// On her radar; nothing logged yet.
    Identified,
    /// Connected online (a CONNECTED interaction, or any interaction at all).
    Connected,
    /// She has given to them at least once.
    Engaged,
    /// Value flows both ways: she gave, then asked.
    Reciprocating,
    /// They have met in person (a MET_IN_PERSON interaction or a meeting attended together).
    Met,
    /// They have met in person and exchange value both ways.
    Collaborating,
}
storage_names!(Stage);

/// Something she did with or for a contact.
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InteractionKind {
    /// Give: shared one of their posts.
    SharedPost,
    /// Give: advocated a cause they care about.
    AdvocatedCause,
    /// Give: shared an event or invitation of theirs.
    SharedEvent,
    /// Give: shared an article or blog they wrote.
    SharedArticle,
    /// Give: endorsed them (for instance on LinkedIn).
    Endorsed,
    /// Give: reviewed their business online.
    Reviewed,
    /// Give: introduced them to someone.
    Introduced,
    /// Ask: asked for an introduction.
    AskedIntro,
    /// Ask: asked for help.
    AskedHelp,
    /// Ask: asked for an endorsement.
    AskedEndorsement,
    /// Ask: any other request.
    AskedOther,
    /// Connected online.
    Connected,
    /// Met in person.
    MetInPerson,
}
storage_names!(InteractionKind);

impl InteractionKind {
    /// Something she did for them.
    pub fn is_give(self) -> bool {
        matches!(
            self,
            InteractionKind::SharedPost
                | InteractionKind::AdvocatedCause
                | InteractionKind::SharedEvent
                | InteractionKind::SharedArticle
                | InteractionKind::Endorsed
                | InteractionKind::Reviewed
                | InteractionKind::Introduced
        )
    }

    /// Something she asked of them.
    pub fn is_ask(self) -> bool {
        matches!(
            self,
            InteractionKind::AskedIntro
                | InteractionKind::AskedHelp
                | InteractionKind::AskedEndorsement
                | InteractionKind::AskedOther
        )
    }

    /// A public endorsement or review: the kind that counts for endorsing a competitor.
    pub fn is_endorsement(self) -> bool {
        matches!(self, InteractionKind::Endorsed | InteractionKind::Reviewed)
    }
}

/// A person in her network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// Identifier.
    pub id: Uuid,
    /// Their name.
    pub name: ContactName,
    /// Where they have influence; `None` until she classifies them (imported contacts).
    pub sector: Option<Sector>,
    /// How far it reaches; `None` until she classifies them.
    pub scope: Option<Scope>,
    /// Their industry, in her words.
    pub industry: Option<Industry>,
    /// Whether they are in her own industry (the "top five" lists count these).
    pub in_her_industry: bool,
    /// On the list of 15–20 people she wants to meet.
    pub on_meet_list: bool,
    /// A competitor of hers.
    pub competitor: bool,
    /// Whether their values meet hers.
    pub values: ValuesAlignment,
    /// Causes and interests.
    pub tags: Vec<String>,
    /// Their profiles and pages.
    pub links: Vec<HttpUrl>,
    /// The stage she set by hand, overriding the derived one.
    pub stage_override: Option<Stage>,
    /// Days between touches she wants to keep; `None` for the stage's default.
    pub cadence_days: Option<CadenceDays>,
    /// Their e-mail addresses.
    pub emails: Vec<Email>,
    /// Where they work.
    pub company: Option<Company>,
    /// What they do there.
    pub job_title: Option<JobTitle>,
    /// The day she connected with them (LinkedIn's "Connected On"), when known.
    pub connected_on: Option<NaiveDate>,
    /// When she added them.
    pub created_at: DateTime<Utc>,
}

impl Contact {
    /// A contact with only a name, as a contact file brings one: unclassified, off the meet
    /// list, values unknown, no links or tags.
    pub fn named(id: Uuid, name: ContactName, created_at: DateTime<Utc>) -> Contact {
        Contact {
            id,
            name,
            sector: None,
            scope: None,
            industry: None,
            in_her_industry: false,
            on_meet_list: false,
            competitor: false,
            values: ValuesAlignment::Unknown,
            tags: vec![],
            links: vec![],
            stage_override: None,
            cadence_days: None,
            emails: vec![],
            company: None,
            job_title: None,
            connected_on: None,
            created_at,
        }
    }

    /// Sector and scope, once she has set both. The rules count only classified contacts.
    pub fn classification(&self) -> Option<(Sector, Scope)> {
        Some((self.sector?, self.scope?))
    }
}

/// One logged interaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interaction {
    /// Identifier.
    pub id: Uuid,
    /// With whom.
    pub contact_id: Uuid,
    /// What happened.
    pub kind: InteractionKind,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// Her note.
    pub note: Option<Note>,
}

/// What logging an ask may warn about; the ask is recorded all the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WarningCode {
    /// She asked before ever giving to this person.
    GiveFirst,
    /// She asked before checking that their values align.
    ValuesUnknown,
}

/// Whether an ask at `at` was preceded by a give to the same contact.
pub fn preceded_by_give(interactions: &[Interaction], contact: Uuid, at: DateTime<Utc>) -> bool {
    interactions
        .iter()
        .any(|i| i.contact_id == contact && i.kind.is_give() && i.occurred_at <= at)
}

/// The warnings an ask of `contact` at `at` deserves, given what was logged before.
pub fn ask_warnings(
    contact: &Contact,
    interactions: &[Interaction],
    at: DateTime<Utc>,
) -> Vec<WarningCode> {
    ask_warnings_given(contact, preceded_by_give(interactions, contact.id, at))
}

/// The warnings an ask of `contact` deserves when it is known whether a give `preceded` it.
pub fn ask_warnings_given(contact: &Contact, preceded: bool) -> Vec<WarningCode> {
    let mut warnings = Vec::new();
    if !preceded {
        warnings.push(WarningCode::GiveFirst);
    }
    if contact.values == ValuesAlignment::Unknown {
        warnings.push(WarningCode::ValuesUnknown);
    }
    warnings
}

/// The stage her logged history implies for one contact. `interactions` may hold other
/// contacts' interactions; `meetings_attended` counts meetings the contact attended with her.
///
/// This is the stage's definition, written out over the history. What the server and the
/// store run is [`crate::derived::ContactFacts::derived_stage`] over the contact's summed-up
/// facts; a property test in `derived.rs` checks that both always agree.
pub fn derived_stage(
    contact: Uuid,
    interactions: &[Interaction],
    meetings_attended: usize,
) -> Stage {
    let mine: Vec<&Interaction> = interactions
        .iter()
        .filter(|i| i.contact_id == contact)
        .collect();
    let met = meetings_attended > 0 || mine.iter().any(|i| i.kind == InteractionKind::MetInPerson);
    let first_give = mine
        .iter()
        .filter(|i| i.kind.is_give())
        .map(|i| i.occurred_at)
        .min();
    let gave = first_give.is_some();
    let reciprocal = mine
        .iter()
        .any(|i| i.kind.is_ask() && first_give.is_some_and(|g| g <= i.occurred_at));
    match (met, reciprocal, gave, mine.is_empty()) {
        (true, true, _, _) => Stage::Collaborating,
        (true, false, _, _) => Stage::Met,
        (false, true, _, _) => Stage::Reciprocating,
        (false, false, true, _) => Stage::Engaged,
        (false, false, false, false) => Stage::Connected,
        (false, false, false, true) => Stage::Identified,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::Duration;

    pub(crate) fn contact(sector: Sector, scope: Scope) -> Contact {
        Contact {
            id: Uuid::new_v4(),
            name: "Grace Hopper".into(),
            sector: Some(sector),
            scope: Some(scope),
            emails: vec![],
            company: None,
            job_title: None,
            connected_on: None,
            industry: Some("software".into()),
            in_her_industry: true,
            on_meet_list: false,
            competitor: false,
            values: ValuesAlignment::Unknown,
            tags: vec![],
            links: vec![],
            stage_override: None,
            cadence_days: None,
            created_at: DateTime::UNIX_EPOCH,
        }
    }

    pub(crate) fn interaction(contact: Uuid, kind: InteractionKind, days: i64) -> Interaction {
        Interaction {
            id: Uuid::new_v4(),
            contact_id: contact,
            kind,
            occurred_at: DateTime::UNIX_EPOCH + Duration::days(days),
            note: None,
        }
    }

    #[test]
    fn test_kinds_are_gives_asks_or_neither() {
        for kind in InteractionKind::ALL {
            assert!(!(kind.is_give() && kind.is_ask()), "{kind:?}");
            assert_eq!(InteractionKind::parse(kind.as_str()), Some(*kind));
        }
        assert!(InteractionKind::Endorsed.is_give() && InteractionKind::Endorsed.is_endorsement());
        assert!(!InteractionKind::Connected.is_give() && !InteractionKind::Connected.is_ask());
    }

    #[test]
    fn test_stage_follows_the_history() {
        let c = contact(Sector::Media, Scope::City).id;
        let mut log = vec![];
        assert_eq!(derived_stage(c, &log, 0), Stage::Identified);
        log.push(interaction(c, InteractionKind::Connected, 1));
        assert_eq!(derived_stage(c, &log, 0), Stage::Connected);
        // An ask without a prior give is not reciprocity.
        log.push(interaction(c, InteractionKind::AskedHelp, 2));
        assert_eq!(derived_stage(c, &log, 0), Stage::Connected);
        log.push(interaction(c, InteractionKind::SharedPost, 3));
        assert_eq!(derived_stage(c, &log, 0), Stage::Engaged);
        log.push(interaction(c, InteractionKind::AskedIntro, 4));
        assert_eq!(derived_stage(c, &log, 0), Stage::Reciprocating);
        assert_eq!(derived_stage(c, &log, 1), Stage::Collaborating);
        let other = Uuid::new_v4();
        assert_eq!(derived_stage(other, &log, 1), Stage::Met);
        assert_eq!(
            derived_stage(
                other,
                &[interaction(other, InteractionKind::MetInPerson, 1)],
                0
            ),
            Stage::Met
        );
    }

    #[test]
    fn test_ask_warnings() {
        let mut c = contact(Sector::Media, Scope::City);
        let log = vec![interaction(c.id, InteractionKind::SharedPost, 5)];
        let at = |d| DateTime::UNIX_EPOCH + Duration::days(d);
        assert_eq!(
            ask_warnings(&c, &log, at(4)),
            [WarningCode::GiveFirst, WarningCode::ValuesUnknown]
        );
        assert_eq!(ask_warnings(&c, &log, at(5)), [WarningCode::ValuesUnknown]);
        c.values = ValuesAlignment::Aligned;
        assert_eq!(ask_warnings(&c, &log, at(6)), []);
    }
}
