//! The five places an LSTM cell applies an activation, in one table: each site's name, label,
//! symbol, PyTorch gate block and traced quantities. Everything that lists sites (the controls,
//! the CLI flags, the trace report, the charts, the trainer's mask) reads this table.

use crate::activation::{Activation, UnknownActivation};
use crate::quantity::Quantity;
use serde::Serialize;

/// The four gate blocks of PyTorch's weight matrices, in PyTorch's order (`weight_ih_l0` rows
/// 0..H are i, H..2H are f, then g, then o).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Gate {
    Input = 0,
    Forget = 1,
    Candidate = 2,
    Output = 3,
}

impl Gate {
    pub const ALL: [Gate; 4] = [Gate::Input, Gate::Forget, Gate::Candidate, Gate::Output];

    /// The site whose activation this block's pre-activation goes through.
    #[must_use]
    pub fn site(self) -> Site {
        match self {
            Gate::Input => Site::Input,
            Gate::Forget => Site::Forget,
            Gate::Candidate => Site::Candidate,
            Gate::Output => Site::Output,
        }
    }

    /// The activation the configuration applies to this block.
    #[must_use]
    pub fn activation(self, acts: &Activations) -> Activation {
        acts.get(self.site())
    }
}

/// One activation site of the cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Site {
    Forget,
    Input,
    Output,
    Candidate,
    CellOutput,
    /// The GRU's (PyTorch's names: reset, update, new).
    Reset,
    Update,
    New,
    /// The minimal cells' candidate h̃ = Lin_h(x) (Feng et al. 2024: no activation, identity).
    HiddenCandidate,
}

/// What the table knows about a site.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct SiteInfo {
    #[serde(skip)]
    pub site: Site,
    /// The name in URLs, on the command line and in JSON: `forget`, `cell_output`, ...
    pub name: &'static str,
    /// The control's label.
    pub label: &'static str,
    /// A short caption for chart titles: "forget gate", "cell output".
    pub caption: &'static str,
    /// The symbol of its output in formulas and in the trace: `f`, `i`, `o`, `g`, `cell_out`.
    pub symbol: &'static str,
    /// The PyTorch gate block it activates (None for the cell output, which activates c).
    #[serde(skip)]
    pub gate: Option<Gate>,
    /// The traced quantity that goes in (its pre-activation, or c for the cell output).
    #[serde(serialize_with = "quantity_name")]
    pub input: Quantity,
    /// The traced quantity that comes out.
    #[serde(serialize_with = "quantity_name")]
    pub output: Quantity,
    /// The standard LSTM's activation here.
    #[serde(serialize_with = "activation_name")]
    pub standard: Activation,
    /// The gate value this site can follow instead ("coupled": 1 − that value), if any: the
    /// forget gate can be 1 − i (CIFG).
    #[serde(serialize_with = "optional_quantity_name")]
    pub coupled_to: Option<Quantity>,
}

// serde's `serialize_with` hands the field by reference.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn quantity_name<S: serde::Serializer>(q: &Quantity, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(q.name())
}

#[allow(clippy::trivially_copy_pass_by_ref, clippy::ref_option)]
fn optional_quantity_name<S: serde::Serializer>(q: &Option<Quantity>, s: S) -> Result<S::Ok, S::Error> {
    match q {
        Some(q) => s.serialize_str(q.name()),
        None => s.serialize_none(),
    }
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn activation_name<S: serde::Serializer>(a: &Activation, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&a.name())
}

