//! Tasks to train on, each generated from a seed: a vocabulary, output classes, and three sets
//! of sequences: `train`, `heldout` (the same length distribution, for the learning curves) and
//! `long_test` (longer sequences, for length generalisation; accuracy is reported per length).

use super::network::Sequence;
use crate::rng::Rng;
use crate::vocab::{Symbol, Vocab};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::ops::RangeInclusive;

/// Bracket depth is capped here: strings never go deeper, and the classes are 0..=8.
pub const BRACKET_MAX_DEPTH: usize = 8;
/// Letters of the delayed-recall alphabet.
pub const RECALL_ALPHABET: usize = 4;
/// Default delay of delayed recall.
pub const RECALL_DELAY: usize = 3;
/// Distractor letters of the bracket task among distractors.
pub const DISTRACTOR_LETTERS: usize = 16;
/// Share of the bracket task among distractors' symbols that are distractors.
pub const DISTRACTOR_SHARE: f64 = 0.9;
/// Default length T of the adding problem.
pub const ADDING_LENGTH: usize = 20;
/// Default (longest trained) lag of the long-lag task.
pub const LAG: usize = 20;
/// Distractor letters of the long-lag task (after the letters to keep).
pub const LAG_DISTRACTORS: usize = 12;
/// Largest text vocabulary: the most frequent characters; the rest are "other".
pub const TEXT_MAX_VOCAB: usize = 64;

/// Which task, with its parameters. Serialised as `{"kind": "brackets"}`,
/// `{"kind": "recall", "delay": 3}`, `{"kind": "text", "text": "..."}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TaskKind {
    /// Inputs `(`, `)`, `x`; the target at each step is the depth after it (0..=8).
    Brackets,
    /// Bracket depth where most symbols are distractors: inputs `(`, `)` and the letters
    /// `a`..`p` ([`DISTRACTOR_SHARE`] of all symbols); the target is the depth after each.
    Distractors,
    /// `^aⁿbⁿ` with next-symbol prediction scored where the next symbol is determined,
    /// trained on n up to `max_n` and tested on longer n up to `test_to` ([`counting_test`]).
    Anbn {
        #[serde(default = "default_max_n")]
        max_n: usize,
        #[serde(default = "default_test_to")]
        test_to: usize,
    },
    /// Random letters; the target at step t is the input at t − delay.
    Recall { delay: usize },
    /// The adding problem (Hochreiter & Schmidhuber 1997) with digits: `length` digits, one
    /// marked in each half; the target at the last step is the sum of the two marked digits.
    Adding { length: usize },
    /// One letter kept over a lag: a letter a–d, then `lag / 2` to `lag` distractor letters,
    /// then `?`, where the target is the first letter.
    Lag { lag: usize },
    /// Bits; the target at each step is the parity of the bits so far.
    Parity,
    /// `^aⁿbⁿcⁿ`, scored and tested as [`TaskKind::Anbn`].
    Anbncn {
        #[serde(default = "default_max_n")]
        max_n: usize,
        #[serde(default = "default_test_to")]
        test_to: usize,
    },
    /// Digits; the target at each step is the largest digit so far, a stored value that a
    /// larger digit must overwrite.
    Largest,
    /// Next-character prediction on a text.
    Text { text: String },
}

/// The counting tasks' n: trained on 1 to 10, tested on 11 to 25, unless a study says otherwise.
pub const COUNTING_MAX_N: usize = 10;
pub const COUNTING_TEST_TO: usize = 25;
/// The largest n a counting task may train or test on (aⁿbⁿcⁿ of it is 3,001 symbols).
pub const COUNTING_LIMIT: usize = 1000;

fn default_max_n() -> usize {
    COUNTING_MAX_N
}

fn default_test_to() -> usize {
    COUNTING_TEST_TO
}

/// The n of a counting task's long test, trained on 1 to `max_n`: every n from `max_n` + 1 to
/// 2.5 `max_n`, then every ⌈`max_n` / 10⌉-th up to `test_to` (so a test to 10N stays ~120 strings).
/// Both are kept within 1 to [`COUNTING_LIMIT`].
#[must_use]
pub fn counting_test(max_n: usize, test_to: usize) -> (usize, Vec<usize>) {
    let max_n = max_n.clamp(1, COUNTING_LIMIT - 1);
    let test_to = test_to.clamp(max_n + 1, COUNTING_LIMIT);
    let dense = (max_n * 5 / 2).min(test_to);
    let stride = max_n.div_ceil(10);
    let mut lengths: Vec<usize> = (max_n + 1..=dense).collect();
    lengths.extend((dense + stride..=test_to).step_by(stride));
    if lengths.last() != Some(&test_to) {
        lengths.push(test_to);
    }
    (max_n, lengths)
}

/// What the page knows about a task: one row per task, in the order the menu offers them.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct TaskInfo {
    /// The name in settings and messages.
    pub name: &'static str,
    /// The menu label.
    pub label: &'static str,
    /// One line saying what the input is and what the target is, for the page.
    pub about: &'static str,
    /// The task with default parameters (the text task gets [`DEFAULT_TEXT`]).
    #[serde(skip)]
    pub default: fn() -> TaskKind,
}

