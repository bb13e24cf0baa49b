//! The `gatelab` binary, run as a user would.

#![allow(clippy::float_cmp)] // exact comparisons are the point of these tests

mod common;
use common::parse_csv;
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

fn gatelab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gatelab")).args(args).output().expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 errors")
}

/// Runs and expects success, returning stdout.
fn ok(args: &[&str]) -> String {
    let output = gatelab(args);
    assert!(output.status.success(), "{args:?} failed: {}", stderr(&output));
    stdout(&output)
}

/// Runs and expects a failure with one clean line on stderr, returning that line.
fn fails(args: &[&str]) -> String {
    let output = gatelab(args);
    assert!(!output.status.success(), "{args:?} should fail");
    let err = stderr(&output);
    assert!(!err.contains("panicked") && !err.contains("internal error"), "{args:?}: {err}");
    assert!(!err.contains("RUST_BACKTRACE"), "{args:?}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: stderr should be one line: {err:?}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(output.stdout.is_empty(), "{args:?} printed to stdout on failure");
    err.trim_end().to_string()
}

/// A temporary file that is removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &str) -> Self {
        let path = std::env::temp_dir().join(format!("gatelab-cli-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn depth(text: &str) -> f64 {
    text.chars()
        .map(|c| match c {
            '(' => 1.0,
            ')' => -1.0,
            _ => 0.0,
        })
        .sum()
}

#[test]
fn trace_json_counts_the_depth() {
    let text = "(()(()))((x(";
    let out = ok(&[
        "trace",
        "--preset",
        "counter",
        "--forget",
        "hard_sigmoid",
        "--input",
        "hard-sigmoid",
        "--output",
        "hard_sigmoid",
        "--text",
        text,
    ]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["model"], "counter");
    assert_eq!(v["parameters"], 20);
    assert_eq!(v["nonfinite"], 0);
    assert_eq!(v["activations"]["forget"], "hard_sigmoid");
    assert_eq!(v["activations"]["cell_output"], "tanh");
    let steps = v["steps"].as_array().unwrap();
    assert_eq!(steps.len(), text.chars().count());
    let last = steps.last().unwrap();
    assert_eq!(last["c"][0].as_f64().unwrap(), depth(text));
    assert_eq!(last["char"], "(");
    assert_eq!(last["symbol"], 0);
    assert_eq!(last["other"], false);
    let x = &steps[10];
    assert_eq!(x["char"], "x");
    assert!(x["symbol"].is_null());
    assert_eq!(x["other"], true);
    for q in ["z_i", "z_f", "z_g", "z_o", "i", "f", "g", "o", "c_prev", "c", "cell_out", "h"] {
        assert_eq!(x[q].as_array().unwrap().len(), 1, "{q}");
    }
    // Every step's c equals the running depth (hard-sigmoid gates make it exact).
    for (k, step) in steps.iter().enumerate() {
        let prefix: String = text.chars().take(k + 1).collect();
        assert_eq!(step["t"], k);
        assert_eq!(step["c"][0].as_f64().unwrap(), depth(&prefix));
    }
}

#[test]
fn trace_json_writes_non_finite_numbers_as_strings() {
    let text = "(".repeat(60);
    let out = ok(&["trace", "--forget", "identity", "--cell-output", "identity", "--text", &text]);
    let v: Value = serde_json::from_str(&out).expect("valid JSON despite overflow");
    assert!(v["nonfinite"].as_u64().unwrap() > 0);
    let cells: Vec<&Value> = v["steps"].as_array().unwrap().iter().map(|s| &s["c"][0]).collect();
    assert!(cells.iter().any(|c| *c == "inf"), "{cells:?}");
    assert!(cells.iter().any(|c| *c == "NaN"), "{cells:?}");
}

#[test]
fn trace_random_preset_has_h_units() {
    let trace = |seed: &str| {
        ok(&[
            "trace",
            "--preset",
            "random",
            "--hidden",
            "5",
            "--seed",
            seed,
            "--text",
            "Hi!",
            "--candidate",
            "morph:0.5",
        ])
    };
    let out = trace("7");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["parameters"], 4 * 5 * (95 + 5 + 2));
    assert_eq!(v["activations"]["candidate"], "morph:0.5");
    assert_eq!(v["steps"][2]["h"].as_array().unwrap().len(), 5);
    // The same seed gives the same numbers; another seed doesn't.
    assert_eq!(out, trace("7"));
    assert_ne!(out, trace("8"));
}

#[test]
fn trace_csv_rows_and_quoting() {
    let text = "a,\"b\"\r\n(é";
    let out = ok(&["trace", "--preset", "random", "--hidden", "3", "--text", text, "--format", "csv"]);
    let records = parse_csv(&out);
    let steps = text.chars().count();
    assert_eq!(records.len(), steps * 3 + 1);
    assert_eq!(records[0].join(","), "t,char,symbol,unit,z_i,z_f,z_g,z_o,i,f,g,o,c_prev,c,cell_out,h");
    // The characters come back, one per step, on each of the step's 3 rows.
    let chars: String = records[1..].iter().step_by(3).map(|r| r[1].clone()).collect();
    assert_eq!(chars, text);
    for (k, record) in records[1..].iter().enumerate() {
        assert_eq!(record.len(), 16);
        assert_eq!(record[0], (k / 3).to_string());
        assert_eq!(record[3], (k % 3).to_string());
        for number in &record[4..] {
            assert!(number.parse::<f32>().unwrap().is_finite(), "{number}");
        }
    }
    // 'a' is printable ASCII symbol 65; 'é' is "other", written as an empty symbol.
    assert_eq!(records[1][2], "65");
    assert_eq!(records.last().unwrap()[2], "");
}

#[test]
fn trace_reads_a_text_file_and_weights() {
    let text = TempFile::new("text.txt", "ab\nba");
    let weights = TempFile::new(
        "weights.json",
        r#"{"weight_ih_l0": [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7, 0.8]],
            "weight_hh_l0": [[0.1], [0.2], [0.3], [0.4]],
            "bias_ih_l0": [0, 0, 0, 0], "bias_hh_l0": [0, 0, 0, 0], "vocab": ["a", "b"]}"#,
    );
    let out = ok(&["trace", "--weights", weights.path(), "--text-file", text.path()]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["steps"].as_array().unwrap().len(), 5);
    assert_eq!(v["steps"][2]["char"], "\n");
    assert_eq!(v["steps"][2]["other"], true);
    assert_eq!(v["parameters"], 4 * (2 + 1 + 2));
    assert!(v["model"].as_str().unwrap().ends_with("weights.json"));
    assert!(stderr(&gatelab(&["trace", "--weights", weights.path(), "--text", "ab"])).is_empty(), "no note for a plain file");
}

