//! Councils: how members' stances become the alliance's outcome under the
//! organ's real decision rule. Under consensus a formal objection blocks; an
//! abstaining member lets a "limited format" decision pass without it. The
//! treaty gates the ladder: forces go only where the determination permits, and
//! a deployment must be large enough to be viable. An informal wish never
//! reaches the council.

use crate::alliance::DecisionRule;
use crate::decision::{Crisis, Following, Stance};
use crate::dynamics::Outcome;
use crate::event::Ask;
use crate::state::StateCode;
use crate::treaty::{Action, Determination};
use serde::Serialize;

/// The highest rung a request asks for.
pub fn asked_rung(asks: Ask) -> Outcome {
    match asks {
        Ask::Consultations | Ask::PoliticalSupport => Outcome::Statement,
        Ask::Assistance => Outcome::Mission,
        Ask::Peacekeepers | Ask::Forces => Outcome::Deployment,
    }
}

/// How many of `n` deciding members must take part (forces or support) for the
/// council to adopt more than a statement.
pub fn needed(quorum: f64, n: usize) -> usize {
    ((quorum * n as f64).ceil() as usize).clamp(1, n.max(1))
}

/// Whether the treaty lets forces go where the request wants them.
pub fn deployment_permitted(det: &Determination, crisis: &Crisis) -> bool {
    let action = if crisis.asks == Ask::Peacekeepers {
        Action::Peacekeeping
    } else {
        Action::Deployment
    };
    det.actions
        .iter()
        .filter(|a| a.action == action && a.territory_of == crisis.theatre)
        .all(|a| a.verdict.open())
}

/// What the council decided, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CouncilResult {
    pub outcome: Outcome,
    /// Members whose formal objection blocked a decision.
    pub blocked_by: Vec<StateCode>,
    /// Members that sent forces, with troops.
    pub contributors: Vec<(StateCode, f64)>,
    pub troops: f64,
    /// Days from the decision until the whole force is in place (deployments only).
    pub days_to_deploy: Option<u32>,
    /// Why the outcome is not higher.
    pub limited_by: &'static str,
}

/// The agenda power over what is put to the vote, written once for the
/// sampled and the exact council: the highest rung the council can adopt given
/// the stances of the chair and of the leading power (either may be absent, or
/// the same member), and why it stops there.
///
/// - The chair tables the request: a chair that abstains does not table it for
///   adoption, so nothing beyond a statement passes (Lavrov, Oct 2022: the
///   mission could not be approved while the chair had not convened the
///   summit, S150).
/// - The leading power drafts the proposal: the council adopts at most what it
///   backs — a deployment only if it sends forces, a mission if it supports,
///   words if it abstains, nothing if it objects. Asymmetric alliances are
///   instruments of their strongest member (Morrow 1991); the council's
///   decisions follow the leader's commitment (the US in the Rio Treaty's Organ
///   of Consultation and SEATO, Nigeria in ECOMOG, South Africa in SADC, the
///   Soviet Union in the Warsaw Pact). Where the leader asks, it is the
///   requester and not a voter: no cap.
pub fn agenda_cap(chair: Option<Stance>, leader: Option<Stance>) -> (Outcome, &'static str) {
    let mut cap = (Outcome::Deployment, "");
    if chair == Some(Stance::Abstain) {
        cap = (
            Outcome::Statement,
            "the chair did not table it for adoption",
        );
    }
    if let Some(s) = leader {
        let backs = match s {
            Stance::Forces => Outcome::Deployment,
            Stance::Support => Outcome::Mission,
            Stance::Abstain => Outcome::Statement,
            Stance::Object => Outcome::None,
        };
        if backs < cap.0 {
            cap = (backs, "the leading power did not back more");
        }
    }
    cap
}

/// Aggregate stances (member, stance, troops if forces) into an outcome, then
/// cap it by the agenda power of the chair and the leading power ([`agenda_cap`]).
#[allow(clippy::too_many_arguments)]
pub fn decide(
    rule: &DecisionRule,
    det: &Determination,
    crisis: &Crisis,
    stances: &[(&str, Stance, f64)],
    required_force: f64,
    params: &crate::params::Params,
    chair: Option<&str>,
    leader: Option<&str>,
) -> CouncilResult {
    let mut res = decide_tabled(
        rule,
        det,
        crisis,
        stances,
        required_force,
        params.airlift_per_day,
        params.quorum,
    );
    let stance_of = |who: Option<&str>| {
        who.and_then(|c| stances.iter().find(|(m, _, _)| *m == c).map(|(_, s, _)| *s))
    };
    let (cap, why) = agenda_cap(stance_of(chair), stance_of(leader));
    if res.outcome > cap {
        res.outcome = cap;
        res.limited_by = why;
        if cap < Outcome::Deployment {
            res.contributors.clear();
            res.troops = 0.0;
            res.days_to_deploy = None;
        }
    }
    res
}