pub const TASKS: [TaskInfo; 10] = [
    TaskInfo {
        name: "brackets",
        label: "bracket depth (the counter)",
        about: "Input: 2–20 symbols of ( ) x. Target at each step: the bracket depth so far, 0 to 8.",
        default: || TaskKind::Brackets,
    },
    TaskInfo {
        name: "distractors",
        label: "bracket depth among distractors (90% letters)",
        about: "Input: 10–40 symbols, 90% of them the letters a–p, the rest ( or ). Target at each step: \
                the bracket depth so far, 0 to 8.",
        default: || TaskKind::Distractors,
    },
    TaskInfo {
        name: "anbn",
        label: "aⁿbⁿ (counting)",
        about: "Input: ^ then n a's then n b's, n from 1 to 10. Target: the next symbol, wherever it is \
                determined (after ^ and after each b).",
        default: || TaskKind::Anbn { max_n: COUNTING_MAX_N, test_to: COUNTING_TEST_TO },
    },
    TaskInfo {
        name: "recall",
        label: "delayed recall (k = 3)",
        about: "Input: 6–20 random letters a–d. Target at each step: the letter 3 steps back.",
        default: || TaskKind::Recall { delay: RECALL_DELAY },
    },
    TaskInfo {
        name: "adding",
        label: "the adding problem (T = 20)",
        about: "Input: 20 digits, one in each half marked (A–J stand for a marked 0–9). Target at the last step: \
                the sum of the two marked digits, 0 to 18.",
        default: || TaskKind::Adding { length: ADDING_LENGTH },
    },
    TaskInfo {
        name: "lag",
        label: "keep a letter over a lag (up to 20)",
        about: "Input: a letter a–d, then 10–20 letters e–p, then ?. Target at ?: the first letter.",
        default: || TaskKind::Lag { lag: LAG },
    },
    TaskInfo {
        name: "parity",
        label: "parity",
        about: "Input: 2–40 bits, each 0 or 1. Target at each step: the parity of the bits so far, even or odd.",
        default: || TaskKind::Parity,
    },
    TaskInfo {
        name: "anbncn",
        label: "aⁿbⁿcⁿ (two counts)",
        about: "Input: ^ then n a's, n b's and n c's, n from 1 to 10. Target: the next symbol, wherever it is \
                determined (after ^, after each b and after each c).",
        default: || TaskKind::Anbncn { max_n: COUNTING_MAX_N, test_to: COUNTING_TEST_TO },
    },
    TaskInfo {
        name: "largest",
        label: "largest digit so far (revise a stored value)",
        about: "Input: 2–20 digits 0–9, small ones more often. Target at each step: the largest digit so far.",
        default: || TaskKind::Largest,
    },
    TaskInfo {
        name: "text",
        label: "next character of the text above",
        about: "Input: chunks of 16–48 characters of the text in the box. Target at each step: the next \
                character.",
        default: || TaskKind::Text { text: DEFAULT_TEXT.to_string() },
    },
];

impl TaskKind {
    /// The short name used in settings and messages.
    #[must_use]
    pub fn name(&self) -> &'static str {
        let name = match self {
            TaskKind::Brackets => "brackets",
            TaskKind::Distractors => "distractors",
            TaskKind::Anbn { .. } => "anbn",
            TaskKind::Recall { .. } => "recall",
            TaskKind::Adding { .. } => "adding",
            TaskKind::Lag { .. } => "lag",
            TaskKind::Parity => "parity",
            TaskKind::Anbncn { .. } => "anbncn",
            TaskKind::Largest => "largest",
            TaskKind::Text { .. } => "text",
        };
        debug_assert!(TASKS.iter().any(|t| t.name == name));
        name
    }

    /// Looks a task up by name, with default parameters.
    #[must_use]
    pub fn from_name(name: &str) -> Option<TaskKind> {
        TASKS.iter().find(|t| t.name == name).map(|t| (t.default)())
    }

    /// The names, for messages: "brackets, anbn, recall or text".
    #[must_use]
    pub fn names() -> String {
        let names: Vec<&str> = TASKS.iter().map(|t| t.name).collect();
        let (last, rest) = names.split_last().expect("there are tasks");
        format!("{} or {last}", rest.join(", "))
    }
}

/// A generated task.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    pub kind: TaskKind,
    /// For display: "bracket depth", ...
    pub title: String,
    /// Input symbols (one-hot columns).
    pub vocab: Vocab,
    pub classes: usize,
    /// What each class means, for display.
    pub class_labels: Vec<String>,
    /// What `Sequence::length` counts: "characters" or "n".
    pub length_label: String,
    pub train: Vec<Sequence>,
    pub heldout: Vec<Sequence>,
    pub long_test: Vec<Sequence>,
}

/// A task's description for the page (no sequences).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TaskSummary {
    pub name: &'static str,
    pub title: String,
    pub vocab: Vec<String>,
    pub class_labels: Vec<String>,
    pub length_label: String,
    pub train: usize,
    pub heldout: usize,
    pub long_test: usize,
    /// Smallest and largest `length` in each set.
    pub train_lengths: Option<(usize, usize)>,
    pub long_lengths: Option<(usize, usize)>,
}

fn length_range(set: &[Sequence]) -> Option<(usize, usize)> {
    let min = set.iter().map(|s| s.length).min()?;
    Some((min, set.iter().map(|s| s.length).max()?))
}

