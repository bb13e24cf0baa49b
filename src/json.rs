//! A small JSON reader and writer for weights files: what the page needs of JSON, in far less
//! WebAssembly than a general-purpose library (whose generic value parser was a seventh of the
//! page's module), and with errors that name the line and column, including the `NaN` and
//! `Infinity` that Python's `json.dump` writes for non-finite floats.

use std::fmt::{self, Write as _};

/// A parsed JSON value. Objects keep their keys in order; a repeated key's last value counts.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(f64),
    /// A number that is an f32 (a weight), written in f32's shortest form.
    Float(f32),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// How deep arrays and objects may nest (a weights file needs 3).
pub const MAX_DEPTH: usize = 64;

impl Json {
    #[must_use]
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Number(v) => Some(*v),
            Json::Float(v) => Some(f64::from(*v)),
            _ => None,
        }
    }

    /// A list of f32 numbers.
    #[must_use]
    pub fn floats(values: &[f32]) -> Json {
        Json::Array(values.iter().map(|&v| Json::Float(v)).collect())
    }

    /// A list of strings.
    #[must_use]
    pub fn strings<S: AsRef<str>>(values: &[S]) -> Json {
        Json::Array(values.iter().map(|s| Json::String(s.as_ref().to_string())).collect())
    }

    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members of an object.
    #[must_use]
    pub fn as_object(&self) -> Option<&[(String, Json)]> {
        match self {
            Json::Object(members) => Some(members),
            _ => None,
        }
    }

    /// An object's member (the last one, if the key repeats).
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.as_object()?.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

/// Compact JSON text.
impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Json::Null => f.write_str("null"),
            Json::Bool(b) => write!(f, "{b}"),
            Json::Number(v) => write_number(f, *v),
            Json::Float(v) => write_f32(f, *v),
            Json::String(s) => write_string(f, s),
            Json::Array(items) => {
                f.write_char('[')?;
                for (k, item) in items.iter().enumerate() {
                    if k > 0 {
                        f.write_char(',')?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_char(']')
            }
            Json::Object(members) => {
                f.write_char('{')?;
                for (k, (key, value)) in members.iter().enumerate() {
                    if k > 0 {
                        f.write_char(',')?;
                    }
                    write_string(f, key)?;
                    write!(f, ":{value}")?;
                }
                f.write_char('}')
            }
        }
    }
}

/// A finite number in the shortest form that reads back as the same value (`1.0`, `0.25`,
/// `1e-7`); JSON has no NaN or infinity, so those are written as `null`.
pub fn write_number(out: &mut impl fmt::Write, v: f64) -> fmt::Result {
    if v.is_finite() {
        write!(out, "{v:?}")
    } else {
        out.write_str("null")
    }
}

/// [`write_number`] for an f32, in its own shortest form.
pub fn write_f32(out: &mut impl fmt::Write, v: f32) -> fmt::Result {
    if v.is_finite() {
        write!(out, "{v:?}")
    } else {
        out.write_str("null")
    }
}

/// A string in quotes, with the escapes JSON requires.
pub fn write_string(out: &mut impl fmt::Write, s: &str) -> fmt::Result {
    out.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => out.write_str("\\\"")?,
            '\\' => out.write_str("\\\\")?,
            '\n' => out.write_str("\\n")?,
            '\r' => out.write_str("\\r")?,
            '\t' => out.write_str("\\t")?,
            c if u32::from(c) < 0x20 => write!(out, "\\u{:04x}", u32::from(c))?,
            c => out.write_char(c)?,
        }
    }
    out.write_char('"')
}

/// Parses `text`, which must hold exactly one JSON value. Errors say what was expected and
/// where ("line 3 column 12").
pub fn parse(text: &str) -> Result<Json, String> {
    let mut reader = Reader::new(text);
    let value = reader.value()?;
    reader.finish()?;
    Ok(value)
}

/// What the next value in a [`Reader`] is, from its first character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    Object,
    Array,
    String,
    Number,
    /// `null`, `true`, `false`, or something that is not JSON.
    Other,
}

/// Reads a JSON text a value at a time, so that a caller can put numbers straight where they
/// belong (a weights file's millions of numbers into its f32 arrays) instead of building a tree
/// of 16-byte values first. Each method reads one whole value with the cursor on its first
/// character and leaves the cursor on what follows it; the grammar and the errors are
/// [`parse`]'s, which is built on it.
pub struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    /// How many arrays and objects the cursor is inside.
    depth: usize,
}

impl<'a> Reader<'a> {
    #[must_use]
    pub fn new(text: &'a str) -> Self {
        let mut reader = Reader { text, bytes: text.as_bytes(), at: 0, depth: 0 };
        reader.space();
        reader
    }

