//! Treaty as code. Each [`Provision`] is data: its article id, its wording
//! (verbatim where the text was retrieved, paraphrase otherwise, flagged), its
//! source and its in-force interval, plus a [`Rule`] naming the generic mechanism
//! that interprets it (collective defence, consultation, consent of the host…).
//! The rule kinds are parameterised so that CSTO Art. 4 and NATO Art. 5 are the
//! same mechanism with different data.
//!
//! [`determine`] takes a crisis (and the request, if one was made) and returns a
//! [`Determination`]: whether it is a casus foederis, which provisions apply, the
//! obligations that arise, the verdict on each action the alliance could take,
//! what the text leaves to discretion, and the chain of rules that fired with
//! their citations. Exceptions are explicit (`overrides`, as Catala's
//! `exception`); two applicable provisions that contradict each other without
//! precedence are an error, never "last one wins".

use crate::alliance::{Alliance, Period};
use crate::date::Date;
use crate::event::{EventKind, Involvement, MembershipChange};
use crate::state::{Region, State, StateCode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A treaty provision with its citation and the rule that interprets it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provision {
    /// Stable id, instrument and article: "CST-4", "NATO-5", "PKA-3.1".
    pub id: String,
    /// The instrument's id (see [`crate::alliance::Instrument`]).
    pub instrument: String,
    /// The article as cited: "Art. 4", "Art. 3 §1".
    pub article: String,
    pub wording: String,
    /// `true` if `wording` is the text (in an official or published translation),
    /// `false` if it is a paraphrase because the text was not retrieved.
    pub verbatim: bool,
    pub source: String,
    pub in_force: Period,
    /// Provisions this one sets aside where both apply (an exception to a rule).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<String>,
    pub rule: Rule,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Who can commit the aggression a collective-defence clause answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AggressorScope {
    /// "aggression by any state or group of states" (CST Art. 4).
    States,
    /// "an armed attack" by anyone, states or not (Washington Treaty Art. 5).
    Any,
}

/// What an out-of-area rule requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutOfAreaRequirement {
    /// A decision of the UN Security Council.
    UnscDecision,
    /// Conformity with the UN Charter and the interests of international security:
    /// a judgement the text leaves to the members.
    UnCharter,
}

/// The mechanism that interprets a provision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    /// Members abstain from force among themselves and settle disputes peacefully.
    PeacefulSettlement,
    /// Joint consultations when a member's security, territorial integrity or
    /// sovereignty (with `stability`, also its stability) is threatened; with
    /// `assistance_measures`, the members also develop measures to assist it.
    Consultation {
        #[serde(default)]
        stability: bool,
        #[serde(default)]
        assistance_measures: bool,
    },
    /// An attack on one is an attack on all.
    CollectiveDefence {
        aggressor: AggressorScope,
        /// The provision that defines the treaty area, if the clause is limited to one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        area: Option<String>,
        /// What the text leaves to each member's judgement.
        discretion: String,
        #[serde(default)]
        report_to_unsc: bool,
    },
    /// The treaty area: members' territory in these regions, or in the states
    /// listed by code. The list lets an area be written without the states'
    /// data files and without a region of its own (SEATO Art. VIII's "entire
    /// territories of the Asian Parties", the Rio Treaty's Art. 4 region, ANZUS's
    /// "Pacific Area"); a state is inside if its code is listed or its region is.
    TreatyArea {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        regions: Vec<Region>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        states: Vec<StateCode>,
    },
    /// The organ may take up unrest in a member on its own initiative,
    /// unasked (ECOWAS's 1999 Mechanism, Art. 26: at the initiative of the
    /// Executive Secretary or of its own organs; SADC's 2001 Protocol,
    /// Art. 11(4)(b): the Chairperson of the Organ with the Troika may table
    /// any significant conflict, a military coup among them, Art. 11(2)(b)).
    /// Without such a provision unrest reaches the council only if someone
    /// asks, and those who seized power do not.
    OwnInitiative { organ: String },
    /// Collective assistance starts only on the affected member's official request.
    AssistanceOnRequest,
    /// The organ that decides on the use of collective forces.
    ForceDecision { organ: String },
    /// No forces on a member's soil without that member's request.
    ConsentOfHost,
    /// Operations outside the members' territory need `requires`.
    OutOfArea {
        requires: OutOfAreaRequirement,
        /// Which action it governs: `deployment` or `peacekeeping`.
        action: Action,
    },
    /// How an organ decides (applies to its meetings and to collective decisions).
    CouncilProcedure { organ: String },
    /// Non-member bases on a member's territory need the absence of official objections.
    ThirdCountryBases,
    /// Withdrawal on notice.
    Withdrawal { notice_months: u32 },
}

/// An action the alliance could take, in the order of the response ladder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Statements, consultations, calls for a ceasefire.
    Statement,
    /// Fact-finding or observer mission, advisers, equipment.
    Mission,
    /// Collective forces sent to a territory.
    Deployment,
    /// Collective peacekeeping forces sent to a territory.
    Peacekeeping,
    /// Use of force between members.
    UseOfForceBetweenMembers,
}

/// Something an action needs before it may be taken.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Requirement {
    /// An official request by the state on whose territory forces would act.
    RequestOf { state: StateCode },
    /// A decision of the alliance organ.
    DecisionOf { organ: String },
    /// A UN Security Council decision.
    UnscDecision,
    /// Conformity with the UN Charter, judged by the members.
    UnCharterConformity,
}

