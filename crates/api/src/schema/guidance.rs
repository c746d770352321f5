//! What the rules make of her data: recommendations, the social capital score, and whom to
//! reconnect with.

use std::collections::HashSet;

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use herlead_core::{
    Playbook,
    recommend::{EntityKind, RecommendationCode, recommend_with},
    score::{Factor, SubScore, social_capital_inputs},
};

use crate::error::Result;

use super::{
    common::{gid, page_cost, page_size, store, viewer},
    network::ContactView,
    types::TaskView,
};

/// What a recommendation is about.
#[derive(SimpleObject)]
pub struct EntityRef {
    /// A profile, a contact or a community.
    kind: EntityKind,
    /// Its id.
    id: ID,
}

/// A next best action.
#[derive(SimpleObject)]
pub struct Recommendation {
    /// What to do.
    code: RecommendationCode,
    /// The action in a sentence.
    message: String,
    /// The key of the task it advances.
    task_key: String,
    /// The task it advances.
    task: TaskView,
    /// The profile, contact or community concerned.
    entity: Option<EntityRef>,
}

/// One ingredient of a sub-score.
#[derive(SimpleObject)]
#[graphql(name = "ScoreFactor")]
pub struct FactorView {
    /// Stable name.
    name: String,
    /// 0 to 1.
    value: f64,
    /// Points at 1.
    weight: f64,
    /// Points earned.
    points: f64,
    /// Why.
    explanation: String,
}

impl From<&Factor> for FactorView {
    fn from(f: &Factor) -> Self {
        Self {
            name: f.name.to_owned(),
            value: f.value,
            weight: f.weight,
            points: f.points(),
            explanation: f.explanation.clone(),
        }
    }
}

/// One of the four sub-scores.
#[derive(SimpleObject)]
#[graphql(name = "SubScore")]
pub struct SubScoreView {
    /// 0 to 25.
    score: f64,
    /// What made it.
    factors: Vec<FactorView>,
}

impl From<&SubScore> for SubScoreView {
    fn from(s: &SubScore) -> Self {
        Self {
            score: s.score,
            factors: s.factors.iter().map(FactorView::from).collect(),
        }
    }
}

/// Her social capital: 0–100 in four explained parts of 0–25.
#[derive(SimpleObject)]
#[graphql(name = "SocialCapital")]
pub struct SocialCapitalView {
    /// 0 to 100.
    total: f64,
    /// Step 1: a findable, consistent presence.
    presence: SubScoreView,
    /// Step 2: key people across sectors and scopes.
    reach: SubScoreView,
    /// Step 3: giving before asking.
    reciprocity: SubScoreView,
    /// Step 4: real-world communities.
    collective_action: SubScoreView,
}

impl SocialCapitalView {
    /// Drops the reach factors (which name how her contacts spread over sectors), keeping
    /// the sub-score itself.
    pub(crate) fn withhold_reach_factors(&mut self) {
        self.reach.factors.clear();
    }
}

impl From<&herlead_core::score::SocialCapital> for SocialCapitalView {
    fn from(score: &herlead_core::score::SocialCapital) -> Self {
        Self {
            total: score.total,
            presence: (&score.presence).into(),
            reach: (&score.reach).into(),
            reciprocity: (&score.reciprocity).into(),
            collective_action: (&score.collective_action).into(),
        }
    }
}

/// A contact due for a touch.
#[derive(SimpleObject)]
pub struct ReconnectItem {
    /// Who.
    contact: ContactView,
    /// The last interaction or meeting together (or when she was added).
    last_touch: DateTime<Utc>,
    /// The cadence in force.
    cadence_days: i32,
    /// When the touch was due.
    due_at: DateTime<Utc>,
    /// Whole days past due.
    overdue_days: i32,
}

/// Recommendation, score and reconnect reads.
#[derive(Debug, Default)]
pub struct GuidanceQuery;

#[Object]
impl GuidanceQuery {
    /// What to do next, in playbook order (default 10, at most 100).
    #[graphql(complexity = "page_cost(Some(first), 10, child_complexity)")]
    async fn recommendations(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] first: i32,
    ) -> Result<Vec<Recommendation>> {
        let v = viewer(ctx)?;
        let limit = page_size("first", Some(first))?.unwrap_or(10);
        let s = store(ctx);
        let now = herlead_store::now();
        let data = s.rule_data(v.user_id).await?;
        let focus = s.focus(v.user_id, now).await?;
        let skipped: HashSet<String> = s
            .task_records(v.user_id)
            .await?
            .into_iter()
            .filter(|r| r.status == herlead_core::TaskStatus::Skipped)
            .map(|r| r.task_key)
            .collect();
        Ok(recommend_with(&data.inputs(), &focus, now, &skipped)
            .into_iter()
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .filter_map(|r| {
                let task = Playbook::standard().task(r.task_key)?;
                Some(Recommendation {
                    code: r.code,
                    message: r.message,
                    task_key: r.task_key.to_owned(),
                    task: TaskView(task),
                    entity: r.entity.map(|(kind, id)| EntityRef { kind, id: gid(id) }),
                })
            })
            .collect())
    }

    /// Her social capital score with the factors behind it.
    async fn social_capital(&self, ctx: &Context<'_>) -> Result<SocialCapitalView> {
        let v = viewer(ctx)?;
        let data = store(ctx).rule_data(v.user_id).await?;
        Ok((&social_capital_inputs(&data.inputs(), Utc::now())).into())
    }

    /// Contacts due for a touch, most overdue first (default 20, at most 100).
    #[graphql(complexity = "page_cost(Some(first), 20, child_complexity)")]
    async fn due_to_reconnect(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
    ) -> Result<Vec<ReconnectItem>> {
        let v = viewer(ctx)?;
        let limit = page_size("first", Some(first))?.unwrap_or(20);
        Ok(store(ctx)
            .due_to_reconnect(v.user_id, herlead_store::now(), limit)
            .await?
            .into_iter()
            .map(|(contact, stage, r)| ReconnectItem {
                contact: ContactView { stage, contact },
                last_touch: r.last_touch,
                cadence_days: i32::try_from(r.cadence_days).unwrap_or(i32::MAX),
                due_at: r.due_at,
                overdue_days: i32::try_from(r.overdue_days).unwrap_or(i32::MAX),
            })
            .collect())
    }
}
