//! The one grammar for a typed list of numbers, shared by the page's calculator and the CLI:
//! items separated by commas (or semicolons, or spaces), optionally inside `[ ]` as Python
//! prints them, each a finite number. An empty item ("1,,2") is an error that names its
//! position, never silently skipped. The Unicode minus sign that copying from papers brings
//! along reads as `-`.

/// `v` rounded to the nearest `f32` (beyond its range: ±∞), where a value computed in f64 is
/// stored or shown in f32 on purpose.
#[allow(clippy::cast_possible_truncation)]
#[must_use]
pub fn to_f32(v: f64) -> f32 {
    v as f32
}

/// Parses `text`; errors start with `field` and name the item at fault.
pub fn parse_numbers(field: &str, text: &str) -> Result<Vec<f64>, String> {
    let inner = text.trim();
    let inner = inner.strip_prefix('[').and_then(|s| s.strip_suffix(']')).unwrap_or(inner);
    if inner.trim().is_empty() {
        return Err(format!("{field}: no numbers given (write them comma-separated, e.g. \"0.5,-1\")"));
    }
    let mut out = Vec::new();
    for piece in inner.split([',', ';']) {
        let position = out.len() + 1;
        if piece.trim().is_empty() {
            return Err(format!("{field}: item {position} is empty"));
        }
        for item in piece.split_whitespace() {
            let position = out.len() + 1;
            match item.replace('−', "-").parse::<f64>() {
                Ok(v) if v.is_finite() => out.push(v),
                Ok(_) => return Err(format!("{field}: item {position} is {item:?}: the numbers must be finite")),
                Err(_) => return Err(format!("{field}: item {position} is {item:?}, not a number")),
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // tests compare exactly on purpose
mod tests {
    use super::parse_numbers;

    #[test]
    fn reads_lists_as_typed_or_pasted() {
        assert_eq!(parse_numbers("x", "[-0.7, -0.11 ,-0.07; 1.06]"), Ok(vec![-0.7, -0.11, -0.07, 1.06]));
        assert_eq!(parse_numbers("x", "−20 15"), Ok(vec![-20.0, 15.0]));
        assert_eq!(parse_numbers("x", " 3 "), Ok(vec![3.0]));
        assert_eq!(parse_numbers("x", "1e-3,2"), Ok(vec![0.001, 2.0]));
    }

    #[test]
    fn names_the_item_at_fault() {
        assert_eq!(parse_numbers("--f", "1,,2"), Err("--f: item 2 is empty".into()));
        assert_eq!(parse_numbers("--f", "1,2,"), Err("--f: item 3 is empty".into()));
        assert_eq!(parse_numbers("f", "1, two"), Err("f: item 2 is \"two\", not a number".into()));
        assert_eq!(parse_numbers("f", "1 2, NaN"), Err("f: item 3 is \"NaN\": the numbers must be finite".into()));
        assert!(parse_numbers("f", "  ").unwrap_err().contains("no numbers given"));
        assert!(parse_numbers("f", "[]").unwrap_err().contains("no numbers given"));
        assert!(parse_numbers("f", "inf").unwrap_err().contains("finite"));
    }
}
