//! One table per playbook step: for each recommendation code, when it appears, with which task
//! and entity, and when it goes away.

use chrono::Duration;

use super::*;
use crate::{
    channels::Audience,
    community::{Community, CommunityRole, Meeting},
    input::{Handle, HttpUrl},
    network::{
        Contact, InteractionKind,
        tests::{contact, interaction},
    },
    presence::{Platform, Presence, Profile},
};
use crate::{
    community::CommunityKind,
    network::{Scope, Sector, Stage, ValuesAlignment},
};

type Entity = Option<(EntityKind, Uuid)>;

/// One table row: a snapshot, the recommendations it must yield and the (code, task)
/// pairs it must not.
struct Case {
    name: &'static str,
    snapshot: Snapshot,
    skipped: &'static [&'static str],
    present: Vec<(RecommendationCode, &'static str, Entity)>,
    absent: Vec<(RecommendationCode, &'static str)>,
}

impl Case {
    fn new(name: &'static str, snapshot: Snapshot) -> Self {
        Self {
            name,
            snapshot,
            skipped: &[],
            present: vec![],
            absent: vec![],
        }
    }

    fn has(mut self, code: RecommendationCode, task: &'static str, entity: Entity) -> Self {
        self.present.push((code, task, entity));
        self
    }

    fn lacks(mut self, code: RecommendationCode, task: &'static str) -> Self {
        self.absent.push((code, task));
        self
    }

    fn skipping(mut self, skipped: &'static [&'static str]) -> Self {
        self.skipped = skipped;
        self
    }
}

fn day(d: i64) -> DateTime<Utc> {
    DateTime::UNIX_EPOCH + Duration::days(d)
}

/// The instant every table is evaluated at.
fn now() -> DateTime<Utc> {
    day(1000)
}

fn check(cases: Vec<Case>) {
    for case in cases {
        let skipped: HashSet<String> = case.skipped.iter().map(|s| (*s).to_owned()).collect();
        let recs = recommend(&case.snapshot, now(), &skipped);
        let got: Vec<(RecommendationCode, &str, Entity)> = recs
            .iter()
            .map(|r| (r.code, r.task_key, r.entity))
            .collect();
        for want in &case.present {
            assert!(
                got.contains(want),
                "{}: expected {want:?} in {got:?}",
                case.name
            );
        }
        for (code, task) in &case.absent {
            assert!(
                !got.iter().any(|(c, t, _)| c == code && t == task),
                "{}: expected no {code:?} for {task} in {got:?}",
                case.name
            );
        }
    }
}

fn url(raw: &str) -> HttpUrl {
    HttpUrl::parse("url", raw).expect("a valid test URL")
}

const WEBSITE: &str = "https://ada.example.org";

/// A profile consistent with every other one this helper makes.
fn profile(platform: Platform) -> Profile {
    let handle = "ada";
    Profile {
        id: Uuid::new_v4(),
        platform,
        handle: Handle::parse("handle", handle).expect("a valid test handle"),
        url: url(&format!(
            "https://{}.example.net/{handle}",
            platform.as_str().to_lowercase().replace('_', "-")
        )),
        display_name: Some("Ada Lovelace".into()),
        tagline: Some("Engineer. I build tools for women leaders.".into()),
        picture_url: Some(url("https://cdn.example.org/ada.jpg")),
        website_link: Some(url(WEBSITE)),
    }
}

/// A signature that links every profile given.
fn signature(profiles: &[&Profile]) -> String {
    let links: Vec<&str> = profiles.iter().map(|p| p.url.as_str()).collect();
    format!("Ada Lovelace · {WEBSITE} · {}", links.join(" · "))
}

fn meet(name: &str) -> Contact {
    let mut c = contact(Sector::Private, Scope::City);
    c.name = name.into();
    c.on_meet_list = true;
    c
}

fn with_contacts(contacts: Vec<Contact>) -> Snapshot {
    Snapshot {
        contacts,
        ..Snapshot::default()
    }
}

fn community(name: &str, kind: CommunityKind) -> Community {
    Community {
        id: Uuid::new_v4(),
        name: name.into(),
        kind,
        role: CommunityRole::Member,
        link: None,
        created_at: day(0),
    }
}

fn in_person_meeting(community: &Community, days_ago: i64) -> Meeting {
    Meeting {
        id: Uuid::new_v4(),
        community_id: community.id,
        occurred_at: now() - Duration::days(days_ago),
        in_person: true,
        attendees: vec![],
        notes: None,
    }
}

