//! The calls beyond the member journey, each through the SDK against the real server on
//! SQLite and PostgreSQL: the coach's workflow, her network kept up to date, her account.

use std::sync::Arc;

use herlead_sdk::*;
use herlead_store::testing;

use super::{Server, client, spawn};

const PASSWORD: &str = "correct horse battery";

/// A signed-in client for a new account.
async fn account(server: &Server, email: &str, name: &str) -> Arc<HerLeadClient> {
    let sdk = client(server, None);
    sdk.register(email.into(), PASSWORD.into(), name.into())
        .await
        .unwrap_or_else(|e| panic!("register {email}: {e}"));
    sdk
}

/// A signed-in coach: registered as a member, then made a coach the way an operator does.
async fn coach(server: &Server, email: &str, name: &str) -> Arc<HerLeadClient> {
    let sdk = account(server, email, name).await;
    herlead_server::admin::set_coach(&server.db.store, email, true)
        .await
        .unwrap_or_else(|e| panic!("make {email} a coach: {e:#}"));
    sdk
}

fn contact(name: &str, sector: Sector) -> ContactInput {
    ContactInput {
        name: name.into(),
        sector,
        scope: Scope::City,
        industry: None,
        in_her_industry: false,
        on_meet_list: false,
        competitor: false,
        values: None,
        tags: vec![],
        links: vec![],
        stage: None,
        cadence_days: None,
        emails: vec![],
        company: None,
        job_title: None,
        connected_on: None,
    }
}