/// Every site, in the order the controls, the CLI and the trace report list them: the three
/// gates, then the candidate and the cell output.
pub const SITES: [SiteInfo; 9] = [
    SiteInfo {
        site: Site::Forget,
        name: "forget",
        label: "Forget gate f",
        caption: "forget gate",
        symbol: "f",
        gate: Some(Gate::Forget),
        input: Quantity::PreForget,
        output: Quantity::Forget,
        standard: Activation::Sigmoid,
        coupled_to: Some(Quantity::Input),
    },
    SiteInfo {
        site: Site::Input,
        name: "input",
        label: "Input gate i",
        caption: "input gate",
        symbol: "i",
        gate: Some(Gate::Input),
        input: Quantity::PreInput,
        output: Quantity::Input,
        standard: Activation::Sigmoid,
        coupled_to: None,
    },
    SiteInfo {
        site: Site::Output,
        name: "output",
        label: "Output gate o",
        caption: "output gate",
        symbol: "o",
        gate: Some(Gate::Output),
        input: Quantity::PreOutput,
        output: Quantity::Output,
        standard: Activation::Sigmoid,
        coupled_to: None,
    },
    SiteInfo {
        site: Site::Candidate,
        name: "candidate",
        label: "Candidate g",
        caption: "candidate",
        symbol: "g",
        gate: Some(Gate::Candidate),
        input: Quantity::PreCandidate,
        output: Quantity::Candidate,
        standard: Activation::Tanh,
        coupled_to: None,
    },
    SiteInfo {
        site: Site::CellOutput,
        name: "cell_output",
        label: "Cell output (of c)",
        caption: "cell output",
        symbol: "cell_out",
        gate: None,
        input: Quantity::Cell,
        output: Quantity::CellOutput,
        standard: Activation::Tanh,
        coupled_to: None,
    },
    SiteInfo {
        site: Site::Reset,
        name: "reset",
        label: "Reset gate r",
        caption: "reset gate",
        symbol: "r",
        gate: None,
        input: Quantity::PreReset,
        output: Quantity::Reset,
        standard: Activation::Sigmoid,
        coupled_to: None,
    },
    SiteInfo {
        site: Site::Update,
        name: "update",
        label: "Update gate z",
        caption: "update gate",
        symbol: "z",
        gate: None,
        input: Quantity::PreUpdate,
        output: Quantity::Update,
        standard: Activation::Sigmoid,
        coupled_to: None,
    },
    SiteInfo {
        site: Site::New,
        name: "new",
        label: "New gate n",
        caption: "new gate",
        symbol: "n",
        gate: None,
        input: Quantity::PreNew,
        output: Quantity::New,
        standard: Activation::Tanh,
        coupled_to: None,
    },
    SiteInfo {
        site: Site::HiddenCandidate,
        name: "hidden_candidate",
        label: "Candidate h̃",
        caption: "candidate h̃",
        symbol: "h_tilde",
        gate: None,
        input: Quantity::PreHiddenCandidate,
        output: Quantity::HiddenCandidate,
        standard: Activation::Identity,
        coupled_to: None,
    },
];

/// The LSTM's sites and the GRU's, in the order their controls list them.
pub const LSTM_SITES: [Site; 5] = [Site::Forget, Site::Input, Site::Output, Site::Candidate, Site::CellOutput];
pub const GRU_SITES: [Site; 3] = [Site::Reset, Site::Update, Site::New];
/// The sLSTM's: its candidate and output gate, shared with the LSTM (its input and forget gates
/// have fixed functions, which its normaliser depends on).
pub const SLSTM_SITES: [Site; 2] = [Site::Output, Site::Candidate];
/// The minimal cells': minGRU's update gate z and minLSTM's forget and input gates (shared with
/// the GRU and the LSTM), and their candidate h̃.
pub const MINGRU_SITES: [Site; 2] = [Site::Update, Site::HiddenCandidate];
pub const MINLSTM_SITES: [Site; 3] = [Site::Forget, Site::Input, Site::HiddenCandidate];

impl Site {
    pub const ALL: [Site; 9] = [
        Site::Forget,
        Site::Input,
        Site::Output,
        Site::Candidate,
        Site::CellOutput,
        Site::Reset,
        Site::Update,
        Site::New,
        Site::HiddenCandidate,
    ];