fn decide_tabled(
    rule: &DecisionRule,
    det: &Determination,
    crisis: &Crisis,
    stances: &[(&str, Stance, f64)],
    required_force: f64,
    airlift_per_day: f64,
    quorum: f64,
) -> CouncilResult {
    let mut res = CouncilResult {
        outcome: Outcome::None,
        blocked_by: vec![],
        contributors: vec![],
        troops: 0.0,
        days_to_deploy: None,
        limited_by: "",
    };
    if !crisis.formal {
        res.limited_by = "an informal wish does not go to the council";
        return res;
    }
    let objectors: Vec<StateCode> = stances
        .iter()
        .filter(|(_, s, _)| *s == Stance::Object)
        .map(|(m, _, _)| m.to_string())
        .collect();
    let contributors: Vec<(StateCode, f64)> = stances
        .iter()
        .filter(|(_, s, t)| *s == Stance::Forces && *t > 0.0)
        .map(|(m, _, t)| (m.to_string(), *t))
        .collect();
    let ladder = Ladder::new(rule, det, crisis, stances.len(), required_force, quorum);
    let count = Count {
        objectors: ladder.counted_objectors(objectors.len()),
        takers: stances
            .iter()
            .filter(|(_, s, _)| matches!(s, Stance::Forces | Stance::Support))
            .count(),
        troops: contributors.iter().map(|(_, t)| t).sum(),
    };
    let (outcome, limited_by) = ladder.rung(&count);
    res.outcome = outcome;
    res.limited_by = limited_by;
    match outcome {
        Outcome::None => res.blocked_by = objectors,
        Outcome::Deployment => {
            res.troops = count.troops;
            res.contributors = contributors;
            res.days_to_deploy = Some(if airlift_per_day > 0.0 {
                (count.troops / airlift_per_day).ceil().max(1.0) as u32
            } else {
                0
            });
        }
        _ => {}
    }
    res
}

/// What the ladder reads of the members' stances: how many formally objected
/// (counted only as far as the rule can tell the numbers apart: under
/// consensus the first objection already blocks, so 0 or 1), how many take
/// part (forces or support), and the troops offered by those sending forces.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Count {
    objectors: usize,
    takers: usize,
    troops: f64,
}

/// The council's ladder on one request, written once: the sampled council
/// reads it on the stances drawn, the exact one on every count of stances.
struct Ladder<'a> {
    rule: &'a DecisionRule,
    asked: Outcome,
    permitted: bool,
    voters: usize,
    need: usize,
    required_force: f64,
}