    /// The kind of the value at the cursor.
    #[must_use]
    pub fn next(&self) -> Next {
        match self.bytes.get(self.at) {
            Some(b'{') => Next::Object,
            Some(b'[') => Next::Array,
            Some(b'"') => Next::String,
            Some(b'-' | b'0'..=b'9') => Next::Number,
            _ => Next::Other,
        }
    }

    /// Checks that only white space follows the value just read.
    pub fn finish(&mut self) -> Result<(), String> {
        self.space();
        if self.at < self.bytes.len() {
            return Err(self.error("the end of the text after the value"));
        }
        Ok(())
    }

    /// Reads an object, calling `member` with each key and the cursor on its value, which
    /// `member` must read (or [`skip`](Self::skip)).
    pub fn object(&mut self, mut member: impl FnMut(&mut Self, String) -> Result<(), String>) -> Result<(), String> {
        self.list(b'}', |r| {
            let key = r.key()?;
            member(r, key)
        })
    }

    /// Reads an array, calling `item` with the cursor on each item, which `item` must read.
    pub fn array(&mut self, item: impl FnMut(&mut Self) -> Result<(), String>) -> Result<(), String> {
        self.list(b']', item)
    }

    /// Reads a number (JSON's grammar; 1e400 reads as ∞).
    pub fn number(&mut self) -> Result<f64, String> {
        let start = self.at;
        let digits = |r: &mut Self| {
            let from = r.at;
            while r.bytes.get(r.at).is_some_and(u8::is_ascii_digit) {
                r.at += 1;
            }
            r.at > from
        };
        self.eat("-");
        if !self.eat("0") && !digits(self) {
            self.at = start;
            return Err(self.error("a value"));
        }
        if self.eat(".") && !digits(self) {
            return Err(self.error("a digit after the decimal point"));
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.at) {
            self.at += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.at) {
                self.at += 1;
            }
            if !digits(self) {
                return Err(self.error("a digit in the exponent"));
            }
        }
        // The grammar above is JSON's, which Rust's float parser accepts.
        self.text[start..self.at].parse().map_err(|_| self.error("a number"))
    }

    /// Reads any value as a tree.
    pub fn value(&mut self) -> Result<Json, String> {
        match self.next() {
            Next::Object => {
                let mut members = Vec::new();
                self.object(|r, key| {
                    members.push((key, r.value()?));
                    Ok(())
                })?;
                Ok(Json::Object(members))
            }
            Next::Array => {
                let mut items = Vec::new();
                self.array(|r| {
                    items.push(r.value()?);
                    Ok(())
                })?;
                Ok(Json::Array(items))
            }
            Next::String => self.string().map(Json::String),
            Next::Number => self.number().map(Json::Number),
            Next::Other if self.eat("null") => Ok(Json::Null),
            Next::Other if self.eat("true") => Ok(Json::Bool(true)),
            Next::Other if self.eat("false") => Ok(Json::Bool(false)),
            Next::Other => Err(self.error("a value")),
        }
    }

    /// Reads a value, checking its grammar, and keeps nothing of it.
    pub fn skip(&mut self) -> Result<(), String> {
        match self.next() {
            Next::Object => self.object(|r, _| r.skip()),
            Next::Array => self.array(Self::skip),
            _ => self.value().map(drop),
        }
    }

    /// "expected WHAT at line L column C", with a hint where Python's non-finite floats are.
    fn error(&self, expected: &str) -> String {
        let before = &self.text[..self.at.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let rest = &self.text[self.at.min(self.text.len())..];
        let hint = if ["NaN", "Infinity", "-Infinity"].iter().any(|w| rest.starts_with(w)) {
            " (found NaN or Infinity, as Python writes them: the weights must be finite numbers)"
        } else {
            ""
        };
        format!("expected {expected} at line {line} column {column}{hint}")
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn eat(&mut self, word: &str) -> bool {
        let found = self.text[self.at..].starts_with(word);
        if found {
            self.at += word.len();
        }
        found
    }

    /// An object member's key and the ':' after it, leaving the cursor on its value.
    fn key(&mut self) -> Result<String, String> {
        if self.bytes.get(self.at) != Some(&b'"') {
            return Err(self.error("a key in double quotes"));
        }
        let key = self.string()?;
        self.space();
        if !self.eat(":") {
            return Err(self.error("':'"));
        }
        self.space();
        Ok(key)
    }

    /// The items between an opening bracket (at the cursor) and `close`, separated by commas,
    /// each read by `item` with the cursor on its first character.
    fn list(&mut self, close: u8, mut item: impl FnMut(&mut Self) -> Result<(), String>) -> Result<(), String> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(&format!("at most {MAX_DEPTH} levels of nesting")));
        }
        self.depth += 1;
        self.at += 1;
        self.space();
        if self.bytes.get(self.at) == Some(&close) {
            self.at += 1;
            self.depth -= 1;
            return Ok(());
        }
        loop {
            self.space();
            item(self)?;
            self.space();
            match self.bytes.get(self.at) {
                Some(&c) if c == close => {
                    self.at += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                Some(b',') => self.at += 1,
                _ => return Err(self.error(&format!("',' or '{}'", char::from(close)))),
            }
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let rest = &self.text[self.at..];
            let Some(c) = rest.chars().next() else { return Err(self.error("a closing '\"'")) };
            match c {
                '"' => {
                    self.at += 1;
                    return Ok(out);
                }
                '\\' => {
                    self.at += 1;
                    out.push(self.escape()?);
                }
                c if u32::from(c) < 0x20 => return Err(self.error("no control characters inside a string")),
                c => {
                    out.push(c);
                    self.at += c.len_utf8();
                }
            }
        }
    }

    fn escape(&mut self) -> Result<char, String> {
        let c = match self.bytes.get(self.at) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.at += 1;
                let high = self.hex4()?;
                // A surrogate pair: \uD83D\uDC4D is one character; a lone half is replaced.
                let code = if (0xD800..0xDC00).contains(&high) && self.eat("\\u") {
                    let low = self.hex4()?;
                    0x10000 + ((high - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF)
                } else {
                    high
                };
                return Ok(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            _ => return Err(self.error("an escape such as \\n or \\u0041")),
        };
        self.at += 1;
        Ok(c)
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self.text.get(self.at..self.at + 4).filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()));
        let Some(digits) = digits else { return Err(self.error("four hexadecimal digits")) };
        self.at += 4;
        u32::from_str_radix(digits, 16).map_err(|_| self.error("four hexadecimal digits"))
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // tests compare exactly on purpose
mod tests {
    use super::*;