#[tokio::test]
async fn test_a_coach_runs_a_cohort_through_the_sdk() {
    for db in testing::all().await {
        let label = format!("{:?}", db.backend());
        let server = spawn(db, 900).await;
        let lead = coach(&server, "lead@example.org", "Lead Coach").await;
        let member = account(&server, "mia@example.org", "Mia").await;

        // A member cannot run a cohort.
        let err = member
            .create_cohort(CohortInput {
                name: "Mine".into(),
                description: None,
                starts_on: None,
                ends_on: None,
                stall_days: 14,
            })
            .await
            .expect_err("not a coach");
        assert!(
            matches!(err, HerLeadError::Forbidden { .. }),
            "{label}: {err:?}"
        );

        // A day that is not YYYY-MM-DD is refused on its field, and nothing is created.
        let mut input = CohortInput {
            name: "Spring leaders".into(),
            description: Some("Twelve weeks, four steps".into()),
            starts_on: Some("01/03/2027".into()),
            ends_on: Some("2027-05-31".into()),
            stall_days: 10,
        };
        let err = lead
            .create_cohort(input.clone())
            .await
            .expect_err("bad day");
        assert!(
            matches!(&err, HerLeadError::Validation { field, .. } if field == "startsOn"),
            "{label}: {err:?}"
        );
        assert!(lead.coached_cohorts().await.expect("cohorts").is_empty());
        input.starts_on = Some("2027-03-01".into());
        let cohort = lead.create_cohort(input).await.expect("cohort");
        assert_eq!(cohort.stall_days, 10);
        assert_eq!(
            (cohort.coaches.len(), cohort.coaches[0].owner),
            (1, true),
            "{label}"
        );
        assert_eq!(
            lead.coached_cohorts().await.expect("cohorts"),
            std::slice::from_ref(&cohort)
        );
        assert_eq!(
            lead.cohort(cohort.id.clone()).await.expect("cohort"),
            cohort
        );

        // Changing and emptying fields, and refusing a patch that does both to one field.
        let patch = CohortPatch {
            name: Some("Spring leaders 2027".into()),
            clear: vec![CohortField::Description],
            ..CohortPatch::default()
        };
        let changed = lead
            .update_cohort(cohort.id.clone(), patch)
            .await
            .expect("update");
        assert_eq!(changed.name, "Spring leaders 2027");
        assert_eq!(changed.description, None);
        assert_eq!(changed.starts_on.as_deref(), Some("2027-03-01"));
        let both = CohortPatch {
            ends_on: Some("2027-06-30".into()),
            clear: vec![CohortField::EndsOn],
            ..CohortPatch::default()
        };
        let err = lead
            .update_cohort(cohort.id.clone(), both)
            .await
            .expect_err("set and cleared");
        assert!(
            matches!(&err, HerLeadError::Validation { field, .. } if field == "endsOn"),
            "{err:?}"
        );

        // A new invite code; the old one stops working.
        let rotated = lead
            .rotate_invite_code(cohort.id.clone(), 7)
            .await
            .expect("rotate");
        assert_ne!(rotated.invite_code, cohort.invite_code);
        assert!(
            rotated.invite_expires_at < cohort.invite_expires_at,
            "7 days, not 14"
        );
        member
            .join_cohort(
                cohort.invite_code.clone(),
                SharingLevel::ProgressAndContacts,
            )
            .await
            .expect_err("the old code");
        member
            .join_cohort(
                rotated.invite_code.clone(),
                SharingLevel::ProgressAndContacts,
            )
            .await
            .expect("join");
        member
            .add_contact(contact("Nora", Sector::Media))
            .await
            .expect("contact");

        // A co-coach sees the cohort too.
        let second = coach(&server, "second@example.org", "Second Coach").await;
        let with_two = lead
            .add_co_coach(cohort.id.clone(), "second@example.org".into())
            .await
            .expect("co-coach");
        assert_eq!(with_two.coaches.len(), 2);
        assert_eq!(
            second.coached_cohorts().await.expect("hers")[0].id,
            cohort.id,
            "{label}"
        );

        // The dashboard: her shared contacts, the figures, any order.
        let board = second
            .cohort_dashboard(cohort.id.clone(), 50, None, Some(MemberSort::Name))
            .await
            .expect("dashboard");
        assert_eq!(board.members.len(), 1);
        let mia = &board.members[0];
        assert_eq!(mia.display_name, "Mia");
        let shared = mia.contacts.as_deref().expect("she shares contacts");
        assert_eq!(
            (shared[0].name.as_str(), shared[0].sector),
            ("Nora", Some(Sector::Media))
        );
        assert_eq!(board.aggregates.members, 1);
        assert_eq!(
            board
                .aggregates
                .per_step
                .iter()
                .map(|s| s.members)
                .sum::<i32>(),
            1
        );

        // A cohort task: the member sees it, does it, and the coach sees it done.
        let task = lead
            .add_cohort_task(
                cohort.id.clone(),
                CohortTaskInput {
                    title: "Introduce two members to each other".into(),
                    step: PlaybookStep::BringTogether,
                    guidance: None,
                    due_on: Some("2027-04-15".into()),
                },
            )
            .await
            .expect("task");
        let mine = member.my_cohort_tasks().await.expect("my tasks");
        assert_eq!(mine.len(), 1);
        assert_eq!(
            (mine[0].task.id.as_str(), mine[0].status),
            (task.id.as_str(), TaskStatus::NotStarted)
        );
        let done = member
            .set_cohort_task_status(task.id.clone(), TaskStatus::Done)
            .await
            .expect("done");
        assert!(done.completed_at.is_some());
        let seen = lead.cohort(cohort.id.clone()).await.expect("cohort");
        assert_eq!(
            (seen.tasks[0].done, seen.tasks[0].counted),
            (1, 1),
            "{label}"
        );

        // Nobody has been quiet for ten days: a nudge to the stalled goes to nobody.
        let sent = lead
            .nudge_stalled_members(cohort.id.clone(), "How is it going?".into(), None)
            .await
            .expect("nudge");
        assert!(sent.is_empty(), "{label}: {sent:?}");
        assert!(member.my_nudges(false).await.expect("nudges").is_empty());

        // Removing her: the coaches stop seeing her, she stops seeing the cohort.
        lead.remove_member(cohort.id.clone(), mia.id.clone())
            .await
            .expect("remove");
        let board = lead
            .cohort_dashboard(cohort.id.clone(), 50, None, None)
            .await
            .expect("dashboard");
        assert!(board.members.is_empty());
        assert!(member.my_cohorts().await.expect("hers").is_empty());
        let err = member
            .cohort(cohort.id.clone())
            .await
            .expect_err("not her cohort");
        assert!(
            matches!(
                err,
                HerLeadError::Forbidden { .. } | HerLeadError::NotFound { .. }
            ),
            "{label}: {err:?}"
        );
        server.handle.stop(true).await;
    }
}