/// A requirement with whether the situation meets it (`None`: for the organ to judge).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Condition {
    #[serde(flatten)]
    pub requirement: Requirement,
    pub met: Option<bool>,
    pub provision: String,
}

/// The treaty's verdict on one action at one place. Serialised with its
/// [`Standing`] as `"verdict"`, so JSON and text say the same thing.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Permitted { conditions: Vec<Condition> },
    Forbidden { provision: String },
}

/// Where an action stands now: the one determination every renderer shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Permitted, and no condition is unmet (the organ may still have to decide).
    Permitted,
    /// Permitted by the text, but a condition is not met (no request, no mandate).
    NotPermittedNow,
    Forbidden,
}

impl Standing {
    /// The words of the text report.
    pub fn label(self) -> &'static str {
        match self {
            Standing::Permitted => "permitted",
            Standing::NotPermittedNow => "not permitted now",
            Standing::Forbidden => "FORBIDDEN",
        }
    }
}

impl Serialize for Verdict {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("verdict", &self.standing())?;
        match self {
            Verdict::Permitted { conditions } => m.serialize_entry("conditions", conditions)?,
            Verdict::Forbidden { provision } => m.serialize_entry("provision", provision)?,
        }
        m.end()
    }
}

impl Verdict {
    /// The standing of the action (see [`Verdict::open`]).
    pub fn standing(&self) -> Standing {
        match self {
            Verdict::Forbidden { .. } => Standing::Forbidden,
            _ if self.open() => Standing::Permitted,
            _ => Standing::NotPermittedNow,
        }
    }

    /// Whether the action may be taken once the organ decides: no condition is unmet.
    pub fn open(&self) -> bool {
        match self {
            Verdict::Permitted { conditions } => conditions.iter().all(|c| c.met != Some(false)),
            Verdict::Forbidden { .. } => false,
        }
    }
}

/// The verdict on an action at a place.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ActionVerdict {
    pub action: Action,
    /// On whose territory.
    pub territory_of: StateCode,
    #[serde(flatten)]
    pub verdict: Verdict,
}

/// Kinds of obligation a determination can carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObligationKind {
    Consult,
    Assist,
    CollectiveDefence,
    PeacefulSettlement,
    /// The organ's mandate to take unrest in a member up unasked ([`Rule::OwnInitiative`]).
    OwnInitiative,
    ReportToUnsc,
}

/// An obligation of the members arising from a provision.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Obligation {
    pub kind: ObligationKind,
    /// The member owed (the attacked or threatened one), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owed_to: Option<StateCode>,
    /// Who owes it: "all members", or the parties to a dispute.
    pub owed_by: Vec<StateCode>,
    /// What must happen before it runs (a request), and whether it has.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// What the text leaves to judgement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discretion: Option<String>,
    pub provision: String,
}

impl Obligation {
    /// Whether the obligation runs now: every condition met.
    pub fn active(&self) -> bool {
        self.conditions.iter().all(|c| c.met == Some(true))
    }
}

/// Why a situation is a casus foederis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// An armed attack on a member's recognised territory.
    AttackOnMemberTerritory,
    /// The attacked member invoked the clause and characterised the situation as
    /// aggression (unrest framed as outside interference); the text does not define
    /// aggression, so the characterisation is the member's and the council's.
    InvokedByRequester,
}

/// How a provision fared in the analysis.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Applies,
    NotApplicable,
    OverriddenBy { provision: String },
}

/// One link of the chain of reasoning: a provision, its citation and why it did
/// or did not apply.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    pub provision: String,
    pub instrument: String,
    pub article: String,
    pub wording: String,
    pub verbatim: bool,
    pub source: String,
    #[serde(flatten)]
    pub outcome: Outcome,
    pub reason: String,
}

/// What the treaty says about a situation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Determination {
    pub alliance: String,
    pub casus_foederis: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub casus_foederis_for: Option<StateCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<Basis>,
    /// Ids of the provisions that apply (not overridden), in file order.
    pub articles: Vec<String>,
    pub obligations: Vec<Obligation>,
    pub actions: Vec<ActionVerdict>,
    /// What the text leaves to the members' judgement, as returned by the rules.
    pub discretion: Vec<String>,
    /// Every provision relevant to the event, with its outcome and reason.
    pub chain: Vec<Step>,
    /// Procedural notes (decision rules, notice periods) from the provisions.
    pub notes: Vec<String>,
}

impl Determination {
    /// A determination of `alliance` in which nothing applies yet.
    pub fn empty(alliance: &str) -> Determination {
        Determination {
            alliance: alliance.to_string(),
            casus_foederis: false,
            casus_foederis_for: None,
            basis: None,
            articles: vec![],
            obligations: vec![],
            actions: vec![],
            discretion: vec![],
            chain: vec![],
            notes: vec![],
        }
    }

    /// The chain's step for `provision`, if the provision was relevant.
    pub fn step(&self, provision: &str) -> Option<&Step> {
        self.chain.iter().find(|s| s.provision == provision)
    }

    /// The verdict on `action` (merged over places, the first place wins).
    pub fn verdict(&self, action: Action) -> Option<&ActionVerdict> {
        self.actions.iter().find(|a| a.action == action)
    }

    /// Whether any active (all conditions met) obligation of `kind` exists.
    pub fn has_active(&self, kind: ObligationKind) -> bool {
        self.obligations
            .iter()
            .any(|o| o.kind == kind && o.active())
    }

    pub fn has(&self, kind: ObligationKind) -> bool {
        self.obligations.iter().any(|o| o.kind == kind)
    }
}

