//! The coach dashboard of one cohort, computed once per request from set-based reads: the
//! number of SQL statements does not grow with the number of members.

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Utc};
use herlead_core::{
    UserId,
    cohort::{Aggregates, Cohort, MemberSummary, aggregate, at_risk_order, summarize},
    network::Stage,
    rules::Snapshot,
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
#[derive(Debug, Clone)]
pub struct SharedContact {
    /// Name.
    pub name: String,
    /// Sector.
    pub sector: herlead_core::network::Sector,
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

/// Loads and computes the dashboard at `now`.
pub async fn load(
    store: &Store,
    cohort: &Cohort,
    now: DateTime<Utc>,
) -> Result<Dashboard, StoreError> {
    let members = store.cohort_members(cohort.id).await?;
    let ids: Vec<UserId> = members.iter().map(|m| m.user.id).collect();
    let mut snapshots = store.snapshots_for(&ids).await?;
    let records = store.records_for(&ids).await?;
    let activity = store.last_activity_for(&ids).await?;
    let mut rows: Vec<MemberRow> = members
        .into_iter()
        .map(|member| {
            let id = member.user.id;
            let snapshot = snapshots.remove(&id).unwrap_or_default();
            let last = activity
                .get(&id)
                .copied()
                .map_or(member.joined_at, |a| a.max(member.joined_at));
            let summary = summarize(
                id,
                &snapshot,
                records.get(&id).map_or(&[][..], Vec::as_slice),
                last,
                cohort.stall_days,
                now,
            );
            let shared_contacts = (member.sharing
                == herlead_core::cohort::SharingLevel::ProgressAndContacts)
                .then(|| shared(&snapshot));
            snapshots.insert(id, snapshot);
            MemberRow {
                member,
                summary,
                shared_contacts,
            }
        })
        .collect();
    rows.sort_by(|a, b| at_risk_order(&a.summary, &b.summary));
    let summaries: Vec<MemberSummary> = rows.iter().map(|r| r.summary.clone()).collect();
    let snapshot_refs: Vec<&Snapshot> = rows
        .iter()
        .filter_map(|r| snapshots.get(&r.member.user.id))
        .collect();
    let aggregates = aggregate(&summaries, &snapshot_refs);
    Ok(Dashboard { rows, aggregates })
}

fn shared(snapshot: &Snapshot) -> Vec<SharedContact> {
    let stages: HashMap<_, _> = snapshot.stages();
    snapshot
        .contacts
        .iter()
        .map(|c| SharedContact {
            name: c.name.clone(),
            sector: c.sector,
            stage: stages.get(&c.id).copied().unwrap_or(Stage::Identified),
        })
        .collect()
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
        let cell = {
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
                entries.insert(
                    cohort.id,
                    Entry {
                        fingerprint,
                        computed_at: now,
                        cell: Arc::default(),
                        last_read: read,
                    },
                );
            }
            let entry = entries.get_mut(&cohort.id).expect("inserted above");
            entry.last_read = read;
            entry.cell.clone()
        };
        cell.get_or_try_init(|| async { load(store, cohort, now).await.map(Arc::new) })
            .await
            .cloned()
    }
}
