//! The activation functions an LSTM site can use: value, exact derivative, name and output range.
//!
//! Everything is generic over `num_traits::Float`, so the page traces in `f32` and gradient
//! checks run in `f64` through the same code.

use num_traits::Float;
use std::fmt;
use std::str::FromStr;

/// Slope of leaky ReLU for negative inputs (PyTorch's default).
pub const LEAKY_SLOPE: f64 = 0.01;

/// One activation function. `None` removes the gate: its output is the constant 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Activation {
    Sigmoid,
    /// PyTorch's `hardsigmoid`: clamp(x/6 + 1/2, 0, 1).
    HardSigmoid,
    Tanh,
    /// clamp(x, -1, 1).
    HardTanh,
    Relu,
    /// max(x, 0.01·x).
    LeakyRelu,
    /// x / (1 + |x|).
    Softsign,
    Identity,
    /// The gate is removed: constant 1, derivative 0, and its weights no longer count.
    None,
    /// (1 + t)·σ((1 + t)·x) − t for t in [0, 1]: exactly sigmoid at t = 0 and tanh at t = 1
    /// (since tanh(x) = 2σ(2x) − 1), so a slider can slide a site from one to the other.
    Morph(f32),
}

/// The named activations, in the order the controls list them (the morph is separate: it has a
/// parameter).
pub const NAMED: [Activation; 9] = [
    Activation::Sigmoid,
    Activation::HardSigmoid,
    Activation::Tanh,
    Activation::HardTanh,
    Activation::Relu,
    Activation::LeakyRelu,
    Activation::Softsign,
    Activation::Identity,
    Activation::None,
];

fn sigmoid<T: Float>(x: T) -> T {
    // Both branches avoid exp overflow: exp of a large positive number is never taken.
    if x >= T::zero() {
        T::one() / (T::one() + (-x).exp())
    } else {
        let e = x.exp();
        e / (T::one() + e)
    }
}

/// tanh, for f32 evaluated in f64 as expm1(2x) / (expm1(2x) + 2): about twice as fast as the
/// platform's `tanhf` and correctly rounded to f32 (glibc's `tanhf` is up to 2 ulp off). Other
/// types use their own `tanh`.
fn tanh<T: Float>(x: T) -> T {
    if std::mem::size_of::<T>() != 4 {
        return x.tanh();
    }
    let v = x.to_f64().unwrap_or(f64::NAN);
    // Beyond |x| = 20, tanh is ±1 to far more than f32 precision, and expm1 would overflow.
    let r = if v.abs() > 20.0 {
        v.signum()
    } else {
        let e = (2.0 * v).exp_m1();
        e / (e + 2.0)
    };
    T::from(r).unwrap_or_else(T::nan)
}

fn lit<T: Float>(v: f64) -> T {
    T::from(v).expect("a small literal fits any float type")
}

impl Activation {
    /// The function's value at `x`.
    pub fn apply<T: Float>(self, x: T) -> T {
        let (zero, one) = (T::zero(), T::one());
        match self {
            Activation::Sigmoid => sigmoid(x),
            Activation::HardSigmoid => (x / lit(6.0) + lit(0.5)).max(zero).min(one),
            Activation::Tanh => tanh(x),
            Activation::HardTanh => x.max(-one).min(one),
            Activation::Relu => x.max(zero),
            Activation::LeakyRelu => {
                if x >= zero {
                    x
                } else {
                    x * lit(LEAKY_SLOPE)
                }
            }
            Activation::Softsign => x / (one + x.abs()),
            Activation::Identity => x,
            Activation::None => one,
            Activation::Morph(t) => {
                let k = one + lit(t as f64);
                k * sigmoid(k * x) - lit(t as f64)
            }
        }
    }