/// Two applicable provisions contradict each other and neither overrides the other.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error(
    "rule conflict in {alliance}: {first} and {second} give contradictory verdicts on {action:?} on the territory of {territory}; \
     declare which one overrides the other (`overrides = [..]`)"
)]
pub struct RuleConflict {
    pub alliance: String,
    pub first: String,
    pub second: String,
    pub action: Action,
    pub territory: StateCode,
}

/// The facts a determination is made on: the crisis, the request if any, the date.
#[derive(Clone, Copy, Debug)]
pub struct Situation<'a> {
    pub date: Date,
    pub crisis: &'a EventKind,
    /// The request (an [`EventKind::Request`]) made about the crisis, if any.
    pub request: Option<&'a EventKind>,
}

/// The request's fields, for convenience.
struct RequestView<'a> {
    requester: &'a str,
    to: &'a str,
    article: Option<&'a str>,
    formal: bool,
    territory_of: &'a str,
    unsc_mandate: bool,
}

fn request_view(ev: Option<&EventKind>) -> Option<RequestView<'_>> {
    match ev {
        Some(EventKind::Request {
            requester,
            to,
            article,
            formal,
            territory_of,
            unsc_mandate,
            ..
        }) => Some(RequestView {
            requester,
            to,
            article: article.as_deref(),
            formal: *formal,
            territory_of,
            unsc_mandate: *unsc_mandate,
        }),
        _ => None,
    }
}

/// An effect a provision has when it applies.
#[derive(Clone, Debug)]
enum Effect {
    CasusFoederis {
        member: StateCode,
        basis: Basis,
    },
    Obligation(Obligation),
    Verdict(ActionVerdict),
    Discretion(String),
    Note(String),
    /// Assistance runs only on the official request of the member it is owed
    /// to: the condition is attached to the assistance obligations, citing the
    /// provision, and `note` says whether the request was made.
    OnRequest {
        note: String,
    },
}

/// The context every rule reads.
struct Ctx<'a> {
    alliance: &'a Alliance,
    states: &'a BTreeMap<StateCode, State>,
    sit: Situation<'a>,
    request: Option<RequestView<'a>>,
}

impl<'a> Ctx<'a> {
    fn member(&self, s: &str) -> bool {
        self.alliance.is_member(s, self.sit.date)
    }

    /// Whether provision `p` protects `s`: a member, or a state designated
    /// under it (SEATO's Protocol states for Art. IV).
    fn covered(&self, p: &Provision, s: &str) -> bool {
        self.alliance.covers(&p.id, s, self.sit.date)
    }

    /// What an uncovered state is to provision `p`, for the chain's reasons:
    /// "not a member", unless the provision also reaches designated states.
    fn not_covered(&self, p: &Provision) -> String {
        if self
            .alliance
            .designated
            .iter()
            .any(|d| d.provisions.contains(&p.id))
        {
            format!(
                "neither a member nor a state designated under {}",
                p.article
            )
        } else {
            "not a member".into()
        }
    }

    /// A formal request to this alliance by `state`.
    fn formal_request_by(&self, state: &str) -> bool {
        self.request
            .as_ref()
            .is_some_and(|r| r.formal && r.requester == state && r.to == self.alliance.id)
    }

    /// The members taking part on the date (suspended members owe nothing while suspended).
    fn all_members(&self) -> Vec<StateCode> {
        self.alliance
            .members_on(self.sit.date)
            .into_iter()
            .filter(|m| self.alliance.is_participating(m, self.sit.date))
            .map(String::from)
            .collect()
    }

    /// Where collective forces would act: the request's territory, else the crisis's.
    fn theatre(&self) -> Option<&'a str> {
        if let Some(r) = &self.request {
            return Some(r.territory_of);
        }
        match self.sit.crisis {
            EventKind::ExternalAggression { territory_of, .. } => Some(territory_of),
            EventKind::Threat { target, .. } => Some(target),
            EventKind::InternalUnrest { state, .. } => Some(state),
            EventKind::IntraMemberConflict {
                parties,
                territory_of,
                ..
            } => Some(territory_of.as_deref().unwrap_or(&parties[0])),
            EventKind::OutOfAreaWar { territory_of, .. } => Some(territory_of),
            _ => None,
        }
    }

    /// The members (or states designated under `p`) whose security the
    /// crisis threatens, with the reason.
    fn threatened_members(&self, p: &Provision, stability: bool) -> Result<Vec<StateCode>, String> {
        match self.sit.crisis {
            EventKind::ExternalAggression { target, .. } => {
                if self.covered(p, target) {
                    Ok(vec![target.clone()])
                } else {
                    Err(format!(
                        "the state attacked ({target}) is {}",
                        self.not_covered(p)
                    ))
                }
            }
            EventKind::Threat { target, .. } => {
                if self.covered(p, target) {
                    Ok(vec![target.clone()])
                } else {
                    Err(format!(
                        "the state threatened ({target}) is {}",
                        self.not_covered(p)
                    ))
                }
            }
            EventKind::InternalUnrest {
                state,
                external_involvement,
                ..
            } => {
                if !self.covered(p, state) {
                    Err(format!("{state} is {}", self.not_covered(p)))
                } else if *external_involvement != Involvement::None || stability {
                    Ok(vec![state.clone()])
                } else {
                    Err(format!(
                        "purely domestic unrest in {state} threatens neither its security, territorial integrity nor \
                         sovereignty in the text's terms, and this version of the article does not cover stability"
                    ))
                }
            }
            EventKind::IntraMemberConflict { parties, .. } => {
                Ok(parties.iter().filter(|p| self.member(p)).cloned().collect())
            }
            EventKind::OutOfAreaWar {
                member, against, ..
            } => Err(format!(
                "{member} is the party using force, against {against}; no threat to a member's security, \
                 territorial integrity or sovereignty is established by the war itself"
            )),
            _ => Err("not a crisis".into()),
        }
    }
}