#[test]
fn keys_a_weights_file_holds_beyond_the_cell_are_named_on_stderr() {
    let weights = TempFile::new(
        "extra.json",
        r#"{"weight_ih_l0": [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7, 0.8]],
            "weight_hh_l0": [[0.1], [0.2], [0.3], [0.4]], "step": 3,
            "bias_ih_l0": [0, 0, 0, 0], "bias_hh_l0": [0, 0, 0, 0], "vocab": ["a", "b"], "optimizer": {}}"#,
    );
    let output = gatelab(&["trace", "--weights", weights.path(), "--text", "ab"]);
    assert!(output.status.success());
    let note = stderr(&output);
    assert!(
        note.starts_with("note: --weights ")
            && note.contains("the file's keys step, optimizer are not used: the page reads the LSTM's layers, an embedding, and a read-out that predicts the next character"),
        "{note}"
    );
    // The trace itself is still the cell's, on stdout alone.
    let v: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(v["steps"].as_array().unwrap().len(), 2);
}

/// Peepholes and the coupled forget gate from the command line: `--peepholes` on a preset, the
/// counts with their working, and "coupled" refused anywhere but the forget site.
#[test]
fn peepholes_and_the_coupled_gate() {
    // random, H = 8, 95 symbols: 4 blocks × 8 × (95 + 8 + 2) = 3360, plus 3 peepholes × 8.
    let out = ok(&["params", "--preset", "random", "--hidden", "8", "--peepholes"]);
    assert!(out.starts_with("3384 = 4 blocks × 8 × (95 + 8 + 2) + 3 peepholes × 8\n"), "{out}");
    // CIFG: the forget block and w_cf go.
    let out = ok(&["params", "--preset", "random", "--hidden", "8", "--peepholes", "--forget", "coupled"]);
    assert!(out.starts_with("2536 = 3 blocks × 8 × (95 + 8 + 2) + 2 peepholes × 8\n"), "{out}");
    let err = fails(&["params", "--input", "coupled"]);
    assert!(err.contains("--input: coupled is only for the forget site, not input"), "{err}");
    // The trace says the cell has peepholes, and a hand-set preset's are 0: the same run.
    let with: Value = serde_json::from_str(&ok(&["trace", "--peepholes", "--text", "(()"])).unwrap();
    let without: Value = serde_json::from_str(&ok(&["trace", "--text", "(()"])).unwrap();
    assert_eq!(with["peepholes"], true);
    assert_eq!(without.get("peepholes"), None);
    assert_eq!(with["steps"], without["steps"]);
    assert_eq!(with["parameters"], 20 + 3);
    // Coupled: f = 1 − i at every step.
    let cifg: Value = serde_json::from_str(&ok(&["trace", "--forget", "coupled", "--text", "(x)"])).unwrap();
    for step in cifg["steps"].as_array().unwrap() {
        let (f, i) = (step["f"][0].as_f64().unwrap(), step["i"][0].as_f64().unwrap());
        assert!((f - (1.0 - i)).abs() < 1e-7, "f = {f}, i = {i}");
    }
    assert!(fails(&["trace", "--peepholes", "--weights", "x.json", "--text", "a"]).contains("--peepholes"));
}