#[test]
fn test_position_recommendations() {
    use RecommendationCode::*;
    let linkedin = profile(Platform::Linkedin);
    let x = profile(Platform::X);
    let mut renamed = profile(Platform::Instagram);
    renamed.display_name = Some("A. L.".into());
    let lean_in = profile(Platform::LeanIn);
    let presence = |signature: Option<String>, audiences: Vec<Audience>| Presence {
        website: Some(url(WEBSITE)),
        email_signature: signature.map(|s| s.as_str().into()),
        audiences,
    };
    let women = || vec![Audience::Women];

    check(vec![
        Case::new("nothing recorded", Snapshot::default())
            .has(AddWebsite, "position.website", None)
            .has(WriteSignature, "position.email_signature", None)
            .has(AddProfile, "position.consistent_profiles", None)
            .has(ChooseAudiences, "position.audience_channels", None)
            .lacks(LinkProfileInSignature, "position.email_signature")
            .lacks(FixProfile, "position.consistent_profiles")
            .lacks(JoinChannel, "position.audience_channels"),
        Case::new("skipping the website task", Snapshot::default())
            .skipping(&["position.website"])
            .lacks(AddWebsite, "position.website")
            .has(WriteSignature, "position.email_signature", None),
        Case::new(
            "website set",
            Snapshot {
                presence: presence(None, vec![]),
                ..Snapshot::default()
            },
        )
        .lacks(AddWebsite, "position.website")
        .has(WriteSignature, "position.email_signature", None),
        Case::new(
            "signature misses the X profile",
            Snapshot {
                presence: presence(Some(signature(&[&linkedin])), women()),
                profiles: vec![linkedin.clone(), x.clone()],
                ..Snapshot::default()
            },
        )
        .has(
            LinkProfileInSignature,
            "position.email_signature",
            Some((EntityKind::Profile, x.id)),
        )
        .lacks(WriteSignature, "position.email_signature")
        .lacks(AddProfile, "position.consistent_profiles")
        .lacks(FixProfile, "position.consistent_profiles")
        .has(JoinChannel, "position.audience_channels", None),
        Case::new(
            "signature links every profile, one on an audience channel",
            Snapshot {
                presence: presence(Some(signature(&[&linkedin, &lean_in])), women()),
                profiles: vec![linkedin.clone(), lean_in.clone()],
                ..Snapshot::default()
            },
        )
        .lacks(WriteSignature, "position.email_signature")
        .lacks(LinkProfileInSignature, "position.email_signature")
        .lacks(AddProfile, "position.consistent_profiles")
        .lacks(FixProfile, "position.consistent_profiles")
        .lacks(ChooseAudiences, "position.audience_channels")
        .lacks(JoinChannel, "position.audience_channels"),
        Case::new(
            "a single profile",
            Snapshot {
                presence: presence(Some(signature(&[&linkedin])), women()),
                profiles: vec![linkedin.clone()],
                ..Snapshot::default()
            },
        )
        .has(AddProfile, "position.consistent_profiles", None)
        .lacks(FixProfile, "position.consistent_profiles"),
        Case::new(
            "a profile shows another name",
            Snapshot {
                presence: presence(Some(signature(&[&linkedin, &x, &renamed])), women()),
                profiles: vec![linkedin.clone(), x.clone(), renamed.clone()],
                ..Snapshot::default()
            },
        )
        .has(
            FixProfile,
            "position.consistent_profiles",
            Some((EntityKind::Profile, renamed.id)),
        )
        .lacks(AddProfile, "position.consistent_profiles")
        .lacks(LinkProfileInSignature, "position.email_signature"),
    ]);

    // The channel named is the first one of her audience she is not on yet.
    let recs = recommend(
        &Snapshot {
            presence: presence(None, women()),
            ..Snapshot::default()
        },
        now(),
        &HashSet::new(),
    );
    let join = recs
        .iter()
        .find(|r| r.code == JoinChannel)
        .expect("a channel to join");
    assert!(join.message.contains("Lean In"), "{}", join.message);
    // Only the profile still missing from the signature is concerned.
    let recs = recommend(
        &Snapshot {
            presence: presence(Some(signature(&[&linkedin])), women()),
            profiles: vec![linkedin.clone(), x.clone()],
            ..Snapshot::default()
        },
        now(),
        &HashSet::new(),
    );
    let links: Vec<_> = recs
        .iter()
        .filter(|r| r.code == LinkProfileInSignature)
        .collect();
    assert_eq!(links.len(), 1, "{links:?}");
    assert!(links[0].message.contains("your x profile"), "{links:?}");
}