    /// This site's row of [`SITES`].
    #[must_use]
    pub fn info(self) -> &'static SiteInfo {
        &SITES[self as usize]
    }

    /// The name used in URLs and on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The site named `name` (`cell-output` is read as `cell_output`).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Site> {
        let name = name.replace('-', "_");
        SITES.iter().find(|s| s.name == name).map(|s| s.site)
    }

    /// Whether this site can take `activation`: every site takes every function; only a site
    /// with a gate to follow takes "coupled".
    #[must_use]
    pub fn allows(self, activation: Activation) -> bool {
        activation != Activation::Coupled || self.info().coupled_to.is_some()
    }

    /// [`Site::allows`], as a message naming what is wrong.
    pub fn check(self, activation: Activation) -> Result<(), String> {
        if self.allows(activation) {
            return Ok(());
        }
        let takers: Vec<&str> = SITES.iter().filter(|s| s.coupled_to.is_some()).map(|s| s.name).collect();
        Err(format!("{activation} is only for the {} site, not {}", takers.join(" and "), self.name()))
    }
}

/// One activation per site. A swap changes only this; the weights stay as they are.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Activations {
    pub forget: Activation,
    pub input: Activation,
    pub output: Activation,
    pub candidate: Activation,
    pub cell_output: Activation,
    pub reset: Activation,
    pub update: Activation,
    pub new: Activation,
    pub hidden_candidate: Activation,
}

impl Default for Activations {
    /// The standard LSTM: each site's `standard` in the site table (sigmoid gates, tanh
    /// candidate and cell output).
    fn default() -> Self {
        Activations::from_fn(|site| site.info().standard)
    }
}

impl Activations {
    /// Every gate (forget, input, output) set to `gate`; candidate and cell output stay tanh.
    #[must_use]
    pub fn with_gates(gate: Activation) -> Self {
        Activations { forget: gate, input: gate, output: gate, ..Activations::default() }
    }

    /// One activation per site, from a function of the site.
    pub fn from_fn(mut f: impl FnMut(Site) -> Activation) -> Self {
        Activations {
            forget: f(Site::Forget),
            input: f(Site::Input),
            output: f(Site::Output),
            candidate: f(Site::Candidate),
            cell_output: f(Site::CellOutput),
            reset: f(Site::Reset),
            update: f(Site::Update),
            new: f(Site::New),
            hidden_candidate: f(Site::HiddenCandidate),
        }
    }

    #[must_use]
    pub fn get(&self, site: Site) -> Activation {
        match site {
            Site::Forget => self.forget,
            Site::Input => self.input,
            Site::Output => self.output,
            Site::Candidate => self.candidate,
            Site::CellOutput => self.cell_output,
            Site::Reset => self.reset,
            Site::Update => self.update,
            Site::New => self.new,
            Site::HiddenCandidate => self.hidden_candidate,
        }
    }

    pub fn set(&mut self, site: Site, activation: Activation) {
        let slot = match site {
            Site::Forget => &mut self.forget,
            Site::Input => &mut self.input,
            Site::Output => &mut self.output,
            Site::Candidate => &mut self.candidate,
            Site::CellOutput => &mut self.cell_output,
            Site::Reset => &mut self.reset,
            Site::Update => &mut self.update,
            Site::New => &mut self.new,
            Site::HiddenCandidate => &mut self.hidden_candidate,
        };
        *slot = activation;
    }

    /// Each site with its activation, in the site table's order.
    pub fn iter(&self) -> impl Iterator<Item = (Site, Activation)> + '_ {
        Site::ALL.into_iter().map(|s| (s, self.get(s)))
    }

    /// Sets the sites named in `pairs` (site name, activation name), naming the first bad one.
    pub fn with_names<'a>(mut self, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, String> {
        for (site, name) in pairs {
            let site = Site::from_name(site).ok_or_else(|| format!("unknown site {site:?}"))?;
            let activation = name.parse().map_err(|e: UnknownActivation| e.to_string())?;
            site.check(activation)?;
            self.set(site, activation);
        }
        Ok(self)
    }
}