/// The GRU from the command line: `--cell gru` on the random preset, a GRU weights file, its
/// sites' flags, and the others refused by name.
#[test]
fn the_gru() {
    // 3 blocks of H(I + H + 2): 3 × 8 × (95 + 8 + 2) = 2520, as nn.GRU(95, 8) has.
    let out = ok(&["params", "--preset", "random", "--hidden", "8", "--cell", "gru"]);
    assert!(out.starts_with("2520 = 3 blocks × 8 × (95 + 8 + 2)\n"), "{out}");
    let trace: Value = serde_json::from_str(&ok(&["trace", "--cell", "gru", "--preset", "random", "--hidden", "3", "--new", "relu", "--text", "gru"])).unwrap();
    assert_eq!(trace["cell"], "gru");
    assert_eq!(trace["activations"], serde_json::json!({"reset": "sigmoid", "update": "sigmoid", "new": "relu"}));
    let step = &trace["steps"][2];
    for q in ["z_r", "z_z", "z_n", "r", "z", "n", "xn", "hn", "h_prev", "h"] {
        assert_eq!(step[q].as_array().map(Vec::len), Some(3), "{q}");
    }
    assert!(step.get("c").is_none() && step.get("f").is_none());
    // n = relu(z_n), and h = (1 − z)·n + z·h_prev, in the report's numbers.
    for u in 0..3 {
        let at = |q: &str| step[q][u].as_f64().unwrap();
        assert!((at("n") - at("z_n").max(0.0)).abs() < 1e-7);
        assert!((at("h") - ((1.0 - at("z")) * at("n") + at("z") * at("h_prev"))).abs() < 1e-6);
    }
    let csv = ok(&["trace", "--cell", "gru", "--preset", "random", "--text", "ab", "--format", "csv"]);
    assert!(csv.starts_with("t,char,symbol,unit,z_r,z_z,z_n,r,z,n,xn,hn,h_prev,h\n"), "{csv}");
    let err = fails(&["trace", "--cell", "gru", "--preset", "random", "--text", "a", "--forget", "tanh"]);
    assert!(err.contains("--forget: a GRU has no forget gate; its sites are --reset, --update, --new"), "{err}");
    let err = fails(&["trace", "--cell", "gru", "--text", "a"]);
    assert!(err.contains("the counter preset is a hand-set LSTM"), "{err}");
    let err = fails(&["params", "--cell", "gru", "--preset", "random", "--peepholes"]);
    assert!(err.contains("a GRU has no peepholes"), "{err}");
    let err = fails(&["params", "--cell", "janet"]);
    assert!(err.contains("janet") && err.contains("lstm") && err.contains("gru"), "{err}");
    // An LSTM has no reset gate.
    let err = fails(&["params", "--reset", "tanh"]);
    assert!(err.contains("--reset: an LSTM has no reset gate; its sites are --forget, --input, --output, --candidate, --cell-output"), "{err}");
}

