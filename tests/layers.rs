//! The modules of `src/` form layers, each using only those below it, so there is no import
//! cycle: maths → activation → cell description → kernel, calculator → weights and trace → model → lab,
//! report, presets, pytorch, train → render → catalog, web, bin. A `crate::` path in code (not
//! in a comment) is a use.

use std::collections::BTreeMap;
use std::path::Path;

/// Each top-level module and its layer.
const LAYERS: &[(&str, usize)] = &[
    ("numbers", 0),
    ("rng", 0),
    ("json", 0),
    ("limits", 0),
    ("vocab", 0),
    ("activation", 1),
    ("quantity", 2),
    ("site", 3),
    ("cell", 4),
    ("cells", 5),
    ("kernel", 6),
    ("calculator", 6),
    ("trace", 7),
    ("recurrent", 8),
    ("model", 9),
    ("presets", 10),
    ("pytorch", 10),
    ("report", 10),
    ("lab", 11),
    ("train", 11),
    ("render", 12),
    ("catalog", 13),
    ("web", 14),
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The names `lib.rs` re-exports (`pub use site::{Activations, Site};`), by the module they come from.
fn reexports(src: &Path) -> BTreeMap<String, String> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let mut out = BTreeMap::new();
    for line in lib.lines().filter_map(|l| l.strip_prefix("pub use ")) {
        let (module, names) = line.trim_end_matches(';').split_once("::").unwrap();
        for name in names.trim_matches(|c| c == '{' || c == '}').split(',') {
            out.insert(name.trim().to_string(), module.to_string());
        }
    }
    out
}

/// The modules a path after `crate::` names: `site::Site` → site, `{pytorch, render}` → both,
/// `Activations` → the module lib.rs re-exports it from.
fn modules_named(after: &str, reexports: &BTreeMap<String, String>) -> Vec<String> {
    let names: Vec<&str> = if let Some(group) = after.strip_prefix('{') {
        group.split('}').next().unwrap().split(',').map(|n| n.trim().split("::").next().unwrap()).collect()
    } else {
        vec![after.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next().unwrap()]
    };
    names.into_iter().filter(|n| !n.is_empty()).map(|n| reexports.get(n).cloned().unwrap_or_else(|| n.to_string())).collect()
}

/// Every `crate::module` each top-level module uses, outside comments.
fn uses() -> BTreeMap<String, Vec<(String, String)>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let reexports = reexports(&src);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut uses: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap().as_os_str().to_string_lossy().to_string();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "bin" {
            continue;
        }
        for line in std::fs::read_to_string(&file).unwrap().lines() {
            let code = line.split("//").next().unwrap();
            for (k, _) in code.match_indices("crate::") {
                for used in modules_named(&code[k + 7..], &reexports) {
                    if used != module {
                        uses.entry(module.clone()).or_default().push((used, relative.display().to_string()));
                    }
                }
            }
        }
    }
    uses
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let layer: BTreeMap<&str, usize> = LAYERS.iter().copied().collect();
    let uses = uses();
    let mut wrong = Vec::new();
    for (module, used) in &uses {
        let Some(&own) = layer.get(module.as_str()) else {
            wrong.push(format!("{module} has no layer in LAYERS"));
            continue;
        };
        for (target, file) in used {
            match layer.get(target.as_str()) {
                Some(&below) if below < own => {}
                Some(_) => wrong.push(format!("{file}: {module} (layer {own}) uses {target}, which is not below it")),
                None => wrong.push(format!("{file}: uses {target}, which has no layer in LAYERS")),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The check sees the uses it must: the kernel runs cells, the trace records the kernel's steps.
    assert!(uses["kernel"].iter().any(|(t, _)| t == "cells"));
    assert!(uses["trace"].iter().any(|(t, _)| t == "kernel"));
}
