//! Members as agents. Each member answers a request by choosing a stance —
//! send forces, support without forces, abstain, or formally object — with a
//! logit (softmax) over utilities that are sums of named terms. Every term is
//! computed from the treaty determination and the states' data, never from a
//! state's name; the weights are the global [`Params`]. A member with a crisis
//! decides, with the same machinery, whether to ask the alliance at all; when it
//! asks nothing, the secretariat decides whether to speak unasked.
//!
//! Grounding (see `shared/domain/published-models.md`): the obligation term is the
//! treaty engine's output; dependence on and the wish of the leading power follow
//! asymmetric-alliance arguments (Morrow's autonomy–security trade-off); shared
//! threat, cost relative to capacity and commitments elsewhere follow the
//! alliance-reliability findings (Leeds 2003; Berkemeier & Fuhrmann 2018: power
//! shifts and costs reduce honouring); fear of abandonment versus entrapment is
//! Snyder (1984); exposure to outside partners and sanctions is the cost side of
//! the autonomy trade-off; regime security is the precedent interest of
//! autocracies in defeating "colour revolutions" (the seed's Putin statement).

use crate::Date;
use crate::alliance::Alliance;
use crate::dynamics::Memory;
use crate::event::{Ask, EventKind, Involvement, Reach};
use crate::params::Params;
use crate::scenario::World;
use crate::state::{RelationKind, StateCode};
use crate::treaty::{Action, Determination, ObligationKind, Requirement, Verdict};
use serde::Serialize;

/// A member's answer to a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    /// Support with forces.
    Forces,
    /// Support without forces (votes for, political or material support).
    Support,
    /// Abstain: take no part, but do not object (a limited-format decision can pass).
    Abstain,
    /// Formal objection: blocks a consensus decision.
    Object,
}

impl Stance {
    pub const ALL: [Stance; 4] = [
        Stance::Forces,
        Stance::Support,
        Stance::Abstain,
        Stance::Object,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stance::Forces => "forces",
            Stance::Support => "support",
            Stance::Abstain => "abstain",
            Stance::Object => "object",
        }
    }
}

/// The crisis a decision is about, reduced to what the decision model reads.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Crisis {
    /// Who would be helped.
    pub requester: StateCode,
    /// Against whom the help would act (none for unrest or mediation).
    pub adversary: Option<StateCode>,
    /// The member was attacked by a non-state group (an armed group, a terrorist
    /// organisation), not by a state: there is no party to call on, but there is
    /// an act to condemn. A non-state *threat* is not an act: false.
    pub non_state: bool,
    /// Where forces would go.
    pub theatre: StateCode,
    pub asks: Ask,
    /// A formal request to the alliance (it then goes to the council).
    pub formal: bool,
    /// Unrest with this claimed involvement (`None` if not unrest).
    pub unrest: Option<Involvement>,
    /// How far into the requester's country the crisis reaches.
    pub reach: Reach,
    /// Troops asked for, if stated.
    pub troops: Option<f64>,
    /// Deaths reported in the crisis, if the scenario gives them.
    pub casualties: Option<f64>,
    /// The crisis is a seizure of power in the member concerned
    /// (`EventKind::InternalUnrest::seizure`): its rulers do not ask.
    pub seizure: bool,
}

impl Crisis {
    /// How bloody the crisis is, 0–1: ln(1 + deaths) / ln(1001), so that about a
    /// thousand deaths count as 1; ½ when the scenario gives no figure.
    pub fn severity(&self) -> f64 {
        match self.casualties {
            Some(d) if d >= 0.0 => ((1.0 + d).ln() / 1001f64.ln()).min(1.0),
            _ => 0.5,
        }
    }

    /// Derive the decision's view of a crisis event and (optional) request.
    pub fn from_events(crisis: &EventKind, request: Option<&EventKind>) -> Option<Crisis> {
        let casualties = match crisis {
            EventKind::ExternalAggression { casualties, .. }
            | EventKind::InternalUnrest { casualties, .. }
            | EventKind::IntraMemberConflict { casualties, .. } => *casualties,
            // A threat has killed no one unless the scenario says so.
            EventKind::Threat { casualties, .. } => Some(casualties.unwrap_or(0.0)),
            _ => None,
        };
        let reach = match crisis {
            EventKind::ExternalAggression { reach, .. }
            | EventKind::InternalUnrest { reach, .. } => *reach,
            // Nothing of the member's ground is held.
            EventKind::Threat { .. } => Reach::Local,
            _ => Reach::National,
        };
        let seizure = matches!(crisis, EventKind::InternalUnrest { seizure: true, .. });
        let non_state = matches!(
            crisis,
            EventKind::ExternalAggression {
                aggressor: None,
                aggressor_non_state: Some(_),
                ..
            }
        );
        let (victim, adversary, theatre, unrest) = match crisis {
            EventKind::ExternalAggression {
                aggressor,
                target,
                territory_of,
                ..
            } => (
                target.clone(),
                aggressor.clone(),
                territory_of.clone(),
                None,
            ),
            EventKind::Threat { from, target, .. } => {
                (target.clone(), from.clone(), target.clone(), None)
            }
            EventKind::InternalUnrest {
                state,
                external_involvement,
                ..
            } => (
                state.clone(),
                None,
                state.clone(),
                Some(*external_involvement),
            ),
            EventKind::IntraMemberConflict {
                parties,
                territory_of,
                ..
            } => {
                let (on, other) = crate::event::conflict_sides(parties, territory_of);
                (on.clone(), Some(other.clone()), on, None)
            }
            EventKind::OutOfAreaWar {
                member,
                against,
                territory_of,
                ..
            } => (
                member.clone(),
                Some(against.clone()),
                territory_of.clone(),
                None,
            ),
            _ => return None,
        };
        match request {
            Some(EventKind::Request {
                requester,
                asks,
                formal,
                territory_of,
                troops,
                ..
            }) => Some(Crisis {
                requester: requester.clone(),
                adversary: adversary.filter(|a| a != requester),
                non_state,
                theatre: territory_of.clone(),
                asks: *asks,
                formal: *formal,
                unrest,
                reach,
                troops: *troops,
                casualties,
                seizure,
            }),
            _ => Some(Crisis {
                requester: victim,
                adversary,
                non_state,
                theatre,
                asks: Ask::Forces,
                formal: true,
                unrest,
                reach,
                troops: None,
                casualties,
                seizure,
            }),
        }
    }
}