    /// The exact derivative at `x`. At a kink (hard sigmoid at ±3, ReLU at 0, ...) it takes the
    /// value PyTorch's autograd uses: the inside of a clamp's range is closed for hard tanh and
    /// open for hard sigmoid, and ReLU'(0) = 0.
    pub fn derivative<T: Float>(self, x: T) -> T {
        let (zero, one) = (T::zero(), T::one());
        match self {
            // σ'(x) = σ(x)(1 − σ(x)). (Thread 003 writes −e^{−x}/(1 + e^{−x})²: the sign is wrong.)
            Activation::Sigmoid => {
                let s = sigmoid(x);
                s * (one - s)
            }
            Activation::HardSigmoid => {
                if x > lit(-3.0) && x < lit(3.0) {
                    lit(1.0 / 6.0)
                } else {
                    zero
                }
            }
            Activation::Tanh => {
                let t = tanh(x);
                one - t * t
            }
            Activation::HardTanh => {
                if x >= -one && x <= one {
                    one
                } else {
                    zero
                }
            }
            Activation::Relu => {
                if x > zero {
                    one
                } else {
                    zero
                }
            }
            Activation::LeakyRelu => {
                if x > zero {
                    one
                } else {
                    lit(LEAKY_SLOPE)
                }
            }
            Activation::Softsign => {
                let d = one + x.abs();
                one / (d * d)
            }
            Activation::Identity => one,
            Activation::None => zero,
            Activation::Morph(t) => {
                let k = one + lit(t as f64);
                let s = sigmoid(k * x);
                k * k * s * (one - s)
            }
        }
    }

    /// Where the derivative is not defined (a kink), so finite differences must stay away.
    pub fn kinks(self) -> &'static [f64] {
        match self {
            Activation::HardSigmoid => &[-3.0, 3.0],
            Activation::HardTanh => &[-1.0, 1.0],
            Activation::Relu | Activation::LeakyRelu => &[0.0],
            _ => &[],
        }
    }

    /// The closed range of output values, with infinities for unbounded sides.
    pub fn range(self) -> (f64, f64) {
        match self {
            Activation::Sigmoid | Activation::HardSigmoid => (0.0, 1.0),
            Activation::Tanh | Activation::HardTanh | Activation::Softsign => (-1.0, 1.0),
            Activation::Relu => (0.0, f64::INFINITY),
            Activation::LeakyRelu | Activation::Identity => (f64::NEG_INFINITY, f64::INFINITY),
            Activation::None => (1.0, 1.0),
            Activation::Morph(t) => (-(t as f64), 1.0),
        }
    }

    /// True when the site is removed (the constant 1).
    pub fn is_removed(self) -> bool {
        self == Activation::None
    }

    /// The morph parameter, clamped to [0, 1]; NaN becomes 0.
    pub fn morph(t: f32) -> Activation {
        Activation::Morph(if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) })
    }

    /// The name used in URLs and on the command line: `sigmoid`, `hard_sigmoid`, `morph:0.5`, ...
    pub fn name(self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Activation::Sigmoid => "sigmoid",
            Activation::HardSigmoid => "hard_sigmoid",
            Activation::Tanh => "tanh",
            Activation::HardTanh => "hard_tanh",
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leaky_relu",
            Activation::Softsign => "softsign",
            Activation::Identity => "identity",
            Activation::None => "none",
            Activation::Morph(t) => return write!(f, "morph:{}", t),
        };
        f.write_str(name)
    }
}

/// An activation name that is not one of ours.
#[derive(Clone, Debug, PartialEq)]
pub struct UnknownActivation(pub String);

impl fmt::Display for UnknownActivation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = NAMED.iter().map(|a| a.name()).collect();
        write!(f, "unknown activation {:?}: expected one of {}, or morph:T with T in [0, 1]", self.0, names.join(", "))
    }
}

impl std::error::Error for UnknownActivation {}

impl FromStr for Activation {
    type Err = UnknownActivation;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase().replace('-', "_");
        if let Some(t) = lower.strip_prefix("morph:") {
            return match t.parse::<f32>() {
                Ok(t) if (0.0..=1.0).contains(&t) => Ok(Activation::Morph(t)),
                _ => Err(UnknownActivation(s.to_string())),
            };
        }
        if lower == "morph" {
            return Ok(Activation::Morph(0.5));
        }
        NAMED.iter().copied().find(|a| a.name() == lower).ok_or_else(|| UnknownActivation(s.to_string()))
    }
}

