//! `gatelab`: trace a model over text, work one step of the cell out, count parameters, or
//! run a study, from the command line. Bad input ends with exit status 1 (2 for a malformed command line)
//! and one line on stderr that names what is wrong and where.

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgMatches, Args, FromArgMatches, Parser, Subcommand, ValueEnum};
use gatelab::limits::{MAX_HIDDEN, MAX_TEXT_FILE_BYTES, MAX_TRACE_VALUES, MAX_WEIGHTS_FILE_BYTES};
use gatelab::numbers::parse_numbers;
use gatelab::presets::PRESETS;
use gatelab::report::{self, CellReport, TraceReport};
use gatelab::cells::{CellKind, CellSpec};
use gatelab::{one_step, Activation, Activations, Gates, Model, Preset, Site, Trace, SITES};
use gatelab::train::study::{self, Job, Study};
use gatelab::train::RunResult;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

#[derive(Parser)]
#[command(name = "gatelab", version, about = "An LSTM cell you can take apart, gate by gate")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a model over text and print every quantity at every step, per unit. At most
    /// 2,000,000 values per quantity (steps × hidden units); a text file of at most 16 MB.
    Trace {
        #[command(flatten)]
        model: ModelArgs,
        #[command(flatten)]
        acts: ActivationArgs,
        /// The text to run, one step per Unicode character.
        #[arg(long, allow_hyphen_values = true, conflicts_with = "text_file")]
        text: Option<String>,
        /// Read the text from a file instead ("-" for standard input).
        #[arg(long, value_name = "FILE")]
        text_file: Option<PathBuf>,
        /// Output: JSON (one object with every step) or CSV (one row per step and unit).
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
    /// One step of the cell from numbers typed in: c_prev and the four pre-activations
    /// (comma-separated, one per unit). Prints f, i, g, o, kept, written, c, cell_out, h as JSON.
    Cell {
        /// The previous cell state, e.g. "-0.7,-0.11,-0.07,1.06".
        #[arg(long = "c-prev", value_name = "LIST", allow_hyphen_values = true)]
        c_prev: String,
        /// Forget-gate pre-activations z_f.
        #[arg(long = "f", value_name = "LIST", allow_hyphen_values = true)]
        f: String,
        /// Input-gate pre-activations z_i.
        #[arg(long = "i", value_name = "LIST", allow_hyphen_values = true)]
        i: String,
        /// Candidate pre-activations z_g.
        #[arg(long = "g", value_name = "LIST", allow_hyphen_values = true)]
        g: String,
        /// Output-gate pre-activations z_o.
        #[arg(long = "o", value_name = "LIST", allow_hyphen_values = true)]
        o: String,
        #[command(flatten)]
        acts: ActivationArgs,
    },
    /// Print the number of trainable parameters, with its formula.
    Params {
        #[command(flatten)]
        model: ModelArgs,
        #[command(flatten)]
        acts: ActivationArgs,
    },
    /// Run a study (one of the papers' experiments on gates, or one saved from the page), its
    /// runs shared among threads, and print what it found: per task, learning rate and variant,
    /// the median and range over seeds, and Welch's test against the first variant. The
    /// numbers do not depend on the number of threads.
    Study {
        /// A built-in study (`gatelab study --list` names them).
        #[arg(conflicts_with = "file", required_unless_present_any = ["list", "file"])]
        name: Option<String>,
        /// List the built-in studies and what each tests.
        #[arg(long, conflicts_with_all = ["name", "file"])]
        list: bool,
        /// A study's settings as JSON (as the page saves them), at most 1 MB.
        #[arg(long, value_name = "FILE.json")]
        file: Option<PathBuf>,
        /// Seeds per variant, task and rate, in place of the study's.
        #[arg(long, value_name = "N")]
        seeds: Option<usize>,
        /// Training steps per run, in place of the study's.
        #[arg(long, value_name = "N")]
        steps: Option<usize>,
        /// Learning rates, comma-separated (several run as a sweep), in place of the study's.
        #[arg(long, value_name = "R,R,...", value_delimiter = ',')]
        rates: Option<Vec<f64>>,
        /// Threads to share the runs among (the default: one per core).
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
        /// Output: JSON (the settings, the table and every run with its curve) or CSV (the
        /// table, one row per task, rate and variant).
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
    /// Train a cell natively with the page's trainer: next-character prediction on a text file
    /// (its first 90% cut into windows, the last 10% held out), or one of the training lab's
    /// tasks. Several seeds train at once, a thread each; the one with the lowest held-out loss
    /// is written, as .safetensors or JSON (by --out's extension), and loads on the page.
    Train {
        /// The text to learn, at most 16 MB.
        #[arg(long, value_name = "FILE", conflicts_with = "task", required_unless_present = "task")]
        text_file: Option<PathBuf>,
        /// One of the training lab's tasks instead (brackets, recall, ...).
        #[arg(long, value_name = "NAME")]
        task: Option<String>,
        /// Hidden units.
        #[arg(long, value_name = "N", default_value_t = 128)]
        hidden: usize,
        /// Training steps (minibatches) per seed.
        #[arg(long, value_name = "N", default_value_t = 4000)]
        steps: usize,
        /// Sequences per step.
        #[arg(long, value_name = "N", default_value_t = 16)]
        batch: usize,
        /// Adam's learning rate.
        #[arg(long, value_name = "R", default_value_t = 0.003)]
        rate: f64,
        /// Characters per training window (text files).
        #[arg(long, value_name = "N", default_value_t = 64)]
        window: usize,
        /// The most characters in the vocab: the most frequent; the rest are "other" (text files).
        #[arg(long, value_name = "N", default_value_t = 96)]
        vocab: usize,
        /// How many seeds to train, each on its own thread.
        #[arg(long, value_name = "N", default_value_t = 1)]
        seeds: usize,
        /// The first seed (the others follow it).
        #[arg(long, value_name = "S", default_value_t = 1)]
        seed: u64,
        /// The cell design.
        #[arg(long, value_name = "CELL", default_value = "lstm", value_parser = PossibleValuesParser::new(CellKind::ALL.map(|k| k.spec().name)))]
        cell: String,
        /// Print progress (to stderr) every N steps.
        #[arg(long, value_name = "N", default_value_t = 500)]
        every: usize,
        /// Where to write the model: FILE.safetensors or FILE.json.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Csv,
}

#[derive(Args)]
struct ModelArgs {
    /// A built-in model (the default is counter).
    #[arg(long, value_parser = PossibleValuesParser::new(PRESETS.iter().map(|p| p.name)), conflicts_with = "weights")]
    preset: Option<String>,
    #[arg(long, value_name = "N", default_value_t = 8, help = format!("Hidden size of the random preset (1 to {MAX_HIDDEN})"))]
    hidden: usize,
    /// Seed of the random preset.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// PyTorch weights: a state_dict as JSON (nested lists plus a "vocab" list) or as
    /// .safetensors (the vocab under "vocab" in its metadata), at most 128 MB.
    #[arg(long, value_name = "FILE")]
    weights: Option<PathBuf>,
    /// Give the preset's cell peepholes (Gers et al. 2002): 0 for the hand-set presets, drawn
    /// like the other weights for random. A weights file has them if it has weight_ci_l0, ...
    #[arg(long, conflicts_with = "weights")]
    peepholes: bool,
    /// The cell design of the random preset: lstm (the default), gru (PyTorch's nn.GRU) or
    /// slstm (xLSTM's, with an exponential input gate). A weights file says what it holds.
    #[arg(long, value_name = "CELL", conflicts_with = "weights", value_parser = PossibleValuesParser::new(CellKind::ALL.map(|k| k.spec().name)))]
    cell: Option<String>,
    /// The layer to trace of a model with several, 0-based from the bottom (the default is the
    /// top one; layer k reads the h of layer k − 1).
    #[arg(long, value_name = "K")]
    layer: Option<usize>,
}

/// One `--SITE NAME` flag per row of the site table (`--forget`, ..., `--cell-output`).
struct ActivationArgs(Vec<(Site, String)>);

fn site_flag(site: Site) -> String {
    site.name().replace('_', "-")
}

impl Args for ActivationArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        let named: Vec<String> = gatelab::activation::NAMED.iter().map(|a| a.name()).collect();
        let names = format!("{}, or morph:T (T in [0, 1])", named.join(", "));
        SITES.iter().enumerate().fold(cmd, |cmd, (k, info)| {
            // The first flag lists the names; the rest say "the same".
            let help = if k == 0 {
                format!("{} activation: {names}", info.label)
            } else {
                format!("{} activation", info.label)
            };
            cmd.arg(Arg::new(info.name).long(site_flag(info.site)).value_name("NAME").help(help))
        })
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

impl FromArgMatches for ActivationArgs {
    fn from_arg_matches(matches: &ArgMatches) -> std::result::Result<Self, clap::Error> {
        let set = SITES.iter().filter_map(|info| Some((info.site, matches.get_one::<String>(info.name)?.clone())));
        Ok(ActivationArgs(set.collect()))
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> std::result::Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

/// A failure to report: one line, already naming the place.
struct Failure(String);

/// Reads at most `limit` bytes of UTF-8 from `reader`; more is an error naming the limit (never
/// a silent cut, and never a read that runs until memory is gone, as /dev/zero would).
fn read_capped(reader: impl Read, limit: u64, place: &str) -> Result<String> {
    String::from_utf8(read_capped_bytes(reader, limit, place)?)
        .map_err(|e| Failure(format!("{place}: it is not UTF-8 text (byte {})", e.utf8_error().valid_up_to())))
}

/// [`read_capped`], as bytes (a safetensors file is binary).
fn read_capped_bytes(reader: impl Read, limit: u64, place: &str) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(limit + 1).read_to_end(&mut bytes).map_err(|e| Failure(format!("{place}: cannot read it: {e}")))?;
    if bytes.len() as u64 > limit {
        return fail(format!("{place}: it is over {} MB; gatelab reads at most {} MB", limit >> 20, limit >> 20));
    }
    Ok(bytes)
}

fn open(path: &PathBuf, place: &str) -> Result<std::fs::File> {
    std::fs::File::open(path).map_err(|e| Failure(format!("{place}: cannot read it: {e}")))
}

type Result<T> = std::result::Result<T, Failure>;

fn fail<T>(message: impl Into<String>) -> Result<T> {
    Err(Failure(message.into()))
}

impl ActivationArgs {
    /// The activations, every flag naming a site of `spec`'s cell; sites without a flag take
    /// the weights file's activation when it names one (a Keras or TF.js model's config does).
    fn resolve_for(&self, spec: &CellSpec, from_file: &[(Site, Activation)]) -> Result<Activations> {
        if let Some((site, _)) = self.0.iter().find(|(site, _)| !spec.sites.contains(site)) {
            let flags: Vec<String> = spec.sites.iter().map(|s| format!("--{}", site_flag(*s))).collect();
            return fail(format!(
                "--{}: {} has no {}; its sites are {}",
                site_flag(*site),
                spec.a_label(),
                site.info().caption,
                flags.join(", ")
            ));
        }
        let mut acts = Activations::default();
        for (site, activation) in from_file {
            acts.set(*site, *activation);
        }
        self.apply(acts)
    }

    fn resolve(&self) -> Result<Activations> {
        self.apply(Activations::default())
    }

    fn apply(&self, mut acts: Activations) -> Result<Activations> {
        for (site, name) in &self.0 {
            let activation = name.parse().map_err(|e| Failure(format!("--{}: {e}", site_flag(*site))))?;
            site.check(activation).map_err(|e| Failure(format!("--{}: {e}", site_flag(*site))))?;
            acts.set(*site, activation);
        }
        Ok(acts)
    }
}

impl ModelArgs {
    /// The model, and the activations its file names (none for a preset or a PyTorch file).
    fn resolve(&self) -> Result<(Model, Vec<(Site, Activation)>)> {
        let (mut model, activations) = self.resolve_model()?;
        if let Some(k) = self.layer {
            let layers = model.layers();
            if k >= layers {
                let which = if layers == 1 { "one layer, 0".to_string() } else { format!("{layers} layers, 0 to {}", layers - 1) };
                return fail(format!("--layer {k}: the model has {which}"));
            }
            model.show_layer(k);
        }
        Ok((model, activations))
    }

    fn resolve_model(&self) -> Result<(Model, Vec<(Site, Activation)>)> {
        if let Some(path) = &self.weights {
            let place = format!("--weights {}", path.display());
            let bytes = read_capped_bytes(open(path, &place)?, MAX_WEIGHTS_FILE_BYTES, &place)?;
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let loaded = match std::str::from_utf8(&bytes).ok().filter(|text| gatelab::keras::is_tfjs(text)) {
                Some(text) => load_tfjs(path, text, &name, &place)?,
                None => gatelab::pytorch::load_file(&bytes, &name).map_err(|e| Failure(format!("{place}: {e}")))?,
            };
            if let Some(note) = gatelab::pytorch::unused_note(&loaded.unused_keys, loaded.model.cell.spec().label) {
                eprintln!("note: {place}: {note}");
            }
            for note in &loaded.notes {
                eprintln!("note: {place}: {note}");
            }
            if !loaded.activations.is_empty() {
                let named: Vec<String> = loaded.activations.iter().map(|(site, a)| format!("--{} {a}", site_flag(*site))).collect();
                eprintln!("note: {place}: the model's config sets {} (flags given override them)", named.join(" "));
            }
            return Ok((loaded.model, loaded.activations));
        }
        let name = self.preset.as_deref().unwrap_or(PRESETS[0].name);
        let preset = Preset::from_name(name, self.hidden, self.seed)
            .ok_or_else(|| Failure(format!("--preset {name}: expected {}", Preset::names())))?;
        if preset.info().sized && !(1..=MAX_HIDDEN).contains(&self.hidden) {
            return fail(format!(
                "--hidden {}: the {name} preset's hidden size must be 1 to {MAX_HIDDEN}",
                self.hidden
            ));
        }
        let cell = self.cell.as_deref().and_then(CellKind::from_name).unwrap_or(preset.info().cell);
        let model = preset.build_cell(cell, self.peepholes).map_err(|e| Failure(format!("--cell {}: {e}", cell.spec().name)))?;
        Ok((model, Vec::new()))
    }
}

/// A TF.js layers model: `text` is its model.json, at `path`; the weights files its manifest
/// names are read from beside it, in order.
fn load_tfjs(path: &std::path::Path, text: &str, name: &str, place: &str) -> Result<gatelab::pytorch::Loaded> {
    let files = gatelab::keras::tfjs_weight_files(text).map_err(|e| Failure(format!("{place}: {e}")))?;
    let folder = path.parent().unwrap_or(std::path::Path::new("."));
    let mut weights = Vec::new();
    for file in &files {
        // By its name only, as the page does: a manifest's path never reaches outside the folder.
        let shard = folder.join(std::path::Path::new(file).file_name().unwrap_or_default());
        let shard_place = format!("{place}: its weights file {}", shard.display());
        weights.extend(read_capped_bytes(open(&shard, &shard_place)?, MAX_WEIGHTS_FILE_BYTES, &shard_place)?);
    }
    gatelab::keras::load_tfjs(text, &weights, name).map_err(|e| Failure(format!("{place}: {e}")))
}

/// A comma-separated list of finite numbers (the grammar the page's calculator reads too).
fn numbers(flag: &str, text: &str) -> Result<Vec<f64>> {
    parse_numbers(flag, text).map_err(Failure)
}

fn read_text(text: &Option<String>, file: &Option<PathBuf>) -> Result<String> {
    match (text, file) {
        (Some(text), _) => Ok(text.clone()),
        (None, Some(path)) if path.as_os_str() == "-" => {
            read_capped(io::stdin().lock(), MAX_TEXT_FILE_BYTES, "--text-file - (standard input)")
        }
        (None, Some(path)) => {
            let place = format!("--text-file {}", path.display());
            read_capped(open(path, &place)?, MAX_TEXT_FILE_BYTES, &place)
        }
        (None, None) => fail("trace needs the text to run: --text TEXT or --text-file FILE"),
    }
}

/// What went wrong while writing the output.
enum Written {
    /// The reader stopped early (`gatelab trace ... | head`): not an error.
    Closed,
    Failed(String),
}

fn written(e: io::Error) -> Written {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Written::Closed
    } else {
        Written::Failed(format!("cannot write the output: {e}"))
    }
}

/// What the command prints on standard output: small outputs as a string; a trace is written
/// to `out` as it is produced.
fn run(command: Command, out: &mut impl Write) -> Result<std::result::Result<(), Written>> {
    let text = match command {
        Command::Trace { model, acts, text, text_file, format } => {
            let (model, from_file) = model.resolve()?;
            let acts = acts.resolve_for(model.cell.spec(), &from_file)?;
            let text = read_text(&text, &text_file)?;
            let (steps, hidden) = (text.chars().count(), model.cell.hidden_size());
            if steps.saturating_mul(hidden) > MAX_TRACE_VALUES {
                return fail(format!(
                    "trace: {steps} steps × {hidden} units is over the {MAX_TRACE_VALUES} values a trace may have; shorten the text to at most {} characters",
                    MAX_TRACE_VALUES / hidden
                ));
            }
            let mut trace = Trace::new();
            model.run(&text, &acts, &mut trace);
            let result = match format {
                Format::Json => serde_json::to_writer(&mut *out, &TraceReport::new(&model, &acts, &text, &trace))
                    .map_err(io::Error::from)
                    .and_then(|()| out.write_all(b"\n")),
                Format::Csv => report::write_trace_csv(out, &trace, &text),
            };
            return Ok(result.and_then(|()| out.flush()).map_err(written));
        }
        Command::Cell { c_prev, f, i, g, o, acts } => {
            let acts = acts.resolve()?;
            let c_prev = numbers("--c-prev", &c_prev)?;
            let (f, i, g, o) = (numbers("--f", &f)?, numbers("--i", &i)?, numbers("--g", &g)?, numbers("--o", &o)?);
            let z = Gates { i: i.as_slice(), f: f.as_slice(), g: g.as_slice(), o: o.as_slice() };
            let step = one_step(&acts, &c_prev, z).map_err(|e| Failure(e.to_string()))?;
            let json = serde_json::to_string(&CellReport { acts: &acts, step: &step })
                .map_err(|e| Failure(format!("cannot write JSON: {e}")))?;
            json + "\n"
        }
        Command::Study { list: true, .. } => {
            let lines: Vec<String> = study::built_in().iter().map(|s| format!("{}: {} ({})", s.name, s.title, s.paper)).collect();
            lines.join("\n") + "\n"
        }
        Command::Study { name, file, seeds, steps, rates, threads, format, .. } => {
            let study = study_of(name.as_deref(), file.as_ref(), seeds, steps, rates)?;
            let threads = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get));
            if threads == 0 {
                return fail("--threads 0: give at least 1");
            }
            let results = run_study(&study, threads)?;
            let table = study.table(&results);
            match format {
                Format::Csv => table.csv(),
                Format::Json => {
                    let runs: Vec<serde_json::Value> =
                        results.iter().map(|(job, run)| serde_json::json!({ "job": job, "result": run })).collect();
                    let json = serde_json::json!({ "study": study, "table": table, "card": study.card(&results), "runs": runs });
                    serde_json::to_string(&json).map_err(|e| Failure(format!("cannot write JSON: {e}")))? + "\n"
                }
            }
        }
        Command::Train { text_file, task, hidden, steps, batch, rate, window, vocab, seeds, seed, cell, every, out } => {
            let settings = TrainSettings { hidden, steps, batch, rate, seeds, seed, every, cell: CellKind::from_name(&cell).unwrap_or_default() };
            train(text_file.as_ref(), task.as_deref(), window, vocab, &settings, &out)?
        }
        Command::Params { model, acts } => {
            let (model, from_file) = model.resolve()?;
            let acts = acts.resolve_for(model.cell.spec(), &from_file)?;
            let (input, hidden) = (model.cell.input_size(), model.cell.hidden_size());
            let spec = model.cell.spec();
            let blocks = if spec.recurrent {
                "live gate blocks × H × (I + H + 2): each block has H rows of W_ih, W_hh, b_ih and b_hh"
            } else {
                "live blocks × H × (I + 1): each block has H rows of W_ih and b_ih (its gates see x only, so there is no W_hh)"
            };
            format!(
                "{}\n({blocks}; a gate set to none or coupled has no block{})\n",
                report::cell_parameter_formula(spec, input, hidden, &acts, model.cell.has_peepholes()),
                if model.cell.has_peepholes() { "; each peephole is H diagonal weights" } else { "" }
            )
        }
    };
    Ok(out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(written))
}