impl<'a> Ladder<'a> {
    fn new(
        rule: &'a DecisionRule,
        det: &Determination,
        crisis: &Crisis,
        voters: usize,
        required_force: f64,
        quorum: f64,
    ) -> Ladder<'a> {
        Ladder {
            rule,
            asked: asked_rung(crisis.asks),
            permitted: deployment_permitted(det, crisis),
            voters,
            need: needed(quorum, voters),
            required_force,
        }
    }

    /// Objectors beyond the number at which the rule can no longer adopt even
    /// a statement are not told apart: the dynamic programme keeps
    /// `counted_objectors(k)` instead of `k`, exact for every rung.
    fn counted_objectors(&self, k: usize) -> usize {
        let cap = match self.rule {
            DecisionRule::Consensus { .. } => 1,
            // A statement passes while objectors ≤ (1 − share)(voters + 1).
            DecisionRule::Majority { share } => {
                ((1.0 - share) * (self.voters as f64 + 1.0) + 1e-9)
                    .floor()
                    .max(0.0) as usize
                    + 1
            }
        };
        k.min(cap)
    }

    /// Whether the organ can adopt words (a statement, a call, consultations).
    /// Under consensus only a formal objection blocks, with or without a
    /// limited format: with one (CSTO since Dec 2010, S16) an abstaining member
    /// stays outside a decision the others adopt; without one (NATO: "no
    /// voting", S214) not objecting is consent. The flag says who is bound by
    /// the decision, which no outcome here depends on; the treaty's procedure
    /// note states it. Under a (qualified) majority, words pass unless enough
    /// members vote against them: a member that abstains on sending anyone
    /// does not vote against saying something (the Rio Treaty's Organ of
    /// Consultation and the Arab League's councils adopted resolutions and
    /// calls where they voted no action). The requester counts for its own
    /// request.
    fn words_pass(&self, c: &Count) -> bool {
        match self.rule {
            DecisionRule::Consensus { .. } => c.objectors == 0,
            DecisionRule::Majority { share } => {
                let for_words = (self.voters - c.objectors.min(self.voters)) as f64 + 1.0;
                for_words / (self.voters.max(1) as f64 + 1.0) >= *share
            }
        }
    }

    /// Whether the organ can adopt an action (a mission, a deployment): under
    /// consensus as for words (no objection); under a majority, the members
    /// taking part (forces or support), with the requester, must reach the share.
    fn action_passes(&self, c: &Count) -> bool {
        match self.rule {
            DecisionRule::Consensus { .. } => c.objectors == 0,
            DecisionRule::Majority { share } => {
                (c.takers as f64 + 1.0) / (self.voters.max(1) as f64 + 1.0) >= *share
            }
        }
    }

    /// The rung adopted on `c`, and why it is not higher.
    fn rung(&self, c: &Count) -> (Outcome, &'static str) {
        let asked = self.asked;
        if !self.words_pass(c) {
            return (Outcome::None, "a formal objection blocked the decision");
        }
        if asked > Outcome::Statement && (c.takers < self.need || !self.action_passes(c)) {
            return (
                Outcome::Statement,
                "too few members took part to adopt more than a statement",
            );
        }
        if asked >= Outcome::Deployment
            && self.permitted
            && c.troops >= self.required_force
            && c.troops > 0.0
        {
            return (Outcome::Deployment, "what was asked");
        }
        if asked >= Outcome::Mission && c.takers > 0 {
            let why = if asked < Outcome::Deployment {
                "what was asked"
            } else if !self.permitted {
                "the treaty does not permit the deployment"
            } else if c.troops == 0.0 {
                "no member offered forces"
            } else {
                "the forces offered are too small to be viable"
            };
            return (Outcome::Mission, why);
        }
        let why = if asked <= Outcome::Statement {
            "what was asked"
        } else {
            "no member supported more"
        };
        (Outcome::Statement, why)
    }
}

/// One member's stance probabilities and the troops it sends if it chooses forces.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Member {
    /// Probabilities of forces, support, abstain, object.
    pub p: [f64; 4],
    pub troops: f64,
}

/// The exact probability of each rung of the ladder, given independent stances.
/// A dynamic programme over counts ([`tabled_distribution`]), for any number of
/// members, conditioned on the agenda setters' stances ([`agenda_cap`]). Used
/// by the exact likelihood in calibration.
///
/// Where the others follow the leading power (`following`: their stances given
/// each of its stances), the distribution is the mixture over the leader's
/// stances of the council's distribution under the stances given it.
#[allow(clippy::too_many_arguments)]
pub fn outcome_distribution(
    rule: &DecisionRule,
    det: &Determination,
    crisis: &Crisis,
    members: &[Member],
    required_force: f64,
    quorum: f64,
    chair: Option<usize>,
    leader: Option<usize>,
    following: Option<&Following>,
) -> [f64; 4] {
    let agenda =
        |m: &[Member]| set_agenda(rule, det, crisis, m, required_force, quorum, chair, leader);
    let Some(f) = following.filter(|f| Some(f.leader) == leader) else {
        return agenda(members);
    };
    let mut dist = [0.0; 4];
    let mut given = members.to_vec();
    for (k, row) in f.given.iter().enumerate() {
        let w = members[f.leader].p[k];
        if w <= 0.0 {
            continue;
        }
        for (m, p) in given.iter_mut().zip(row) {
            m.p = *p;
        }
        let d = agenda(&given);
        for (x, q) in dist.iter_mut().zip(d) {
            *x += w * q;
        }
    }
    dist
}