/// The result of evaluating one rule: `None` if the rule is irrelevant to the event.
type RuleResult = Option<(Outcome, String, Vec<Effect>)>;

fn applies(reason: impl Into<String>, effects: Vec<Effect>) -> RuleResult {
    Some((Outcome::Applies, reason.into(), effects))
}

fn not_applicable(reason: impl Into<String>) -> RuleResult {
    Some((Outcome::NotApplicable, reason.into(), vec![]))
}

fn eval_peaceful_settlement(ctx: &Ctx, p: &Provision) -> RuleResult {
    let parties: Option<[&str; 2]> = match ctx.sit.crisis {
        EventKind::IntraMemberConflict { parties, .. } => Some([&parties[0], &parties[1]]),
        EventKind::ExternalAggression {
            aggressor: Some(a),
            target,
            ..
        }
        // The members "restrain from threat or use of force" among themselves (CST Art. 1).
        | EventKind::Threat {
            from: Some(a),
            target,
            ..
        } => Some([a, target]),
        _ => None,
    };
    let [a, b] = parties?;
    if !(ctx.member(a) && ctx.member(b)) {
        return not_applicable(format!(
            "the conflict is not between two members ({a}: {}, {b}: {})",
            member_word(ctx.member(a)),
            member_word(ctx.member(b))
        ));
    }
    let owed_by = vec![a.to_string(), b.to_string()];
    applies(
        format!(
            "{a} and {b} are both members: the parties must abstain from force among themselves and settle the dispute peacefully"
        ),
        vec![
            Effect::Obligation(Obligation {
                kind: ObligationKind::PeacefulSettlement,
                owed_to: None,
                owed_by,
                conditions: vec![],
                discretion: None,
                provision: p.id.clone(),
            }),
            Effect::Verdict(ActionVerdict {
                action: Action::UseOfForceBetweenMembers,
                territory_of: b.to_string(),
                verdict: Verdict::Forbidden {
                    provision: p.id.clone(),
                },
            }),
        ],
    )
}

fn member_word(m: bool) -> &'static str {
    if m { "member" } else { "not a member" }
}

fn eval_consultation(
    ctx: &Ctx,
    p: &Provision,
    stability: bool,
    assistance_measures: bool,
) -> RuleResult {
    if !ctx.sit.crisis.is_crisis() {
        return None;
    }
    let threatened = match ctx.threatened_members(p, stability) {
        Ok(t) if !t.is_empty() => t,
        Ok(_) => return not_applicable("no member is threatened"),
        Err(why) => return not_applicable(why),
    };
    let mut effects = Vec::new();
    for m in &threatened {
        effects.push(Effect::Obligation(Obligation {
            kind: ObligationKind::Consult,
            owed_to: Some(m.clone()),
            owed_by: ctx.all_members(),
            conditions: vec![],
            discretion: None,
            provision: p.id.clone(),
        }));
        if assistance_measures {
            effects.push(Effect::Obligation(Obligation {
                kind: ObligationKind::Assist,
                owed_to: Some(m.clone()),
                owed_by: ctx.all_members(),
                conditions: vec![],
                discretion: Some(
                    "which measures of assistance: the text does not specify them".into(),
                ),
                provision: p.id.clone(),
            }));
        }
    }
    effects.push(Effect::Discretion(format!(
        "{}: the content and outcome of the consultations",
        p.article
    )));
    applies(
        format!(
            "a threat to the security{} of {} puts the mechanism of joint consultations into action{}",
            if stability { " or stability" } else { "" },
            threatened.join(" and "),
            if assistance_measures {
                ", with measures to assist"
            } else {
                ""
            }
        ),
        effects,
    )
}

/// Unrest in a member puts the matter before `organ` without a request: the
/// instruments let the organ take up "any significant conflict" (SADC
/// Protocol Art. 11(4)(b)), the Mechanism is activated on the initiative of
/// its own organs (ECOWAS Mechanism Art. 26). Whether the conflict is
/// significant enough is the organ's judgement, which the members' decisions
/// model (the crisis's severity is one of their terms), not a threshold here.
/// A seizure of power is one such conflict (SADC Art. 11(2)(b), ECOWAS
/// Art. 25(e)); its rulers do not ask. Every other crisis is none of this
/// rule's business.
fn eval_own_initiative(ctx: &Ctx, p: &Provision, organ: &str) -> RuleResult {
    let EventKind::InternalUnrest { state, seizure, .. } = ctx.sit.crisis else {
        return None;
    };
    if !ctx.member(state) {
        return not_applicable(format!("{state} is not a member"));
    }
    let why = if *seizure {
        format!(
            "power was seized in {state}: the {organ} may take the matter up on its own initiative, \
             without a request from those who now rule there"
        )
    } else {
        format!(
            "unrest in {state}: the {organ} may take the matter up on its own initiative if {state} \
             does not ask for help"
        )
    };
    applies(
        why,
        vec![
            Effect::Obligation(Obligation {
                kind: ObligationKind::OwnInitiative,
                owed_to: Some(state.clone()),
                owed_by: ctx.all_members(),
                conditions: vec![],
                discretion: Some(format!(
                    "{}: whether and how the {organ} acts (mediation, sanctions, forces where permitted)",
                    p.article
                )),
                provision: p.id.clone(),
            }),
            Effect::Discretion(format!(
                "{}: whether the {organ} takes the matter up, and what it decides",
                p.article
            )),
        ],
    )
}