#[tokio::test]
async fn test_her_network_is_kept_up_to_date_through_the_sdk() {
    for db in testing::all().await {
        let label = format!("{:?}", db.backend());
        let server = spawn(db, 900).await;
        let sdk = account(&server, "ana@example.org", "Ana").await;
        let other = account(&server, "eve@example.org", "Eve").await;

        let mut grace = contact("Grace Hopper", Sector::Academia);
        grace.company = Some("Navy".into());
        grace.connected_on = Some("2024-05-01".into());
        let grace = sdk.add_contact(grace).await.expect("contact");
        assert_eq!(grace.connected_on.as_deref(), Some("2024-05-01"));
        let mut bad = contact("Bad day", Sector::Media);
        bad.connected_on = Some("yesterday".into());
        let err = sdk.add_contact(bad).await.expect_err("bad day");
        assert!(
            matches!(&err, HerLeadError::Validation { field, .. } if field == "connectedOn"),
            "{err:?}"
        );
        sdk.add_contact(contact("Margaret Hamilton", Sector::Private))
            .await
            .expect("contact");
        assert_eq!(sdk.contact(grace.id.clone()).await.expect("one"), grace);
        let err = other.contact(grace.id.clone()).await.expect_err("not hers");
        assert!(
            matches!(err, HerLeadError::NotFound { .. }),
            "{label}: {err:?}"
        );

        // Filters and search.
        let found = sdk
            .contacts(
                Some(ContactFilter {
                    search: Some("hopp".into()),
                    ..ContactFilter::default()
                }),
                None,
                None,
            )
            .await
            .expect("search");
        assert_eq!(
            (found.total_count, found.contacts[0].id.as_str()),
            (1, grace.id.as_str())
        );
        let business = sdk
            .contacts(
                Some(ContactFilter {
                    sector: Some(Sector::Private),
                    ..ContactFilter::default()
                }),
                Some(5),
                None,
            )
            .await
            .expect("filter");
        assert_eq!(business.contacts[0].name, "Margaret Hamilton", "{label}");
        assert_eq!(
            sdk.contacts(None, None, None)
                .await
                .expect("all")
                .total_count,
            2
        );

        // A patch sets and empties; one that both sets and empties a field changes nothing.
        let patch = ContactPatch {
            name: Some("Grace Brewster Hopper".into()),
            on_meet_list: Some(true),
            stage: Some(Stage::Met),
            clear: vec![ContactField::Company],
            ..ContactPatch::default()
        };
        let changed = sdk
            .update_contact(grace.id.clone(), patch)
            .await
            .expect("update");
        assert_eq!(changed.name, "Grace Brewster Hopper");
        assert_eq!(changed.company, None);
        assert_eq!(
            (changed.stage, changed.stage_override),
            (Stage::Met, Some(Stage::Met))
        );
        let err = sdk
            .update_contact(
                grace.id.clone(),
                ContactPatch {
                    company: Some("Yale".into()),
                    clear: vec![ContactField::Company],
                    ..ContactPatch::default()
                },
            )
            .await
            .expect_err("both");
        assert!(
            matches!(&err, HerLeadError::Validation { field, .. } if field == "company"),
            "{err:?}"
        );
        let back = sdk
            .update_contact(
                grace.id.clone(),
                ContactPatch {
                    clear: vec![ContactField::Stage],
                    ..ContactPatch::default()
                },
            )
            .await
            .expect("back to the rules' stage");
        assert_eq!(back.stage_override, None);
        let err = other
            .update_contact(grace.id.clone(), ContactPatch::default())
            .await
            .expect_err("not hers");
        assert!(
            matches!(err, HerLeadError::NotFound { .. }),
            "{label}: {err:?}"
        );

        // Interactions, profiles, communities, meetings: changed and deleted.
        let give = sdk
            .log_interaction(grace.id.clone(), InteractionKind::SharedPost, None, None)
            .await
            .expect("give");
        sdk.delete_interaction(give.interaction.id.clone())
            .await
            .expect("delete interaction");
        assert!(sdk.interactions(None).await.expect("none").is_empty());
        let profile = sdk
            .add_profile(ProfileInput {
                platform: Platform::Linkedin,
                handle: "ana".into(),
                url: "https://linkedin.com/in/ana".into(),
                display_name: None,
                tagline: Some("Builder".into()),
                picture_url: None,
                website_link: None,
            })
            .await
            .expect("profile");
        let profile = sdk
            .update_profile(
                profile.id.clone(),
                ProfilePatch {
                    display_name: Some("Ana R.".into()),
                    clear: vec![ProfileField::Tagline],
                    ..ProfilePatch::default()
                },
            )
            .await
            .expect("update profile");
        assert_eq!(
            (profile.display_name.as_deref(), profile.tagline.as_deref()),
            (Some("Ana R."), None)
        );
        sdk.delete_profile(profile.id.clone())
            .await
            .expect("delete profile");
        assert!(sdk.presence().await.expect("presence").profiles.is_empty());
        let community = sdk
            .add_community(
                "Women in Tech".into(),
                CommunityKind::Online,
                CommunityRole::Member,
                Some("https://wit.example.org".into()),
            )
            .await
            .expect("community");
        let community = sdk
            .update_community(
                community.id.clone(),
                CommunityPatch {
                    role: Some(CommunityRole::Organizer),
                    clear_link: true,
                    ..CommunityPatch::default()
                },
            )
            .await
            .expect("update community");
        assert_eq!(
            (community.role, community.link.as_deref()),
            (CommunityRole::Organizer, None)
        );
        let meeting = sdk
            .log_meeting(
                community.id.clone(),
                std::time::SystemTime::now() - std::time::Duration::from_secs(60),
                true,
                vec![grace.id.clone()],
            )
            .await
            .expect("meeting");
        sdk.delete_meeting(meeting.id.clone())
            .await
            .expect("delete meeting");
        assert!(sdk.communities().await.expect("one")[0].meetings.is_empty());
        let err = other
            .delete_community(community.id.clone())
            .await
            .expect_err("not hers");
        assert!(
            matches!(err, HerLeadError::NotFound { .. }),
            "{label}: {err:?}"
        );
        sdk.delete_community(community.id.clone())
            .await
            .expect("delete community");
        assert!(sdk.communities().await.expect("none").is_empty());

        // The channels, public, all or one audience's.
        let all = sdk.channels(None).await.expect("channels");
        let women = client(&server, None)
            .channels(Some(Audience::Women))
            .await
            .expect("signed out too");
        assert!(!women.is_empty() && women.len() < all.len(), "{label}");
        assert!(women.iter().all(|c| c.audience == Audience::Women));
        server.handle.stop(true).await;
    }
}

