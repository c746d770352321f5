//! The benchmark's yardstick (only with the `bench` feature): a cohort's aggregates by
//! hand-written SQL, to compare the dashboard's own computation against. Never in a
//! production build.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::{Store, StoreError};

/// The SQL-expressible part of a cohort's aggregates, computed by hand-written SQL: the
/// benchmark's yardstick for the dashboard (see BENCHMARKS.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandWrittenAggregates {
    /// Members.
    pub members: u32,
    /// Members quiet for longer than the cohort's stall threshold.
    pub stalled: u32,
    /// Per task key that anyone touched: members with it DONE, members with it SKIPPED.
    pub tasks: Vec<(String, u32, u32)>,
    /// Per sector: members with at least one contact in it.
    pub sectors: Vec<(String, u32)>,
}

impl Store {
    /// Members, stalled members, task completion and sector coverage of a cohort, by four
    /// hand-written SQL statements (grouped in the database). `None` for an unknown cohort.
    pub async fn hand_written_aggregates(
        &self,
        cohort: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Option<HandWrittenAggregates>, StoreError> {
        use sea_orm::Statement;
        let backend = self.db.get_database_backend();
        let stmt = |sql: &str| Statement::from_sql_and_values(backend, sql, [cohort.into()]);
        let to_u32 = |n: i64| u32::try_from(n).unwrap_or(0);
        let Some(stall_days) = self
            .db
            .query_one_raw(stmt("SELECT stall_days FROM cohorts WHERE id = $1"))
            .await?
            .map(|r| r.try_get_by_index::<i32>(0))
            .transpose()?
        else {
            return Ok(None);
        };
        let quiet_since = now - chrono::Duration::days(i64::from(stall_days));
        let activity = self
            .db
            .query_all_raw(stmt(
                "SELECT m.joined_at, \
                   (SELECT MAX(e.occurred_at) FROM progress_events e WHERE e.user_id = m.user_id), \
                   (SELECT MAX(i.created_at) FROM interactions i WHERE i.user_id = m.user_id) \
                 FROM cohort_members m WHERE m.cohort_id = $1",
            ))
            .await?;
        let mut stalled = 0;
        for row in &activity {
            let joined: DateTime<Utc> = row.try_get_by_index(0)?;
            let event: Option<DateTime<Utc>> = row.try_get_by_index(1)?;
            let logged: Option<DateTime<Utc>> = row.try_get_by_index(2)?;
            let last = [Some(joined), event, logged].into_iter().flatten().max();
            if last.is_some_and(|l| l < quiet_since) {
                stalled += 1;
            }
        }
        let tasks = self
            .db
            .query_all_raw(stmt(
                "SELECT p.task_key, \
                   SUM(CASE WHEN p.status = 'DONE' THEN 1 ELSE 0 END), \
                   SUM(CASE WHEN p.status = 'SKIPPED' THEN 1 ELSE 0 END) \
                 FROM task_progress p JOIN cohort_members m ON m.user_id = p.user_id \
                 WHERE m.cohort_id = $1 GROUP BY p.task_key ORDER BY p.task_key",
            ))
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get_by_index::<String>(0)?,
                    to_u32(r.try_get_by_index::<i64>(1)?),
                    to_u32(r.try_get_by_index::<i64>(2)?),
                ))
            })
            .collect::<Result<Vec<_>, sea_orm::DbErr>>()?;
        let sectors = self
            .db
            .query_all_raw(stmt(
                "SELECT c.sector, COUNT(DISTINCT c.user_id) \
                 FROM contacts c JOIN cohort_members m ON m.user_id = c.user_id \
                 WHERE m.cohort_id = $1 AND (m.sharing <> 'PROGRESS' OR \
                   (SELECT COUNT(*) FROM cohort_members p \
                    WHERE p.cohort_id = $1 AND p.sharing = 'PROGRESS') >= 5) \
                 GROUP BY c.sector ORDER BY c.sector",
            ))
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get_by_index::<String>(0)?,
                    to_u32(r.try_get_by_index::<i64>(1)?),
                ))
            })
            .collect::<Result<Vec<_>, sea_orm::DbErr>>()?;
        Ok(Some(HandWrittenAggregates {
            members: u32::try_from(activity.len()).unwrap_or(u32::MAX),
            stalled,
            tasks,
            sectors,
        }))
    }
}