fn region_in_area(ctx: &Ctx, area: Option<&str>, territory: &str) -> Result<(), String> {
    let Some(area_id) = area else { return Ok(()) };
    let Some(area_p) = ctx.alliance.provision(area_id) else {
        return Err(format!("the treaty area provision {area_id} is missing"));
    };
    let Rule::TreatyArea { regions, states } = &area_p.rule else {
        return Err(format!("{area_id} does not define a treaty area"));
    };
    if states.iter().any(|s| s == territory) {
        return Ok(());
    }
    match ctx.states.get(territory).map(|s| s.region) {
        Some(r) if regions.contains(&r) => Ok(()),
        Some(r) => Err(format!(
            "the territory of {territory} ({r:?}) lies outside the treaty area defined by {}",
            area_p.article
        )),
        None if !states.is_empty() => Err(format!(
            "the territory of {territory} is not among the territories named by {}",
            area_p.article
        )),
        None => Err(format!("the region of {territory} is unknown")),
    }
}

fn eval_collective_defence(
    ctx: &Ctx,
    p: &Provision,
    scope: AggressorScope,
    area: Option<&str>,
    discretion: &str,
    report: bool,
) -> RuleResult {
    let invoked = ctx
        .request
        .as_ref()
        .is_some_and(|r| r.article == Some(p.id.as_str()));
    let (member, basis, attacker): (String, Basis, String) = match ctx.sit.crisis {
        EventKind::ExternalAggression {
            aggressor,
            aggressor_non_state,
            target,
            territory_of,
            ..
        } => {
            if !ctx.covered(p, target) {
                return not_applicable(format!(
                    "the state attacked ({target}) is {}",
                    ctx.not_covered(p)
                ));
            }
            if territory_of != target {
                return not_applicable(format!(
                    "the fighting is on the recognised territory of {territory_of}, not of the member {target}: \
                     an attack outside a member's recognised territory is not an attack on the member"
                ));
            }
            if let Err(why) = region_in_area(ctx, area, territory_of) {
                return not_applicable(why);
            }
            let attacker = match (aggressor, aggressor_non_state) {
                (Some(a), _) => a.clone(),
                (None, Some(n)) => {
                    if scope == AggressorScope::States {
                        return not_applicable(format!(
                            "the attacker ({n}) is not a state; the article covers aggression by a state or group of states"
                        ));
                    }
                    n.clone()
                }
                (None, None) => "an unidentified attacker".into(),
            };
            (target.clone(), Basis::AttackOnMemberTerritory, attacker)
        }
        EventKind::InternalUnrest {
            state,
            external_involvement,
            ..
        } => {
            if !ctx.covered(p, state) {
                return not_applicable(format!("{state} is {}", ctx.not_covered(p)));
            }
            if !invoked || !ctx.formal_request_by(state) {
                return not_applicable(format!(
                    "unrest in {state} is not an armed attack by a state unless {state} invokes {} and characterises it as aggression",
                    p.article
                ));
            }
            if *external_involvement == Involvement::None {
                return not_applicable(format!(
                    "{state} invoked {} but claims no outside involvement: domestic unrest is not aggression",
                    p.article
                ));
            }
            (
                state.clone(),
                Basis::InvokedByRequester,
                "outside forces (as characterised by the requester)".into(),
            )
        }
        EventKind::IntraMemberConflict {
            parties,
            territory_of,
            ..
        } => {
            let (on, other) = crate::event::conflict_sides(parties, territory_of);
            if !ctx.member(&on) {
                return not_applicable(format!(
                    "the fighting is not on a member's territory ({on})"
                ));
            }
            (on.clone(), Basis::AttackOnMemberTerritory, other.clone())
        }
        EventKind::Threat { target, .. } => {
            return not_applicable(format!(
                "{target} is threatened, not attacked: the article answers an act of aggression, and none has \
                 taken place; a threat is a matter for consultations"
            ));
        }
        EventKind::OutOfAreaWar {
            member,
            against,
            territory_of,
            ..
        } => {
            if ctx.member(territory_of) {
                // A war fought on a member's soil is analysed as aggression by the scenario author.
                return not_applicable(format!(
                    "{member}'s war is fought on member territory ({territory_of}); describe attacks on it as external_aggression"
                ));
            }
            return not_applicable(format!(
                "{member} is using force against {against}, a non-member, on {territory_of}'s territory: \
                 no member is the object of aggression"
            ));
        }
        _ => return None,
    };
    let mut effects = vec![Effect::CasusFoederis {
        member: member.clone(),
        basis,
    }];
    let others: Vec<StateCode> = ctx
        .all_members()
        .into_iter()
        .filter(|m| *m != member)
        .collect();
    effects.push(Effect::Obligation(Obligation {
        kind: ObligationKind::CollectiveDefence,
        owed_to: Some(member.clone()),
        owed_by: others.clone(),
        conditions: vec![],
        discretion: Some(discretion.to_string()),
        provision: p.id.clone(),
    }));
    effects.push(Effect::Discretion(format!("{}: {discretion}", p.article)));
    if report {
        effects.push(Effect::Obligation(Obligation {
            kind: ObligationKind::ReportToUnsc,
            owed_to: None,
            owed_by: others,
            conditions: vec![],
            discretion: None,
            provision: p.id.clone(),
        }));
    }
    let reason = match basis {
        Basis::AttackOnMemberTerritory if !ctx.member(&member) => format!(
            "an attack by {attacker} on the territory of {member}, a state designated under {}, engages every member",
            p.article
        ),
        Basis::AttackOnMemberTerritory => format!(
            "an attack by {attacker} on the recognised territory of the member {member} is an attack on all members"
        ),
        Basis::InvokedByRequester => format!(
            "{member} invoked {} and characterises the unrest as aggression by {attacker}; the text does not define \
             aggression, so the characterisation stands as the member's, open to the council's judgement",
            p.article
        ),
    };
    applies(reason, effects)
}

