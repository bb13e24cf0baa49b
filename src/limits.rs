//! Every limit the page, the CLI and the trainer enforce, in one place. The page reads them
//! through `catalog` at start, so no limit is written out in JS, HTML or CSS.

use serde::Serialize;

/// The largest hidden size the random preset, the trainer and a link's model take.
pub const MAX_HIDDEN: usize = 64;
/// The most timesteps traced at once. Longer texts are kept whole but only their beginning is
/// run, so every keystroke stays fast (a visible notice says so).
pub const MAX_STEPS: usize = 2000;
/// The most work a run does at once, in multiply-adds (about 4·H·(H + 8) a step): 2,000 steps of
/// a 64-unit cell. A larger run goes in slices of a quarter of this (2 steps of a 1,024-unit
/// cell, about 10 ms in a browser): a change shows its first slice at once, and the page
/// computes the rest in later slices, showing progress.
pub const TRACE_SLICE_WORK: usize = 40_000_000;
/// The largest hidden size of a weights file the page loads (the command line takes any).
pub const MAX_PAGE_HIDDEN: usize = 1024;
/// The most layers a link's `layer=` may name (a loaded model may have more; past the top, the
/// page shows the top one).
pub const MAX_LAYERS: usize = 64;
/// The largest weights file the page reads, as the command line.
pub const MAX_PAGE_WEIGHTS_BYTES: u64 = MAX_WEIGHTS_FILE_BYTES;
/// The most units the heatmaps and the cell chart show at once (a heatmap row stays at least
/// 1.7 CSS px tall): a larger model shows the block of this many that holds the selected unit.
pub const MAX_SHOWN_UNITS: usize = 64;
/// The longest text the page keeps (from a link, a paste or typing), in UTF-16 code units.
pub const MAX_TEXT_CHARS: usize = 100_000;
/// The most of it the text box and links hold (UTF-16 code units). A browser lays out a text box
/// of a million characters of mixed scripts for seconds; this much takes milliseconds. A longer
/// text is kept whole for the model and the training lab, with a notice.
pub const MAX_TEXT_BOX_CHARS: usize = 10_000;
/// The most numbers (LSTM weights and biases) a model may have to travel inside a link.
pub const MAX_LINK_WEIGHTS: usize = 2000;
/// Copied links longer than this (characters) come with a warning: many servers refuse
/// requests over 8 KB (browsers open far longer ones).
pub const LONG_LINK_CHARS: usize = 8192;
/// The largest seed the page offers (seeds are u64 in Rust; the page keeps them exact in JS).
pub const MAX_SEED: u64 = 4_294_967_295;
/// The shortest text the text task trains on: a tenth is held out, and the held-out part must
/// hold a chunk to test on (shorter texts got empty sets and silently did nothing).
pub const MIN_TRAINING_TEXT_CHARS: usize = 40;
/// The training batch size range's top.
pub const MAX_BATCH: usize = 256;
/// Seeds a comparison may run per variant.
pub const MAX_COMPARE_SEEDS: usize = 10;
/// The longest comparison, in steps per run.
pub const MAX_COMPARE_STEPS: usize = 100_000;

/// The largest text file the command line reads (larger ones are refused, not truncated).
pub const MAX_TEXT_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// The largest weights file the command line reads: room for a PyTorch LSTM of H = 1,024 over
/// 256 symbols (5.2 million numbers as JSON text).
pub const MAX_WEIGHTS_FILE_BYTES: u64 = 128 * 1024 * 1024;
/// The most values of one quantity a command-line trace computes (steps × hidden units): about
/// 330 MB of JSON at the most, written as it is produced.
pub const MAX_TRACE_VALUES: usize = 2_000_000;

/// The most seeds, steps and runs a study may ask for (a study is meant to run in minutes).
pub const MAX_STUDY_SEEDS: usize = 20;
pub const MAX_STUDY_STEPS: usize = 20_000;
pub const MAX_STUDY_RUNS: usize = 2_000;

/// The limits as the page reads them.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Limits {
    pub max_hidden: usize,
    pub max_steps: usize,
    pub max_text_chars: usize,
    pub max_text_box_chars: usize,
    pub max_page_hidden: usize,
    pub max_layers: usize,
    pub max_shown_units: usize,
    pub max_page_weights_bytes: u64,
    pub max_link_weights: usize,
    pub long_link_chars: usize,
    pub max_seed: u64,
    pub max_batch: usize,
    pub max_compare_seeds: usize,
    pub max_compare_steps: usize,
    pub max_study_seeds: usize,
    pub max_study_steps: usize,
}

pub const LIMITS: Limits = Limits {
    max_hidden: MAX_HIDDEN,
    max_steps: MAX_STEPS,
    max_text_chars: MAX_TEXT_CHARS,
    max_text_box_chars: MAX_TEXT_BOX_CHARS,
    max_page_hidden: MAX_PAGE_HIDDEN,
    max_layers: MAX_LAYERS,
    max_shown_units: MAX_SHOWN_UNITS,
    max_page_weights_bytes: MAX_PAGE_WEIGHTS_BYTES,
    max_link_weights: MAX_LINK_WEIGHTS,
    long_link_chars: LONG_LINK_CHARS,
    max_seed: MAX_SEED,
    max_batch: MAX_BATCH,
    max_compare_seeds: MAX_COMPARE_SEEDS,
    max_compare_steps: MAX_COMPARE_STEPS,
    max_study_seeds: MAX_STUDY_SEEDS,
    max_study_steps: MAX_STUDY_STEPS,
};
