//! The coach dashboard of one cohort, computed from set-based reads (the number of SQL
//! statements does not grow with the number of members), summarizing again only the members
//! whose data or clock-driven figures changed, and shared between requests until something
//! could have changed.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
};

use chrono::{DateTime, Utc};
use herlead_core::{
    UserId,
    cohort::{
        Aggregates, Cohort, MemberSummary, SharingLevel, aggregate, at_risk_order, is_stalled,
        summarize_with,
    },
    network::{Sector, Stage},
};
use herlead_store::{CohortMember, Store, StoreError};

/// One member's row.
#[derive(Debug, Clone)]
pub struct MemberRow {
    /// Her membership (account, sharing level, join date).
    pub member: CohortMember,
    /// Progress, score, activity, stall flag, top recommendation.
    pub summary: MemberSummary,
    /// Contact names, sectors and stages — only when she shares them.
    pub shared_contacts: Option<Vec<SharedContact>>,
}

/// A contact as a coach may see it: name, sector, stage. Nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedContact {
    /// Name.
    pub name: String,
    /// Sector.
    pub sector: Option<Sector>,
    /// Stage.
    pub stage: Stage,
}

/// The whole dashboard.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// Members, most at risk first.
    pub rows: Vec<MemberRow>,
    /// Cohort-wide figures.
    pub aggregates: Aggregates,
}

/// Loads and computes the dashboard at `now`, from scratch.
pub async fn load(
    store: &Store,
    cohort: &Cohort,
    now: DateTime<Utc>,
) -> Result<Dashboard, StoreError> {
    compute(store, cohort, now, &mut MemberCache::default()).await
}

/// What the dashboard keeps of one member between computations: her summary and what the
/// aggregates and a coach may see of her contacts, valid while her revision is unchanged
/// and the clock has not reached `stable_until`.
#[derive(Debug, Clone)]
struct MemberEntry {
    revision: i64,
    computed_at: DateTime<Utc>,
    stable_until: Option<DateTime<Utc>>,
    summary: MemberSummary,
    /// Her latest recorded activity, before her join date is taken into account.
    activity: Option<DateTime<Utc>>,
    sectors: Vec<Sector>,
    /// Read only for members who share them.
    contacts: Option<Vec<SharedContact>>,
}

/// Members' summaries kept between computations of one cohort's dashboard.
#[derive(Debug, Default)]
pub struct MemberCache {
    members: HashMap<UserId, MemberEntry>,
}

impl MemberCache {
    /// Members whose summaries are kept.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether no summary is kept.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Drops one member's summary, as a write of hers would (used by the benchmark).
    pub fn forget(&mut self, user: UserId) {
        self.members.remove(&user);
    }

    /// The members whose summaries are kept.
    pub fn members(&self) -> impl Iterator<Item = UserId> + '_ {
        self.members.keys().copied()
    }
}

/// Computes the dashboard at `now`, summarizing again only the members whose data changed
/// (their revision moved) or whose summary the clock may have changed
/// ([`summary_stable_until`]) since `cache` was filled. Statements: one for the member list,
/// plus one per table for all the members to summarize together (none when nobody changed).
pub async fn compute(
    store: &Store,
    cohort: &Cohort,
    now: DateTime<Utc>,
    cache: &mut MemberCache,
) -> Result<Dashboard, StoreError> {
    let members = store.cohort_members(cohort.id).await?;
    let stale: Vec<UserId> = members
        .iter()
        .filter(|m| {
            cache.members.get(&m.user.id).is_none_or(|e| {
                let lacks_contacts =
                    m.sharing == SharingLevel::ProgressAndContacts && e.contacts.is_none();
                // Valid from when it was computed (the clock never runs back in production;
                // a caller asking for an earlier instant gets a fresh summary) until the
                // first instant the clock could change it.
                e.revision != m.revision
                    || lacks_contacts
                    || now < e.computed_at
                    || e.stable_until.is_some_and(|t| t <= now)
            })
        })
        .map(|m| m.user.id)
        .collect();
    if !stale.is_empty() {
        // Contacts are read only for members who share them; an entry kept without them is
        // stale once she starts sharing.
        let with_contacts: HashSet<UserId> = members
            .iter()
            .filter(|m| m.sharing == SharingLevel::ProgressAndContacts)
            .map(|m| m.user.id)
            .collect();
        let mut digests = store.member_digests(&stale, &with_contacts, now).await?;
        let records = store.records_for(&stale).await?;
        let activity = store.last_activity_for(&stale).await?;
        let stale: HashSet<UserId> = stale.into_iter().collect();
        for member in members.iter().filter(|m| stale.contains(&m.user.id)) {
            let id = member.user.id;
            let digest = digests.remove(&id).unwrap_or_default();
            let activity = activity.get(&id).copied();
            let summary = summarize_with(
                id,
                &digest.data.inputs(),
                &digest.focus,
                records.get(&id).map_or(&[][..], Vec::as_slice),
                activity.map_or(member.joined_at, |a| a.max(member.joined_at)),
                cohort.stall_days.get(),
                now,
            );
            cache.members.insert(
                id,
                MemberEntry {
                    revision: member.revision,
                    computed_at: now,
                    stable_until: digest.stable_until,
                    summary,
                    activity,
                    sectors: digest.sectors,
                    contacts: digest.contacts.map(|list| {
                        list.into_iter()
                            .map(|(name, sector, stage)| SharedContact {
                                name,
                                sector,
                                stage,
                            })
                            .collect()
                    }),
                },
            );
        }
    }
    let current: HashSet<UserId> = members.iter().map(|m| m.user.id).collect();
    cache.members.retain(|id, _| current.contains(id));
    let mut rows: Vec<(MemberRow, &[Sector])> = members
        .into_iter()
        .filter_map(|member| {
            let entry = cache.members.get(&member.user.id)?;
            let mut summary = entry.summary.clone();
            // Stalled moves with the clock and the cohort's threshold: decided now.
            summary.last_activity = entry
                .activity
                .map_or(member.joined_at, |a| a.max(member.joined_at));
            summary.stalled = is_stalled(summary.last_activity, cohort.stall_days.get(), now);
            let shared_contacts = (member.sharing == SharingLevel::ProgressAndContacts)
                .then(|| entry.contacts.clone().unwrap_or_default());
            Some((
                MemberRow {
                    member,
                    summary,
                    shared_contacts,
                },
                entry.sectors.as_slice(),
            ))
        })
        .collect();
    rows.sort_by(|a, b| at_risk_order(&a.0.summary, &b.0.summary));
    let summaries: Vec<MemberSummary> = rows.iter().map(|(r, _)| r.summary.clone()).collect();
    let shared: Vec<(SharingLevel, &[Sector])> =
        rows.iter().map(|(r, s)| (r.member.sharing, *s)).collect();
    let sectors = herlead_core::cohort::countable_sectors(&shared);
    let aggregates = aggregate(&summaries, &sectors);
    Ok(Dashboard {
        rows: rows.into_iter().map(|(r, _)| r).collect(),
        aggregates,
    })
}