/// The raw value of each term (before weighting), for one member and one request.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Terms {
    pub obligation: f64,
    pub leader_wish: f64,
    pub shared_threat: f64,
    pub regime_security: f64,
    pub trust: f64,
    pub abandonment: f64,
    pub stake: f64,
    pub western_exposure: f64,
    pub adversary_ties: f64,
    pub legality: f64,
    pub self_target: f64,
    pub cost: f64,
    pub entrapment: f64,
    /// How bloody the crisis is (0–1).
    pub severity: f64,
    /// How badly the requester needs help, minus ½ (−½…½): see [`Facts::need`].
    pub need: f64,
}

/// A member's decision with everything needed to check it by hand.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemberDecision {
    pub state: StateCode,
    pub terms: Terms,
    /// Each term times its weight, as it enters the net benefit (sign included).
    pub contributions: Vec<(String, f64)>,
    /// Net benefit of the collective action to this member.
    pub benefit: f64,
    /// Utility of each stance (forces, support, abstain, object); `None` if infeasible.
    pub utilities: [Option<f64>; 4],
    /// Choice probabilities in the same order.
    pub probabilities: [f64; 4],
    /// Troops it would send if it chooses forces.
    pub contribution: f64,
}

impl MemberDecision {
    pub fn p(&self, s: Stance) -> f64 {
        self.probabilities[s as usize]
    }

    /// Expected position on the request: forces 1, support ½, abstain 0, object −1.
    pub fn expected_position(&self) -> f64 {
        position(&self.probabilities)
    }
}

/// The expected position of stance probabilities `p` (forces, support,
/// abstain, object): forces 1, support ½, abstain 0, object −1.
pub fn position(p: &[f64; 4]) -> f64 {
    p[0] + 0.5 * p[1] - p[3]
}

/// Add `w` times the stance probabilities `q` to `acc`: a mixture's term.
fn mix_into(acc: &mut [f64; 4], w: f64, q: &[f64; 4]) {
    for (x, y) in acc.iter_mut().zip(q) {
        *x += w * y;
    }
}

/// A member's stance probabilities from its utilities (forces, support,
/// abstain, object): a nested logit in which the member first chooses between
/// acting (forces or support) and staying out, then — among staying out —
/// between abstaining and a formal objection with precision `e^resolve`.
/// A formal objection is a deliberate, public act: with a sharp second choice
/// only members whose utility of objecting exceeds abstaining's object, and a
/// consensus of many is not broken by each member's chance objection (with
/// one logit over the four, P(no objection) falls as the product of every
/// member's share). At `resolve` = 0 this is the plain logit, bit for bit.
pub fn stance_probabilities(utilities: &[Option<f64>; 4], resolve: f64) -> [f64; 4] {
    let (Some(abstain), Some(object)) = (utilities[2], utilities[3]) else {
        let p = logit(utilities);
        return [p[0], p[1], p[2], p[3]];
    };
    if resolve == 0.0 {
        let p = logit(utilities);
        return [p[0], p[1], p[2], p[3]];
    }
    let lambda = resolve.exp();
    // The inclusive value of staying out, computed from its larger utility.
    let top = abstain.max(object);
    let stay_out =
        top + (((abstain - top) * lambda).exp() + ((object - top) * lambda).exp()).ln() / lambda;
    let upper = logit(&[utilities[0], utilities[1], Some(stay_out)]);
    let p_object = 1.0 / (1.0 + ((abstain - object) * lambda).exp());
    [
        upper[0],
        upper[1],
        upper[2] * (1.0 - p_object),
        upper[2] * p_object,
    ]
}

/// Softmax over the feasible options.
pub fn logit(utilities: &[Option<f64>]) -> Vec<f64> {
    let max = utilities
        .iter()
        .flatten()
        .cloned()
        .fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = utilities
        .iter()
        .map(|u| u.map_or(0.0, |u| (u - max).exp()))
        .collect();
    let total: f64 = exps.iter().sum();
    exps.iter().map(|e| e / total).collect()
}

/// Read-only facts about states on a date.
pub struct Facts<'a> {
    pub world: &'a World,
    pub alliance: &'a Alliance,
    pub date: Date,
    pub memory: &'a Memory,
    pub params: &'a Params,
    /// The participating members and their total spending, read by every
    /// member's terms: computed once per date rather than once per term.
    members: Vec<&'a str>,
    total_spending: f64,
}