#[test]
fn test_bring_together_recommendations() {
    use RecommendationCode::*;
    let top_city: Vec<Contact> = (0..5)
        .map(|_| contact(Sector::Public, Scope::City))
        .collect();
    let all_sectors: Vec<Contact> = [
        Sector::Public,
        Sector::Private,
        Sector::Academia,
        Sector::Nonprofit,
        Sector::Media,
    ]
    .into_iter()
    .map(|s| contact(s, Scope::Global))
    .collect();
    let meet_list = |n: usize| -> Vec<Contact> { (0..n).map(|_| meet("Ada")).collect() };
    let stranger = meet("Katherine Johnson");
    let mut connected = meet("Dorothy Vaughan");
    connected.stage_override = Some(Stage::Connected);
    let mut unclassified = meet("Mary Jackson");
    (unclassified.sector, unclassified.scope) = (None, None);

    check(vec![
        Case::new("nothing recorded", Snapshot::default())
            .has(FindTopCity, "bring.top5_city", None)
            .has(FindTopCountry, "bring.top5_country", None)
            .has(FindTopGlobal, "bring.top5_global", None)
            .has(AddSector, "bring.cross_sector", None)
            .has(GrowMeetList, "bring.meet_list", None)
            .lacks(TrimMeetList, "bring.meet_list")
            .lacks(Connect, "bring.connect"),
        Case::new(
            "five top people in her city",
            with_contacts(top_city.clone()),
        )
        .lacks(FindTopCity, "bring.top5_city")
        .has(FindTopCountry, "bring.top5_country", None)
        .has(FindTopGlobal, "bring.top5_global", None),
        Case::new("one influencer in every sector", with_contacts(all_sectors))
            .lacks(AddSector, "bring.cross_sector"),
        Case::new("14 on the meet list", with_contacts(meet_list(14)))
            .has(GrowMeetList, "bring.meet_list", None)
            .lacks(TrimMeetList, "bring.meet_list"),
        Case::new("15 on the meet list", with_contacts(meet_list(15)))
            .lacks(GrowMeetList, "bring.meet_list")
            .lacks(TrimMeetList, "bring.meet_list"),
        Case::new("20 on the meet list", with_contacts(meet_list(20)))
            .lacks(GrowMeetList, "bring.meet_list")
            .lacks(TrimMeetList, "bring.meet_list"),
        Case::new("21 on the meet list", with_contacts(meet_list(21)))
            .has(TrimMeetList, "bring.meet_list", None)
            .lacks(GrowMeetList, "bring.meet_list"),
        Case::new(
            "a meet-list contact not connected yet",
            with_contacts(vec![stranger.clone(), connected.clone()]),
        )
        .has(
            Connect,
            "bring.connect",
            Some((EntityKind::Contact, stranger.id)),
        ),
        Case::new(
            "every meet-list contact connected",
            with_contacts(vec![connected.clone()]),
        )
        .lacks(Connect, "bring.connect"),
        Case::new("every contact classified", with_contacts(top_city.clone()))
            .lacks(ClassifyContacts, "bring.cross_sector"),
        Case::new(
            "an imported contact on the meet list, not classified yet",
            with_contacts(vec![unclassified.clone()]),
        )
        .has(ClassifyContacts, "bring.cross_sector", None)
        // The rules ignore her until she has a sector and a scope.
        .has(GrowMeetList, "bring.meet_list", None)
        .lacks(Connect, "bring.connect"),
    ]);
    let recs = recommend(
        &with_contacts(vec![unclassified.clone(), unclassified]),
        now(),
        &HashSet::new(),
    );
    let classify: Vec<&str> = recs
        .iter()
        .filter(|r| r.code == ClassifyContacts)
        .map(|r| r.message.as_str())
        .collect();
    assert_eq!(
        classify,
        ["Give your 2 imported contacts a sector and a scope so they count toward your reach."]
    );

    // Sectors she lacks are listed media first, each once.
    let recs = recommend(
        &with_contacts(vec![contact(Sector::Public, Scope::City)]),
        now(),
        &HashSet::new(),
    );
    let sectors: Vec<&str> = recs
        .iter()
        .filter(|r| r.code == AddSector)
        .map(|r| r.message.as_str())
        .collect();
    assert_eq!(
        sectors,
        [
            "Add an influencer from the media.",
            "Add an influencer from the private sector.",
            "Add an influencer from academia.",
            "Add an influencer from the nonprofit sector.",
        ]
    );
    // An interaction of any kind connects her, without a stage set by hand.
    let s = Snapshot {
        interactions: vec![interaction(stranger.id, InteractionKind::Connected, 1)],
        ..with_contacts(vec![stranger.clone()])
    };
    let recs = recommend(&s, now(), &HashSet::new());
    assert!(
        !recs.iter().any(|r| r.code == Connect),
        "connected already: {recs:?}"
    );
}