#[test]
fn cell_worked_example() {
    let out = ok(&[
        "cell",
        "--c-prev",
        "-0.7,-0.11,-0.07,1.06",
        "--f",
        "-20,-15,10,20",
        "--i",
        "-30,-30,-30,-30",
        "--g",
        "0,0,0,0",
        "--o",
        "0,0,0,0",
    ]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let vector = |name: &str| -> Vec<f64> { v[name].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect() };
    for (got, want) in vector("f").iter().zip([0.0, 0.0, 1.0, 1.0]) {
        assert!((got - want).abs() < 1e-4, "f {got}");
    }
    for (got, want) in vector("kept").iter().zip([0.0, 0.0, -0.07, 1.06]) {
        assert!((got - want).abs() < 1e-4, "kept {got}");
    }
    for key in ["f", "i", "g", "o", "kept", "written", "c", "cell_out", "h"] {
        assert_eq!(vector(key).len(), 4, "{key}");
    }

    // The output-gate half: o typed directly (identity), c carried through unchanged.
    let out = ok(&[
        "cell",
        "--c-prev",
        "-35,-48,-35,12",
        "--f=0,0,0,0",
        "--i",
        "0,0,0,0",
        "--g",
        "0,0,0,0",
        "--o",
        "[0, 1, 0, 1]",
        "--forget",
        "none",
        "--input",
        "identity",
        "--output",
        "identity",
    ]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let h: Vec<f64> = v["h"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
    for (got, want) in h.iter().zip([0.0, -1.0, 0.0, 1.0]) {
        assert!((got - want).abs() < 1e-4, "h {h:?}");
    }
    assert_eq!(v["activations"]["output"], "identity");
}

#[test]
fn params_with_formula() {
    assert!(ok(&["params"]).starts_with("20 = 4 blocks × 1 × (2 + 1 + 2)"));
    assert!(ok(&["params", "--preset", "counter", "--input", "none"]).starts_with("15 = 3 blocks × 1 × (2 + 1 + 2)"));
    let out = ok(&["params", "--preset", "random", "--hidden", "8"]);
    assert_eq!(out.split(' ').next().unwrap(), (4 * 8 * (95 + 8 + 2)).to_string());
}

#[test]
fn unknown_activation() {
    let line = fails(&["trace", "--text", "()", "--forget", "swish"]);
    assert!(line.contains("--forget") && line.contains("swish") && line.contains("sigmoid"), "{line}");
    let line =
        fails(&["cell", "--c-prev", "1", "--f", "1", "--i", "1", "--g", "1", "--o", "1", "--cell-output", "morph:2"]);
    assert!(line.contains("--cell-output") && line.contains("morph:2"), "{line}");
}

#[test]
fn bad_weights_files() {
    let missing = TempFile::new(
        "missing.json",
        r#"{"weight_ih_l0": [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7, 0.8]],
            "bias_ih_l0": [0, 0, 0, 0], "bias_hh_l0": [0, 0, 0, 0], "vocab": ["a", "b"]}"#,
    );
    let line = fails(&["params", "--weights", missing.path()]);
    assert!(line.contains("weight_hh_l0") && line.contains(missing.path()), "{line}");

    let not_json = TempFile::new("bad.json", "{ not json");
    let line = fails(&["trace", "--weights", not_json.path(), "--text", "a"]);
    assert!(line.contains("not valid JSON"), "{line}");

    let nan = TempFile::new(
        "nan.json",
        r#"{"weight_ih_l0": [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7, 0.8]], "weight_hh_l0": [[0.1], [0.2], [0.3], [0.4]],
            "bias_ih_l0": [0, NaN, 0, 0], "bias_hh_l0": [0, 0, 0, 0], "vocab": ["a", "b"]}"#,
    );
    // Python's json.dump writes a NaN weight as the bare token NaN, which is not JSON.
    let line = fails(&["trace", "--weights", nan.path(), "--text", "a"]);
    assert!(line.contains("line 2") && line.contains("NaN") && line.contains("finite"), "{line}");

    let line = fails(&["params", "--weights", "/definitely/not/here.json"]);
    assert!(line.contains("/definitely/not/here.json") && line.contains("cannot read"), "{line}");
}

#[test]
fn bad_numbers_and_lengths() {
    let line = fails(&["cell", "--c-prev", "1,2", "--f", "1,abc", "--i", "1,2", "--g", "1,2", "--o", "1,2"]);
    assert!(line.contains("--f") && line.contains("abc"), "{line}");
    let line = fails(&["cell", "--c-prev", "1,2,3", "--f", "1,2", "--i", "1,2", "--g", "1,2", "--o", "1,2"]);
    assert!(line.contains("c_prev has 3") && line.contains("f has 2"), "{line}");
    let line = fails(&["cell", "--c-prev", "1,,2", "--f", "1", "--i", "1", "--g", "1", "--o", "1"]);
    assert!(line.contains("--c-prev") && line.contains("empty"), "{line}");
    let line = fails(&["cell", "--c-prev", "nan", "--f", "1", "--i", "1", "--g", "1", "--o", "1"]);
    assert!(line.contains("--c-prev") && line.contains("finite"), "{line}");
}

#[test]
fn malformed_command_lines() {
    let line = fails(&["trace", "--text", "a", "--format", "xml"]);
    assert!(line.contains("xml") && line.contains("json"), "{line}");
    let line = fails(&["trace", "--txet", "a"]);
    assert!(line.contains("--txet"), "{line}");
    let line = fails(&["trace", "--preset", "random", "--hidden", "65", "--text", "a"]);
    assert!(line.contains("--hidden") && line.contains("64"), "{line}");
    let line = fails(&["trace", "--preset", "counter"]);
    assert!(line.contains("--text"), "{line}");
    let line = fails(&["cell", "--c-prev", "1"]);
    assert!(line.contains("--f"), "{line}");
    let line = fails(&["trace", "--preset", "counter", "--weights", "x.json", "--text", "a"]);
    assert!(line.contains("--weights"), "{line}");
}

#[test]
fn help_works() {
    let out = ok(&["--help"]);
    assert!(out.contains("trace") && out.contains("cell") && out.contains("params"));
    assert!(ok(&["trace", "--help"]).contains("--cell-output"));
}

/// Inputs that never end or would trace without bound are refused with the limit named, and
/// nothing is printed: no read until memory runs out.
#[test]
fn reads_and_traces_are_capped() {
    let line = fails(&["trace", "--text-file", "/dev/zero"]);
    assert!(line.contains("--text-file /dev/zero") && line.contains("at most 16 MB"), "{line}");
    let line = fails(&["trace", "--weights", "/dev/zero", "--text", "a"]);
    assert!(line.contains("--weights /dev/zero") && line.contains("at most 128 MB"), "{line}");
    // H = 64 over 40,000 characters is 2.56 million values per quantity, over the 2 million cap.
    let long = TempFile::new("long.txt", &"ab".repeat(20_000));
    let line = fails(&["trace", "--preset", "random", "--hidden", "64", "--text-file", long.path()]);
    assert!(line.contains("40000 steps × 64 units") && line.contains("at most 31250 characters"), "{line}");
    let bytes = TempFile::new("latin1.txt", "");
    std::fs::write(bytes.path(), [b'a', 0xff, b'b']).unwrap();
    let line = fails(&["trace", "--text-file", bytes.path()]);
    assert!(line.contains("not UTF-8") && line.contains("byte 1"), "{line}");
}

#[test]
fn study_list_names_every_built_in_study() {
    let list = ok(&["study", "--list"]);
    let names: Vec<&str> = list.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(names, ["greff", "weiss", "jozefowicz", "xlstm", "feng"]);
    assert!(list.contains("Greff et al. 2017"), "{list}");
}

/// The same study gives the same numbers on one thread and on two: each run depends only on
/// its own settings and seed.
#[test]
fn a_study_gives_the_same_numbers_on_any_number_of_threads() {
    let args = |threads: &'static str| ["study", "weiss", "--seeds", "2", "--steps", "8", "--threads", threads];
    let mut one: Value = serde_json::from_str(&ok(&args("1"))).unwrap();
    let mut two: Value = serde_json::from_str(&ok(&args("2"))).unwrap();
    // Every run is timed, and every row has its time per step; wall time is the one figure
    // that differs from run to run, so it is left out of the comparison.
    for out in [&one, &two] {
        assert!(out["runs"].as_array().unwrap().iter().all(|r| r["result"]["seconds"].as_f64().is_some_and(|s| s > 0.0)));
        assert!(out["table"]["groups"][0]["rows"].as_array().unwrap().iter().all(|r| r["ms_per_step"]["median"].as_f64().is_some_and(|ms| ms > 0.0)));
    }
    without_measured_times(&mut one);
    without_measured_times(&mut two);
    assert_eq!(one, two);
    assert_eq!(one["study"]["seeds"], 2);
    assert_eq!(one["study"]["max_steps"], 8);
    // 2 variants × 2 tasks × 2 seeds, each with its curve and its job.
    let runs = one["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 8);
    assert!(runs.iter().all(|r| r["result"]["steps"] == 8 && !r["result"]["curve"].as_array().unwrap().is_empty()));
    let groups = one["table"]["groups"].as_array().unwrap();
    assert_eq!(groups.iter().map(|g| g["task"].as_str().unwrap()).collect::<Vec<_>>(), ["anbn", "anbncn"]);
    // The table's medians are the runs' own figures.
    let accuracy = |variant: u64, task: u64| -> Vec<f64> {
        runs.iter()
            .filter(|r| r["job"]["variant"] == variant && r["job"]["task"] == task)
            .map(|r| r["result"]["final_heldout"]["accuracy"].as_f64().unwrap())
            .collect()
    };
    let a = accuracy(1, 0);
    assert_eq!(groups[0]["rows"][1]["final_accuracy"]["median"].as_f64().unwrap(), (a[0] + a[1]) / 2.0);
    // CSV: a header and one row per task and variant, the same figures.
    let csv = ok(&["study", "weiss", "--seeds", "2", "--steps", "8", "--format", "csv"]);
    let rows = parse_csv(&csv);
    assert_eq!(rows.len(), 1 + 4);
    assert_eq!(&rows[1][..5], ["weiss", "anbn", "aⁿbⁿ (counting, n ≤ 30)", "0.01", "LSTM"]);
    let median_column = rows[0].iter().position(|h| h == "final_accuracy_median").unwrap();
    assert_eq!(rows[2][median_column].parse::<f64>().unwrap(), (a[0] + a[1]) / 2.0);
}

/// `value` without its wall-clock times (a run's `seconds`, a row's `ms_per_step`).
fn without_measured_times(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("seconds");
            map.remove("ms_per_step");
            map.values_mut().for_each(without_measured_times);
        }
        Value::Array(items) => items.iter_mut().for_each(without_measured_times),
        _ => {}
    }
}