impl Task {
    /// Generates the task's sets from `seed`: the same seed gives the same sequences.
    pub fn generate(kind: TaskKind, seed: u64) -> Task {
        // A separate stream per set, so changing one set's size leaves the others alone.
        let mut rngs = [1u64, 2, 3].map(|k| Rng::new(seed ^ k.wrapping_mul(0xA076_1D64_78BD_642F)));
        let [train_rng, heldout_rng, long_rng] = &mut rngs;
        match &kind {
            TaskKind::Brackets => {
                let vocab = Vocab::from_chars(['(', ')', 'x']).expect("distinct");
                Task {
                    title: "bracket depth".into(),
                    class_labels: (0..=BRACKET_MAX_DEPTH).map(|d| d.to_string()).collect(),
                    classes: BRACKET_MAX_DEPTH + 1,
                    length_label: "characters".into(),
                    train: (0..512).map(|_| brackets(train_rng, 2..=20, 0)).collect(),
                    heldout: (0..256).map(|_| brackets(heldout_rng, 2..=20, 0)).collect(),
                    long_test: (0..192).map(|_| brackets(long_rng, 40..=80, 0)).collect(),
                    vocab,
                    kind,
                }
            }
            TaskKind::Distractors => {
                let letters = ('a'..).take(DISTRACTOR_LETTERS);
                let vocab = Vocab::from_chars(['(', ')'].into_iter().chain(letters)).expect("distinct");
                let d = DISTRACTOR_LETTERS;
                Task {
                    title: "bracket depth among distractors".into(),
                    class_labels: (0..=BRACKET_MAX_DEPTH).map(|d| d.to_string()).collect(),
                    classes: BRACKET_MAX_DEPTH + 1,
                    length_label: "characters".into(),
                    train: (0..512).map(|_| brackets(train_rng, 10..=40, d)).collect(),
                    heldout: (0..256).map(|_| brackets(heldout_rng, 10..=40, d)).collect(),
                    long_test: (0..192).map(|_| brackets(long_rng, 80..=160, d)).collect(),
                    vocab,
                    kind,
                }
            }
            TaskKind::Anbn { max_n, test_to } => {
                let (max_n, long) = counting_test(*max_n, *test_to);
                let vocab = Vocab::from_chars(['^', 'a', 'b']).expect("distinct");
                let pick = |rng: &mut Rng, n: RangeInclusive<usize>| anbn(*n.start() + rng.below(n.count()));
                Task {
                    title: if max_n == COUNTING_MAX_N { "aⁿbⁿ (counting)".into() } else { format!("aⁿbⁿ (counting, n ≤ {max_n})") },
                    class_labels: vec!["a".into(), "b".into(), "$".into()],
                    classes: 3,
                    length_label: "n".into(),
                    // There are only max_n strings to train on, so the held-out set repeats the
                    // training strings: the real test here is the long one.
                    train: (0..256).map(|_| pick(train_rng, 1..=max_n)).collect(),
                    heldout: (0..128).map(|_| pick(heldout_rng, 1..=max_n)).collect(),
                    long_test: long.into_iter().map(anbn).collect(),
                    vocab,
                    kind,
                }
            }
            TaskKind::Recall { delay } => {
                let delay = *delay;
                let letters: Vec<char> = ('a'..).take(RECALL_ALPHABET).collect();
                let vocab = Vocab::from_chars(letters.iter().copied()).expect("distinct");
                Task {
                    title: format!("delayed recall (k = {delay})"),
                    class_labels: letters.iter().map(|c| c.to_string()).collect(),
                    classes: RECALL_ALPHABET,
                    length_label: "characters".into(),
                    train: (0..512).map(|_| recall(train_rng, delay, 6..=20)).collect(),
                    heldout: (0..256).map(|_| recall(heldout_rng, delay, 6..=20)).collect(),
                    long_test: (0..192).map(|_| recall(long_rng, delay, 40..=80)).collect(),
                    vocab,
                    kind,
                }
            }
            TaskKind::Adding { length } => {
                let length = (*length).max(2);
                let vocab = Vocab::from_chars(('0'..='9').chain('A'..='J')).expect("distinct");
                Task {
                    title: format!("the adding problem (T = {length})"),
                    class_labels: (0..=18).map(|s| s.to_string()).collect(),
                    classes: 19,
                    length_label: "characters".into(),
                    train: (0..512).map(|_| adding(train_rng, length)).collect(),
                    heldout: (0..256).map(|_| adding(heldout_rng, length)).collect(),
                    long_test: (0..192).map(|k| adding(long_rng, length * (2 + k % 3))).collect(),
                    vocab,
                    kind,
                }
            }
            TaskKind::Lag { lag } => {
                let lag = (*lag).max(1);
                let vocab = Vocab::from_chars(('a'..).take(RECALL_ALPHABET + LAG_DISTRACTORS).chain(['?'])).expect("distinct");
                Task {
                    title: format!("keep a letter over a lag (up to {lag})"),
                    class_labels: ('a'..).take(RECALL_ALPHABET).map(|c| c.to_string()).collect(),
                    classes: RECALL_ALPHABET,
                    length_label: "lag".into(),
                    train: (0..512).map(|_| keep_over_lag(train_rng, lag.div_ceil(2)..=lag)).collect(),
                    heldout: (0..256).map(|_| keep_over_lag(heldout_rng, lag.div_ceil(2)..=lag)).collect(),
                    long_test: (0..192).map(|_| keep_over_lag(long_rng, 2 * lag..=4 * lag)).collect(),
                    vocab,
                    kind,
                }
            }
            TaskKind::Parity => Task {
                title: "parity".into(),
                vocab: Vocab::from_chars(['0', '1']).expect("distinct"),
                class_labels: vec!["even".into(), "odd".into()],
                classes: 2,
                length_label: "characters".into(),
                train: (0..512).map(|_| parity(train_rng, 2..=40)).collect(),
                heldout: (0..256).map(|_| parity(heldout_rng, 2..=40)).collect(),
                long_test: (0..96).map(|_| parity(long_rng, 64..=256)).collect(),
                kind,
            },
            TaskKind::Anbncn { max_n, test_to } => {
                let (max_n, long) = counting_test(*max_n, *test_to);
                let pick = |rng: &mut Rng, n: RangeInclusive<usize>| anbncn(*n.start() + rng.below(n.count()));
                Task {
                    title: if max_n == COUNTING_MAX_N { "aⁿbⁿcⁿ".into() } else { format!("aⁿbⁿcⁿ (n ≤ {max_n})") },
                    vocab: Vocab::from_chars(['^', 'a', 'b', 'c']).expect("distinct"),
                    class_labels: vec!["a".into(), "b".into(), "c".into(), "$".into()],
                    classes: 4,
                    length_label: "n".into(),
                    // As for aⁿbⁿ, the held-out strings repeat the training ones: the long test is
                    // the real one.
                    train: (0..256).map(|_| pick(train_rng, 1..=max_n)).collect(),
                    heldout: (0..128).map(|_| pick(heldout_rng, 1..=max_n)).collect(),
                    long_test: long.into_iter().map(anbncn).collect(),
                    kind,
                }
            }
            TaskKind::Largest => Task {
                title: "largest digit so far".into(),
                vocab: Vocab::from_chars('0'..='9').expect("distinct"),
                class_labels: (0..10).map(|d| d.to_string()).collect(),
                classes: 10,
                length_label: "characters".into(),
                train: (0..512).map(|_| largest(train_rng, 2..=20)).collect(),
                heldout: (0..256).map(|_| largest(heldout_rng, 2..=20)).collect(),
                long_test: (0..192).map(|_| largest(long_rng, 40..=80)).collect(),
                kind,
            },
            TaskKind::Text { text } => {
                let chars: Vec<char> = text.chars().collect();
                let vocab = text_vocab(&chars);
                let symbols: Vec<Symbol> = chars.iter().map(|&c| vocab.symbol(c)).collect();
                // The first 90% for training, the rest for the held-out and long tests.
                let split = chars.len() * 9 / 10;
                let (front, back) = symbols.split_at(split);
                Task {
                    title: "next character".into(),
                    class_labels: vocab.chars().iter().map(|c| c.to_string()).collect(),
                    classes: vocab.len(),
                    length_label: "characters".into(),
                    train: (0..256).filter_map(|_| text_chunk(train_rng, front, 16..=48)).collect(),
                    heldout: (0..64).filter_map(|_| text_chunk(heldout_rng, back, 16..=48)).collect(),
                    long_test: (0..32).filter_map(|_| text_chunk(long_rng, back, 64..=128)).collect(),
                    vocab,
                    kind,
                }
            }
        }
    }

    /// The benchmark task: `count` random sequences of `length` steps over `symbols` letters,
    /// each target the input `delay` steps back (unscored before that). Used by the native and
    /// the in-browser training benchmarks, so both time the same work.
    #[must_use]
    pub fn recall_benchmark(symbols: usize, length: usize, count: usize, delay: usize, seed: u64) -> Task {
        let mut rng = Rng::new(seed);
        let train: Vec<Sequence> = (0..count)
            .map(|_| {
                let letters: Vec<usize> = (0..length).map(|_| rng.below(symbols)).collect();
                let targets = (0..length).map(|t| t.checked_sub(delay).map(|s| letters[s])).collect();
                Sequence { inputs: letters.into_iter().map(Some).collect(), targets, length }
            })
            .collect();
        let letters: Vec<char> =
            (0..u32::try_from(symbols).unwrap_or(u32::MAX)).filter_map(|k| char::from_u32(0x61 + k)).collect();
        let vocab = Vocab::from_chars(letters.iter().copied()).expect("distinct");
        let title = format!("recall over {symbols} symbols");
        Task::from_sequences(&title, vocab, letters.iter().map(|c| c.to_string()).collect(), train)
    }

