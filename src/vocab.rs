//! The symbols a model reads: one per Unicode character, with an explicit "other" for the rest.

use std::collections::HashMap;
use std::fmt;

/// One input symbol: an index into the vocabulary, or `None` for a character outside it
/// (the "other" symbol, whose input vector is all zeros).
pub type Symbol = Option<usize>;

/// How the "other" symbol is written in traces and on the page.
pub const OTHER: &str = "other";

/// The vocabulary: input column `k` is the one-hot position of `symbols[k]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Vocab {
    symbols: Vec<char>,
    lookup: HashMap<char, usize>,
}

/// A vocabulary list that cannot be used.
#[derive(Clone, Debug, PartialEq)]
pub enum VocabError {
    NotOneCharacter { index: usize, entry: String },
    Duplicate { index: usize, entry: char },
}

impl fmt::Display for VocabError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VocabError::NotOneCharacter { index, entry } => {
                write!(f, "vocab[{index}] is {entry:?}: each entry must be exactly one character")
            }
            VocabError::Duplicate { index, entry } => {
                write!(f, "vocab[{index}] repeats {entry:?}: each character may appear once")
            }
        }
    }
}

impl std::error::Error for VocabError {}

impl Vocab {
    /// A vocabulary from distinct characters.
    pub fn from_chars(chars: impl IntoIterator<Item = char>) -> Result<Self, VocabError> {
        let mut symbols = Vec::new();
        let mut lookup = HashMap::new();
        for (index, c) in chars.into_iter().enumerate() {
            if lookup.insert(c, index).is_some() {
                return Err(VocabError::Duplicate { index, entry: c });
            }
            symbols.push(c);
        }
        Ok(Vocab { symbols, lookup })
    }

    /// A vocabulary from strings, each of which must be one character (as exported from Python).
    pub fn from_strings<S: AsRef<str>>(entries: &[S]) -> Result<Self, VocabError> {
        let mut chars = Vec::with_capacity(entries.len());
        for (index, entry) in entries.iter().enumerate() {
            let mut it = entry.as_ref().chars();
            match (it.next(), it.next()) {
                (Some(c), None) => chars.push(c),
                _ => return Err(VocabError::NotOneCharacter { index, entry: entry.as_ref().to_string() }),
            }
        }
        Vocab::from_chars(chars)
    }

    /// Printable ASCII, space to tilde: 95 symbols.
    pub fn printable_ascii() -> Self {
        Vocab::from_chars((b' '..=b'~').map(char::from)).expect("ASCII characters are distinct")
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.symbols.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.symbols.is_empty()
    }

    #[must_use]
    pub fn chars(&self) -> &[char] {
        &self.symbols
    }

    /// The symbol of one character.
    #[must_use]
    pub fn symbol(&self, c: char) -> Symbol {
        self.lookup.get(&c).copied()
    }

    /// One symbol per Unicode scalar value of `text`: emoji, combining marks and CR/LF each
    /// become their own step; characters outside the vocabulary become "other".
    #[must_use]
    pub fn encode(&self, text: &str) -> Vec<Symbol> {
        text.chars().map(|c| self.symbol(c)).collect()
    }

    /// The label of a symbol: its character, or "other".
    #[must_use]
    pub fn label(&self, symbol: Symbol) -> String {
        match symbol.and_then(|s| self.symbols.get(s)) {
            Some(c) => c.to_string(),
            None => OTHER.to_string(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // tests compare exactly on purpose
mod tests {
    use super::*;

    #[test]
    fn encodes_each_character_and_marks_others() {
        let vocab = Vocab::from_chars(['(', ')']).unwrap();
        assert_eq!(vocab.encode("(x)"), vec![Some(0), None, Some(1)]);
        // CRLF is two steps; an emoji with a skin tone is two scalar values; é as e + U+0301 is two.
        assert_eq!(vocab.encode("\r\n").len(), 2);
        assert_eq!(vocab.encode("👍🏽").len(), 2);
        assert_eq!(vocab.encode("e\u{301}").len(), 2);
        assert!(vocab.encode("").is_empty());
        assert_eq!(vocab.encode(&"(".repeat(100_000)).len(), 100_000);
        assert_eq!(vocab.label(None), "other");
        assert_eq!(vocab.label(Some(1)), ")");
    }

    #[test]
    fn rejects_bad_lists() {
        assert!(matches!(Vocab::from_strings(&["a", "bc"]), Err(VocabError::NotOneCharacter { index: 1, .. })));
        assert!(matches!(Vocab::from_strings(&["a", ""]), Err(VocabError::NotOneCharacter { index: 1, .. })));
        assert!(matches!(Vocab::from_strings(&["a", "a"]), Err(VocabError::Duplicate { index: 1, .. })));
        assert_eq!(Vocab::printable_ascii().len(), 95);
    }
}
