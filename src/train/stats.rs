//! Statistics for a study's table: the median and range over seeds, and whether a variant's
//! difference from the baseline is real across seeds (Welch's t-test, two-sided). Logarithms
//! and exponentials are libm's, as in the trainer, so the page's p-values equal the CLI's to the
//! last bit (std's call the platform's libm natively, which can differ in the last place).

use serde::Serialize;

/// The median, least and greatest of some values (None for no values).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    /// How many values.
    pub count: usize,
}

impl Spread {
    /// The spread of `values` (NaN values are left out), or None if there are none.
    #[must_use]
    pub fn of(values: &[f64]) -> Option<Spread> {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 };
        Some(Spread { median, min: sorted[0], max: sorted[n - 1], count: n })
    }
}

/// Welch's t-test of two samples' means, two-sided.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Welch {
    /// mean(a) − mean(b).
    pub difference: f64,
    pub t: f64,
    /// Welch–Satterthwaite degrees of freedom.
    pub df: f64,
    /// The chance of a |t| at least this large if the means were equal.
    pub p: f64,
}

fn mean_and_variance(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let variance = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0);
    (mean, variance)
}

/// Welch's t-test of `a` against `b`: None with fewer than two values on a side, or when both
/// have no spread at all (then there is nothing to test: equal means or not, every seed agrees).
#[must_use]
pub fn welch(a: &[f64], b: &[f64]) -> Option<Welch> {
    if a.len() < 2 || b.len() < 2 {
        return None;
    }
    let ((ma, va), (mb, vb)) = (mean_and_variance(a), mean_and_variance(b));
    let (sa, sb) = (va / a.len() as f64, vb / b.len() as f64);
    let se2 = sa + sb;
    if se2 <= 0.0 || !se2.is_finite() {
        return None;
    }
    let t = (ma - mb) / se2.sqrt();
    let df = se2 * se2 / (sa * sa / (a.len() as f64 - 1.0) + sb * sb / (b.len() as f64 - 1.0));
    Some(Welch { difference: ma - mb, t, df, p: two_sided_p(t, df) })
}

/// P(|T| ≥ |t|) for Student's t with `df` degrees of freedom: I_x(df/2, 1/2) at x = df/(df + t²).
#[must_use]
pub fn two_sided_p(t: f64, df: f64) -> f64 {
    if t.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if t.is_infinite() {
        return 0.0;
    }
    incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms: about 15 digits).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1 − x) = π / sin(πx).
        return libm::log(std::f64::consts::PI / libm::sin(std::f64::consts::PI * x)) - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = G[0];
    for (k, g) in G.iter().enumerate().skip(1) {
        sum += g / (x + k as f64);
    }
    let t = x + 7.5;
    0.5 * libm::log(2.0 * std::f64::consts::PI) + (x + 0.5) * libm::log(t) - t + libm::log(sum)
}

/// The regularised incomplete beta function I_x(a, b), by its continued fraction (Lentz's
/// method), on the side where it converges fast.
fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front = libm::exp(ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * libm::log(x) + b * libm::log(1.0 - x));
    if x < (a + 1.0) / (a + b + 2.0) {
        front * continued_fraction(a, b, x) / a
    } else {
        1.0 - front * continued_fraction(b, a, 1.0 - x) / b
    }
}

fn continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let mut c = 1.0;
    let mut d = 1.0 - (a + b) * x / (a + 1.0);
    d = if d.abs() < TINY { TINY } else { d };
    d = 1.0 / d;
    let mut h = d;
    for m in 1..500 {
        let m = f64::from(m);
        for numerator in [m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m)), -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0))] {
            d = 1.0 + numerator * d;
            d = if d.abs() < TINY { TINY } else { d };
            c = 1.0 + numerator / c;
            c = if c.abs() < TINY { TINY } else { c };
            d = 1.0 / d;
            h *= d * c;
        }
        if (d * c - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // exact where the arithmetic is exact
mod tests {
    use super::*;

    #[test]
    fn spread_is_the_median_and_the_ends() {
        let s = Spread::of(&[3.0, 1.0, f64::NAN, 2.0, 10.0]).unwrap();
        assert_eq!((s.median, s.min, s.max, s.count), (2.5, 1.0, 10.0, 4));
        assert_eq!(Spread::of(&[5.0, 1.0, 4.0]).unwrap().median, 4.0);
        assert!(Spread::of(&[f64::NAN]).is_none());
    }

    /// Student's t table, two-sided 5% and 1% critical values (any statistics textbook): the
    /// p-value there is 0.05 and 0.01.
    #[test]
    fn p_values_match_the_t_table() {
        for (df, t05, t01) in [(1.0, 12.706, 63.657), (2.0, 4.303, 9.925), (5.0, 2.571, 4.032), (10.0, 2.228, 3.169), (30.0, 2.042, 2.750)] {
            let (p05, p01) = (two_sided_p(t05, df), two_sided_p(t01, df));
            assert!((p05 - 0.05).abs() < 2e-4, "df {df}: {p05}");
            assert!((p01 - 0.01).abs() < 1e-4, "df {df}: {p01}");
            assert!((two_sided_p(-t05, df) - p05).abs() < 1e-15);
        }
        // df = 1 is the Cauchy distribution: P(|T| ≥ 1) = 1/2, exactly.
        assert!((two_sided_p(1.0, 1.0) - 0.5).abs() < 1e-12);
        // df = 2 has a closed form: P(|T| ≥ t) = 1 − t/√(2 + t²).
        for t in [0.3f64, 1.0, 2.5, 7.0] {
            let want = 1.0 - t / (2.0 + t * t).sqrt();
            assert!((two_sided_p(t, 2.0) - want).abs() < 1e-12, "t {t}");
        }
        assert_eq!(two_sided_p(0.0, 4.0), 1.0);
    }

    /// Welch's t by hand: a = [1, 2, 3, 4] (mean 2.5, variance 5/3), b = [2, 4, 6, 8, 10] (mean
    /// 6, variance 10): s² = 5/12 + 2 = 2.416̄, t = −3.5 / 1.5546 = −2.2514, and
    /// df = 2.416̄² / ((5/12)²/3 + 2²/4) = 5.8403 / 1.05787 = 5.5209.
    #[test]
    fn welch_worked_by_hand() {
        let w = welch(&[1.0, 2.0, 3.0, 4.0], &[2.0, 4.0, 6.0, 8.0, 10.0]).unwrap();
        assert!((w.difference + 3.5).abs() < 1e-12);
        assert!((w.t + 2.251_4).abs() < 1e-4, "{}", w.t);
        assert!((w.df - 5.520_9).abs() < 1e-3, "{}", w.df);
        // Between the table's 10% (2.015 at df 5, 1.943 at df 6) and 5% (2.571, 2.447) points.
        assert!(w.p > 0.05 && w.p < 0.1, "{}", w.p);
        assert!(welch(&[1.0], &[1.0, 2.0]).is_none());
        assert!(welch(&[3.0, 3.0], &[3.0, 3.0]).is_none());
    }
}