/// The activations of some sites only (a cell design's), serialised as [`Activations`] is.
#[derive(Clone, Copy, Debug)]
pub struct SitesOf<'a> {
    pub acts: &'a Activations,
    pub sites: &'a [Site],
}

impl SitesOf<'_> {
    /// The same as owned (site name, activation name) pairs, in the sites' order.
    #[must_use]
    pub fn named(&self) -> NamedActivations {
        NamedActivations(self.sites.iter().map(|&s| (s.name(), self.acts.get(s).name())).collect())
    }
}

/// (site name, activation name) pairs, serialised as a map in their order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedActivations(pub Vec<(&'static str, String)>);

impl NamedActivations {
    /// The activation named for `site`, if it is listed.
    #[must_use]
    pub fn get(&self, site: &str) -> Option<&str> {
        self.0.iter().find(|(s, _)| *s == site).map(|(_, a)| a.as_str())
    }
}

impl serde::Serialize for NamedActivations {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

impl serde::Serialize for SitesOf<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.sites.len()))?;
        for &site in self.sites {
            map.serialize_entry(site.name(), &self.acts.get(site).name())?;
        }
        map.end()
    }
}

/// Activations serialise as a map from site name to activation name, in the site table's order.
impl serde::Serialize for Activations {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(Site::ALL.len()))?;
        for (site, act) in self.iter() {
            map.serialize_entry(site.name(), &act.name())?;
        }
        map.end()
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // tests compare exactly on purpose
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_enum_order_and_consistent() {
        for (k, info) in SITES.iter().enumerate() {
            assert_eq!(info.site as usize, k, "{}", info.name);
            assert_eq!(Site::ALL[k], info.site);
            assert_eq!(Site::from_name(info.name), Some(info.site));
            assert_eq!(info.output.name(), info.symbol);
            if let Some(gate) = info.gate {
                assert_eq!(gate.site(), info.site);
            }
        }
        assert_eq!(Site::from_name("cell-output"), Some(Site::CellOutput));
        assert_eq!(Site::from_name("gate"), None);
        // Every PyTorch block belongs to exactly one site.
        for gate in Gate::ALL {
            assert_eq!(SITES.iter().filter(|s| s.gate == Some(gate)).count(), 1);
        }
    }

    #[test]
    fn standard_activations_and_names() {
        let standard = Activations {
            forget: Activation::Sigmoid,
            input: Activation::Sigmoid,
            output: Activation::Sigmoid,
            candidate: Activation::Tanh,
            cell_output: Activation::Tanh,
            reset: Activation::Sigmoid,
            update: Activation::Sigmoid,
            new: Activation::Tanh,
            hidden_candidate: Activation::Identity,
        };
        assert_eq!(Activations::default(), standard);
        let relu = Activations::default().with_names([("candidate", "relu"), ("cell-output", "none")]).unwrap();
        assert_eq!((relu.reset, relu.update, relu.new), (Activation::Sigmoid, Activation::Sigmoid, Activation::Tanh));
        assert_eq!((relu.candidate, relu.cell_output), (Activation::Relu, Activation::Removed));
        assert!(Activations::default().with_names([("gate", "relu")]).unwrap_err().contains("unknown site"));
        assert!(Activations::default().with_names([("input", "swish")]).unwrap_err().contains("swish"));
        let cifg = Activations::default().with_names([("forget", "coupled")]).unwrap();
        assert_eq!(cifg.forget, Activation::Coupled);
        let wrong = Activations::default().with_names([("input", "coupled")]).unwrap_err();
        assert_eq!(wrong, "coupled is only for the forget site, not input");
        let json = serde_json::to_string(&SitesOf { acts: &relu, sites: &LSTM_SITES }).unwrap();
        assert_eq!(
            json,
            r#"{"forget":"sigmoid","input":"sigmoid","output":"sigmoid","candidate":"relu","cell_output":"none"}"#
        );
        let all = serde_json::to_value(relu).unwrap();
        assert_eq!((all.as_object().unwrap().len(), &all["new"]), (9, &serde_json::json!("tanh")));
    }
}