/// The distribution conditioned on the agenda setters' stances ([`agenda_cap`]).
#[allow(clippy::too_many_arguments)]
fn set_agenda(
    rule: &DecisionRule,
    det: &Determination,
    crisis: &Crisis,
    members: &[Member],
    required_force: f64,
    quorum: f64,
    chair: Option<usize>,
    leader: Option<usize>,
) -> [f64; 4] {
    // Condition on the stances of the agenda setters (the chair and the leading
    // power, once if they are the same member), then cap by `agenda_cap`.
    let setters: Vec<usize> = match (chair, leader) {
        (Some(c), Some(l)) if c != l => vec![c, l],
        (Some(c), _) => vec![c],
        (None, Some(l)) => vec![l],
        (None, None) => vec![],
    };
    if setters.is_empty() {
        return tabled_distribution(rule, det, crisis, members, required_force, quorum);
    }
    let mut dist = [0.0; 4];
    let mut fixed = members.to_vec();
    let combos = 4usize.pow(setters.len() as u32);
    for combo in 0..combos {
        let mut weight = 1.0;
        let mut stance_of = [None; 2];
        for (j, &i) in setters.iter().enumerate() {
            let k = (combo >> (2 * j)) & 3;
            weight *= members[i].p[k];
            fixed[i].p = [0.0; 4];
            fixed[i].p[k] = 1.0;
            stance_of[j] = Some(Stance::ALL[k]);
        }
        if weight <= 0.0 {
            continue;
        }
        let pick = |who: Option<usize>| {
            who.and_then(|w| setters.iter().position(|&i| i == w))
                .and_then(|j| stance_of[j])
        };
        let (cap, _) = agenda_cap(pick(chair), pick(leader));
        let d = tabled_distribution(rule, det, crisis, &fixed, required_force, quorum);
        for (rung, q) in d.iter().enumerate() {
            dist[rung.min(cap.rung())] += weight * q;
        }
    }
    dist
}

/// Above this many counts the exact council rounds force totals to a grid.
/// No alliance of the bundled data comes near it: six force-capable members
/// give at most 2 × 7 × 2^6 = 896 counts.
const EXACT_STATES: usize = 1 << 17;
/// Grid steps per required force when rounding (2 × 33 × 1025 counts at most
/// for 32 members: under `EXACT_STATES`).
const GRID: f64 = 1024.0;

/// A force total short of the requirement that the members still to decide
/// cannot make up: every such total leads to the same rungs.
const HOPELESS: f64 = f64::NEG_INFINITY;

/// Merge equal counts of `from` into `into` (a stable sort: the sums of
/// probabilities run in a fixed order; runs already in order cost linear time).
fn merge(from: &mut Vec<(Count, f64)>, into: &mut Vec<(Count, f64)>) {
    from.sort_by(|(a, _), (b, _)| {
        (a.objectors, a.takers)
            .cmp(&(b.objectors, b.takers))
            .then(a.troops.total_cmp(&b.troops))
    });
    into.clear();
    for (c, q) in from.drain(..) {
        match into.last_mut() {
            Some((last, acc)) if *last == c => *acc += q,
            _ => into.push((c, q)),
        }
    }
}

