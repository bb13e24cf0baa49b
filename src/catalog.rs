//! Everything the page lists, in one object it reads through wasm at start: the sites, the
//! activation names, the presets, the training tasks and variants, the limits, the timeline's
//! rows and the chart margins the page's own layout must match. The page writes none of these
//! out itself.

use crate::activation::{Activation, NAMED};
use crate::cells::{CellSpec, CELLS};
use crate::limits::{Limits, LIMITS};
use crate::presets::{PresetInfo, RealModel, PRESETS, REAL_MODELS};
use crate::render::{theme, timeline};
use crate::site::{SiteInfo, SITES};
use crate::train::live::{VariantInfo, VARIANTS};
use crate::train::tasks::{TaskInfo, TASKS};
use serde::Serialize;

/// The chart margins (CSS px) that the page's own controls line up with.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Margins {
    pub left: f64,
    pub right: f64,
}

/// One activation as the menus and formulas show it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ActivationInfo {
    /// The name in URLs: `sigmoid`, ..., or `morph` for the family `morph:T`.
    pub name: String,
    pub label: &'static str,
    /// The short form in formulas: σ, tanh, ... (`morph` for the family).
    pub symbol: String,
    /// Where it sits on the morph line from sigmoid (0) to tanh (1): the slider shows it.
    pub morph_position: Option<f32>,
    /// The function and its derivative as formulas (for the morph family, at t = 0.5).
    pub formula: String,
    pub derivative: String,
    /// The one site that takes it, for a function only one site can have ("coupled": forget).
    pub only_at: Option<&'static str>,
    /// For a site that follows another gate instead of its own pre-activation: the quantity it
    /// reads (i) and the value it takes, written out ("1 − i").
    pub reads: Option<&'static str>,
    pub written: Option<String>,
}

/// The canvas text sizes (CSS px at scale 1): presenter mode scales the canvases so the small
/// one reaches its minimum.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TextSizes {
    pub small: f64,
    pub normal: f64,
}

/// The page's tables.
#[derive(Clone, Debug, Serialize)]
pub struct Catalog {
    /// Every cell design: its blocks, states, sites, traced quantities and equations.
    pub cells: &'static [&'static CellSpec],
    pub sites: &'static [SiteInfo],
    /// Every activation in the order the menus list them, the morph family (`morph:T`) last.
    pub activations: Vec<ActivationInfo>,
    pub presets: &'static [PresetInfo],
    /// Trained models shipped as files, fetched when picked.
    pub real_models: &'static [RealModel],
    pub tasks: &'static [TaskInfo],
    pub variants: &'static [VariantInfo],
    pub limits: Limits,
    /// The timeline's rows, by quantity name.
    pub timeline_rows: Vec<&'static str>,
    pub margins: Margins,
    pub text_sizes: TextSizes,
}

fn info(a: Activation, name: String, symbol: String) -> ActivationInfo {
    let (formula, derivative) = a.formulas();
    let follower = (a == Activation::Coupled).then(|| SITES.iter().find(|s| s.coupled_to.is_some())).flatten();
    let reads = follower.and_then(|s| s.coupled_to).map(|q| q.name());
    ActivationInfo {
        name,
        label: a.label(),
        symbol,
        morph_position: a.morph_position(),
        formula,
        derivative,
        only_at: follower.map(|s| s.name),
        reads,
        written: reads.map(|q| format!("1 − {q}")),
    }
}

/// The catalog.
#[must_use]
pub fn catalog() -> Catalog {
    Catalog {
        cells: &CELLS,
        sites: &SITES,
        activations: NAMED
            .iter()
            .map(|&a| info(a, a.name(), a.symbol()))
            .chain([ActivationInfo {
                morph_position: None,
                ..info(Activation::Morph(0.5), "morph".into(), "morph".into())
            }])
            .collect(),
        presets: &PRESETS,
        real_models: &REAL_MODELS,
        tasks: &TASKS,
        variants: &VARIANTS,
        limits: LIMITS,
        timeline_rows: timeline::ROWS.iter().map(|q| q.name()).collect(),
        margins: Margins { left: theme::LEFT, right: theme::RIGHT },
        text_sizes: TextSizes { small: theme::SMALL_FONT_SIZE, normal: theme::FONT_SIZE },
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // tests compare exactly on purpose
mod tests {
    use super::*;

    #[test]
    fn the_page_gets_every_table_by_name() {
        let json = serde_json::to_value(catalog()).unwrap();
        assert_eq!(json["sites"][4]["name"], "cell_output");
        assert_eq!(json["cells"][0]["name"], "lstm");
        assert_eq!(json["cells"][0]["blocks"][1]["symbol"], "f");
        assert_eq!(json["cells"][0]["blocks"][1]["site"], "forget");
        assert_eq!(json["cells"][0]["blocks"][2]["pre"], "z_g");
        assert_eq!(json["cells"][0]["states"][1], "c");
        assert_eq!(json["cells"][0]["equations"][0]["text"], "c = f ⊙ c_prev + i ⊙ g");
        assert_eq!(json["cells"][0]["equations"][0]["operands"][1], "c_prev");
        assert_eq!(json["sites"][0]["input"], "z_f");
        assert_eq!(json["sites"][3]["standard"], "tanh");
        assert_eq!(json["presets"][2]["name"], "random");
        assert_eq!(json["presets"][0]["text"], "((x)(y(z)))");
        assert_eq!(json["tasks"][0]["name"], "brackets");
        assert_eq!(json["limits"]["max_hidden"], 64);
        assert_eq!(json["timeline_rows"][4], "c");
        assert_eq!(json["margins"]["left"], 132.0);
        let none = json["activations"].as_array().unwrap().iter().find(|a| a["name"] == "none").unwrap();
        assert_eq!(none["label"], "none (removed: 1)");
        assert_eq!(json["activations"][0]["symbol"], "σ");
        assert_eq!(json["activations"][2]["name"], "hard_sigmoid_tfjs");
        assert_eq!(json["activations"][9]["name"], "exp");
        assert_eq!(json["activations"][12]["name"], "morph");
        let coupled = &json["activations"][11];
        assert_eq!((&coupled["name"], &coupled["only_at"], &coupled["reads"]), (&"coupled".into(), &"forget".into(), &"i".into()));
        assert_eq!(coupled["written"], "1 − i");
        assert_eq!(json["activations"][0]["only_at"], serde_json::Value::Null);
        assert_eq!(json["cells"][0]["peepholes"][2]["key"], "weight_co_l0");
        assert_eq!(json["cells"][0]["peepholes"][2]["reads"], "c");
        assert_eq!(json["variants"][6]["peepholes"], true);
        assert_eq!(json["variants"][7]["activations"]["forget"], "coupled");
        assert_eq!(json["activations"][3]["morph_position"], 1.0);
        assert_eq!(json["activations"][0]["derivative"], "σ′(z) = σ(z)(1 − σ(z))");
        assert_eq!(json["text_sizes"]["small"], 10.5);
        assert_eq!(json["activations"][4]["morph_position"], serde_json::Value::Null);
        assert_eq!(json["variants"][1]["activations"]["input"], "none");
    }
}