impl<'a> Facts<'a> {
    pub fn new(
        world: &'a World,
        alliance: &'a Alliance,
        date: Date,
        memory: &'a Memory,
        params: &'a Params,
    ) -> Facts<'a> {
        let mut f = Facts {
            world,
            alliance,
            date,
            memory,
            params,
            members: Vec::new(),
            total_spending: 0.0,
        };
        f.members = alliance
            .members_on(date)
            .into_iter()
            .filter(|m| alliance.is_participating(m, date))
            .collect();
        f.total_spending = f.members.iter().map(|m| f.spending(m)).sum();
        f
    }

    fn year(&self) -> i32 {
        self.date.year
    }

    pub fn spending(&self, s: &str) -> f64 {
        self.world
            .states
            .get(s)
            .and_then(|st| st.defence_spending_usd.value_at(self.year()))
            .unwrap_or(0.0)
    }

    pub fn active(&self, s: &str) -> f64 {
        self.world
            .states
            .get(s)
            .and_then(|st| st.active_personnel.value_at(self.year()))
            .unwrap_or(0.0)
    }

    /// Active personnel not committed elsewhere.
    pub fn available(&self, s: &str) -> f64 {
        (self.active(s) - self.memory.committed_of(s)).max(0.0)
    }

    /// The participating members on the date.
    pub fn members(&self) -> &[&'a str] {
        &self.members
    }

    /// Share of the alliance's military spending held by `s`.
    pub fn spending_share(&self, s: &str) -> f64 {
        if self.total_spending > 0.0 {
            self.spending(s) / self.total_spending
        } else {
            0.0
        }
    }

    fn related(&self, kind: RelationKind, a: &str, b: &str) -> bool {
        self.world.related(kind, a, b, self.date)
    }

    /// How much `client` depends on `patron`: the mean of (a) the patron's troops on
    /// the client's soil relative to the client's own forces (×4, capped at 1),
    /// (b) the client's trade share with the patron, (c) a bilateral defence treaty.
    pub fn dependence(&self, client: &str, patron: &str) -> f64 {
        let Some(c) = self.world.states.get(client) else {
            return 0.0;
        };
        let own = self.active(client);
        let troops = c.hosted_troops_of(patron, self.year());
        let a = if own > 0.0 {
            (4.0 * troops / own).min(1.0)
        } else {
            0.0
        };
        let b = c.trade_share_with_partner(self.year(), patron).min(1.0);
        let t = if self.related(RelationKind::DefenceTreaty, client, patron) {
            1.0
        } else {
            0.0
        };
        (a + b + t) / 3.0
    }

    /// Members of the rival alliances (and their associated partners): the
    /// outside bloc whose sanctions and markets a member weighs (`Alliance::rivals`).
    fn outside(&self, partner: &str) -> bool {
        self.alliance
            .rivals
            .iter()
            .filter_map(|id| self.world.alliances.get(id))
            .any(|a| a.associated.iter().any(|x| x == partner) || a.is_member(partner, self.date))
    }

    /// Trade share with the outside bloc.
    pub fn outside_exposure(&self, s: &str) -> f64 {
        self.world
            .states
            .get(s)
            .map(|st| st.trade_share_with(self.year(), |p| self.outside(p)))
            .unwrap_or(0.0)
            .min(1.0)
    }

    /// Who backs `adversary` on the date: its partners and bilateral treaty
    /// allies in `relations.toml`. One list, read by the sanction risk and by
    /// entrapment. (Counting the members of a rival alliance it belongs to as
    /// well was measured and dropped: leave-one-alliance-out Brier 0.6093 →
    /// 0.6095, the Warsaw Pact 0.563 → 0.571; README.)
    fn backers(&self, adversary: &str) -> Vec<&'a str> {
        let mut out: Vec<&'a str> = Vec::new();
        for r in &self.world.relations {
            if matches!(
                r.kind,
                RelationKind::Partnership | RelationKind::DefenceTreaty
            ) && r.in_force(self.date)
                && r.parties.iter().any(|p| p == adversary)
            {
                out.extend(
                    r.parties
                        .iter()
                        .map(String::as_str)
                        .filter(|p| *p != adversary),
                );
            }
        }
        out
    }

    /// Whether helping `requester` against `adversary` risks outside sanctions:
    /// the requester is sanctioned by an outside state, or the adversary is
    /// backed by one ([`Facts::backers`]).
    pub fn sanction_risk(&self, requester: &str, adversary: Option<&str>) -> f64 {
        let sanctioned = self.world.relations.iter().any(|r| {
            r.kind == RelationKind::Sanctions
                && r.parties[1] == requester
                && r.in_force(self.date)
                && self.outside(&r.parties[0])
        });
        let backed = adversary.is_some_and(|a| self.backers(a).iter().any(|p| self.outside(p)));
        if sanctioned || backed { 1.0 } else { 0.0 }
    }

    /// The strongest military spender among the adversary and its backers
    /// outside this alliance ([`Facts::backers`]), relative to the leading
    /// power's spending or, if larger, the strongest member's (0–2).
    pub fn entrapment(&self, adversary: &str) -> f64 {
        let mut strongest = self.spending(adversary);
        for p in self.backers(adversary) {
            if !self.alliance.is_member(p, self.date) {
                strongest = strongest.max(self.spending(p));
            }
        }
        let leader = self
            .alliance
            .leading_power
            .as_deref()
            .map(|l| self.spending(l))
            .unwrap_or(0.0);
        let base = leader.max(
            self.members()
                .iter()
                .map(|m| self.spending(m))
                .fold(0.0, f64::max),
        );
        if base > 0.0 {
            (strongest / base).min(2.0)
        } else {
            0.0
        }
    }

    /// `a`'s share of the two sides' military spending (`a` against `b`); `None`
    /// when neither spends.
    pub fn spending_against(&self, a: &str, b: &str) -> Option<f64> {
        let (sa, sb) = (self.spending(a), self.spending(b));
        (sa + sb > 0.0).then(|| sa / (sa + sb))
    }

    /// How badly the requester needs help, 0–1: the adversary's share of the two
    /// sides' military spending, or for unrest 0.75 if outside involvement is
    /// claimed and 0.25 if not; times the share of the country the crisis reaches
    /// ([`Reach::share`]), because the threshold for collective help is national
    /// forces "unable to cope" (Bordyuzha, 2011, S105). 0 against a non-state
    /// group: a modelling assumption that a state's own forces can cope with one
    /// (the treaty's collective defence covers aggression by "a state or group of
    /// states", CST Art. 4). It is a fixed rule, not a fitted weight.
    pub fn need(&self, crisis: &Crisis) -> f64 {
        let scale = match (&crisis.adversary, crisis.unrest) {
            (Some(a), _) => self.spending_against(a, &crisis.requester).unwrap_or(0.5),
            (None, Some(Involvement::None)) => 0.25,
            (None, Some(_)) => 0.75,
            (None, None) => 0.0,
        };
        scale * crisis.reach.share()
    }

    /// The troops `s` would send. Where the alliance has a standing force for
    /// the role with pledges (the CSTO's collective forces), its share of the
    /// pledges applied to the strength of the force the request calls for.
    /// Where it has none (ECOMOG, Peninsula Shield beyond its core, the Arab
    /// League's and the Rio Treaty's ad hoc forces, SADC before its Standby
    /// Force, NATO's reassurance deployments), forces are generated ad hoc:
    /// each member willing to send forces offers the share of its forces a
    /// state can keep deployed (`ad_hoc_share`, NATO's usability target for
    /// sustained operations). Either is bounded by its available personnel.
    pub fn pool(&self, s: &str, asks: Ask) -> f64 {
        let role = match asks {
            Ask::Peacekeepers => "peacekeeping",
            Ask::Forces => "rapid_reaction",
            _ => return 0.0,
        };
        let total_pledged: f64 = self
            .members()
            .iter()
            .map(|m| self.alliance.pledged(m, "rapid_reaction"))
            .sum();
        let strength = self.force_strength(role);
        if total_pledged <= 0.0 || strength <= 0.0 {
            return (self.params.ad_hoc_share * self.available(s)).max(0.0);
        }
        let share = self.alliance.pledged(s, "rapid_reaction") / total_pledged;
        (share * strength).min(self.available(s)).max(0.0)
    }

    /// The strength of the alliance's largest force for `role` (0 if none is given).
    fn force_strength(&self, role: &str) -> f64 {
        self.alliance
            .forces
            .iter()
            .filter(|f| f.role == role)
            .filter_map(|f| f.strength)
            .fold(0.0, f64::max)
    }

    /// The size a deployment must reach to be viable.
    pub fn required_force(&self, crisis: &Crisis) -> f64 {
        let role = if crisis.asks == Ask::Peacekeepers {
            "peacekeeping"
        } else {
            "rapid_reaction"
        };
        let strength = self.force_strength(role);
        let vs_adversary = crisis
            .adversary
            .as_deref()
            .map(|a| self.params.adversary_force_share * self.active(a))
            .unwrap_or(0.0);
        (self.params.viable_force_share * strength).max(vs_adversary)
    }
}