fn eval_treaty_area(ctx: &Ctx, p: &Provision) -> RuleResult {
    let EventKind::ExternalAggression { territory_of, .. } = ctx.sit.crisis else {
        return None;
    };
    match region_in_area(ctx, Some(&p.id), territory_of) {
        Ok(()) => applies(
            format!("the territory of {territory_of} lies within the treaty area"),
            vec![],
        ),
        Err(why) => not_applicable(why),
    }
}

fn eval_assistance_on_request(ctx: &Ctx, p: &Provision, substantive: &[Effect]) -> RuleResult {
    let helped: Vec<&Obligation> = substantive
        .iter()
        .filter_map(|e| match e {
            Effect::Obligation(o)
                if matches!(
                    o.kind,
                    ObligationKind::CollectiveDefence | ObligationKind::Assist
                ) =>
            {
                Some(o)
            }
            _ => None,
        })
        .collect();
    let Some(first) = helped.first() else {
        return if ctx.sit.crisis.is_crisis() {
            not_applicable("no obligation of assistance arises")
        } else {
            None
        };
    };
    let member = first.owed_to.clone().unwrap_or_default();
    let met = ctx.formal_request_by(&member);
    applies(
        if met {
            format!(
                "{member} has made an official request: collective assistance may be set in motion"
            )
        } else {
            format!(
                "collective assistance runs only on an official request of {member}, and none has been made"
            )
        },
        vec![Effect::OnRequest {
            note: format!(
                "{}: assistance to {member} requires its official request ({})",
                p.article,
                if met { "made" } else { "not made" }
            ),
        }],
    )
}

fn eval_force_decision(ctx: &Ctx, p: &Provision, organ: &str) -> RuleResult {
    if !ctx.sit.crisis.is_crisis() {
        return None;
    }
    let theatre = ctx.theatre()?;
    let cond = Condition {
        requirement: Requirement::DecisionOf {
            organ: organ.into(),
        },
        met: None,
        provision: p.id.clone(),
    };
    let verdicts = forces_permitted(theatre, cond);
    applies(
        format!("the use of collective forces is decided by the {organ}"),
        verdicts,
    )
}

/// Collective forces (a deployment or peacekeepers) permitted on `theatre`'s
/// territory under `cond`.
fn forces_permitted(theatre: &str, cond: Condition) -> Vec<Effect> {
    [Action::Deployment, Action::Peacekeeping]
        .into_iter()
        .map(|action| {
            Effect::Verdict(ActionVerdict {
                action,
                territory_of: theatre.to_string(),
                verdict: Verdict::Permitted {
                    conditions: vec![cond.clone()],
                },
            })
        })
        .collect()
}

fn eval_consent_of_host(ctx: &Ctx, p: &Provision) -> RuleResult {
    if !ctx.sit.crisis.is_crisis() {
        return None;
    }
    let theatre = ctx.theatre()?;
    if !ctx.covered(p, theatre) {
        return not_applicable(format!(
            "{theatre} is {}: its consent rule does not govern",
            ctx.not_covered(p)
        ));
    }
    let met = ctx.formal_request_by(theatre);
    let cond = Condition {
        requirement: Requirement::RequestOf {
            state: theatre.to_string(),
        },
        met: Some(met),
        provision: p.id.clone(),
    };
    let verdicts = forces_permitted(theatre, cond);
    applies(
        if met {
            format!(
                "{theatre} officially requested help: forces may be sent to its territory on the council's decision"
            )
        } else {
            format!(
                "no forces may be sent to {theatre}'s territory without its official request, and none has been made"
            )
        },
        verdicts,
    )
}

fn eval_out_of_area(
    ctx: &Ctx,
    p: &Provision,
    requires: OutOfAreaRequirement,
    action: Action,
) -> RuleResult {
    if !ctx.sit.crisis.is_crisis() {
        return None;
    }
    let theatre = ctx.theatre()?;
    if ctx.member(theatre) {
        return not_applicable(format!(
            "{theatre} is a member: the operation would be inside the members' territory"
        ));
    }
    let (requirement, met, reason) = match requires {
        OutOfAreaRequirement::UnscDecision => {
            let m = ctx.request.as_ref().is_some_and(|r| r.unsc_mandate);
            (
                Requirement::UnscDecision,
                Some(m),
                format!(
                    "{theatre} is not a member: {action:?} there needs a UN Security Council decision ({})",
                    if m { "given" } else { "none given" }
                ),
            )
        }
        OutOfAreaRequirement::UnCharter => (
            Requirement::UnCharterConformity,
            None,
            format!(
                "{theatre} is not a member: forces may be used there only in the interests of international security, \
                 in accordance with the UN Charter, a judgement left to the members"
            ),
        ),
    };
    applies(
        reason,
        vec![Effect::Verdict(ActionVerdict {
            action,
            territory_of: theatre.to_string(),
            verdict: Verdict::Permitted {
                conditions: vec![Condition {
                    requirement,
                    met,
                    provision: p.id.clone(),
                }],
            },
        })],
    )
}