#[tokio::test]
async fn test_her_account_through_the_sdk() {
    for db in testing::all().await {
        let label = format!("{:?}", db.backend());
        let server = spawn(db, 900).await;
        let sdk = account(&server, "ines@example.org", "Ines").await;

        let renamed = sdk
            .update_display_name("Inés García".into())
            .await
            .expect("rename");
        assert_eq!(renamed.display_name, "Inés García");

        // Her history records what she changed, newest first.
        sdk.set_task_status("bring.top5_city".into(), TaskStatus::Skipped, None)
            .await
            .expect("status");
        let history = sdk.progress_history(None, None).await.expect("history");
        let latest = history.events.first().expect("an event");
        assert_eq!(
            (latest.task_key.as_str(), latest.to, latest.source),
            ("bring.top5_city", TaskStatus::Skipped, ChangeSource::Member),
            "{label}"
        );

        // Her calendar feed: a full address, a new one on rotation, none when off.
        assert_eq!(sdk.calendar_feed().await.expect("off"), None);
        let address = sdk.enable_calendar_feed().await.expect("on");
        assert!(address.starts_with(&server.address), "{address}");
        let http = reqwest::Client::new();
        let status = |url: String| {
            let http = http.clone();
            async move { http.get(url).send().await.expect("feed").status().as_u16() }
        };
        assert_eq!(status(address.clone()).await, 200, "{label}");
        let rotated = sdk.rotate_calendar_feed().await.expect("rotate");
        assert_ne!(rotated, address);
        assert_eq!(status(address).await, 404, "{label}");
        assert!(sdk.calendar_feed().await.expect("on").is_some());
        sdk.disable_calendar_feed().await.expect("off");
        assert_eq!(status(rotated).await, 404, "{label}");

        // A new password: the wrong current one is refused; the right one works, and her
        // other sign-in ends.
        let elsewhere = client(&server, None);
        elsewhere
            .login("ines@example.org".into(), PASSWORD.into())
            .await
            .expect("second sign-in");
        sdk.change_password("not it".into(), "a new long passphrase".into())
            .await
            .expect_err("wrong current password");
        sdk.change_password(PASSWORD.into(), "a new long passphrase".into())
            .await
            .expect("change");
        assert!(sdk.me().await.is_ok(), "this sign-in stays");
        client(&server, None)
            .login("ines@example.org".into(), PASSWORD.into())
            .await
            .expect_err("the old password");

        // Signing out everywhere forgets the tokens here.
        sdk.sign_out_everywhere().await.expect("everywhere");
        assert!(!sdk.is_signed_in());
        assert_eq!(sdk.restore_session().await.expect("restore"), None);

        // Deleting her account needs her password, then nothing of her is left.
        sdk.login("ines@example.org".into(), "a new long passphrase".into())
            .await
            .expect("sign in again");
        sdk.delete_account("not it".into())
            .await
            .expect_err("wrong password");
        assert!(sdk.me().await.is_ok(), "nothing deleted");
        sdk.delete_account("a new long passphrase".into())
            .await
            .expect("delete");
        assert!(!sdk.is_signed_in());
        let err = client(&server, None)
            .login("ines@example.org".into(), "a new long passphrase".into())
            .await
            .expect_err("gone");
        assert!(
            matches!(err, HerLeadError::Unauthenticated { .. }),
            "{err:?}"
        );
        server.handle.stop(true).await;
    }
}