/// The five places an LSTM cell applies an activation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Site {
    Forget,
    Input,
    Output,
    Candidate,
    CellOutput,
}

impl Site {
    pub const ALL: [Site; 5] = [Site::Forget, Site::Input, Site::Output, Site::Candidate, Site::CellOutput];

    /// The name used in URLs and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Site::Forget => "forget",
            Site::Input => "input",
            Site::Output => "output",
            Site::Candidate => "candidate",
            Site::CellOutput => "cell_output",
        }
    }

    pub fn from_name(name: &str) -> Option<Site> {
        Site::ALL.iter().copied().find(|s| s.name() == name.replace('-', "_"))
    }
}

/// One activation per site. A swap changes only this; the weights stay as they are.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Activations {
    pub forget: Activation,
    pub input: Activation,
    pub output: Activation,
    pub candidate: Activation,
    pub cell_output: Activation,
}

impl Default for Activations {
    /// The standard LSTM: sigmoid gates, tanh candidate and cell output.
    fn default() -> Self {
        Activations {
            forget: Activation::Sigmoid,
            input: Activation::Sigmoid,
            output: Activation::Sigmoid,
            candidate: Activation::Tanh,
            cell_output: Activation::Tanh,
        }
    }
}

impl Activations {
    /// Every gate (forget, input, output) set to `gate`; candidate and cell output stay tanh.
    pub fn with_gates(gate: Activation) -> Self {
        Activations { forget: gate, input: gate, output: gate, ..Activations::default() }
    }

    pub fn get(&self, site: Site) -> Activation {
        match site {
            Site::Forget => self.forget,
            Site::Input => self.input,
            Site::Output => self.output,
            Site::Candidate => self.candidate,
            Site::CellOutput => self.cell_output,
        }
    }