    /// A task from sequences made elsewhere (benchmarks, tests).
    #[must_use]
    pub fn from_sequences(title: &str, vocab: Vocab, class_labels: Vec<String>, train: Vec<Sequence>) -> Task {
        Task {
            kind: TaskKind::Text { text: String::new() },
            title: title.to_string(),
            vocab,
            classes: class_labels.len(),
            class_labels,
            length_label: "characters".into(),
            heldout: train.clone(),
            long_test: Vec::new(),
            train,
        }
    }

    /// Typed text as one of this task's sequences, labelled by the task's own rule where the
    /// rule can be applied to any text: the depth for brackets (other characters keep it, and it
    /// stays within 0..=max), the input `delay` steps back for recall, and the next character
    /// (in the vocabulary) for aⁿbⁿ and text. Characters outside the vocabulary are "other".
    #[must_use]
    pub fn label(&self, text: &str) -> Sequence {
        let chars: Vec<char> = text.chars().collect();
        let inputs: Vec<Symbol> = chars.iter().map(|&c| self.vocab.symbol(c)).collect();
        let next_class = |t: usize| -> Option<usize> {
            let next = *chars.get(t + 1)?;
            self.class_labels.iter().position(|label| label.chars().eq(std::iter::once(next)))
        };
        let targets: Vec<Option<usize>> = match &self.kind {
            TaskKind::Brackets | TaskKind::Distractors => {
                let mut depth = 0usize;
                chars
                    .iter()
                    .map(|&c| {
                        match c {
                            '(' => depth = (depth + 1).min(BRACKET_MAX_DEPTH),
                            ')' => depth = depth.saturating_sub(1),
                            _ => {}
                        }
                        Some(depth)
                    })
                    .collect()
            }
            TaskKind::Recall { delay } => {
                (0..chars.len()).map(|t| if t >= *delay { inputs[t - delay] } else { None }).collect()
            }
            TaskKind::Anbn { .. } | TaskKind::Anbncn { .. } | TaskKind::Text { .. } => (0..chars.len()).map(next_class).collect(),
            TaskKind::Adding { .. } => {
                // The sum of the marked digits at the last step, when exactly two are marked.
                let marked: Vec<usize> = chars.iter().filter(|c| c.is_ascii_uppercase() && **c <= 'J').map(|&c| c as usize - 'A' as usize).collect();
                let mut targets = vec![None; chars.len()];
                if let ([a, b], Some(last)) = (marked.as_slice(), targets.last_mut()) {
                    *last = Some(a + b);
                }
                targets
            }
            TaskKind::Lag { .. } => {
                let kept = chars.first().and_then(|&c| ('a'..='d').contains(&c).then(|| c as usize - 'a' as usize));
                chars.iter().enumerate().map(|(t, &c)| if t > 0 && c == '?' { kept } else { None }).collect()
            }
            TaskKind::Parity => {
                let mut odd = 0;
                chars
                    .iter()
                    .map(|&c| {
                        let bit = c.to_digit(2)? as usize;
                        odd ^= bit;
                        Some(odd)
                    })
                    .collect()
            }
            TaskKind::Largest => {
                let mut largest = None;
                chars
                    .iter()
                    .map(|&c| {
                        let digit = c.to_digit(10)? as usize;
                        largest = Some(largest.map_or(digit, |m: usize| m.max(digit)));
                        largest
                    })
                    .collect()
            }
        };
        Sequence { length: chars.len(), inputs, targets }
    }

    #[must_use]
    pub fn summary(&self) -> TaskSummary {
        TaskSummary {
            name: self.kind.name(),
            title: self.title.clone(),
            vocab: self.vocab.chars().iter().map(|c| c.to_string()).collect(),
            class_labels: self.class_labels.clone(),
            length_label: self.length_label.clone(),
            train: self.train.len(),
            heldout: self.heldout.len(),
            long_test: self.long_test.len(),
            train_lengths: length_range(&self.train),
            long_lengths: length_range(&self.long_test),
        }
    }
}

fn length_in(rng: &mut Rng, lengths: RangeInclusive<usize>) -> usize {
    *lengths.start() + rng.below(lengths.end() - lengths.start() + 1)
}

/// A random walk over `(` (weight 0.4), `)` (0.4) and `x` (0.2), choosing only among symbols that
/// keep the depth in 0..=BRACKET_MAX_DEPTH. Target: the depth after each symbol. With
/// `distractors` letters (symbols 2, 3, …), a symbol is one of them, uniformly, with probability
/// [`DISTRACTOR_SHARE`], and a bracket otherwise (the one that keeps the depth in range, or
/// either, at even odds), in place of `x`.
fn brackets(rng: &mut Rng, lengths: RangeInclusive<usize>, distractors: usize) -> Sequence {
    debug_assert!(distractors != 1, "one distractor letter is the plain task's x");
    let length = length_in(rng, lengths);
    let (mut inputs, mut targets) = (Vec::with_capacity(length), Vec::with_capacity(length));
    let mut depth = 0usize;
    let (bracket, other) = if distractors == 0 { (0.4, 0.2) } else { (0.5 * (1.0 - DISTRACTOR_SHARE), DISTRACTOR_SHARE) };
    for _ in 0..length {
        let open = if depth < BRACKET_MAX_DEPTH { bracket } else { 0.0 };
        let close = if depth > 0 { bracket } else { 0.0 };
        let (open, close) = if distractors > 0 && open + close < 2.0 * bracket {
            // At either end of the range the one bracket that fits takes both brackets' share.
            (2.0 * open, 2.0 * close)
        } else {
            (open, close)
        };
        let r = rng.next_f64() * (open + close + other);
        let symbol = if r < open {
            depth += 1;
            0
        } else if r < open + close {
            depth -= 1;
            1
        } else {
            // The one distractor `x` draws no number, so bracket depth's data stays as it was.
            2 + if distractors > 1 { rng.below(distractors) } else { 0 }
        };
        inputs.push(Some(symbol));
        targets.push(Some(depth));
    }
    Sequence { inputs, targets, length }
}