fn eval_council_procedure(ctx: &Ctx, p: &Provision, organ_id: &str) -> RuleResult {
    let relevant = match ctx.sit.crisis {
        EventKind::Summit { organ, .. } => organ == organ_id,
        k => k.is_crisis(),
    };
    if !relevant {
        return None;
    }
    let rule = match ctx.alliance.organ(organ_id).map(|o| &o.rule) {
        Some(crate::alliance::DecisionRule::Consensus {
            limited_format: true,
        }) => {
            "consensus: a formal objection by any member blocks; a member may abstain and let the decision pass in a limited format"
        }
        Some(crate::alliance::DecisionRule::Consensus {
            limited_format: false,
        }) => "consensus: every member must agree",
        Some(crate::alliance::DecisionRule::Majority { .. }) => "majority vote",
        None => "unknown organ",
    };
    applies(
        format!("the {organ_id} decides by {rule}"),
        vec![Effect::Note(format!(
            "{} ({}): {rule}",
            organ_id, p.article
        ))],
    )
}

fn eval_withdrawal(ctx: &Ctx, p: &Provision, months: u32) -> RuleResult {
    let EventKind::Membership { state, change } = ctx.sit.crisis else {
        return None;
    };
    match change {
        MembershipChange::WithdrawalNotice => {
            let effective = ctx.sit.date.plus_months(months);
            applies(
                format!(
                    "{state}'s notice of withdrawal takes effect after {months} months, on {effective}"
                ),
                vec![Effect::Note(format!(
                    "{}: withdrawal of {state} effective {effective}",
                    p.article
                ))],
            )
        }
        MembershipChange::Freeze => not_applicable(format!(
            "a unilateral \"freeze\" is not a withdrawal and the texts provide for none: {state} remains a member with all rights and obligations"
        )),
        _ => None,
    }
}

fn eval(ctx: &Ctx, p: &Provision, substantive: &[Effect]) -> RuleResult {
    match &p.rule {
        Rule::PeacefulSettlement => eval_peaceful_settlement(ctx, p),
        Rule::Consultation {
            stability,
            assistance_measures,
        } => eval_consultation(ctx, p, *stability, *assistance_measures),
        Rule::CollectiveDefence {
            aggressor,
            area,
            discretion,
            report_to_unsc,
        } => eval_collective_defence(
            ctx,
            p,
            *aggressor,
            area.as_deref(),
            discretion,
            *report_to_unsc,
        ),
        Rule::TreatyArea { .. } => eval_treaty_area(ctx, p),
        Rule::OwnInitiative { organ } => eval_own_initiative(ctx, p, organ),
        Rule::AssistanceOnRequest => eval_assistance_on_request(ctx, p, substantive),
        Rule::ForceDecision { organ } => eval_force_decision(ctx, p, organ),
        Rule::ConsentOfHost => eval_consent_of_host(ctx, p),
        Rule::OutOfArea { requires, action } => eval_out_of_area(ctx, p, *requires, *action),
        Rule::CouncilProcedure { organ } => eval_council_procedure(ctx, p, organ),
        Rule::ThirdCountryBases => None,
        Rule::Withdrawal { notice_months } => eval_withdrawal(ctx, p, *notice_months),
    }
}

/// Procedural rules read what the substantive rules found, so they run second.
fn is_procedural(r: &Rule) -> bool {
    matches!(r, Rule::AssistanceOnRequest)
}

/// Analyse a situation under the alliance's provisions in force on its date.
pub fn determine(
    alliance: &Alliance,
    states: &BTreeMap<StateCode, State>,
    sit: Situation<'_>,
) -> Result<Determination, RuleConflict> {
    let ctx = Ctx {
        alliance,
        states,
        sit,
        request: request_view(sit.request),
    };
    let in_force: Vec<&Provision> = alliance.provisions_in_force(sit.date).collect();
    // Evaluate: substantive rules first, procedural ones with the substantive effects.
    let mut results: Vec<(&Provision, Outcome, String, Vec<Effect>)> = Vec::new();
    for p in in_force.iter().filter(|p| !is_procedural(&p.rule)) {
        if let Some((o, r, e)) = eval(&ctx, p, &[]) {
            results.push((p, o, r, e));
        }
    }
    // Exceptions: an applicable provision sets aside the ones it overrides.
    let applying: Vec<(String, Vec<String>)> = results
        .iter()
        .filter(|(_, o, _, _)| *o == Outcome::Applies)
        .map(|(p, _, _, _)| (p.id.clone(), p.overrides.clone()))
        .collect();
    for (p, outcome, _, effects) in results.iter_mut() {
        if *outcome != Outcome::Applies {
            continue;
        }
        if let Some((by, _)) = applying.iter().find(|(_, ov)| ov.contains(&p.id)) {
            *outcome = Outcome::OverriddenBy {
                provision: by.clone(),
            };
            effects.clear();
        }
    }
    let substantive: Vec<Effect> = results.iter().flat_map(|r| r.3.iter().cloned()).collect();
    for p in in_force.iter().filter(|p| is_procedural(&p.rule)) {
        if let Some((o, r, e)) = eval(&ctx, p, &substantive) {
            results.push((p, o, r, e));
        }
    }
    // Keep file order in the chain.
    let order: BTreeMap<&str, usize> = alliance
        .provisions
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    results.sort_by_key(|r| order.get(r.0.id.as_str()).copied().unwrap_or(usize::MAX));
    assemble(alliance, &ctx, results)
}