/// The treaty's legality concern for the requested action: 1 if not permitted,
/// ½ if left to the members' judgement, 0 if permitted.
fn legality(det: &Determination, crisis: &Crisis) -> f64 {
    let action = match crisis.asks {
        Ask::Forces => Action::Deployment,
        Ask::Peacekeepers => Action::Peacekeeping,
        _ => return 0.0,
    };
    let v = det
        .actions
        .iter()
        .find(|a| a.action == action && a.territory_of == crisis.theatre);
    match v.map(|v| &v.verdict) {
        None => 0.0,
        Some(Verdict::Forbidden { .. }) => 1.0,
        Some(verdict @ Verdict::Permitted { conditions }) => {
            if !verdict.open() {
                1.0
            } else if conditions.iter().any(|c| {
                c.met.is_none() && !matches!(c.requirement, Requirement::DecisionOf { .. })
            }) {
                0.5
            } else {
                0.0
            }
        }
    }
}

/// The strength of the obligation owed to the requester: active collective
/// defence 1, active assistance ½, consultations ¼, nothing 0.
pub fn obligation_strength(det: &Determination, requester: &str) -> f64 {
    let owed = |k: ObligationKind| {
        det.obligations
            .iter()
            .any(|o| o.kind == k && o.owed_to.as_deref() == Some(requester) && o.active())
    };
    // A mandate to take up unrest unasked weighs as assistance does: the
    // text asks the organ to act, short of defending the member.
    if owed(ObligationKind::CollectiveDefence) {
        1.0
    } else if owed(ObligationKind::Assist) || owed(ObligationKind::OwnInitiative) {
        0.5
    } else if owed(ObligationKind::Consult) {
        0.25
    } else {
        0.0
    }
}

/// The `leader_wish` term of `member` when the leading power's position is
/// `pos`: the position times the leader's share of the alliance's spending
/// (its power to press) times the member's dependence on it.
fn leader_wish_at(f: &Facts, member: &str, pos: f64) -> f64 {
    let patron = f.alliance.leading_power.as_deref().unwrap_or("");
    pos * f.spending_share(patron) * f.dependence(member, patron)
}

/// What a crisis risks for every member alike: whether helping the requester
/// or fighting its adversary crosses the outside bloc ([`Facts::sanction_risk`])
/// and the fear of a war with the adversary's stronger backers
/// ([`Facts::entrapment`]). Both read the crisis, not the member, so a sitting
/// reads them once for all its deciders.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CrisisRisks {
    pub sanction_risk: f64,
    pub entrapment: f64,
}

impl CrisisRisks {
    pub fn of(f: &Facts, crisis: &Crisis) -> CrisisRisks {
        let adv = crisis.adversary.as_deref();
        CrisisRisks {
            sanction_risk: f.sanction_risk(&crisis.requester, adv),
            entrapment: adv.map(|a| f.entrapment(a)).unwrap_or(0.0),
        }
    }
}