/// Symbols of aⁿbⁿ's vocabulary and classes.
const START: usize = 0;
const A: usize = 1;
const B: usize = 2;
const CLASS_A: usize = 0;
const CLASS_B: usize = 1;
const CLASS_END: usize = 2;

/// Inputs `^ a…a b…b` (n each); the target at step t is the symbol after input t, scored only
/// where it is determined by what came before: after `^` (n ≥ 1, so an `a`) and after every `b`
/// (more b's until there are n, then the end). After an `a` either symbol may follow: unscored.
#[must_use]
pub fn anbn(n: usize) -> Sequence {
    let mut inputs = vec![Some(START)];
    inputs.extend(std::iter::repeat_n(Some(A), n));
    inputs.extend(std::iter::repeat_n(Some(B), n));
    let mut targets = vec![Some(CLASS_A)];
    targets.extend(std::iter::repeat_n(None, n));
    targets.extend((1..=n).map(|k| Some(if k < n { CLASS_B } else { CLASS_END })));
    Sequence { inputs, targets, length: n }
}

/// Random letters; target at t = input at t − delay, unscored for t < delay.
fn recall(rng: &mut Rng, delay: usize, lengths: RangeInclusive<usize>) -> Sequence {
    let length = length_in(rng, lengths);
    let letters: Vec<usize> = (0..length).map(|_| rng.below(RECALL_ALPHABET)).collect();
    let targets = (0..length).map(|t| t.checked_sub(delay).map(|s| letters[s])).collect();
    Sequence { inputs: letters.into_iter().map(Some).collect(), targets, length }
}

/// `length` digits (symbols 0..=9), one position in each half marked (the same digit as symbol
/// 10..=19); unscored but for the last step, whose target is the sum of the marked digits.
fn adding(rng: &mut Rng, length: usize) -> Sequence {
    let half = length / 2;
    let marked = [rng.below(half), half + rng.below(length - half)];
    let digits: Vec<usize> = (0..length).map(|_| rng.below(10)).collect();
    let inputs = (0..length).map(|t| Some(if marked.contains(&t) { 10 + digits[t] } else { digits[t] })).collect();
    let mut targets = vec![None; length];
    targets[length - 1] = Some(digits[marked[0]] + digits[marked[1]]);
    Sequence { inputs, targets, length }
}

/// A letter to keep (symbols 0..4), then a lag of distractor letters (the next
/// [`LAG_DISTRACTORS`] symbols), then `?` (the last), where the target is the first letter.
/// Its `length` is the lag.
fn keep_over_lag(rng: &mut Rng, lags: RangeInclusive<usize>) -> Sequence {
    let lag = length_in(rng, lags);
    let kept = rng.below(RECALL_ALPHABET);
    let mut inputs = vec![Some(kept)];
    inputs.extend((0..lag).map(|_| Some(RECALL_ALPHABET + rng.below(LAG_DISTRACTORS))));
    inputs.push(Some(RECALL_ALPHABET + LAG_DISTRACTORS));
    let mut targets = vec![None; lag + 2];
    targets[lag + 1] = Some(kept);
    Sequence { inputs, targets, length: lag }
}

/// Random bits; target at each step: their parity so far (0 even, 1 odd).
fn parity(rng: &mut Rng, lengths: RangeInclusive<usize>) -> Sequence {
    let length = length_in(rng, lengths);
    let bits: Vec<usize> = (0..length).map(|_| rng.below(2)).collect();
    let targets = bits.iter().scan(0, |odd, &b| {
        *odd ^= b;
        Some(Some(*odd))
    });
    Sequence { targets: targets.collect(), inputs: bits.into_iter().map(Some).collect(), length }
}

/// Inputs `^ aⁿ bⁿ cⁿ`; the target at step t is the symbol after input t, scored where it is
/// determined: after `^` (an `a`), after every `b` (more b's until there are n, then `c`) and
/// after every `c` (more c's until there are n, then the end). Classes a, b, c, $.
#[must_use]
pub fn anbncn(n: usize) -> Sequence {
    let (a, b, c, end) = (0, 1, 2, 3);
    let mut inputs = vec![Some(0)];
    for symbol in [1, 2, 3] {
        inputs.extend(std::iter::repeat_n(Some(symbol), n));
    }
    let mut targets = vec![Some(a)];
    targets.extend(std::iter::repeat_n(None, n));
    targets.extend((1..=n).map(|k| Some(if k < n { b } else { c })));
    targets.extend((1..=n).map(|k| Some(if k < n { c } else { end })));
    Sequence { inputs, targets, length: n }
}

/// Digits drawn with small ones more often (⌊10u²⌋ for u uniform in [0, 1): a 9 one time in 19.5),
/// so the largest so far is revised along the way; target at each step: the largest so far.
fn largest(rng: &mut Rng, lengths: RangeInclusive<usize>) -> Sequence {
    let length = length_in(rng, lengths);
    // ⌊10u²⌋ for u = r / 10⁴, in whole numbers: r² / 10⁷ (at most 9, as r < 10⁴).
    let digits: Vec<usize> = (0..length)
        .map(|_| {
            let r = rng.below(10_000);
            r * r / 10_000_000
        })
        .collect();
    let targets = digits.iter().scan(0, |max, &d| {
        *max = (*max).max(d);
        Some(Some(*max))
    });
    Sequence { targets: targets.collect(), inputs: digits.into_iter().map(Some).collect(), length }
}

/// The most frequent `TEXT_MAX_VOCAB` characters (ties: the smaller character), in character
/// order.
fn text_vocab(chars: &[char]) -> Vocab {
    frequent_vocab(chars, TEXT_MAX_VOCAB)
}