/// How long a computed dashboard answers for time alone: who is stalled, recency-based scores
/// and recommendations move with the clock, so a dashboard nobody's writes changed is
/// recomputed after this long.
pub const FRESH_FOR: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// Cohorts whose dashboards are kept; the least recently read goes first.
pub const CACHED_COHORTS: usize = 64;

/// Computed dashboards, shared by the requests of one process.
///
/// A dashboard is reused while [`Store::cohort_fingerprint`] (one statement) is unchanged and
/// it is younger than [`FRESH_FOR`]. The fingerprint lives in the database, so a write made
/// through another replica invalidates this one's copy too. Concurrent requests for the same
/// dashboard wait for one computation instead of running one each (and holding all members'
/// data in memory once per request).
#[derive(Debug, Default)]
pub struct Dashboards {
    entries: std::sync::Mutex<HashMap<uuid::Uuid, Entry>>,
    reads: std::sync::atomic::AtomicU64,
}

#[derive(Debug)]
struct Entry {
    fingerprint: herlead_store::CohortFingerprint,
    computed_at: DateTime<Utc>,
    cell: Arc<tokio::sync::OnceCell<Arc<Dashboard>>>,
    last_read: u64,
    /// Kept across fingerprints: only members who changed are summarized again.
    members: Arc<tokio::sync::Mutex<MemberCache>>,
}

impl Dashboards {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The dashboard of `cohort` as of at most [`FRESH_FOR`] ago and as of every write so far.
    pub async fn get(
        &self,
        store: &Store,
        cohort: &Cohort,
        now: DateTime<Utc>,
    ) -> Result<Arc<Dashboard>, StoreError> {
        let Some(fingerprint) = store.cohort_fingerprint(cohort.id).await? else {
            return load(store, cohort, now).await.map(Arc::new);
        };
        let read = self
            .reads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (cell, members) = {
            let mut entries = self
                .entries
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let reusable = entries
                .get(&cohort.id)
                .is_some_and(|e| e.fingerprint == fingerprint && now - e.computed_at < FRESH_FOR);
            if !reusable {
                if entries.len() >= CACHED_COHORTS && !entries.contains_key(&cohort.id) {
                    let oldest = entries
                        .iter()
                        .min_by_key(|(_, e)| e.last_read)
                        .map(|(id, _)| *id);
                    if let Some(id) = oldest {
                        entries.remove(&id);
                    }
                }
                let members = entries
                    .get(&cohort.id)
                    .map(|e| e.members.clone())
                    .unwrap_or_default();
                entries.insert(
                    cohort.id,
                    Entry {
                        fingerprint,
                        computed_at: now,
                        cell: Arc::default(),
                        last_read: read,
                        members,
                    },
                );
            }
            let entry = entries.get_mut(&cohort.id).expect("inserted above");
            entry.last_read = read;
            (entry.cell.clone(), entry.members.clone())
        };
        cell.get_or_try_init(|| async {
            let mut members = members.lock().await;
            compute(store, cohort, now, &mut members)
                .await
                .map(Arc::new)
        })
        .await
        .cloned()
    }
}