fn assemble(
    alliance: &Alliance,
    ctx: &Ctx,
    results: Vec<(&Provision, Outcome, String, Vec<Effect>)>,
) -> Result<Determination, RuleConflict> {
    let mut det = Determination::empty(&alliance.id);
    // Which provision produced each verdict, to name both sides of a conflict.
    let mut verdict_from: Vec<String> = Vec::new();
    // The provision that makes assistance run on request, if one applied.
    let mut on_request: Option<String> = None;
    for (p, outcome, reason, effects) in results {
        if outcome == Outcome::Applies {
            det.articles.push(p.id.clone());
        }
        for e in effects {
            match e {
                Effect::CasusFoederis { member, basis } => {
                    det.casus_foederis = true;
                    det.casus_foederis_for.get_or_insert(member);
                    det.basis.get_or_insert(basis);
                }
                Effect::Obligation(o) => det.obligations.push(o),
                Effect::Verdict(v) => {
                    merge_verdict(&mut det.actions, &mut verdict_from, v, &p.id, alliance)?
                }
                Effect::Discretion(d) => det.discretion.push(d),
                Effect::Note(n) => det.notes.push(n),
                Effect::OnRequest { note } => {
                    det.notes.push(note);
                    on_request.get_or_insert_with(|| p.id.clone());
                }
            }
        }
        det.chain.push(Step {
            provision: p.id.clone(),
            instrument: p.instrument.clone(),
            article: p.article.clone(),
            wording: p.wording.clone(),
            verbatim: p.verbatim,
            source: p.source.clone(),
            outcome,
            reason,
        });
    }
    // Assistance on request: attach the request condition to the assistance obligations.
    if let Some(cite) = on_request {
        for o in det.obligations.iter_mut() {
            if matches!(
                o.kind,
                ObligationKind::CollectiveDefence | ObligationKind::Assist
            ) && let Some(m) = o.owed_to.clone()
            {
                o.conditions.push(Condition {
                    requirement: Requirement::RequestOf { state: m.clone() },
                    met: Some(ctx.formal_request_by(&m)),
                    provision: cite.clone(),
                });
            }
        }
    }
    Ok(det)
}

fn merge_verdict(
    actions: &mut Vec<ActionVerdict>,
    from: &mut Vec<String>,
    v: ActionVerdict,
    provision: &str,
    alliance: &Alliance,
) -> Result<(), RuleConflict> {
    let idx = actions
        .iter()
        .position(|a| a.action == v.action && a.territory_of == v.territory_of);
    let Some(i) = idx else {
        actions.push(v);
        from.push(provision.to_string());
        return Ok(());
    };
    let existing = &mut actions[i];
    match (&mut existing.verdict, v.verdict) {
        (Verdict::Permitted { conditions }, Verdict::Permitted { conditions: more }) => {
            for c in more {
                if !conditions.contains(&c) {
                    conditions.push(c);
                }
            }
            Ok(())
        }
        (Verdict::Forbidden { .. }, Verdict::Forbidden { .. }) => Ok(()),
        _ => Err(RuleConflict {
            alliance: alliance.id.clone(),
            first: from[i].clone(),
            second: provision.to_string(),
            action: v.action,
            territory: v.territory_of,
        }),
    }
}

/// Checks an alliance's provisions for structural errors: duplicate ids, two
/// versions of one article in force at once, dangling references.
pub fn check_provisions(alliance: &Alliance) -> Vec<String> {
    let mut errors = Vec::new();
    for (i, p) in alliance.provisions.iter().enumerate() {
        if alliance.provisions[..i].iter().any(|q| q.id == p.id) {
            errors.push(format!("provision id {} appears twice", p.id));
        }
        if !alliance
            .instruments
            .iter()
            .any(|ins| ins.id == p.instrument)
        {
            errors.push(format!(
                "provision {} names unknown instrument {}",
                p.id, p.instrument
            ));
        }
        for q in &alliance.provisions[..i] {
            if q.instrument == p.instrument
                && q.article == p.article
                && q.in_force.overlaps(&p.in_force)
            {
                errors.push(format!(
                    "rule conflict: {} and {} are two versions of {} {} in force at the same time; make their in_force intervals disjoint",
                    q.id, p.id, p.instrument, p.article
                ));
            }
        }
        for o in &p.overrides {
            if alliance.provision(o).is_none() {
                errors.push(format!(
                    "provision {} overrides unknown provision {o}",
                    p.id
                ));
            }
        }
        if let Rule::CollectiveDefence { area: Some(a), .. } = &p.rule
            && !matches!(
                alliance.provision(a).map(|x| &x.rule),
                Some(Rule::TreatyArea { .. })
            )
        {
            errors.push(format!(
                "provision {} names {a} as its treaty area, which is not a treaty_area rule",
                p.id
            ));
        }
        if let Rule::ForceDecision { organ } | Rule::CouncilProcedure { organ } = &p.rule
            && alliance.organ(organ).is_none()
        {
            errors.push(format!("provision {} names unknown organ {organ}", p.id));
        }
    }
    errors
}