/// `--rates` sweeps: a table group per rate, each with its runs.
#[test]
fn a_study_sweeps_the_rates_given() {
    let out: Value = serde_json::from_str(&ok(&["study", "xlstm", "--seeds", "1", "--steps", "4", "--rates", "0.01,0.03"])).unwrap();
    assert_eq!(out["study"]["learning_rates"], serde_json::json!([0.01, 0.03]));
    let rates: Vec<f64> = out["table"]["groups"].as_array().unwrap().iter().map(|g| g["learning_rate"].as_f64().unwrap()).collect();
    assert_eq!(rates, [0.01, 0.03, 0.01, 0.03]);
    assert_eq!(out["runs"].as_array().unwrap().len(), 4 * 2 * 2);
    assert!(fails(&["study", "xlstm", "--rates", "0.01,2"]).contains("learning rate 2 is not above 0 and at most 1"));
}

#[test]
fn bad_study_settings_are_named() {
    assert!(fails(&["study", "weiss", "--seeds", "0"]).contains("seeds must be 1 to 20; this study asks for 0"));
    assert!(fails(&["study", "weiss", "--steps", "1000000000"]).contains("steps must be 1 to 20000"));
    assert!(fails(&["study", "nobody"]).contains("no study named \"nobody\": expected greff, weiss, jozefowicz, xlstm, feng"));
    assert!(fails(&["study", "weiss", "--threads", "0"]).contains("--threads 0"));
    let empty = TempFile::new(
        "empty-study.json",
        r#"{"name":"x","title":"x","paper":"x","claim":"x","variants":[],"tasks":[{"kind":"parity"}],"seeds":1,"hidden":4,"batch_size":4,"learning_rates":[0.01],"max_steps":5,"target":0.9}"#,
    );
    assert!(fails(&["study", "--file", empty.path()]).contains("the study has no variants"));
    let unknown = TempFile::new(
        "unknown-study.json",
        r#"{"name":"x","title":"x","paper":"x","claim":"x","variants":[{"label":"a","colour":"red"}],"tasks":[],"seeds":1,"hidden":4,"batch_size":4,"learning_rates":[0.01],"max_steps":5,"target":0.9}"#,
    );
    assert!(fails(&["study", "--file", unknown.path()]).contains("unknown field `colour`"));
    // A study from a file runs like a built-in one.
    let small = TempFile::new(
        "small-study.json",
        r#"{"name":"mine","title":"x","paper":"x","claim":"x","variants":[{"label":"LSTM"},{"label":"bias 1","forget_bias":1.0}],"tasks":[{"kind":"parity"}],"seeds":2,"hidden":4,"batch_size":4,"learning_rates":[0.01,0.05],"max_steps":4,"target":0.9,"eval_every":2}"#,
    );
    let csv = ok(&["study", "--file", small.path(), "--format", "csv"]);
    assert_eq!(parse_csv(&csv).len(), 1 + 2 * 2, "two rates × two variants: {csv}");
}