/// The distribution of the ladder's rung over the members' independent stances,
/// by a dynamic programme over what the ladder reads ([`Count`]): whether a
/// member objected, how many take part, and the troops offered — kept exactly
/// while short of the required force (summed in member order, as the sampled
/// council sums them) and merged into one "enough" state once it suffices.
/// The states are the distinct force totals short of the requirement, times
/// the count of takers: no member is left out, whatever the alliance's size.
/// Exact while the counts stay under `EXACT_STATES`; beyond, force totals are
/// rounded down to a grid (explicitly, see below) rather than members dropped.
fn tabled_distribution(
    rule: &DecisionRule,
    det: &Determination,
    crisis: &Crisis,
    members: &[Member],
    required_force: f64,
    quorum: f64,
) -> [f64; 4] {
    let mut dist = [0.0; 4];
    if !crisis.formal {
        dist[Outcome::None.rung()] = 1.0;
        return dist;
    }
    let ladder = Ladder::new(rule, det, crisis, members.len(), required_force, quorum);
    let enough = |troops: f64| troops > 0.0 && troops >= required_force;
    // The ladder reads the troops only to ask whether they are enough for a
    // deployment; where no deployment can be adopted (not asked for, or not
    // permitted) they are not counted at all. That is exact, and it keeps the
    // counts to objectors × takers.
    let troops_matter = ladder.asked >= Outcome::Deployment && ladder.permitted;
    if !troops_matter {
        return counted_distribution(&ladder, members);
    }
    // The most the members after the i-th could still add: a total that cannot
    // reach the requirement even so is `HOPELESS`, one state whatever its value
    // (exact too: no rung tells two such totals apart).
    let mut still_to_come: Vec<f64> = members
        .iter()
        .rev()
        .scan(0.0, |acc, m| {
            if m.p[Stance::Forces as usize] > 0.0 && m.troops > 0.0 {
                *acc += m.troops;
            }
            Some(*acc)
        })
        .collect();
    still_to_come.reverse();
    still_to_come.push(0.0);
    let mut states: Vec<(Count, f64)> = vec![(
        Count {
            objectors: 0,
            takers: 0,
            troops: 0.0,
        },
        1.0,
    )];
    let mut next: Vec<(Count, f64)> = Vec::new();
    for (i, m) in members.iter().enumerate() {
        next.clear();
        let rest = still_to_come[i + 1];
        // Stance by stance over the sorted counts: each stance maps them in
        // order (all but a capped objection exactly), so `next` is four sorted
        // runs that the stable sort in `merge` joins in linear time.
        for (k, p) in m.p.iter().enumerate() {
            if *p <= 0.0 {
                continue;
            }
            for (c, q) in &states {
                let mut c = *c;
                match Stance::ALL[k] {
                    Stance::Forces => {
                        c.takers += 1;
                        if troops_matter && m.troops > 0.0 && c.troops.is_finite() {
                            c.troops += m.troops;
                            if enough(c.troops) {
                                c.troops = f64::INFINITY;
                            }
                        }
                    }
                    Stance::Support => c.takers += 1,
                    Stance::Abstain => {}
                    Stance::Object => c.objectors = ladder.counted_objectors(c.objectors + 1),
                }
                if troops_matter && c.troops.is_finite() && !enough(c.troops + rest) {
                    c.troops = HOPELESS;
                }
                next.push((c, q * p));
            }
        }
        merge(&mut next, &mut states);
        if states.len() > EXACT_STATES && required_force > 0.0 {
            // Too many distinct force totals to keep exactly (many members
            // able to send forces, a large force required): round each total
            // short of the requirement down to a grid of required/GRID troops.
            // Deterministic and smooth in the parameters, as the likelihood
            // needs (sampling would be neither); it can only understate the
            // force, by less than required/GRID per member.
            let step = required_force / GRID;
            for (c, _) in states.iter_mut() {
                if c.troops.is_finite() {
                    c.troops = (c.troops / step).floor() * step;
                }
            }
            std::mem::swap(&mut next, &mut states);
            merge(&mut next, &mut states);
        }
    }
    for (c, q) in &states {
        dist[ladder.rung(c).0.rung()] += q;
    }
    dist
}