/// The `most` most frequent characters (ties by code point), in code-point order.
fn frequent_vocab(chars: &[char], most: usize) -> Vocab {
    let mut counts: HashMap<char, usize> = HashMap::new();
    for &c in chars {
        *counts.entry(c).or_default() += 1;
    }
    let mut ranked: Vec<(char, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut kept: Vec<char> = ranked.into_iter().take(most).map(|(c, _)| c).collect();
    kept.sort_unstable();
    Vocab::from_chars(kept).expect("counted characters are distinct")
}

impl Task {
    /// Next-character prediction over a whole corpus, for `gatelab train --text-file`: the
    /// first 90% cut into windows of `window` characters (each step a window, so every
    /// character is trained on), the last 10% into held-out windows; the `max_vocab` most
    /// frequent characters are the vocab, the rest "other" (an all-zero input, not scored).
    #[must_use]
    pub fn corpus(text: &str, window: usize, max_vocab: usize) -> Task {
        let chars: Vec<char> = text.chars().collect();
        let vocab = frequent_vocab(&chars, max_vocab);
        let symbols: Vec<Symbol> = chars.iter().map(|&c| vocab.symbol(c)).collect();
        let split = chars.len() * 9 / 10;
        let windows = |part: &[Symbol]| -> Vec<Sequence> {
            // Each window's targets run one character past it, into the next window.
            (0..part.len().saturating_sub(1))
                .step_by(window.max(2))
                .map(|start| {
                    let length = window.max(2).min(part.len() - 1 - start);
                    Sequence { inputs: part[start..start + length].to_vec(), targets: part[start + 1..=start + length].to_vec(), length }
                })
                .filter(|s| s.length >= 2)
                .collect()
        };
        let (front, back) = symbols.split_at(split);
        let heldout = windows(back);
        Task {
            kind: TaskKind::Text { text: String::new() },
            title: "next character".into(),
            class_labels: vocab.chars().iter().map(char::to_string).collect(),
            classes: vocab.len(),
            length_label: "characters".into(),
            train: windows(front),
            long_test: heldout.clone(),
            heldout,
            vocab,
        }
    }
}

/// A chunk at a random offset: inputs are its characters, targets the next character of each
/// (unscored where that is outside the vocabulary). None if the text is too short for a chunk
/// of at least two characters.
fn text_chunk(rng: &mut Rng, symbols: &[Symbol], lengths: RangeInclusive<usize>) -> Option<Sequence> {
    let available = symbols.len().checked_sub(1).filter(|&n| n >= 2)?;
    let length = length_in(rng, lengths).min(available);
    let start = rng.below(available - length + 1);
    let inputs = symbols[start..start + length].to_vec();
    let targets = symbols[start + 1..start + length + 1].to_vec();
    Some(Sequence { inputs, targets, length })
}

/// The text the text task uses unless given another: written for this project.
pub const DEFAULT_TEXT: &str = "\
A cell remembers by keeping what it had and adding what it is told. The forget gate decides how \
much of the old memory stays; the input gate decides how much of the new candidate is written; \
the output gate decides how much of the memory is shown to the next step and to the reader. \
When the forget gate is open and the input gate is shut, the memory is kept as it is, step after \
step, for as long as the gates hold. When the input gate opens, the candidate is added, and the \
memory moves. A counter is a cell whose candidate is plus one for an opening bracket and minus \
one for a closing one, and whose gates let only brackets in. A latch is a cell that forgets \
everything when it is set or reset, and keeps everything otherwise. Take a gate away and the cell \
still runs: the gate becomes the constant one, and whatever it used to decide is now always \
allowed. Take the squashing away and the memory can grow without bound. Swap a sigmoid for a \
hard sigmoid and the gates can close exactly, so nothing leaks; swap the candidate's tanh for a \
relu and the cell can count up but never down. Every choice of function is a choice of what the \
cell can say, and training finds out whether the rest of the cell can learn to say it anyway. \
Some choices train in a few hundred steps, some train slowly, and some never train at all, \
because their gradients vanish as they travel back through time or grow until they overflow. \
The lab lets you watch all of this happen, one step and one gate at a time.";

#[cfg(test)]
#[allow(clippy::float_cmp)] // tests compare exactly on purpose
mod tests {
    use super::*;

    fn all_kinds() -> Vec<TaskKind> {
        TASKS.iter().map(|t| (t.default)()).collect()
    }

    /// The counting tasks' long test, worked by hand: trained on n ≤ 10 it is 11 to 25 (as
    /// before the sizes were settings); on n ≤ 30 to 300, every n to 75 = 2.5 × 30, then every
    /// third (⌈30 / 10⌉): 78, 81, …, 300, 45 + 75 = 120 strings.
    #[test]
    fn counting_tasks_test_past_their_training() {
        assert_eq!(counting_test(10, 25), (10, (11..=25).collect()));
        let (n, long) = counting_test(30, 300);
        assert_eq!((n, long.len(), long[44], long[45], long[46], *long.last().unwrap()), (30, 120, 75, 78, 81, 300));
        // A test end off the stride is still tested; bad sizes are kept in range.
        assert_eq!(counting_test(30, 301).1.last(), Some(&301));
        assert_eq!(counting_test(0, 0), (1, vec![2]));
        let task = Task::generate(TaskKind::Anbn { max_n: 30, test_to: 300 }, 3);
        assert_eq!(task.title, "aⁿbⁿ (counting, n ≤ 30)");
        assert!(task.train.iter().all(|s| (1..=30).contains(&s.length)) && task.train.iter().any(|s| s.length > 20));
        assert_eq!(task.long_test.iter().map(|s| s.length).collect::<Vec<_>>(), long);
        let json = r#"{"kind": "anbncn"}"#;
        assert_eq!(serde_json::from_str::<TaskKind>(json).unwrap(), TaskKind::Anbncn { max_n: 10, test_to: 25 });
    }

    #[test]
    fn deterministic_from_the_seed() {
        for kind in all_kinds() {
            let a = Task::generate(kind.clone(), 7);
            assert_eq!(a, Task::generate(kind.clone(), 7), "{}", kind.name());
            if !matches!(kind, TaskKind::Anbn { .. } | TaskKind::Anbncn { .. }) {
                assert_ne!(a.train, Task::generate(kind.clone(), 8).train, "{}", kind.name());
            }
            for set in [&a.train, &a.heldout, &a.long_test] {
                assert!(!set.is_empty(), "{}", kind.name());
                for s in set {
                    assert_eq!(s.inputs.len(), s.targets.len());
                    assert!(s.inputs.iter().flatten().all(|&x| x < a.vocab.len()));
                    assert!(s.targets.iter().flatten().all(|&y| y < a.classes));
                    assert!(s.scored() > 0);
                }
            }
            assert_eq!(a.class_labels.len(), a.classes);
            let summary = a.summary();
            assert!(summary.long_lengths.unwrap().0 > summary.train_lengths.unwrap().1, "{}", kind.name());
        }
    }

    #[test]
    fn bracket_depths_stay_in_range_and_match_the_string() {
        let task = Task::generate(TaskKind::Brackets, 3);
        let mut deepest = 0;
        let max_depth = i64::try_from(BRACKET_MAX_DEPTH).unwrap();
        for s in task.train.iter().chain(&task.heldout).chain(&task.long_test) {
            let mut depth: i64 = 0;
            for (x, y) in s.inputs.iter().zip(&s.targets) {
                depth += match x.unwrap() {
                    0 => 1,
                    1 => -1,
                    _ => 0,
                };
                assert!((0..=max_depth).contains(&depth), "depth {depth}");
                assert_eq!(i64::try_from(y.unwrap()).unwrap(), depth);
                deepest = deepest.max(depth);
            }
            assert_eq!(s.length, s.inputs.len());
        }
        assert_eq!(deepest, max_depth, "the cap is reached somewhere");
        assert!(task.train.iter().all(|s| (2..=20).contains(&s.length)));
        assert!(task.long_test.iter().all(|s| (40..=80).contains(&s.length)));
    }

    /// Asserts that `sequence(n)` (n from 1 to 25) is scored exactly where every string of the
    /// language (`string(n)` for n from 1 to 40) sharing its prefix has the same next symbol, and
    /// that its target there is that symbol's class (`class(next)`, None for the end).
    fn assert_scored_where_determined(
        string: impl Fn(usize) -> Vec<usize>,
        sequence: impl Fn(usize) -> Sequence,
        class: impl Fn(Option<usize>) -> usize,
    ) {
        let language: Vec<Vec<usize>> = (1..=40).map(string).collect();
        for n in 1..=25 {
            let seq = sequence(n);
            assert_eq!(seq.length, n);
            let symbols: Vec<usize> = seq.inputs.iter().map(|s| s.unwrap()).collect();
            for t in 0..symbols.len() {
                let mut next: Vec<usize> =
                    language.iter().filter(|w| w.starts_with(&symbols[..=t])).map(|w| class(w.get(t + 1).copied())).collect();
                next.sort_unstable();
                next.dedup();
                let expected = if next.len() == 1 { Some(next[0]) } else { None };
                assert_eq!(seq.targets[t], expected, "n = {n}, t = {t}");
            }
        }
    }

    /// For every prefix of ^aⁿbⁿ, the set of symbols that can come next over all strings of the
    /// language (n from 1 to 40) sharing that prefix: a step is scored exactly when that set has
    /// one element, and its target is that element.
    #[test]
    fn anbn_scores_exactly_the_deterministic_steps() {
        let string = |n| std::iter::once(START).chain(std::iter::repeat_n(A, n)).chain(std::iter::repeat_n(B, n)).collect();
        assert_scored_where_determined(string, anbn, |next| match next {
            Some(A) => CLASS_A,
            Some(B) => CLASS_B,
            Some(_) => unreachable!(),
            None => CLASS_END,
        });
    }

    #[test]
    fn typed_text_is_labelled_by_the_task_rule() {
        let brackets = Task::generate(TaskKind::Brackets, 1).label("(()x))(");
        assert_eq!(brackets.targets, [1, 2, 1, 1, 0, 0, 1].map(Some).to_vec());
        assert_eq!(brackets.inputs[3], Some(2));
        let recall = Task::generate(TaskKind::Recall { delay: 2 }, 1).label("abzc");
        assert_eq!(recall.targets, vec![None, None, Some(0), Some(1)]);
        let anbn = Task::generate(TaskKind::from_name("anbn").unwrap(), 1).label("^aabb");
        assert_eq!(anbn.targets, vec![Some(0), Some(0), Some(1), Some(1), None]);
        let text = Task::generate(TaskKind::Text { text: "abcabc".into() }, 1).label("ab?");
        assert_eq!(text.targets.len(), 3);
        assert_eq!(text.targets[2], None);
    }

    #[test]
    fn recall_targets_are_the_input_k_steps_back() {
        for delay in [1, 3, 5] {
            let task = Task::generate(TaskKind::Recall { delay }, 11);
            for s in task.train.iter().chain(&task.long_test) {
                for t in 0..s.inputs.len() {
                    let want = if t < delay { None } else { s.inputs[t - delay] };
                    assert_eq!(s.targets[t], want);
                }
            }
        }
    }

    #[test]
    fn a_corpus_is_cut_into_windows_that_cover_it_and_a_held_out_tenth() {
        let text: String = (0..1000).map(|k| char::from(b'a' + u8::try_from(k % 7).unwrap())).collect();
        let task = Task::corpus(&text, 32, 5);
        // The 5 most frequent of 7 letters: a to f occur 143 times and g 142; ties go to the lower.
        assert_eq!(task.vocab.chars(), ['a', 'b', 'c', 'd', 'e']);
        let decode = |symbols: &[Symbol]| -> String { symbols.iter().map(|s| s.map_or('?', |k| task.vocab.chars()[k])).collect() };
        // Every character of the first 900 is an input exactly once, in order.
        let inputs: String = task.train.iter().map(|s| decode(&s.inputs)).collect();
        assert_eq!(inputs.len(), 899, "all but the last, which has no next character in the part");
        assert_eq!(inputs, decode(&text.chars().take(899).map(|c| task.vocab.symbol(c)).collect::<Vec<_>>()));
        for s in task.train.iter().chain(&task.heldout) {
            assert_eq!(s.inputs[1..], s.targets[..s.length - 1], "each target is the next input");
        }
        let held: usize = task.heldout.iter().map(|s| s.length).sum();
        assert_eq!(held, 99);
    }

    #[test]
    fn text_chunks_predict_the_next_character() {
        let task = Task::generate(TaskKind::from_name("text").unwrap(), 5);
        let chars: Vec<char> = DEFAULT_TEXT.chars().collect();
        assert!(task.vocab.len() <= TEXT_MAX_VOCAB);
        for s in &task.train {
            for t in 1..s.inputs.len() {
                assert_eq!(s.targets[t - 1], s.inputs[t]);
            }
            // The chunk is somewhere in the text.
            let decoded: String = s.inputs.iter().map(|x| task.vocab.label(*x)).collect();
            assert!(DEFAULT_TEXT.contains(&decoded), "{decoded}");
        }
        assert!(chars.len() > 1000);
        // More than 64 distinct characters: the rarest become "other" and are not scored.
        let wide: String = (0..200u32).filter_map(|k| char::from_u32(0x100 + k)).collect::<String>().repeat(3);
        let task = Task::generate(TaskKind::Text { text: wide }, 1);
        assert_eq!(task.vocab.len(), TEXT_MAX_VOCAB);
        assert!(task.train.iter().any(|s| s.inputs.contains(&None) && s.targets.contains(&None)));
        // Too short for anything: empty sets, no panic.
        let tiny = Task::generate(TaskKind::Text { text: "ab".into() }, 1);
        assert!(tiny.train.is_empty() && tiny.long_test.is_empty());
    }

    /// Each task's one-line description states its generator's lengths, letters and share.
    #[test]
    fn each_task_says_what_it_generates() {
        for info in TASKS.iter().filter(|t| t.name != "text") {
            let task = Task::generate((info.default)(), 3);
            let summary = task.summary();
            let (lo, hi) = summary.train_lengths.unwrap();
            let lengths = match (info.name, lo == hi) {
                ("anbn" | "anbncn", _) => format!("n from {lo} to {hi}"),
                (_, true) => format!("{lo} "),
                _ => format!("{lo}–{hi}"),
            };
            assert!(info.about.contains(&lengths), "{}: {lengths} in {:?}", info.name, info.about);
            // Each symbol is named: inside a range the text gives ("a–p", "0–9"), as "a's", or,
            // but for a letter, on its own.
            let about: Vec<char> = info.about.chars().collect();
            let ranges: Vec<(char, char)> = about.windows(3).filter(|w| w[1] == '–').map(|w| (w[0], w[2])).collect();
            let letters = summary.vocab.iter().filter(|s| s.chars().all(char::is_alphabetic)).count();
            for symbol in &summary.vocab {
                let c = symbol.chars().next().unwrap();
                let in_range = ranges.iter().any(|&(a, z)| a <= c && c <= z);
                let alone = !c.is_alphabetic() || letters == 1;
                let named = info.about.contains(&format!("{c}'s")) || (alone && info.about.contains(c));
                assert!(in_range || named, "{}: {symbol} in {:?}", info.name, info.about);
            }
        }
        let task = Task::generate(TaskKind::Distractors, 5);
        let (mut letters, mut all) = (0usize, 0usize);
        for s in &task.train {
            all += s.length;
            letters += s.inputs.iter().filter(|x| x.is_some_and(|x| x >= 2)).count();
        }
        let share = letters as f64 / all as f64;
        // The share is fixed by the generator, up to the few forced brackets at depth 0 and 8.
        assert!((share - DISTRACTOR_SHARE).abs() < 0.01, "{share}");
        assert!(TASKS.iter().find(|t| t.name == "distractors").unwrap().about.contains(&format!("{:.0}%", DISTRACTOR_SHARE * 100.0)));
    }

    #[test]
    fn adding_targets_the_sum_of_the_two_marked_digits() {
        let task = Task::generate(TaskKind::Adding { length: 12 }, 4);
        for s in task.train.iter().chain(&task.long_test) {
            let marked: Vec<usize> = (0..s.length).filter(|&t| s.inputs[t].unwrap() >= 10).collect();
            assert_eq!(marked.len(), 2);
            // One in each half.
            assert!(marked[0] < s.length / 2 && marked[1] >= s.length / 2);
            let sum = marked.iter().map(|&t| s.inputs[t].unwrap() - 10).sum::<usize>();
            assert_eq!(s.targets.last().copied().flatten(), Some(sum));
            assert_eq!(s.scored(), 1);
        }
        assert!(task.train.iter().all(|s| s.length == 12));
        assert!(task.long_test.iter().all(|s| [24, 36, 48].contains(&s.length)));
        let typed = task.label("12A3B");
        assert_eq!(typed.targets, vec![None, None, None, None, Some(1)]);
    }

    #[test]
    fn the_first_letter_is_the_target_after_the_lag() {
        let task = Task::generate(TaskKind::Lag { lag: 10 }, 5);
        let question = RECALL_ALPHABET + LAG_DISTRACTORS;
        for (set, lags) in [(&task.train, 5..=10), (&task.long_test, 20..=40)] {
            for s in set {
                assert!(lags.contains(&s.length) && s.inputs.len() == s.length + 2);
                let first = s.inputs[0].unwrap();
                assert!(first < RECALL_ALPHABET);
                assert!(s.inputs[1..=s.length].iter().all(|x| (RECALL_ALPHABET..question).contains(&x.unwrap())));
                assert_eq!(s.inputs[s.length + 1], Some(question));
                assert_eq!((s.targets[s.length + 1], s.scored()), (Some(first), 1));
            }
        }
        assert_eq!(task.label("cfgh?").targets, vec![None, None, None, None, Some(2)]);
    }

    #[test]
    fn parity_targets_count_the_ones() {
        let task = Task::generate(TaskKind::Parity, 6);
        for s in task.train.iter().chain(&task.long_test) {
            for t in 0..s.length {
                let ones = s.inputs[..=t].iter().filter(|x| **x == Some(1)).count();
                assert_eq!(s.targets[t], Some(ones % 2));
            }
        }
        assert!(task.long_test.iter().all(|s| (64..=256).contains(&s.length)));
        assert_eq!(task.label("1101").targets, vec![Some(1), Some(0), Some(0), Some(1)]);
    }

    /// As for aⁿbⁿ: a step of ^aⁿbⁿcⁿ is scored exactly when the next symbol is the same for
    /// every string of the language (n from 1 to 40) with that prefix.
    #[test]
    fn anbncn_scores_exactly_the_deterministic_steps() {
        let string = |n| std::iter::once(0).chain([1, 2, 3].into_iter().flat_map(|s| std::iter::repeat_n(s, n))).collect();
        // Symbols ^ a b c are 0 to 3; classes a, b, c, $ are 0 to 3.
        assert_scored_where_determined(string, anbncn, |next| next.map_or(3, |s| s - 1));
    }

    #[test]
    fn largest_targets_are_revised_when_a_larger_digit_comes() {
        let task = Task::generate(TaskKind::Largest, 7);
        let (mut nines, mut digits, mut revised) = (0usize, 0usize, 0usize);
        for s in &task.train {
            let mut largest = 0;
            for t in 0..s.length {
                let d = s.inputs[t].unwrap();
                largest = if t == 0 { d } else { largest.max(d) };
                assert_eq!(s.targets[t], Some(largest));
                nines += usize::from(d == 9);
                digits += 1;
            }
            revised += usize::from(s.targets.windows(2).any(|w| w[0] != w[1]));
        }
        // ⌊10u²⌋ is 9 for u ≥ √0.9: 1 − √0.9 of the digits (r ≥ 9487: 5.13%); and most
        // sequences revise their value.
        let share = nines as f64 / digits as f64;
        assert!((share - (1.0 - 0.9f64.sqrt())).abs() < 0.01, "{share}");
        assert!(revised * 10 > task.train.len() * 8, "{revised} of {}", task.train.len());
        assert_eq!(task.label("3x72").targets, vec![Some(3), None, Some(7), Some(7)]);
    }

    #[test]
    fn kinds_serialise_with_a_tag() {
        let json = serde_json::to_string(&TaskKind::Recall { delay: 3 }).unwrap();
        assert_eq!(json, r#"{"kind":"recall","delay":3}"#);
        let back: TaskKind = serde_json::from_str(r#"{"kind":"brackets"}"#).unwrap();
        assert_eq!(back, TaskKind::Brackets);
    }
}