/// The terms of `member`'s decision on `crisis`. `leader_position` is the leading
/// power's expected position (−1…1), `None` when `member` is the leader.
pub fn terms(
    f: &Facts,
    det: &Determination,
    crisis: &Crisis,
    risks: CrisisRisks,
    member: &str,
    leader_position: Option<f64>,
) -> Terms {
    let p = f.params;
    let me = f.world.states.get(member);
    let region = me.map(|s| s.region);
    let theatre_region = f.world.states.get(&crisis.theatre).map(|s| s.region);
    let adv = crisis.adversary.as_deref();
    let shared = {
        let dispute =
            adv.is_some_and(|a| a != member && f.related(RelationKind::Dispute, member, a));
        let near = region.is_some() && region == theatre_region && member != crisis.theatre;
        let s: f64 = if dispute { 1.0 } else { 0.0 } + if near { 0.5 } else { 0.0 };
        s.min(1.0)
    };
    let leader_wish = match leader_position {
        Some(pos) => leader_wish_at(f, member, pos),
        None => 0.0,
    };
    let regime_security = match crisis.unrest {
        Some(inv) => {
            let free = me
                .and_then(|s| s.freedom_score.value_at(f.date.year))
                .unwrap_or(50.0);
            let autocracy = (1.0 - free / 100.0).clamp(0.0, 1.0);
            if inv == Involvement::None {
                0.5 * autocracy
            } else {
                autocracy
            }
        }
        None => 0.0,
    };
    let own_disputes = f.world.relations.iter().any(|r| {
        r.kind == RelationKind::Dispute
            && r.in_force(f.date)
            && r.parties.iter().any(|x| x == member)
            && r.parties
                .iter()
                .any(|x| x != member && !f.alliance.is_member(x, f.date))
    });
    let obligation = obligation_strength(det, &crisis.requester);
    let abandonment = if own_disputes && obligation > 0.0 {
        1.0
    } else {
        0.0
    };
    let adversary_ties = adv.is_some_and(|a| {
        f.related(RelationKind::Partnership, member, a)
            || f.related(RelationKind::DefenceTreaty, member, a)
    });
    let available = f.available(member);
    let pool = f.pool(member, crisis.asks);
    let overstretch = {
        let active = f.active(member);
        if active > 0.0 {
            (f.memory.committed_of(member) / active).min(1.0)
        } else {
            0.0
        }
    };
    let cost = if available > 0.0 {
        (10.0 * pool / available).min(5.0) + overstretch
    } else {
        5.0
    };
    Terms {
        obligation,
        leader_wish,
        shared_threat: shared,
        regime_security,
        trust: f.memory.trust_of(member, p) - 0.5,
        abandonment,
        stake: f.dependence(&crisis.requester, member),
        western_exposure: f.outside_exposure(member) * risks.sanction_risk,
        adversary_ties: if adversary_ties { 1.0 } else { 0.0 },
        legality: legality(det, crisis),
        self_target: if adv == Some(member) { 1.0 } else { 0.0 },
        cost,
        entrapment: risks.entrapment,
        severity: crisis.severity(),
        need: f.need(crisis) - 0.5,
    }
}

/// Weighted contributions to the net benefit, named: the one list of the
/// benefit's terms ([`contributions`] for display, [`benefit`] for the sum).
fn weighted(t: &Terms, p: &Params) -> [(&'static str, f64); 13] {
    [
        ("obligation", p.obligation * t.obligation),
        ("leader_wish", p.leader_wish * t.leader_wish),
        ("shared_threat", p.shared_threat * t.shared_threat),
        ("regime_security", p.regime_security * t.regime_security),
        ("trust", p.trust * t.trust),
        ("abandonment", p.abandonment * t.abandonment),
        ("stake", p.stake * t.stake),
        ("western_exposure", -p.western_exposure * t.western_exposure),
        ("adversary_ties", -p.adversary_ties * t.adversary_ties),
        ("legality", -p.legality * t.legality),
        ("self_target", -p.self_target * t.self_target),
        ("severity", p.severity * t.severity),
        ("need", p.need * t.need),
    ]
}

/// Weighted contributions to the net benefit, named, as `explain` shows them.
fn contributions(t: &Terms, p: &Params) -> Vec<(String, f64)> {
    weighted(t, p)
        .iter()
        .map(|(n, v)| (n.to_string(), *v))
        .collect()
}

/// The net benefit: the contributions' sum, in their order.
fn benefit(t: &Terms, p: &Params) -> f64 {
    weighted(t, p).iter().map(|(_, v)| v).sum()
}

/// A member's decision on a request.
pub fn decide(
    f: &Facts,
    det: &Determination,
    crisis: &Crisis,
    risks: CrisisRisks,
    member: &str,
    leader_position: Option<f64>,
) -> MemberDecision {
    let p = f.params;
    let t = terms(f, det, crisis, risks, member, leader_position);
    let contributions = contributions(&t, p);
    let benefit: f64 = contributions.iter().map(|(_, v)| v).sum();
    let pool = f.pool(member, crisis.asks);
    let forces_feasible = matches!(crisis.asks, Ask::Forces | Ask::Peacekeepers) && pool >= 1.0;
    let utilities = utilities(p, &t, benefit, forces_feasible);
    let probs = stance_probabilities(&utilities, p.objection_resolve);
    MemberDecision {
        state: member.to_string(),
        terms: t,
        contributions,
        benefit,
        utilities,
        probabilities: [probs[0], probs[1], probs[2], probs[3]],
        contribution: if forces_feasible { pool } else { 0.0 },
    }
}

/// The utility of each stance (forces, support, abstain, object) given the
/// net benefit `benefit` of the action and the forces-only terms.
fn utilities(p: &Params, t: &Terms, benefit: f64, forces_feasible: bool) -> [Option<f64>; 4] {
    let u_forces = benefit - p.cost * t.cost - p.entrapment * t.entrapment + p.forces_constant;
    [
        forces_feasible.then_some(u_forces),
        Some(p.support_share * benefit + p.support_constant),
        Some(0.0),
        Some(-benefit - p.objection_cost),
    ]
}

/// The position each stance of the leading power stands for: forces 1,
/// support ½, abstain 0, object −1 (its expected position is their mean).
pub const POSITION: [f64; 4] = [1.0, 0.5, 0.0, -1.0];

/// The other deciders' stance probabilities given each stance the leading
/// power takes: `given[k][i]` is decider i's when the leader takes stance k
/// (the leader's own row is k for certain). The leader drafts and speaks
/// first; the others read the position it took, not only the one expected of
/// it, so their stances move together with the leader's (`follow_leader`: 0
/// reads the expected position, 1 the stance taken).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Following {
    /// The leading power's index among the deciders.
    pub leader: usize,
    pub given: [Vec<[f64; 4]>; 4],
}