#[test]
fn test_dialogue_recommendations() {
    use RecommendationCode::*;
    let unchecked = meet("Mary Jackson");
    let mut aligned = meet("Annie Easley");
    aligned.values = ValuesAlignment::Aligned;
    let asked = meet("Hedy Lamarr");
    let mut rival = contact(Sector::Private, Scope::Country);
    rival.name = "Radia Perlman".into();
    rival.competitor = true;

    check(vec![
        Case::new("nothing recorded", Snapshot::default())
            .has(Give, "dialogue.give_first", None)
            .has(EndorseCompetitor, "dialogue.endorse_competitor", None)
            .lacks(GiveBeforeAsking, "dialogue.give_first")
            .lacks(CheckValues, "dialogue.values_check")
            .lacks(Give, "dialogue.amplify"),
        Case::new(
            "a meet-list contact whose values are unknown",
            with_contacts(vec![unchecked.clone(), aligned.clone()]),
        )
        .has(
            CheckValues,
            "dialogue.values_check",
            Some((EntityKind::Contact, unchecked.id)),
        )
        .has(
            Give,
            "dialogue.amplify",
            Some((EntityKind::Contact, unchecked.id)),
        )
        .has(
            Give,
            "dialogue.amplify",
            Some((EntityKind::Contact, aligned.id)),
        ),
        Case::new(
            "every meet-list contact's values checked",
            with_contacts(vec![aligned.clone()]),
        )
        .lacks(CheckValues, "dialogue.values_check"),
        Case::new(
            "she asked before giving",
            Snapshot {
                interactions: vec![
                    interaction(asked.id, InteractionKind::AskedIntro, 5),
                    interaction(unchecked.id, InteractionKind::SharedPost, 6),
                ],
                ..with_contacts(vec![asked.clone(), unchecked.clone()])
            },
        )
        .has(
            GiveBeforeAsking,
            "dialogue.give_first",
            Some((EntityKind::Contact, asked.id)),
        )
        .lacks(Give, "dialogue.give_first")
        .has(
            Give,
            "dialogue.amplify",
            Some((EntityKind::Contact, asked.id)),
        ),
        Case::new(
            "she gave, then asked",
            Snapshot {
                interactions: vec![
                    interaction(asked.id, InteractionKind::SharedArticle, 4),
                    interaction(asked.id, InteractionKind::AskedIntro, 5),
                ],
                ..with_contacts(vec![asked.clone()])
            },
        )
        .lacks(GiveBeforeAsking, "dialogue.give_first")
        .lacks(Give, "dialogue.give_first")
        .lacks(Give, "dialogue.amplify"),
        Case::new("a competitor", with_contacts(vec![rival.clone()])).has(
            EndorseCompetitor,
            "dialogue.endorse_competitor",
            Some((EntityKind::Contact, rival.id)),
        ),
        Case::new(
            "a competitor she endorsed",
            Snapshot {
                interactions: vec![interaction(rival.id, InteractionKind::Endorsed, 3)],
                ..with_contacts(vec![rival.clone()])
            },
        )
        .lacks(EndorseCompetitor, "dialogue.endorse_competitor"),
    ]);
}