/// [`tabled_distribution`] where the troops do not matter: the counts are
/// only (objectors as the rule counts them, takers), a dense table of at most
/// 3 × (members + 1) cells for consensus, filled member by member in a fixed
/// order, with no sorting.
fn counted_distribution(ladder: &Ladder, members: &[Member]) -> [f64; 4] {
    let n = members.len();
    let cap = ladder.counted_objectors(n);
    let width = n + 1;
    let mut table = vec![0.0; (cap + 1) * width];
    let mut next = vec![0.0; (cap + 1) * width];
    table[0] = 1.0;
    for (i, m) in members.iter().enumerate() {
        next.iter_mut().for_each(|x| *x = 0.0);
        let [forces, support, abstain, object] = m.p;
        let take = forces + support;
        for o in 0..=cap {
            let o2 = ladder.counted_objectors(o + 1);
            for t in 0..=i.min(n) {
                let q = table[o * width + t];
                if q == 0.0 {
                    continue;
                }
                next[o * width + t + 1] += q * take;
                next[o * width + t] += q * abstain;
                next[o2 * width + t] += q * object;
            }
        }
        std::mem::swap(&mut table, &mut next);
    }
    let mut dist = [0.0; 4];
    for o in 0..=cap {
        for t in 0..width {
            let q = table[o * width + t];
            if q > 0.0 {
                let c = Count {
                    objectors: o,
                    takers: t,
                    troops: 0.0,
                };
                dist[ladder.rung(&c).0.rung()] += q;
            }
        }
    }
    dist
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Ask;

    fn open_det() -> Determination {
        Determination {
            casus_foederis: true,
            casus_foederis_for: Some("AAA".into()),
            ..Determination::empty("X")
        }
    }

    fn crisis(formal: bool) -> Crisis {
        Crisis {
            requester: "AAA".into(),
            adversary: None,
            non_state: false,
            theatre: "AAA".into(),
            asks: Ask::Forces,
            formal,
            unrest: None,
            reach: crate::event::Reach::National,
            troops: None,
            casualties: None,
            seizure: false,
        }
    }

    fn params(quorum: f64) -> crate::params::Params {
        let zeros: Vec<(&str, f64)> = crate::params::Params::NAMES
            .iter()
            .map(|n| (*n, 0.0))
            .collect();
        let p = crate::params::Params::from_pairs(&zeros).unwrap();
        p.with("airlift_per_day", 700.0)
            .unwrap()
            .with("quorum", quorum)
            .unwrap()
    }

    const CONSENSUS: DecisionRule = DecisionRule::Consensus {
        limited_format: true,
    };

    #[test]
    fn a_formal_objection_blocks_under_consensus() {
        let st = [
            ("BBB", Stance::Forces, 5000.0),
            ("CCC", Stance::Object, 0.0),
        ];
        let r = decide(
            &CONSENSUS,
            &open_det(),
            &crisis(true),
            &st,
            100.0,
            &params(0.0),
            None,
            None,
        );
        assert_eq!(r.outcome, Outcome::None);
        assert_eq!(r.blocked_by, vec!["CCC".to_string()]);
    }

    #[test]
    fn an_abstention_lets_a_limited_format_deployment_pass() {
        let st = [
            ("BBB", Stance::Forces, 5000.0),
            ("CCC", Stance::Abstain, 0.0),
        ];
        let r = decide(
            &CONSENSUS,
            &open_det(),
            &crisis(true),
            &st,
            100.0,
            &params(0.0),
            None,
            None,
        );
        assert_eq!(r.outcome, Outcome::Deployment);
        assert_eq!(r.days_to_deploy, Some(8));
    }

    #[test]
    fn an_abstaining_chair_does_not_table_more_than_a_statement() {
        let st = [
            ("BBB", Stance::Forces, 5000.0),
            ("CCC", Stance::Abstain, 0.0),
        ];
        let r = decide(
            &CONSENSUS,
            &open_det(),
            &crisis(true),
            &st,
            100.0,
            &params(0.0),
            Some("CCC"),
            None,
        );
        assert_eq!(r.outcome, Outcome::Statement);
    }

    /// The outcome of `st` under a two-thirds majority, 100 troops needed.
    fn two_thirds(st: &[(&str, Stance, f64)]) -> Outcome {
        let rule = DecisionRule::Majority { share: 2.0 / 3.0 };
        decide(
            &rule,
            &open_det(),
            &crisis(true),
            st,
            100.0,
            &params(0.0),
            None,
            None,
        )
        .outcome
    }

    #[test]
    fn under_a_majority_a_failed_vote_on_action_still_adopts_words() {
        // Three of six vote to send forces (with the requester 4/7 < 2/3), two
        // abstain, one votes against: no action, but a statement passes (6/7).
        let st = [
            ("BBB", Stance::Forces, 5000.0),
            ("CCC", Stance::Support, 0.0),
            ("DDD", Stance::Support, 0.0),
            ("EEE", Stance::Abstain, 0.0),
            ("FFF", Stance::Abstain, 0.0),
            ("GGG", Stance::Object, 0.0),
        ];
        assert_eq!(two_thirds(&st), Outcome::Statement);
    }

    #[test]
    fn under_a_majority_enough_votes_against_block_even_words() {
        // Three of six vote against: 4/7 for words < 2/3.
        let st = [
            ("BBB", Stance::Forces, 5000.0),
            ("CCC", Stance::Support, 0.0),
            ("DDD", Stance::Abstain, 0.0),
            ("EEE", Stance::Object, 0.0),
            ("FFF", Stance::Object, 0.0),
            ("GGG", Stance::Object, 0.0),
        ];
        assert_eq!(two_thirds(&st), Outcome::None);
    }

    #[test]
    fn under_a_majority_one_objection_does_not_block_a_deployment() {
        let st = [
            ("BBB", Stance::Forces, 5000.0),
            ("CCC", Stance::Forces, 0.0),
            ("DDD", Stance::Support, 0.0),
            ("EEE", Stance::Object, 0.0),
        ];
        assert_eq!(two_thirds(&st), Outcome::Deployment);
    }

    #[test]
    fn with_most_members_abstaining_only_a_statement_is_adopted() {
        let st = [
            ("BBB", Stance::Support, 0.0),
            ("CCC", Stance::Abstain, 0.0),
            ("DDD", Stance::Abstain, 0.0),
        ];
        let r = decide(
            &CONSENSUS,
            &open_det(),
            &crisis(true),
            &st,
            100.0,
            &params(0.5),
            None,
            None,
        );
        assert_eq!(r.outcome, Outcome::Statement);
        let r = decide(
            &CONSENSUS,
            &open_det(),
            &crisis(true),
            &st,
            100.0,
            &params(0.3),
            None,
            None,
        );
        assert_eq!(r.outcome, Outcome::Mission);
    }

    #[test]
    fn an_informal_wish_never_reaches_the_council() {
        let st = [("BBB", Stance::Forces, 5000.0)];
        let r = decide(
            &CONSENSUS,
            &open_det(),
            &crisis(false),
            &st,
            100.0,
            &params(0.0),
            None,
            None,
        );
        assert_eq!(r.outcome, Outcome::None);
    }

    #[test]
    fn closed_form_distribution_matches_enumeration() {
        let members = [
            Member {
                p: [0.3, 0.3, 0.3, 0.1],
                troops: 900.0,
            },
            Member {
                p: [0.2, 0.5, 0.2, 0.1],
                troops: 600.0,
            },
            Member {
                p: [0.0, 0.6, 0.3, 0.1],
                troops: 0.0,
            },
        ];
        for chair in [None, Some(0), Some(2)] {
            let exact = outcome_distribution(
                &CONSENSUS,
                &open_det(),
                &crisis(true),
                &members,
                1000.0,
                0.5,
                chair,
                None,
                None,
            );
            let mut brute = [0.0; 4];
            for a in 0..4 {
                for b in 0..4 {
                    for c in 0..4 {
                        let p = members[0].p[a] * members[1].p[b] * members[2].p[c];
                        let troops =
                            |i: usize, s: usize| if s == 0 { members[i].troops } else { 0.0 };
                        let st = [
                            ("M0", Stance::ALL[a], troops(0, a)),
                            ("M1", Stance::ALL[b], troops(1, b)),
                            ("M2", Stance::ALL[c], troops(2, c)),
                        ];
                        let names = ["M0", "M1", "M2"];
                        let r = decide(
                            &CONSENSUS,
                            &open_det(),
                            &crisis(true),
                            &st,
                            1000.0,
                            &params(0.5),
                            chair.map(|i| names[i]),
                            None,
                        );
                        brute[r.outcome.rung()] += p;
                    }
                }
            }
            for k in 0..4 {
                assert!(
                    (exact[k] - brute[k]).abs() < 1e-12,
                    "chair {chair:?} rung {k}: {} vs {}",
                    exact[k],
                    brute[k]
                );
            }
        }
    }

    /// Stance probabilities and pools from a small deterministic generator.
    fn members_from(seed: u64, n: usize) -> Vec<Member> {
        let mut x = seed;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((x >> 33) as f64) / f64::from(1u32 << 31)
        };
        (0..n)
            .map(|i| {
                let w = [next(), next(), next(), 0.3 * next()];
                let total: f64 = w.iter().sum();
                // Every third member can send no forces.
                let armed = i % 3 != 2;
                let mut p = w.map(|v| v / total);
                if !armed {
                    p[1] += p[0];
                    p[0] = 0.0;
                }
                Member {
                    p,
                    troops: if armed { 200.0 + 800.0 * next() } else { 0.0 },
                }
            })
            .collect()
    }

    /// The council's distribution by enumerating all 4^n stance profiles
    /// through the sampled council (`decide`).
    fn brute_force(
        rule: &DecisionRule,
        members: &[Member],
        required: f64,
        quorum: f64,
        chair: Option<usize>,
    ) -> [f64; 4] {
        let names: Vec<String> = (0..members.len()).map(|i| format!("M{i}")).collect();
        let mut dist = [0.0; 4];
        for profile in 0..4usize.pow(members.len() as u32) {
            let mut p = 1.0;
            let mut st = Vec::new();
            let mut rest = profile;
            for (i, m) in members.iter().enumerate() {
                let k = rest % 4;
                rest /= 4;
                p *= m.p[k];
                let troops = if k == 0 { m.troops } else { 0.0 };
                st.push((names[i].as_str(), Stance::ALL[k], troops));
            }
            if p == 0.0 {
                continue;
            }
            let r = decide(
                rule,
                &open_det(),
                &crisis(true),
                &st,
                required,
                &params(quorum),
                chair.map(|c| names[c].as_str()),
                None,
            );
            dist[r.outcome.rung()] += p;
        }
        dist
    }

    #[test]
    fn the_exact_ladder_for_n_members_agrees_with_brute_force() {
        let rules = [
            CONSENSUS,
            DecisionRule::Consensus {
                limited_format: false,
            },
            DecisionRule::Majority { share: 0.6 },
        ];
        for n in 0..=6 {
            for seed in 0..3u64 {
                let members = members_from(seed * 31 + n as u64, n);
                for rule in &rules {
                    for required in [0.0, 700.0, 1500.0] {
                        for chair in [None, (n > 0).then_some(0)] {
                            let exact = outcome_distribution(
                                rule,
                                &open_det(),
                                &crisis(true),
                                &members,
                                required,
                                0.5,
                                chair,
                                None,
                                None,
                            );
                            let brute = brute_force(rule, &members, required, 0.5, chair);
                            for k in 0..4 {
                                assert!(
                                    (exact[k] - brute[k]).abs() < 1e-12,
                                    "n {n} seed {seed} {rule:?} required {required} chair {chair:?} rung {k}: {} vs {}",
                                    exact[k],
                                    brute[k]
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn every_member_of_a_large_alliance_is_heard_exactly() {
        // 32 members, most of them able to send forces (NATO's size): the
        // distribution is a distribution, and a single objector's weight shows.
        let members = members_from(7, 32);
        let dist = outcome_distribution(
            &CONSENSUS,
            &open_det(),
            &crisis(true),
            &members,
            2000.0,
            0.5,
            None,
            None,
            None,
        );
        let total: f64 = dist.iter().sum();
        assert!((total - 1.0).abs() < 1e-9, "sums to {total}");
        let p_no_objection: f64 = members.iter().map(|m| 1.0 - m.p[3]).product();
        assert!((dist[Outcome::None.rung()] - (1.0 - p_no_objection)).abs() < 1e-9);
    }

    #[test]
    fn the_limited_format_flag_does_not_change_who_can_block() {
        let st = [
            ("BBB", Stance::Forces, 5000.0),
            ("CCC", Stance::Abstain, 0.0),
        ];
        let strict = DecisionRule::Consensus {
            limited_format: false,
        };
        for rule in [&CONSENSUS, &strict] {
            let r = decide(
                rule,
                &open_det(),
                &crisis(true),
                &st,
                100.0,
                &params(0.0),
                None,
                None,
            );
            assert_eq!(r.outcome, Outcome::Deployment);
        }
    }

    #[test]
    fn a_large_force_requirement_among_many_members_is_rounded_not_dropped() {
        // 26 force-capable members and a requirement of 30% of their pledges:
        // millions of totals fall short of it, beyond what is kept exactly; the
        // rounded distribution agrees with the sampled council within sampling
        // error.
        let members: Vec<Member> = (0..26)
            .map(|i| Member {
                p: [0.45, 0.35, 0.18, 0.02],
                troops: 300.0 + 850.0 * (i as f64 * 0.618_034).fract(),
            })
            .collect();
        let total: f64 = members.iter().map(|m| m.troops).sum();
        let required = 0.3 * total;
        let exact = outcome_distribution(
            &CONSENSUS,
            &open_det(),
            &crisis(true),
            &members,
            required,
            0.5,
            None,
            None,
            None,
        );
        assert!((exact.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        let names: Vec<String> = (0..members.len()).map(|i| format!("M{i}")).collect();
        let mut x = 12345u64;
        let mut u = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((x >> 11) as f64) / (1u64 << 53) as f64
        };
        let runs = 20_000;
        let mut sampled = [0.0; 4];
        for _ in 0..runs {
            let st: Vec<(&str, Stance, f64)> = members
                .iter()
                .zip(&names)
                .map(|(m, n)| {
                    let v = u();
                    let k = if v < m.p[0] {
                        0
                    } else if v < m.p[0] + m.p[1] {
                        1
                    } else if v < m.p[0] + m.p[1] + m.p[2] {
                        2
                    } else {
                        3
                    };
                    (
                        n.as_str(),
                        Stance::ALL[k],
                        if k == 0 { m.troops } else { 0.0 },
                    )
                })
                .collect();
            let r = decide(
                &CONSENSUS,
                &open_det(),
                &crisis(true),
                &st,
                required,
                &params(0.5),
                None,
                None,
            );
            sampled[r.outcome.rung()] += 1.0 / runs as f64;
        }
        for k in 0..4 {
            assert!(
                (exact[k] - sampled[k]).abs() < 0.015,
                "rung {k}: exact {} vs sampled {}",
                exact[k],
                sampled[k]
            );
        }
    }
}