/// The sitting's mood: the members' utilities of acting (forces, support)
/// share one shock, σ·x, with x a standard normal read at the three points of
/// Gauss–Hermite quadrature (−√3, 0, √3 with weights ⅙, ⅔, ⅙: the mean, the
/// variance and the fourth moment of the normal exactly). The draft on the
/// table, the day's news and the chair's handling are common to every member
/// of a sitting; independent stances would make a consensus of fourteen fail
/// on the product of fourteen chance objections and a two-thirds vote of
/// twenty a near-certainty either way. Sampling draws one of the three moods,
/// then each member's stance; the exact council sums over them — the same
/// three points and weights, so the two agree exactly.
pub fn mood_points(sigma: f64) -> Vec<(f64, f64)> {
    if sigma == 0.0 {
        return vec![];
    }
    let x = 3f64.sqrt() * sigma;
    vec![(1.0 / 6.0, -x), (2.0 / 3.0, 0.0), (1.0 / 6.0, x)]
}

/// The deciders' stances in one mood: its weight, each decider's stance
/// probabilities, and, where they follow the leading power, their stances
/// given each of its stances.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mood {
    pub weight: f64,
    /// The shock added to every decider's utility of acting.
    pub shift: f64,
    pub probabilities: Vec<[f64; 4]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub following: Option<Following>,
}

/// Utilities with the mood's shock on acting (forces, support).
fn shifted(u: &[Option<f64>; 4], shift: f64) -> [Option<f64>; 4] {
    [u[0].map(|x| x + shift), u[1].map(|x| x + shift), u[2], u[3]]
}

/// The deciders' stance probabilities and, where they follow the leader, the
/// table given its stances, when every utility of acting moves by `shift`.
/// The leader's stances move first, so the position the others weigh moves
/// with them. At `shift` = 0 these are the decisions' own probabilities.
fn stances_at(
    f: &Facts,
    out: &[MemberDecision],
    li: Option<usize>,
    shift: f64,
) -> (Vec<[f64; 4]>, Option<Following>) {
    let p = f.params;
    let probs = |d: &MemberDecision, read: Option<f64>| -> [f64; 4] {
        let u = match read {
            Some(pos) => {
                let mut t = d.terms.clone();
                t.leader_wish = leader_wish_at(f, &d.state, pos);
                utilities(p, &t, benefit(&t, p), d.utilities[0].is_some())
            }
            None => d.utilities,
        };
        stance_probabilities(&shifted(&u, shift), p.objection_resolve)
    };
    let Some(li) = li else {
        return (out.iter().map(|d| probs(d, None)).collect(), None);
    };
    // The leader decides first (`decide_all`), so sampling draws its stance
    // before any follower's.
    debug_assert_eq!(li, 0);
    let p_leader = probs(&out[li], None);
    let expected = position(&p_leader);
    if p.follow_leader == 0.0 {
        let mut v = vec![p_leader];
        v.extend(out.iter().skip(1).map(|d| probs(d, Some(expected))));
        return (v, None);
    }
    let mut given: [Vec<[f64; 4]>; 4] = Default::default();
    for (k, row) in given.iter_mut().enumerate() {
        let read = expected + p.follow_leader * (POSITION[k] - expected);
        for (i, d) in out.iter().enumerate() {
            if i == li {
                let mut one = [0.0; 4];
                one[k] = 1.0;
                row.push(one);
            } else {
                row.push(probs(d, Some(read)));
            }
        }
    }
    let mix = (0..out.len())
        .map(|i| {
            if i == li {
                return p_leader;
            }
            let mut m = [0.0; 4];
            for (k, row) in given.iter().enumerate() {
                mix_into(&mut m, p_leader[k], &row[i]);
            }
            m
        })
        .collect();
    (mix, Some(Following { leader: li, given }))
}

/// Every deciding member's decision ([`decide_all`]); where the leading
/// power decides and `follow_leader` ≠ 0, the others' stances given each of
/// its stances ([`Following`]); where the sitting's mood varies (`mood` ≠ 0),
/// the stances in each mood ([`mood_points`], [`Mood`]). Each member's
/// probabilities in the returned decisions are then the mixture over the
/// leader's stances and the moods (its utilities and terms stay those at the
/// expected position and the even mood, as `explain` shows them).
pub fn decide_all_following(
    f: &Facts,
    det: &Determination,
    crisis: &Crisis,
) -> (Vec<MemberDecision>, Option<Following>, Vec<Mood>) {
    let mut out = decide_all(f, det, crisis);
    let p = f.params;
    let leader = f.alliance.leading_power.as_deref();
    let li = leader.and_then(|l| out.iter().position(|d| d.state == l));
    let moods: Vec<Mood> = mood_points(p.mood)
        .into_iter()
        .map(|(weight, shift)| {
            let (probabilities, following) = stances_at(f, &out, li, shift);
            Mood {
                weight,
                shift,
                probabilities,
                following,
            }
        })
        .collect();
    if !moods.is_empty() {
        for (i, d) in out.iter_mut().enumerate() {
            let mut m = [0.0; 4];
            for mood in &moods {
                mix_into(&mut m, mood.weight, &mood.probabilities[i]);
            }
            d.probabilities = m;
        }
        return (out, None, moods);
    }
    if li.is_none() || p.follow_leader == 0.0 {
        return (out, None, moods);
    }
    let (mix, following) = stances_at(f, &out, li, 0.0);
    for (d, m) in out.iter_mut().zip(mix) {
        d.probabilities = m;
    }
    (out, following, moods)
}

