//! The global parameters of the decision model. One set for every state and
//! every case: there are no per-state or per-case terms. Their values, units,
//! meanings and provenance live in `data/parameters.toml`; this module only
//! names them so the code cannot read a parameter that the file does not define.

use serde::Serialize;

macro_rules! params {
    ($( $(#[doc = $doc:literal])* $name:ident ),* $(,)?) => {
        /// The decision model's global parameters (see `data/parameters.toml`).
        #[derive(Clone, Debug, PartialEq, Serialize)]
        pub struct Params {
            $( $(#[doc = $doc])* pub $name: f64, )*
        }

        impl Params {
            /// Every parameter's name, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($name)),*];

            /// Build from (name, value) pairs; every name must be given exactly once.
            pub fn from_pairs(pairs: &[(&str, f64)]) -> Result<Params, String> {
                for (n, _) in pairs {
                    if !Self::NAMES.contains(n) {
                        return Err(format!("unknown parameter `{n}`; known: {}", Self::NAMES.join(", ")));
                    }
                }
                let get = |n: &str| -> Result<f64, String> {
                    let mut it = pairs.iter().filter(|(k, _)| *k == n);
                    match (it.next(), it.next()) {
                        (Some((_, v)), None) if v.is_finite() => Ok(*v),
                        (Some(_), None) => Err(format!("parameter `{n}` is not a finite number")),
                        (None, _) => Err(format!("parameter `{n}` is missing")),
                        (Some(_), Some(_)) => Err(format!("parameter `{n}` is given twice")),
                    }
                };
                Ok(Params { $( $name: get(stringify!($name))?, )* })
            }

            /// (name, value) pairs in declaration order.
            pub fn pairs(&self) -> Vec<(&'static str, f64)> {
                vec![$( (stringify!($name), self.$name), )*]
            }

            /// A copy with one parameter set (for calibration and sensitivity runs).
            pub fn with(&self, name: &str, value: f64) -> Option<Params> {
                let mut p = self.clone();
                match name {
                    $( stringify!($name) => p.$name = value, )*
                    _ => return None,
                }
                Some(p)
            }
        }
    };
}

params! {
    /// Weight of the treaty obligation term (active collective defence = 1).
    obligation,
    /// Weight of the leading power's wish, scaled by dependence and its power to press.
    leader_wish,
    /// Weight of a shared threat (dispute with the adversary, same region).
    shared_threat,
    /// Weight of the regime-security interest in the precedent (internal unrest).
    regime_security,
    /// Weight of trust in the requester and the alliance (centred on 0.5).
    trust,
    /// Weight of fear of abandonment (the member's own disputes with non-members).
    abandonment,
    /// Weight of the member's stake in the requester (the requester's dependence on it).
    stake,
    /// Weight of exposure to Western partners when the action risks sanctions.
    western_exposure,
    /// Weight of ties to the adversary (partnership or treaty with it).
    adversary_ties,
    /// Weight of legality: the treaty does not permit the action (or leaves it to judgement).
    legality,
    /// Penalty for joining collective action against oneself (a party to the conflict).
    self_target,
    /// Weight of the cost of sending forces relative to available capacity.
    cost,
    /// Weight of entrapment: fighting an adversary backed by a stronger power.
    entrapment,
    /// Constant utility of sending forces (the bar troops must clear).
    forces_constant,
    /// Share of the net benefit a member gets from supporting without forces.
    support_share,
    /// Constant utility of supporting without forces (the bar a mission must clear).
    support_constant,
    /// Diplomatic cost of a formal objection (breaking consensus).
    objection_cost,
    /// How decisively a member that stays out chooses between a formal
    /// objection and abstaining (log of that choice's precision relative to
    /// the choice to act; 0: one logit over the four stances). Larger values:
    /// only a member with a reason (its utility of objecting above abstaining's)
    /// objects, and noise alone no longer breaks a consensus of many.
    objection_resolve,
    /// How far the other members read the leading power's position from the
    /// stance it takes rather than the one expected of it (0: expected; 1:
    /// taken): the leader speaks first and its allies' stances move with it.
    follow_leader,
    /// Spread of the sitting's mood (logit units): a shock common to every
    /// deciding member's utility of acting (forces or support), so that their
    /// stances move together from one sitting to the next (0: independent).
    mood,
    /// Weight of the expected help when a member decides whether to ask the alliance.
    ask_help,
    /// Prestige cost of asking, per unit of the asker's share of alliance military spending.
    ask_prestige,
    /// Constant utility of asking (the bar a request must clear).
    ask_constant,
    /// Constant utility of asking only for consultations (a statement).
    consult_constant,
    /// Constant utility of the secretariat calling for a ceasefire unasked.
    secretariat_constant,
    /// Constant utility of the secretariat condemning an attack by a non-state group unasked.
    condemn_constant,
    /// Constant utility of signing a summit declaration (the consensus default).
    sign_constant,
    /// Weight of a grievance (help received short of what was asked and owed).
    grievance,
    /// Minimum viable deployment as a share of the collective force's strength.
    viable_force_share,
    /// Share of an adversary's active personnel a deployment must match to be viable.
    adversary_force_share,
    /// Share of its available personnel a member offers to a force generated ad
    /// hoc (the alliance has no standing force with pledges for the role).
    ad_hoc_share,
    /// Initial trust of a member in the alliance (0–1).
    initial_trust,
    /// Trust lost per rung of the ladder between what was owed and what was given.
    trust_loss,
    /// Trust gained when the help given matches what was asked and owed.
    trust_gain,
    /// The leading power's credibility shift, in log units, when it loses a war
    /// (credibility × e^−war_shift; a stalemate 40% of the shift, a win +40%).
    war_shift,
    /// Share of the personnel a state committed to a war that does not come
    /// back when it loses (a stalemate 40% of it; a win none).
    war_losses,
    /// Weight of an ally's outside options once the leader is weakened: its
    /// trade with the rival bloc × the leader's lost credibility.
    outside_options,
    /// Weight of the threat a strengthened leader poses to allies that do not
    /// depend on it: the leader's credibility gain × (1 − dependence).
    leader_threat,
    /// Weight of the share of allies still engaged (cohesion; Galam's external field).
    cohesion,
    /// Weight of each new outside security partner in a member's engagement.
    outside_ties,
    /// Constant of the yearly chance that an engaged member freezes its participation.
    freeze_constant,
    /// Constant of the yearly chance that a frozen member gives notice of withdrawal.
    exit_constant,
    /// The leading power's value of the bases its engaged allies host (per unit share of allies).
    leader_bases,
    /// The leading power's value of its allies' engagement (per unit share still engaged).
    leader_influence,
    /// The leading power's value of its engaged allies' dependence on it (per unit mean dependence).
    leader_alignment,
    /// The leading power's cost of the alliance per unit of its share of the alliance's spending.
    leader_cost,
    /// Troops the collective forces can move to a theatre per day (airlift).
    airlift_per_day,
    /// Share of the deciding members that must take part for more than a statement.
    quorum,
    /// Weight of the crisis's severity (deaths) in a member's benefit from acting.
    severity,
    /// Weight of the crisis's severity in the decision to ask for help, and in
    /// the secretariat's unasked call (it speaks as the member would wish).
    ask_severity,
    /// Weight of the requester's need (can it cope alone?) in a member's benefit.
    need,
}