/// A two-layer model traces its top layer by default and any layer with --layer, each as
/// PyTorch computed it; a layer past the top is an error that says how many there are.
#[test]
fn a_layer_of_a_stacked_model_is_traced_with_layer() {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/char_lstm2.json");
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    let text = expected["expected"]["text"].as_str().unwrap();
    for (flag, layer) in [(None, 1_usize), (Some("0"), 0), (Some("1"), 1)] {
        let mut args = vec!["trace", "--weights", fixture, "--text", text];
        if let Some(k) = flag {
            args.extend(["--layer", k]);
        }
        let output = gatelab(&args);
        assert!(output.status.success(), "{}", stderr(&output));
        let v: Value = serde_json::from_str(&stdout(&output)).unwrap();
        assert_eq!((&v["layer"], &v["layers"]), (&serde_json::json!(layer), &serde_json::json!(2)));
        let want = &expected["expected"]["layers"][layer]["h"];
        for (t, step) in v["steps"].as_array().unwrap().iter().enumerate() {
            for (got, want) in step["h"].as_array().unwrap().iter().zip(want[t].as_array().unwrap()) {
                assert!((got.as_f64().unwrap() - want.as_f64().unwrap()).abs() < 2e-6, "layer {layer} h at {t}");
            }
        }
    }
    let output = gatelab(&["trace", "--weights", fixture, "--text", "ab", "--layer", "2"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("--layer 2: the model has 2 layers, 0 to 1"), "{}", stderr(&output));
    let output = gatelab(&["trace", "--preset", "counter", "--text", "ab", "--layer", "1"]);
    assert!(stderr(&output).contains("--layer 1: the model has one layer, 0"), "{}", stderr(&output));
}

/// A .safetensors file traces as its JSON twin does, to the last digit.
#[test]
fn a_safetensors_file_traces_as_its_json_twin() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");
    let trace = |file: &str| {
        let output = gatelab(&["trace", "--weights", &format!("{dir}{file}"), "--text", "ab (c?", "--layer", "0"]);
        assert!(output.status.success(), "{}", stderr(&output));
        let mut v: Value = serde_json::from_str(&stdout(&output)).unwrap();
        v.as_object_mut().unwrap().remove("model");
        v
    };
    assert_eq!(trace("char_lstm2.safetensors"), trace("char_lstm2.json"));
}