/// Every deciding member's decision: the leading power first (its expected
/// position is the wish the others weigh), then the others in data order. The
/// requester does not decide on its own request.
pub fn decide_all(f: &Facts, det: &Determination, crisis: &Crisis) -> Vec<MemberDecision> {
    let leader = f.alliance.leading_power.clone();
    let risks = CrisisRisks::of(f, crisis);
    let mut out = Vec::new();
    let mut leader_position = None;
    if let Some(l) = &leader {
        if *l == crisis.requester {
            leader_position = Some(1.0);
        } else if f.members().contains(&l.as_str()) {
            let d = decide(f, det, crisis, risks, l, None);
            leader_position = Some(d.expected_position());
            out.push(d);
        }
    }
    for &m in f.members() {
        if Some(m) == leader.as_deref() || m == crisis.requester {
            continue;
        }
        out.push(decide(
            f,
            det,
            crisis,
            risks,
            m,
            leader_position.or(Some(0.0)),
        ));
    }
    out
}

/// A member's choice whether to ask the alliance for help with its crisis.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AskDecision {
    pub state: StateCode,
    /// How badly it needs help: the adversary's share of the two sides' military
    /// spending, or for unrest the claimed outside involvement.
    pub need: f64,
    /// What the allies could add: their share of alliance spending without the asker.
    pub expected_help: f64,
    /// The asker's own share of alliance spending (asking shows weakness).
    pub prestige: f64,
    /// Obligation strength if it asks for help (forces).
    pub obligation: f64,
    /// Obligation strength of consultations alone (no request needed).
    pub obligation_consult: f64,
    pub trust: f64,
    /// Utility of asking for help (forces); of asking only for consultations.
    pub utility_ask: f64,
    /// `None` where consultations are no option (no state to call on: domestic
    /// unrest, a non-state attacker).
    pub utility_consult: Option<f64>,
    /// The bilateral alternative: the strongest partner with a defence treaty in
    /// force, the help it could add, and the utility of asking it instead.
    pub bilateral_partner: Option<StateCode>,
    pub utility_bilateral: Option<f64>,
    /// P(asks the alliance for help), P(asks the alliance for consultations),
    /// P(turns to the bilateral partner instead); the rest: asks no one.
    pub p_ask: f64,
    pub p_consult: f64,
    pub p_bilateral: f64,
}

/// The weight of the blood spilled in a member's eyes, centred on an unknown
/// toll: `ask_severity·(severity − ½)`. The member weighs it when it asks for
/// help, and the secretariat, speaking as the member would wish, when it calls
/// unasked.
fn blood(p: &Params, crisis: &Crisis) -> f64 {
    p.ask_severity * (crisis.severity() - 0.5)
}

/// Whether the member in a crisis asks the alliance for help, asks only for
/// consultations (a statement), or asks nothing. Asking for consultations is
/// worth half the gain and half the prestige cost of asking for help.
pub fn decide_ask(
    f: &Facts,
    det_if_asked: &Determination,
    det_now: &Determination,
    crisis: &Crisis,
) -> AskDecision {
    let p = f.params;
    let me = crisis.requester.as_str();
    let need = f.need(crisis);
    let prestige = f.spending_share(me);
    let expected_help = 1.0 - prestige;
    let obligation = obligation_strength(det_if_asked, me);
    let obligation_consult = obligation_strength(det_now, me);
    let trust = f.memory.trust_of(me, p) - 0.5;
    let gain = p.ask_help * need * expected_help - p.ask_prestige * prestige + p.trust * trust;
    // Blood spilled is what turns a call for consultations into a call for help
    // (Bordyuzha's threshold, S105; Armenia asked for consultations over the
    // bloodless Syunik incursion of 2021 and for help after 224 deaths in 2022):
    // severity moves asking for help, not asking for consultations.
    let blood = blood(p, crisis);
    let u = gain + blood + p.obligation * obligation + p.ask_constant;
    // A statement needs a party to call on: with no adversary (domestic unrest)
    // there is no one to call to a ceasefire, and the alliance's word on a member's
    // internal affairs is non-interference ("an internal matter", Kyrgyzstan 2020),
    // so consultations are not an option of their own. After a non-state group's
    // attack the model's only word is the secretariat's condemnation, unasked
    // (`secretariat_call`); a member asking for consultations about it is not
    // modelled.
    let consult = crisis
        .adversary
        .is_some()
        .then_some(0.5 * gain + p.obligation * obligation_consult + p.consult_constant);
    // Turning elsewhere: the strongest spender among the member's bilateral treaty
    // partners (Armenia–Russia 1997, Russia–North Korea 2024). The bilateral text is
    // not analysed, so its obligation counts half; trust in the alliance does not enter.
    let partner = f
        .world
        .relations
        .iter()
        .filter(|r| {
            r.kind == RelationKind::DefenceTreaty
                && r.in_force(f.date)
                && r.parties.iter().any(|x| x == me)
        })
        .filter_map(|r| r.parties.iter().find(|x| *x != me))
        .max_by(|a, b| f.spending(a).total_cmp(&f.spending(b)))
        .cloned();
    let u_bilateral = partner.as_ref().map(|q| {
        let help = f.spending_against(q, me).unwrap_or(0.0);
        p.ask_help * need * help - p.ask_prestige * prestige
            + blood
            + p.obligation * 0.5
            + p.ask_constant
    });
    let probs = logit(&[Some(u), consult, u_bilateral, Some(0.0)]);
    AskDecision {
        state: me.to_string(),
        need,
        expected_help,
        prestige,
        obligation,
        obligation_consult,
        trust,
        utility_ask: u,
        utility_consult: consult,
        bilateral_partner: partner,
        utility_bilateral: u_bilateral,
        p_ask: probs[0],
        p_consult: probs[1],
        p_bilateral: probs[2],
    }
}

/// The secretariat's choice to speak unasked. When a state's forces fight a member
/// and the member asks the alliance for nothing, the Secretary General may still
/// call the parties to a ceasefire or call an emergency meeting; when a non-state
/// group attacks a member, he may condemn the attack. Either is a statement on
/// the ladder, with no council decision behind it and no request answered.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SecretariatCall {
    /// The member it would speak for.
    pub state: StateCode,
    /// A condemnation of a non-state group's attack (`true`) or a call on a
    /// state (`false`).
    pub condemns: bool,
    /// That member's trust in the alliance, centred (−½…½).
    pub trust: f64,
    /// That member's share of alliance spending (weighed only in a call on a state).
    pub prestige: f64,
    /// How bloody the crisis is (0–1, [`Crisis::severity`]).
    pub severity: f64,
    pub utility: f64,
    /// P(the secretariat speaks).
    pub p: f64,
}