    #[test]
    fn reads_what_python_writes() {
        let v = parse(
            " {\"a\": [[1, -2.5e-3], [0, 1E2]], \"vocab\": [\"(\", \"\\u00e9\", \"\\ud83d\\udc4d\"], \"x\": null} ",
        )
        .unwrap();
        assert_eq!(
            v.get("a").unwrap().as_array().unwrap()[0],
            Json::Array(vec![Json::Number(1.0), Json::Number(-0.0025)])
        );
        assert_eq!(v.get("a").unwrap().as_array().unwrap()[1].as_array().unwrap()[1].as_f64(), Some(100.0));
        let vocab: Vec<&str> = v.get("vocab").unwrap().as_array().unwrap().iter().filter_map(Json::as_str).collect();
        assert_eq!(vocab, ["(", "é", "👍"]);
        assert_eq!(v.get("x"), Some(&Json::Null));
        assert_eq!(parse("{\"k\": 1, \"k\": 2}").unwrap().get("k"), Some(&Json::Number(2.0)));
        assert_eq!(parse("1e400").unwrap(), Json::Number(f64::INFINITY));
    }

    #[test]
    fn errors_say_what_and_where() {
        assert_eq!(parse("not json").unwrap_err(), "expected a value at line 1 column 1");
        assert_eq!(parse("[1,\n 2,]").unwrap_err(), "expected a value at line 2 column 4");
        assert_eq!(parse("{\"a\" 1}").unwrap_err(), "expected ':' at line 1 column 6");
        assert_eq!(parse("[1 2]").unwrap_err(), "expected ',' or ']' at line 1 column 4");
        assert_eq!(parse("[1] x").unwrap_err(), "expected the end of the text after the value at line 1 column 5");
        assert!(parse("\"abc").unwrap_err().contains("closing"));
        assert!(parse("01").unwrap_err().contains("end of the text"));
        assert!(parse("1.").unwrap_err().contains("decimal point"));
        let nan = parse("{\"w\": [1.0, NaN]}").unwrap_err();
        assert!(nan.contains("line 1 column 13") && nan.contains("NaN or Infinity"), "{nan}");
        assert!(parse("[-Infinity]").unwrap_err().contains("NaN or Infinity"));
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(parse(&deep).unwrap_err().contains("levels of nesting"));
        assert!(parse(&format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH))).is_ok());
    }

    #[test]
    fn writes_what_it_reads() {
        let text = "{\"w\":[[1.0,-0.25,1e-7],[3.4028235e38,0.0,-0.0]],\"s\":\"a\\\"b\\\\\\n\\u0001é\",\"t\":[true,false,null]}";
        let value = parse(text).unwrap();
        assert_eq!(value.to_string(), text);
        assert_eq!(parse(&value.to_string()).unwrap(), value);
        let mut out = String::new();
        write_f32(&mut out, 0.1).unwrap();
        write_number(&mut out, f64::NAN).unwrap();
        assert_eq!(out, "0.1null");
    }
}