/// `gatelab train` on a text file writes a model the loader reads, with the read-out that
/// predicts the next character, and says how well it predicts the held-out tenth; on a lab task
/// the read-out is kept apart (it does not predict the next character). Each seed is its own
/// thread; the same seeds give the same file.
#[test]
fn train_writes_a_model_that_loads_and_reports_its_held_out_loss() {
    let text = TempFile::new("corpus.txt", &"(a (b) \"c\") [d]\n".repeat(200));
    let dir = std::env::temp_dir().join(format!("gatelab-train-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("m.safetensors");
    let args = ["train", "--text-file", text.path(), "--hidden", "8", "--steps", "30", "--batch", "4", "--window", "16", "--seeds", "2", "--every", "10", "--out", out.to_str().unwrap()];
    let output = gatelab(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let line = stdout(&output);
    assert!(line.starts_with(&format!("wrote {} (", out.display())) && line.contains("an LSTM, H = 8, 11 symbols; held-out bits per character"), "{line}");
    assert!(stderr(&output).contains("seed 2: step 30/30"), "{}", stderr(&output));
    let bytes = std::fs::read(&out).unwrap();
    let loaded = gatelab::pytorch::load_file(&bytes, "m.safetensors").unwrap();
    assert!(loaded.unused_keys.is_empty(), "{:?}", loaded.unused_keys);
    assert!(loaded.model.stack.readout.is_some());
    // The held-out figure printed is the best seed's, and it is one of the two printed.
    let best: f64 = line.split("bits per character ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    let seeds: Vec<f64> = line.split("seed ").skip(2).map(|s| s.split(' ').nth(1).unwrap().trim_end_matches([')', ',', '\n']).parse().unwrap()).collect();
    assert_eq!(seeds.len(), 2, "{line}");
    assert!(seeds.iter().all(|s| *s >= best) && seeds.contains(&best), "{line}");
    // Again: the same file, byte for byte.
    assert!(gatelab(&args).status.success());
    assert_eq!(std::fs::read(&out).unwrap(), bytes);
    let json = dir.join("b.json");
    let output = gatelab(&["train", "--task", "brackets", "--hidden", "4", "--steps", "5", "--out", json.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("held-out loss"), "{}", stdout(&output));
    let loaded = gatelab::pytorch::load(&std::fs::read_to_string(&json).unwrap(), "b.json").unwrap();
    assert!(loaded.model.stack.readout.is_none());
    assert_eq!(loaded.unused_keys, ["readout.weight", "readout.bias"]);
    let bad = gatelab(&["train", "--task", "brackets", "--out", dir.join("m.txt").to_str().unwrap()]);
    assert!(stderr(&bad).contains("name it FILE.safetensors or FILE.json"), "{}", stderr(&bad));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A TF.js layers model: --weights model.json reads the weights files its manifest names from
/// beside it, and the model's config sets the activations (TF.js's hard sigmoid at the gates),
/// which a flag overrides site by site.
#[test]
fn a_tfjs_model_json_reads_its_weights_files_and_sets_its_activations() {
    let model = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tfjs_char/model.json");
    let run = gatelab(&["trace", "--weights", model, "--text", "ab (", "--layer", "0"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(stderr(&run).contains("the model's config sets --forget hard_sigmoid_tfjs --input hard_sigmoid_tfjs --output hard_sigmoid_tfjs --candidate tanh --cell-output tanh"), "{}", stderr(&run));
    let trace: serde_json::Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(trace["activations"]["forget"], "hard_sigmoid_tfjs");
    assert_eq!((trace["layers"].as_u64(), trace["layer"].as_u64()), (Some(2), Some(0)));
    // TF.js's hard sigmoid: f = clamp(0.2·z_f + 0.5, 0, 1), checked on every unit of every step.
    for step in trace["steps"].as_array().unwrap() {
        for (z, f) in step["z_f"].as_array().unwrap().iter().zip(step["f"].as_array().unwrap()) {
            let want = (0.2 * z.as_f64().unwrap() + 0.5).clamp(0.0, 1.0);
            assert!((f.as_f64().unwrap() - want).abs() < 1e-6, "f = {f} at z_f = {z}");
        }
    }
    let overridden: serde_json::Value = serde_json::from_str(&ok(&["trace", "--weights", model, "--text", "ab", "--forget", "sigmoid"])).unwrap();
    assert_eq!(overridden["activations"]["forget"], "sigmoid");
    assert_eq!(overridden["activations"]["input"], "hard_sigmoid_tfjs");
    // Without its weights files beside it, the message names the one missing.
    let dir = std::env::temp_dir().join(format!("gatelab-tfjs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(model, dir.join("model.json")).unwrap();
    let message = fails(&["trace", "--weights", dir.join("model.json").to_str().unwrap(), "--text", "ab"]);
    assert!(message.contains("its weights file") && message.contains("group1-shard1of2.bin"), "{message}");
    std::fs::remove_dir_all(&dir).unwrap();
}