/// Whether the secretariat speaks for `crisis.requester`, which has not asked.
/// The secretariat speaks as the member would wish to be spoken for, so the
/// member's own weights apply: trust in the alliance (a member that has turned
/// away from it gets silence, Armenia 2023), and the prestige cost of being seen
/// to need the alliance (the Secretariat acts for the leading power "only in case
/// of an official request", Kursk 2024, S17), and the blood spilled, weighed as
/// the member weighs it when it asks for help: a call for a ceasefire answers
/// the killing (the SG's calls came after 91 deaths in April 2016 and on the
/// first day of the 2020 war). The call has one constant of its own.
///
/// An attack by a non-state group leaves no party to call on, but an act to
/// condemn. Condemning terrorism says nothing of the victim's need for the
/// alliance, so the prestige cost does not enter; the condemnation has its own
/// constant (`condemn_constant`), since it costs the alliance nothing with any
/// state, where a call on a state may cost it that state's goodwill. Trust and
/// blood weigh as in the call.
pub fn secretariat_call(f: &Facts, crisis: &Crisis) -> SecretariatCall {
    let p = f.params;
    let me = crisis.requester.as_str();
    let trust = f.memory.trust_of(me, p) - 0.5;
    let prestige = f.spending_share(me);
    let severity = crisis.severity();
    let condemns = crisis.non_state;
    let standing = if condemns {
        p.condemn_constant
    } else {
        p.secretariat_constant - p.ask_prestige * prestige
    };
    let utility = standing + p.trust * trust + blood(p, crisis);
    SecretariatCall {
        state: me.to_string(),
        condemns,
        trust,
        prestige,
        severity,
        utility,
        p: 1.0 / (1.0 + (-utility).exp()),
    }
}

/// A member's engagement with the alliance: the utility behind signing
/// declarations, taking part in exercises, and staying rather than freezing or
/// leaving. `p` = logistic(utility) is the probability of the engaged choice.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Engagement {
    pub state: StateCode,
    /// Trust in the alliance, centred (−½…½).
    pub trust: f64,
    pub grievance: f64,
    /// The leading power's pull: its spending share × the member's dependence on it × its credibility.
    pub leader_wish: f64,
    /// Share of the other non-leading members still engaged, minus 1 (0 when all are).
    pub cohesion: f64,
    /// New outside security partners.
    pub ties: f64,
    pub utility: f64,
    pub p: f64,
}

/// The engagement of `member` given the run's memory.
pub fn engagement(f: &Facts, member: &str) -> Engagement {
    let p = f.params;
    let leader = f.alliance.leading_power.as_deref().unwrap_or("");
    let leader_wish = if member == leader {
        0.0
    } else {
        // The leader's pull scales with its credibility and the member's trust in it
        // (relative to the starting trust).
        let trust_in_leader = f.memory.leader_trust_of(member, p) / p.initial_trust.max(1e-9);
        f.spending_share(leader)
            * f.dependence(member, leader)
            * f.memory.credibility()
            * trust_in_leader
    };
    // The participating members are the facts' own list (computed once per
    // date): the others are those but `member` and the leader.
    let (others, engaged) = f
        .members()
        .iter()
        .filter(|m| **m != member && **m != leader)
        .fold((0usize, 0usize), |(n, e), m| {
            (n + 1, e + usize::from(f.memory.engaged(m)))
        });
    let cohesion = if others == 0 {
        0.0
    } else {
        engaged as f64 / others as f64 - 1.0
    };
    let trust = f.memory.trust_of(member, p) - 0.5;
    let grievance = f.memory.grievance_of(member);
    let ties = f64::from(f.memory.ties_of(member));
    let u = p.sign_constant + p.trust * trust + p.leader_wish * leader_wish
        - p.grievance * grievance
        + p.cohesion * cohesion
        - p.outside_ties * ties;
    Engagement {
        state: member.to_string(),
        trust,
        grievance,
        leader_wish,
        cohesion,
        ties,
        utility: u,
        p: 1.0 / (1.0 + (-u).exp()),
    }
}

#[cfg(test)]
mod tests {
    use super::{logit, stance_probabilities};

    const U: [Option<f64>; 4] = [Some(1.2), Some(1.0), Some(0.0), Some(-0.7)];

    #[test]
    fn at_resolve_zero_the_stances_are_the_plain_logit() {
        let plain = logit(&U);
        assert_eq!(stance_probabilities(&U, 0.0).to_vec(), plain);
    }

    #[test]
    fn a_member_without_a_reason_to_object_stops_objecting_as_the_choice_sharpens() {
        let loose = stance_probabilities(&U, 0.0);
        let sharp = stance_probabilities(&U, 2.0);
        assert!(sharp[3] < loose[3] / 10.0, "{sharp:?} vs {loose:?}");
        // It stays out as often (abstaining instead), and acts no less.
        assert!(sharp[0] + sharp[1] >= loose[0] + loose[1] - 1e-12);
        assert!((sharp.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_member_with_a_reason_objects_more_decisively_as_the_choice_sharpens() {
        let against = [Some(-1.0), Some(-0.5), Some(0.0), Some(0.8)];
        let loose = stance_probabilities(&against, 0.0);
        let sharp = stance_probabilities(&against, 2.0);
        assert!(sharp[3] > loose[3]);
        assert!(sharp[3] / (sharp[2] + sharp[3]) > 0.99);
    }

    #[test]
    fn without_forces_the_nested_choice_keeps_forces_impossible() {
        let u = [None, Some(0.5), Some(0.0), Some(-0.2)];
        let p = stance_probabilities(&u, 1.0);
        assert_eq!(p[0], 0.0);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
}