    pub fn set(&mut self, site: Site, activation: Activation) {
        match site {
            Site::Forget => self.forget = activation,
            Site::Input => self.input = activation,
            Site::Output => self.output = activation,
            Site::Candidate => self.candidate = activation,
            Site::CellOutput => self.cell_output = activation,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values at known points, each worked out by hand or from the closed form.
    #[test]
    fn values_at_known_points() {
        let cases: &[(Activation, f64, f64)] = &[
            (Activation::Sigmoid, 0.0, 0.5),
            // σ(2) = 1 / (1 + e^-2) = 1 / 1.1353352832 = 0.8807970780
            (Activation::Sigmoid, 2.0, 0.880_797_078_0),
            (Activation::Sigmoid, -2.0, 0.119_202_922_0),
            (Activation::Sigmoid, -800.0, 0.0),
            (Activation::Sigmoid, 800.0, 1.0),
            // hard sigmoid: 1.5/6 + 0.5 = 0.75
            (Activation::HardSigmoid, 1.5, 0.75),
            (Activation::HardSigmoid, -4.0, 0.0),
            (Activation::HardSigmoid, 3.5, 1.0),
            // tanh(1) = (e − 1/e) / (e + 1/e) = 2.3504024 / 3.0861613 = 0.7615941560
            (Activation::Tanh, 1.0, 0.761_594_156_0),
            (Activation::HardTanh, 0.3, 0.3),
            (Activation::HardTanh, -7.0, -1.0),
            (Activation::Relu, -2.0, 0.0),
            (Activation::Relu, 2.5, 2.5),
            (Activation::LeakyRelu, -2.0, -0.02),
            (Activation::Softsign, 3.0, 0.75),
            (Activation::Softsign, -1.0, -0.5),
            (Activation::Identity, -4.25, -4.25),
            (Activation::None, -123.0, 1.0),
            // morph t = 0.5 at x = 0: 1.5 · σ(0) − 0.5 = 0.25
            (Activation::Morph(0.5), 0.0, 0.25),
        ];
        for &(act, x, want) in cases {
            let got = act.apply(x);
            assert!((got - want).abs() < 1e-9, "{act}({x}) = {got}, want {want}");
        }
    }

    #[test]
    fn derivatives_at_known_points() {
        // σ'(0) = 0.5 · 0.5; tanh'(0) = 1; softsign'(1) = 1/4; hard sigmoid slope 1/6.
        assert_eq!(Activation::Sigmoid.derivative(0.0), 0.25);
        assert_eq!(Activation::Tanh.derivative(0.0), 1.0);
        assert_eq!(Activation::Softsign.derivative(1.0), 0.25);
        assert!((Activation::HardSigmoid.derivative(0.0) - 1.0 / 6.0).abs() < 1e-15);
        assert_eq!(Activation::None.derivative(3.0), 0.0);
        // The thread's formula −e^{−z}/(1 + e^{−z})² is negative; the true slope is positive.
        assert!(Activation::Sigmoid.derivative(1.0) > 0.0);
    }

    /// Central finite differences on a grid, skipping points within 1e-3 of a kink.
    #[test]
    fn derivatives_match_finite_differences() {
        let mut all: Vec<Activation> = NAMED.to_vec();
        all.extend([0.0, 0.25, 0.5, 0.9, 1.0].map(Activation::Morph));
        let h = 1e-6;
        for act in all {
            for k in -80..=80 {
                let x = k as f64 * 0.1 + 0.0137;
                if act.kinks().iter().any(|&kink| (x - kink).abs() < 1e-3) {
                    continue;
                }
                let numeric = (act.apply(x + h) - act.apply(x - h)) / (2.0 * h);
                let exact = act.derivative(x);
                assert!((numeric - exact).abs() < 1e-6, "{act}'({x}): exact {exact}, numeric {numeric}");
            }
        }
    }

    /// The f32 path of tanh against the f64 library tanh rounded to f32, over a dense grid.
    #[test]
    fn f32_tanh_is_correctly_rounded() {
        for k in -300_000..=300_000 {
            let x = k as f32 * 1e-4;
            assert_eq!(Activation::Tanh.apply(x), (x as f64).tanh() as f32, "tanh({x})");
        }
        assert_eq!(Activation::Tanh.apply(25.0f32), 1.0);
        assert_eq!(Activation::Tanh.apply(-1e30f32), -1.0);
        assert!(Activation::Tanh.apply(f32::NAN).is_nan());
    }

    #[test]
    fn morph_ends_are_sigmoid_and_tanh() {
        for k in -100..=100 {
            let x = k as f32 * 0.1;
            assert!((Activation::Morph(0.0).apply(x) - Activation::Sigmoid.apply(x)).abs() < 1e-6);
            assert!((Activation::Morph(1.0).apply(x) - Activation::Tanh.apply(x)).abs() < 1e-6);
            assert!((Activation::Morph(1.0).derivative(x) - Activation::Tanh.derivative(x)).abs() < 1e-6);
        }
    }

    #[test]
    fn outputs_stay_in_stated_range() {
        for act in NAMED.iter().copied().chain([Activation::Morph(0.3)]) {
            let (lo, hi) = act.range();
            for k in -200..=200 {
                let y = act.apply(k as f64 * 0.5);
                assert!(y >= lo - 1e-12 && y <= hi + 1e-12, "{act} gave {y} outside [{lo}, {hi}]");
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for act in NAMED.iter().copied().chain([Activation::Morph(0.25)]) {
            assert_eq!(act.name().parse::<Activation>(), Ok(act));
        }
        assert_eq!("Hard-Sigmoid".parse::<Activation>(), Ok(Activation::HardSigmoid));
        assert!("swish".parse::<Activation>().is_err());
        assert!("morph:1.5".parse::<Activation>().is_err());
        assert!("morph:NaN".parse::<Activation>().is_err());
        let message = "bogus".parse::<Activation>().unwrap_err().to_string();
        assert!(message.contains("bogus") && message.contains("hard_sigmoid"), "{message}");
    }
}