/// `gatelab train`'s settings beyond the data.
struct TrainSettings {
    hidden: usize,
    steps: usize,
    batch: usize,
    rate: f64,
    seeds: usize,
    seed: u64,
    every: usize,
    cell: CellKind,
}

/// Trains `settings.seeds` seeds at once and writes the best; returns the line to print.
fn train(text_file: Option<&PathBuf>, task: Option<&str>, window: usize, vocab: usize, settings: &TrainSettings, out: &PathBuf) -> Result<String> {
    use gatelab::train::{Task, TaskKind, TrainConfig, Trainer};
    let TrainSettings { hidden, steps, batch, rate, seeds, seed, every, cell } = *settings;
    let format_json = match out.extension().and_then(|e| e.to_str()) {
        Some("json") => true,
        Some("safetensors") => false,
        _ => return fail(format!("--out {}: name it FILE.safetensors or FILE.json", out.display())),
    };
    if !(1..=4096).contains(&hidden) || seeds == 0 || steps == 0 || batch == 0 || vocab == 0 || window < 2 || !(rate > 0.0 && rate <= 1.0) {
        return fail("train: --hidden must be 1 to 4096, --seeds, --steps, --batch and --vocab at least 1, --window at least 2, --rate above 0 and at most 1");
    }
    let (task, source) = match (text_file, task) {
        (Some(path), _) => {
            let place = format!("--text-file {}", path.display());
            let text = read_capped(open(path, &place)?, MAX_TEXT_FILE_BYTES, &place)?;
            let task = Task::corpus(&text, window, vocab);
            if task.train.is_empty() || task.heldout.is_empty() {
                return fail(format!("{place}: too short to hold out a tenth of it ({} characters)", text.chars().count()));
            }
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            (task, name)
        }
        (None, Some(name)) => {
            let kind = TaskKind::from_name(name).ok_or_else(|| Failure(format!("--task {name}: expected {}", TaskKind::names())))?;
            (Task::generate(kind, seed), name.to_string())
        }
        (None, None) => return fail("train: give --text-file FILE or --task NAME"),
    };
    let task = std::sync::Arc::new(task);
    let next_character = task.title == "next character";
    let per = if next_character { "bits per character" } else { "loss" };
    let shown = |loss: f64| if next_character { loss / std::f64::consts::LN_2 } else { loss };
    eprintln!("training {seeds} seed(s) of a {cell} of {hidden} units on {source}: {} symbols, {} training and {} held-out sequences, {steps} steps of {batch}", task.vocab.len(), task.train.len(), task.heldout.len(), cell = cell.spec().label);
    let runs: Vec<(u64, Trainer, f64)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..seeds as u64)
            .map(|k| {
                let task = task.clone();
                scope.spawn(move || {
                    let seed = seed + k;
                    let config = TrainConfig { hidden, learning_rate: rate, batch_size: batch, seed, max_grad_norm: Some(1.0), peepholes: false, cell, forget_bias: None, init: gatelab::train::Init::Pytorch };
                    let mut trainer = Trainer::new(task.clone(), Activations::default(), config);
                    let (mut total, mut count) = (0.0, 0_u32);
                    for step in 1..=steps {
                        let stats = trainer.step();
                        if stats.diverged {
                            eprintln!("seed {seed}: diverged at step {step}");
                            break;
                        }
                        total += stats.loss;
                        count += 1;
                        if step % every.max(1) == 0 || step == steps {
                            let held = trainer.evaluate(&task.heldout).loss;
                            eprintln!("seed {seed}: step {step}/{steps}: training {per} {:.3}, held-out {:.3}", shown(total / f64::from(count)), shown(held));
                            (total, count) = (0.0, 0);
                        }
                    }
                    let held = trainer.evaluate(&task.heldout).loss;
                    (seed, trainer, held)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a training thread does not panic")).collect()
    });
    let (best_seed, trainer, held) = runs.iter().filter(|r| r.2.is_finite()).min_by(|a, b| a.2.total_cmp(&b.2)).ok_or_else(|| Failure("train: every seed diverged; try a smaller --rate".into()))?;
    let mut model = trainer.model(format!("trained on {source}")).map_err(|e| Failure(format!("train: {e}")))?;
    let readout = trainer.readout();
    if next_character {
        model.stack.readout = Some(gatelab::model::Readout { weight: readout.weight.clone(), bias: readout.bias.clone() });
    }
    let bytes = if format_json {
        let mut json = gatelab::pytorch::export(&model);
        if let (gatelab::json::Json::Object(members), false) = (&mut json, next_character) {
            let rows = readout.weight.chunks(readout.hidden_size.max(1)).map(gatelab::json::Json::floats).collect();
            members.extend([
                ("readout.weight".to_string(), gatelab::json::Json::Array(rows)),
                ("readout.bias".to_string(), gatelab::json::Json::floats(&readout.bias)),
                ("task".to_string(), gatelab::json::Json::String(task.title.clone())),
            ]);
        }
        (json.to_string() + "\n").into_bytes()
    } else {
        let extra: Vec<(&str, Vec<usize>, Vec<f32>)> = if next_character {
            Vec::new()
        } else {
            vec![("readout.weight", vec![readout.classes, readout.hidden_size], readout.weight.clone()), ("readout.bias", vec![readout.classes], readout.bias.clone())]
        };
        let task_note: Vec<(&str, String)> = if next_character { Vec::new() } else { vec![("task", task.title.clone())] };
        gatelab::pytorch::export_safetensors(&model, &extra, &task_note).map_err(|e| Failure(format!("train: {e}")))?
    };
    let place = format!("--out {}", out.display());
    std::fs::write(out, &bytes).map_err(|e| Failure(format!("{place}: cannot write it: {e}")))?;
    let all: Vec<String> = runs.iter().map(|(s, _, l)| format!("seed {s} {:.3}", shown(*l))).collect();
    Ok(format!(
        "wrote {} ({} KB): {}, H = {hidden}, {} symbols; held-out {per} {:.3} (seed {best_seed}; {})\n",
        out.display(),
        bytes.len().div_ceil(1024),
        model.cell.spec().a_label(),
        model.vocab.len(),
        shown(*held),
        all.join(", ")
    ))
}

/// The study to run: a built-in one or a file's, with the seeds, steps and rates given.
fn study_of(name: Option<&str>, file: Option<&PathBuf>, seeds: Option<usize>, steps: Option<usize>, rates: Option<Vec<f64>>) -> Result<Study> {
    let mut study = match (name, file) {
        (_, Some(path)) => {
            let place = format!("--file {}", path.display());
            let text = read_capped(open(path, &place)?, 1 << 20, &place)?;
            serde_json::from_str::<Study>(&text).map_err(|e| Failure(format!("{place}: {e}")))?
        }
        (Some(name), None) => {
            let all = study::built_in();
            let names: Vec<String> = all.iter().map(|s| s.name.clone()).collect();
            all.into_iter()
                .find(|s| s.name == name)
                .ok_or_else(|| Failure(format!("no study named {name:?}: expected {}", names.join(", "))))?
        }
        (None, None) => return fail("study needs a study's name or --file (gatelab study --list names them)"),
    };
    if let Some(seeds) = seeds {
        study.seeds = seeds;
    }
    if let Some(steps) = steps {
        study.max_steps = steps;
    }
    if let Some(rates) = rates {
        study.learning_rates = rates;
    }
    study.validate().map_err(Failure)?;
    Ok(study)
}

/// Runs every job of `study`, shared among `threads` threads; the results in job order, each
/// with its wall-clock time.
fn run_study(study: &Study, threads: usize) -> Result<Vec<(Job, RunResult)>> {
    let jobs = study.jobs();
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<Option<std::result::Result<RunResult, String>>>> = Mutex::new(vec![None; jobs.len()]);
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, jobs.len().max(1)) {
            scope.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some(&job) = jobs.get(k) else { break };
                let started = std::time::Instant::now();
                let result = study.run(job).map(|run| RunResult { seconds: Some(started.elapsed().as_secs_f64()), ..run });
                done.lock().expect("no thread panics while holding it")[k] = Some(result);
            });
        }
    });
    let done = done.into_inner().expect("the threads have finished");
    jobs.into_iter()
        .zip(done)
        .map(|(job, result)| match result {
            Some(Ok(run)) => Ok((job, run)),
            Some(Err(e)) => fail(e),
            None => fail("a run did not finish"),
        })
        .collect()
}

/// A clap error in one line: its message lines before the usage, joined.
fn one_line(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    let parts: Vec<&str> = rendered
        .lines()
        .take_while(|line| !line.starts_with("Usage:"))
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("For more information"))
        .collect();
    format!("{} (see --help)", parts.join("; "))
}

/// Turns a panic (a bug) into one line instead of a backtrace.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_string());
        let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("error: internal error{place}: {} (this is a bug in gatelab)", message.replace('\n', " "));
    }));
}

fn main() -> ExitCode {
    quiet_panics();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version: print as clap would.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            // A bare `gatelab`: the help is the answer (on stderr, and still a failure).
            let _ = e.print();
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("{}", one_line(&e));
            return ExitCode::from(2);
        }
    };
    let mut stdout = io::BufWriter::new(io::stdout().lock());
    match run(cli.command, &mut stdout) {
        Ok(Ok(()) | Err(Written::Closed)) => ExitCode::SUCCESS,
        Ok(Err(Written::Failed(message))) | Err(Failure(message)) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