#[test]
fn test_act_collectively_recommendations() {
    use RecommendationCode::*;
    let online = community("Women in Rust", CommunityKind::Online);
    let hybrid = community("Ada's circle", CommunityKind::Hybrid);
    let local = community("Lisbon founders", CommunityKind::InPerson);
    let five_local: Vec<Community> = (0..5)
        .map(|_| community("Book club", CommunityKind::InPerson))
        .collect();
    let five_meetings: Vec<Meeting> = five_local
        .iter()
        .map(|c| in_person_meeting(c, 30))
        .collect();

    check(vec![
        Case::new("no communities", Snapshot::default())
            .has(JoinCommunity, "act.in_person", None)
            .has(JoinCommunity, "act.five_communities", None)
            .lacks(MeetInPerson, "act.in_person")
            .lacks(MeetInPerson, "act.five_communities"),
        Case::new(
            "an online community that never met",
            Snapshot {
                communities: vec![online.clone()],
                ..Snapshot::default()
            },
        )
        .has(
            MeetInPerson,
            "act.in_person",
            Some((EntityKind::Community, online.id)),
        )
        .lacks(JoinCommunity, "act.in_person")
        // Online-only communities are not asked to meet again.
        .lacks(MeetInPerson, "act.five_communities")
        .has(JoinCommunity, "act.five_communities", None),
        Case::new(
            "a dormant hybrid community",
            Snapshot {
                communities: vec![hybrid.clone()],
                // Met in person, but more than 12 months ago.
                meetings: vec![in_person_meeting(&hybrid, 400)],
                ..Snapshot::default()
            },
        )
        .has(
            MeetInPerson,
            "act.in_person",
            Some((EntityKind::Community, hybrid.id)),
        )
        .has(
            MeetInPerson,
            "act.five_communities",
            Some((EntityKind::Community, hybrid.id)),
        ),
        Case::new(
            "a dormant in-person community",
            Snapshot {
                communities: vec![local.clone()],
                ..Snapshot::default()
            },
        )
        .has(JoinCommunity, "act.in_person", None)
        .lacks(MeetInPerson, "act.in_person")
        .has(
            MeetInPerson,
            "act.five_communities",
            Some((EntityKind::Community, local.id)),
        ),
        Case::new(
            "an online community that met in person this year",
            Snapshot {
                communities: vec![online.clone()],
                meetings: vec![in_person_meeting(&online, 10)],
                ..Snapshot::default()
            },
        )
        .lacks(MeetInPerson, "act.in_person")
        .lacks(JoinCommunity, "act.in_person")
        .lacks(MeetInPerson, "act.five_communities")
        .has(JoinCommunity, "act.five_communities", None),
        Case::new(
            "five dormant in-person communities",
            Snapshot {
                communities: five_local.clone(),
                ..Snapshot::default()
            },
        )
        .has(
            MeetInPerson,
            "act.five_communities",
            Some((EntityKind::Community, five_local[4].id)),
        )
        // She has five already: reviving them is the advice, not joining more.
        .lacks(JoinCommunity, "act.five_communities"),
        Case::new(
            "five communities that met in person this year",
            Snapshot {
                communities: five_local.clone(),
                meetings: five_meetings,
                ..Snapshot::default()
            },
        )
        .lacks(MeetInPerson, "act.five_communities")
        .lacks(JoinCommunity, "act.five_communities"),
    ]);
}

#[test]
fn test_reconnect_recommendations() {
    use RecommendationCode::*;
    let at = |d: i64| now() - Duration::days(d);
    // On the meet list: a touch every 30 days, from when she added them.
    let mut listed = meet("Frances Allen");
    listed.created_at = at(31);
    let mut listed_recently = meet("Barbara Liskov");
    listed_recently.created_at = at(29);
    // Off the list and connected: every 60 days.
    let mut connected = contact(Sector::Academia, Scope::Global);
    connected.name = "Shafi Goldwasser".into();
    let mut identified = contact(Sector::Media, Scope::Global);
    identified.created_at = at(500);

    check(vec![
        Case::new(
            "overdue contacts",
            Snapshot {
                interactions: vec![
                    interaction(connected.id, InteractionKind::Connected, 0),
                    interaction(listed.id, InteractionKind::Connected, 0),
                ],
                ..with_contacts(vec![listed.clone(), connected.clone()])
            },
        )
        .has(
            Reconnect,
            "dialogue.amplify",
            Some((EntityKind::Contact, listed.id)),
        )
        .has(
            Reconnect,
            "bring.connect",
            Some((EntityKind::Contact, connected.id)),
        ),
        Case::new(
            "touched recently or never connected",
            Snapshot {
                interactions: vec![interaction(
                    connected.id,
                    InteractionKind::SharedPost,
                    1000 - 5,
                )],
                ..with_contacts(vec![listed_recently, connected, identified])
            },
        )
        .lacks(Reconnect, "dialogue.amplify")
        .lacks(Reconnect, "bring.connect"),
    ]);

    let recs = recommend(&with_contacts(vec![listed.clone()]), now(), &HashSet::new());
    let reconnect = recs
        .iter()
        .find(|r| r.code == Reconnect)
        .expect("the listed contact is due");
    assert_eq!(
        reconnect.message,
        "Reconnect with Frances Allen: 31 days since your last touch."
    );
    // Reconnect advice is last, after the playbook steps.
    assert_eq!(recs.last().map(|r| r.code), Some(Reconnect));
}
