//! The activation functions an LSTM site can use: value, exact derivative, name and output range.
//!
//! Everything is generic over `num_traits::Float`, so the page traces in `f32` and gradient
//! checks run in `f64` through the same code.

use num_traits::Float;
use std::fmt;
use std::str::FromStr;

/// Slope of leaky ReLU for negative inputs (PyTorch's default).
pub const LEAKY_SLOPE: f64 = 0.01;

/// One activation function. `Removed` takes the gate out: its output is the constant 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Activation {
    Sigmoid,
    /// PyTorch's `hardsigmoid`: clamp(x/6 + 1/2, 0, 1).
    HardSigmoid,
    /// TensorFlow.js's (and Keras 2's) `hardSigmoid`: clamp(0.2·x + 0.5, 0, 1), TF.js's default
    /// at an LSTM's gates. Steeper than PyTorch's: it saturates at ±2.5, not ±3.
    HardSigmoidTfjs,
    Tanh,
    /// clamp(x, -1, 1).
    HardTanh,
    Relu,
    /// max(x, 0.01·x).
    LeakyRelu,
    /// x / (1 + |x|).
    Softsign,
    Identity,
    /// e^x: the xLSTM's input gate without its normaliser. At a gate it is unbounded above, so
    /// c can grow without limit (which the sLSTM's normaliser and stabiliser are for).
    Exp,
    /// The gate is removed: constant 1, derivative 0, and its weights no longer count. Named
    /// `none` in URLs and on the command line.
    Removed,
    /// (1 + t)·σ((1 + t)·x) − t for t in [0, 1]: exactly sigmoid at t = 0 and tanh at t = 1
    /// (since tanh(x) = 2σ(2x) − 1), so a slider can slide a site from one to the other.
    Morph(f32),
    /// The coupled input-forget gate (CIFG, Greff et al. 2017): 1 − x applied to the input
    /// gate's value, not to a pre-activation, so f = 1 − i. Like "none", its own weights no
    /// longer count. Only the forget site takes it (see `SiteInfo::coupled_to`).
    Coupled,
}

/// The named activations, in the order the controls list them (the morph is separate: it has a
/// parameter).
pub const NAMED: [Activation; 12] = [
    Activation::Sigmoid,
    Activation::HardSigmoid,
    Activation::HardSigmoidTfjs,
    Activation::Tanh,
    Activation::HardTanh,
    Activation::Relu,
    Activation::LeakyRelu,
    Activation::Softsign,
    Activation::Identity,
    Activation::Exp,
    Activation::Removed,
    Activation::Coupled,
];

/// e^x to within about an ulp, with no table and no branch, so that a loop of it (the page's
/// sigmoid and tanh over a block of units) vectorises, in WebAssembly's SIMD too.
/// x = n·ln2 + r with |r| ≤ ln2/2, so e^x = 2^n · e^r, and e^r by its Taylor series to r¹³
/// (truncation error below 5e-18 relative). Overflow gives ∞, underflow 0 (through the
/// subnormals), NaN stays NaN.
#[must_use]
#[inline]
pub fn exp(x: f64) -> f64 {
    // ln 2 split in two (fdlibm's), so that n·LN2_HI is exact for |n| < 2^21.
    #[allow(clippy::excessive_precision)]
    const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
    #[allow(clippy::excessive_precision)]
    const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
    // Adding 1.5·2^52 rounds to an integer and leaves it in the low bits of the sum.
    const SHIFT: f64 = 6_755_399_441_055_744.0;
    // Beyond these e^x is ∞ or 0 anyway; clamping keeps n within the exponent's reach. (A NaN
    // passes through as NaN.)
    let x = x.clamp(-746.0, 710.0);
    let shifted = x * std::f64::consts::LOG2_E + SHIFT;
    let n = shifted - SHIFT;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    // Estrin's scheme: pairs, then pairs of pairs, ..., so the chain of dependent operations is
    // a third as long as Horner's and a vectorised loop is not held up by its latency.
    let c = &INVERSE_FACTORIALS;
    let (r2, r4) = (r * r, r * r * (r * r));
    let pair = |k: usize| c[k] + c[k + 1] * r;
    let low = (pair(0) + pair(2) * r2) + (pair(4) + pair(6) * r2) * r4;
    let high = (pair(8) + pair(10) * r2) + pair(12) * r4;
    let series = low + high * (r4 * r4);
    // n, read from the sum's low bits, split in two halves so that each 2^half is a normal float
    // even where e^x is subnormal or near overflow.
    #[allow(clippy::cast_possible_wrap)]
    let n = shifted.to_bits().wrapping_sub(SHIFT.to_bits()) as i64;
    let half = n >> 1;
    #[allow(clippy::cast_sign_loss)]
    let two_to = |e: i64| f64::from_bits(((e + 1023) as u64) << 52);
    series * two_to(half) * two_to(n - half)
}

/// 1/k! for k = 0..=13, for the series above.
const INVERSE_FACTORIALS: [f64; 14] = {
    let mut inverse = [1.0; 14];
    let (mut k, mut factorial) = (1, 1.0);
    while k < 14 {
        factorial *= k as f64;
        inverse[k] = 1.0 / factorial;
        k += 1;
    }
    inverse
};

pub(crate) fn to_f64<T: Float>(x: T) -> f64 {
    x.to_f64().unwrap_or(f64::NAN)
}

pub(crate) fn from_f64<T: Float>(v: f64) -> T {
    T::from(v).unwrap_or_else(T::nan)
}

/// σ(x), in f64 whatever T is (then rounded once), with [`exp`]. e^−|x| never overflows; both
/// signs are computed and one picked, so a loop of it vectorises.
#[inline]
fn sigmoid<T: Float>(x: T) -> T {
    let v = to_f64(x);
    let e = exp(-v.abs());
    let s = 1.0 / (1.0 + e);
    from_f64(if v >= 0.0 { s } else { e * s })
}

/// tanh(x), in f64 whatever T is (then rounded once): its odd series near 0 (where 1 − e^−2|x|
/// would cancel), and sign(x)·(1 − e)/(1 + e) with e = e^−2|x| elsewhere (±1 far out, as e
/// vanishes). Both are computed and one picked, so a loop of it vectorises.
#[inline]
fn tanh<T: Float>(x: T) -> T {
    let v = to_f64(x);
    // tanh v = v − v³/3 + 2v⁵/15 − 17v⁷/315 + 62v⁹/2835 − 1382v¹¹/155925 + …; below 0.1 the
    // next term is under 4e-16 relative.
    let v2 = v * v;
    let tail = 62.0 / 2835.0 - v2 * (1382.0 / 155_925.0);
    let series = v * (1.0 - v2 * (1.0 / 3.0 - v2 * (2.0 / 15.0 - v2 * (17.0 / 315.0 - v2 * tail))));
    let e = exp(-2.0 * v.abs());
    let far = ((1.0 - e) / (1.0 + e)).copysign(v);
    from_f64(if v.abs() < 0.1 { series } else { far })
}

/// `f` over a slice, inlined with `f` known, so that a branch-free `f` vectorises. On x86-64
/// with AVX the loop is compiled for it too: four f64 lanes instead of two, and still a separate
/// multiply and add per operation (no fused multiply-add), so the bits are the portable loop's.
#[inline(always)]
fn each_value<T: Copy>(z: &[T], values: &mut [T], f: impl Fn(T) -> T) {
    #[inline(always)]
    fn portable<T: Copy>(z: &[T], values: &mut [T], f: impl Fn(T) -> T) {
        for (x, v) in z.iter().zip(values.iter_mut()) {
            *v = f(*x);
        }
    }
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx")]
    unsafe fn avx<T: Copy>(z: &[T], values: &mut [T], f: impl Fn(T) -> T) {
        portable(z, values, f);
    }
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU supports AVX, checked just above.
        unsafe { avx(z, values, f) };
        return;
    }
    portable(z, values, f);
}

/// `f`'s value and slope over a slice, likewise.
#[inline(always)]
fn each_pair<T: Copy>(z: &[T], values: &mut [T], slopes: &mut [T], f: impl Fn(T) -> (T, T)) {
    #[inline(always)]
    fn portable<T: Copy>(z: &[T], values: &mut [T], slopes: &mut [T], f: impl Fn(T) -> (T, T)) {
        for ((x, v), d) in z.iter().zip(values.iter_mut()).zip(slopes.iter_mut()) {
            (*v, *d) = f(*x);
        }
    }
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx")]
    unsafe fn avx<T: Copy>(z: &[T], values: &mut [T], slopes: &mut [T], f: impl Fn(T) -> (T, T)) {
        portable(z, values, slopes, f);
    }
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU supports AVX, checked just above.
        unsafe { avx(z, values, slopes, f) };
        return;
    }
    portable(z, values, slopes, f);
}

fn lit<T: Float>(v: f64) -> T {
    T::from(v).expect("a small literal fits any float type")
}

impl Activation {
    /// The function's value at `x`.
    #[inline]
    pub fn apply<T: Float>(self, x: T) -> T {
        let (zero, one) = (T::zero(), T::one());
        match self {
            Activation::Sigmoid => sigmoid(x),
            Activation::HardSigmoid => (x / lit(6.0) + lit(0.5)).max(zero).min(one),
            Activation::HardSigmoidTfjs => (x * lit(0.2) + lit(0.5)).max(zero).min(one),
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
            Activation::Exp => from_f64(exp(to_f64(x))),
            Activation::Removed => one,
            Activation::Morph(t) => {
                let k = one + lit(f64::from(t));
                k * sigmoid(k * x) - lit(f64::from(t))
            }
            Activation::Coupled => one - x,
        }
    }

    /// The exact derivative at `x`. At a kink (hard sigmoid at ±3, ReLU at 0, ...) it takes the
    /// value PyTorch's autograd uses: the inside of a clamp's range is closed for hard tanh and
    /// open for hard sigmoid, and ReLU'(0) = 0.
    #[inline]
    pub fn derivative<T: Float>(self, x: T) -> T {
        let (zero, one) = (T::zero(), T::one());
        match self {
            // σ'(x) = σ(x)(1 − σ(x)). (A common mistake writes −e^{−x}/(1 + e^{−x})²: the sign
            // is wrong.)
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
            // 0.2 strictly inside the kinks: at ±2.5 this takes PyTorch's convention for its
            // own hard sigmoid (TF.js's clip passes the gradient there too; only the two points differ).
            Activation::HardSigmoidTfjs => {
                if x > lit(-2.5) && x < lit(2.5) {
                    lit(0.2)
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
            Activation::Exp => from_f64(exp(to_f64(x))),
            Activation::Removed => zero,
            Activation::Coupled => -one,
            Activation::Morph(t) => {
                let k = one + lit(f64::from(t));
                let s = sigmoid(k * x);
                k * k * s * (one - s)
            }
        }
    }

    /// The value and the exact derivative at `x`, with one `exp` for the smooth functions where
    /// `apply` then `derivative` would take two. Bit-identical to calling both (a test checks
    /// this on a grid); the trainer's forward pass keeps the slopes for backpropagation.
    #[inline]
    pub fn value_and_slope<T: Float>(self, x: T) -> (T, T) {
        let one = T::one();
        match self {
            Activation::Sigmoid => {
                let s = sigmoid(x);
                (s, s * (one - s))
            }
            Activation::Tanh => {
                let t = tanh(x);
                (t, one - t * t)
            }
            Activation::Morph(t) => {
                let k = one + lit(f64::from(t));
                let s = sigmoid(k * x);
                (k * s - lit(f64::from(t)), k * k * s * (one - s))
            }
            _ => (self.apply(x), self.derivative(x)),
        }
    }

    /// [`Activation::apply`] over a slice, exactly. One match per slice, so each function's
    /// loop is compiled on its own with the function known, and the smooth ones vectorise.
    pub fn values<T: Float>(self, z: &[T], values: &mut [T]) {
        match self {
            Activation::Sigmoid => each_value(z, values, |x| Activation::Sigmoid.apply(x)),
            Activation::Tanh => each_value(z, values, |x| Activation::Tanh.apply(x)),
            Activation::Morph(t) => each_value(z, values, |x| Activation::Morph(t).apply(x)),
            other => each_value(z, values, |x| other.apply(x)),
        }
    }

    /// [`Activation::value_and_slope`] over a slice (or only the values, as [`Activation::values`],
    /// when `slopes` is None). With `fast` and `T` = f32, sigmoid, tanh and
    /// the morph use [`fast`]'s vectorisable f32 exp (within 3e-7 of the exact values, which
    /// is what training in f32 needs); otherwise every value is exactly `value_and_slope`'s.
    /// One match per slice, as in `values`.
    pub fn values_and_slopes<T: Float>(self, z: &[T], values: &mut [T], slopes: Option<&mut [T]>, fast: bool) {
        let Some(slopes) = slopes else {
            self.values(z, values);
            return;
        };
        let n = z.len().min(values.len()).min(slopes.len());
        let (z, values, slopes) = (&z[..n], &mut values[..n], &mut slopes[..n]);
        if fast && std::mem::size_of::<T>() == 4 {
            let f32s = |v: T| v.to_f32().unwrap_or(f32::NAN);
            let back = |v: f32| T::from(v).unwrap_or_else(T::nan);
            let smooth = match self {
                Activation::Sigmoid => Some((1.0f32, 0.0f32)),
                Activation::Tanh => Some((2.0, 1.0)),
                Activation::Morph(t) => Some((1.0 + t, t)),
                _ => None,
            };
            // (1 + t)·σ((1 + t)·x) − t covers all three: sigmoid at t = 0, tanh at t = 1.
            if let Some((k, t)) = smooth {
                // Through f32 arrays (the conversions are no-ops for f32), so the block runs the
                // plain f32 loop of `fast::morph_block`, which vectorises.
                const CHUNK: usize = 64;
                let (mut zs, mut vs, mut ds) = ([0.0f32; CHUNK], [0.0f32; CHUNK], [0.0f32; CHUNK]);
                for ((z, v), d) in z.chunks(CHUNK).zip(values.chunks_mut(CHUNK)).zip(slopes.chunks_mut(CHUNK)) {
                    let len = z.len();
                    for (a, x) in zs.iter_mut().zip(z) {
                        *a = f32s(*x);
                    }
                    fast::morph_block(k, t, &zs[..len], &mut vs[..len], &mut ds[..len]);
                    for ((out, a), (slope, b)) in v.iter_mut().zip(&vs).zip(d.iter_mut().zip(&ds)) {
                        (*out, *slope) = (back(*a), back(*b));
                    }
                }
                return;
            }
        }
        match self {
            Activation::Sigmoid => each_pair(z, values, slopes, |x| Activation::Sigmoid.value_and_slope(x)),
            Activation::Tanh => each_pair(z, values, slopes, |x| Activation::Tanh.value_and_slope(x)),
            Activation::Morph(t) => each_pair(z, values, slopes, |x| Activation::Morph(t).value_and_slope(x)),
            other => each_pair(z, values, slopes, |x| other.value_and_slope(x)),
        }
    }

    /// Where the derivative is not defined (a kink), so finite differences must stay away.
    #[must_use]
    pub fn kinks(self) -> &'static [f64] {
        match self {
            Activation::HardSigmoid => &[-3.0, 3.0],
            Activation::HardSigmoidTfjs => &[-2.5, 2.5],
            Activation::HardTanh => &[-1.0, 1.0],
            Activation::Relu | Activation::LeakyRelu => &[0.0],
            _ => &[],
        }
    }

    /// The closed range of output values, with infinities for unbounded sides.
    #[must_use]
    pub fn range(self) -> (f64, f64) {
        match self {
            Activation::Sigmoid | Activation::HardSigmoid | Activation::HardSigmoidTfjs => (0.0, 1.0),
            Activation::Tanh | Activation::HardTanh | Activation::Softsign => (-1.0, 1.0),
            Activation::Relu | Activation::Exp => (0.0, f64::INFINITY),
            Activation::LeakyRelu | Activation::Identity | Activation::Coupled => (f64::NEG_INFINITY, f64::INFINITY),
            Activation::Removed => (1.0, 1.0),
            Activation::Morph(t) => (-f64::from(t), 1.0),
        }
    }

    /// True when the site is removed (the constant 1).
    #[must_use]
    pub fn is_removed(self) -> bool {
        self == Activation::Removed
    }

    /// Whether a gate under this activation uses its own block of weights: not when removed
    /// (the constant 1) or coupled (1 − i).
    #[must_use]
    pub fn uses_own_weights(self) -> bool {
        !matches!(self, Activation::Removed | Activation::Coupled)
    }

    /// The label menus show: "sigmoid σ", "none (removed: 1)", "morph σ → tanh".
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Activation::Sigmoid => "sigmoid σ",
            Activation::HardSigmoid => "hard sigmoid",
            Activation::HardSigmoidTfjs => "hard sigmoid (TF.js)",
            Activation::Tanh => "tanh",
            Activation::HardTanh => "hard tanh",
            Activation::Relu => "ReLU",
            Activation::LeakyRelu => "leaky ReLU",
            Activation::Softsign => "softsign",
            Activation::Identity => "identity",
            Activation::Exp => "exp (unbounded)",
            Activation::Removed => "none (removed: 1)",
            Activation::Morph(_) => "morph σ → tanh",
            Activation::Coupled => "1 − i (coupled, CIFG)",
        }
    }

    /// The short symbol formulas use: σ, hardσ, tanh, ReLU, id, morph0.3, ...
    #[must_use]
    pub fn symbol(self) -> String {
        let symbol = match self {
            Activation::Sigmoid => "σ",
            Activation::HardSigmoid => "hardσ",
            Activation::HardSigmoidTfjs => "hardσ.tfjs",
            Activation::HardTanh => "hardtanh",
            Activation::LeakyRelu => "leaky",
            Activation::Identity => "id",
            Activation::Relu => "ReLU",
            Activation::Morph(t) => return format!("morph{t}"),
            _ => return self.name(),
        };
        symbol.to_string()
    }

    /// The function and its derivative as a student reads them, from the same definitions as
    /// `apply` and `derivative` (a test checks each formula's numbers against them).
    #[must_use]
    pub fn formulas(self) -> (String, String) {
        let (f, d) = match self {
            Activation::Sigmoid => ("σ(z) = 1/(1 + e^−z)", "σ′(z) = σ(z)(1 − σ(z))"),
            Activation::HardSigmoid => ("hardσ(z) = clamp(z/6 + 1/2, 0, 1)", "hardσ′(z) = 1/6 for −3 < z < 3, else 0"),
            Activation::HardSigmoidTfjs => ("hardσ.tfjs(z) = clamp(0.2·z + 0.5, 0, 1)", "hardσ.tfjs′(z) = 0.2 for −2.5 < z < 2.5, else 0"),
            Activation::Tanh => ("tanh(z) = (e^z − e^−z)/(e^z + e^−z)", "tanh′(z) = 1 − tanh²(z)"),
            Activation::HardTanh => ("hardtanh(z) = clamp(z, −1, 1)", "hardtanh′(z) = 1 for −1 ≤ z ≤ 1, else 0"),
            Activation::Relu => ("ReLU(z) = max(z, 0)", "ReLU′(z) = 1 for z > 0, else 0"),
            Activation::LeakyRelu => ("leaky(z) = z for z ≥ 0, else 0.01·z", "leaky′(z) = 1 for z > 0, else 0.01"),
            Activation::Softsign => ("softsign(z) = z/(1 + |z|)", "softsign′(z) = 1/(1 + |z|)²"),
            Activation::Identity => ("id(z) = z", "id′(z) = 1"),
            Activation::Exp => ("exp(z) = e^z", "exp′(z) = e^z"),
            Activation::Removed => ("none(z) = 1 (the gate is removed)", "none′(z) = 0"),
            Activation::Coupled => ("coupled(i) = 1 − i (f follows the input gate)", "coupled′(i) = −1"),
            Activation::Morph(t) => {
                return (
                    format!("morph{t}(z) = {k}·σ({k}·z) − {t}", k = 1.0 + t),
                    format!("morph{t}′(z) = {k}²·σ({k}·z)(1 − σ({k}·z))", k = 1.0 + t),
                )
            }
        };
        (f.to_string(), d.to_string())
    }

    /// Where this function sits on the morph line from sigmoid (0) to tanh (1), if it does.
    #[must_use]
    pub fn morph_position(self) -> Option<f32> {
        match self {
            Activation::Sigmoid => Some(0.0),
            Activation::Tanh => Some(1.0),
            Activation::Morph(t) => Some(t),
            _ => None,
        }
    }

    /// The name used in URLs and on the command line: `sigmoid`, `hard_sigmoid`, `morph:0.5`, ...
    #[must_use]
    pub fn name(self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Activation::Sigmoid => "sigmoid",
            Activation::HardSigmoid => "hard_sigmoid",
            Activation::HardSigmoidTfjs => "hard_sigmoid_tfjs",
            Activation::Tanh => "tanh",
            Activation::HardTanh => "hard_tanh",
            Activation::Relu => "relu",
            Activation::LeakyRelu => "leaky_relu",
            Activation::Softsign => "softsign",
            Activation::Identity => "identity",
            Activation::Exp => "exp",
            Activation::Removed => "none",
            Activation::Coupled => "coupled",
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

/// Fast f32 versions of exp and the logistic function for training in f32: branch-free, so a
/// loop over them vectorises (SSE natively, SIMD128 in WebAssembly). Relative error of exp is
/// below 2e-7 over its whole range.
pub mod fast {
    /// e^x for f32, by e^x = 2^n · e^r with n = round(x / ln 2) and |r| ≤ ln2/2, e^r by its
    /// Taylor polynomial to r⁶ (Cephes' expf coefficients), 2^n by building the exponent bits.
    #[inline]
    #[must_use]
    pub fn exp(x: f32) -> f32 {
        // Below −87.3 e^x is subnormal and above 88 it nears overflow: clamp to that range, so
        // n below stays in −126..=127 and 2^n is a normal float (the callers only need e^x to
        // be tiny or huge out there).
        const SHIFT: f32 = 12_582_912.0; // 1.5·2^23: adding it rounds to an integer
        let x = x.clamp(-87.3, 88.0);
        let y = x * std::f32::consts::LOG2_E + SHIFT;
        let n = y - SHIFT;
        // ln 2 in two parts, so n·LN2_HI is exact.
        let r = x - n * 0.693_359_4 + n * 2.121_944_4e-4;
        let p = 1.987_569_1e-4_f32;
        let p = p * r + 1.398_199_9e-3;
        let p = p * r + 8.333_452e-3;
        let p = p * r + 4.166_579_6e-2;
        let p = p * r + 1.666_666_5e-1;
        let p = p * r + 5e-1;
        let er = p * r * r + r + 1.0;
        // n as an integer is in y's low mantissa bits (y − SHIFT is exact): 2^n from exponent
        // bits n + 127, all in integer arithmetic on the bit patterns, so it vectorises (a
        // float-to-int cast would not: Rust's saturates).
        let exponent = y.to_bits().wrapping_sub(SHIFT.to_bits()).wrapping_add(127);
        er * f32::from_bits(exponent << 23)
    }

    /// σ(x) = 1/(1 + e^−x) for f32, through [`exp`].
    #[inline]
    #[must_use]
    pub fn sigmoid(x: f32) -> f32 {
        1.0 / (1.0 + exp(-x))
    }

    /// (1 + t)·σ((1 + t)·x) − t and its slope over a block, `k` = 1 + t: sigmoid at t = 0,
    /// tanh at t = 1. Natively on a CPU with AVX2 the loop runs on 256-bit vectors.
    pub fn morph_block(k: f32, t: f32, z: &[f32], values: &mut [f32], slopes: &mut [f32]) {
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            unsafe { morph_block_avx2(k, t, z, values, slopes) };
            return;
        }
        morph_block_portable(k, t, z, values, slopes);
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn morph_block_avx2(k: f32, t: f32, z: &[f32], values: &mut [f32], slopes: &mut [f32]) {
        morph_block_portable(k, t, z, values, slopes);
    }

    #[inline(always)]
    fn morph_block_portable(k: f32, t: f32, z: &[f32], values: &mut [f32], slopes: &mut [f32]) {
        let n = z.len().min(values.len()).min(slopes.len());
        for i in 0..n {
            // s = 1/(1 + e) and 1 − s = e·s, computed apart so the slope keeps its precision
            // where s is close to 1.
            let e = exp(-k * z[i]);
            let s = 1.0 / (1.0 + e);
            values[i] = k * s - t;
            slopes[i] = k * k * s * (e * s);
        }
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // tests compare exactly on purpose
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
            // TF.js's hard sigmoid: 0.2 · 1.5 + 0.5 = 0.8; it clips at ±2.5, where PyTorch's is
            // still inside (2.6/6 + 0.5 = 0.9333).
            (Activation::HardSigmoidTfjs, 1.5, 0.8),
            (Activation::HardSigmoidTfjs, 2.6, 1.0),
            (Activation::HardSigmoid, 2.6, 0.933_333_333_3),
            (Activation::HardSigmoidTfjs, -2.6, 0.0),
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
            // e¹ = 2.718281828459045; e^−2 = 0.1353352832366127
            (Activation::Exp, 1.0, std::f64::consts::E),
            (Activation::Exp, -2.0, 0.135_335_283_236_612_7),
            (Activation::Removed, -123.0, 1.0),
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
        assert_eq!(Activation::Removed.derivative(3.0), 0.0);
        // The mistaken formula −e^{−z}/(1 + e^{−z})² is negative; the true slope is positive.
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
                let x = f64::from(k) * 0.1 + 0.0137;
                if act.kinks().iter().any(|&kink| (x - kink).abs() < 1e-3) {
                    continue;
                }
                let numeric = (act.apply(x + h) - act.apply(x - h)) / (2.0 * h);
                let exact = act.derivative(x);
                // Relative beyond 1, for exp's steep slopes.
                assert!((numeric - exact).abs() < 1e-6 * exact.abs().max(1.0), "{act}'({x}): exact {exact}, numeric {numeric}");
            }
        }
    }

    #[test]
    fn exp_matches_the_library_exp() {
        for k in -14_900..=14_190 {
            let v = f64::from(k) * 0.05 + 0.0123;
            let (ours, libm) = (exp(v), v.exp());
            let tolerance = if libm < f64::MIN_POSITIVE { 1e-300 } else { libm * 1e-15 };
            assert!((ours - libm).abs() <= tolerance, "exp({v}) = {ours}, libm {libm}");
        }
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(800.0), f64::INFINITY);
        assert_eq!(exp(-800.0), 0.0);
        assert!(exp(f64::NAN).is_nan());
    }

    /// f64 sigmoid and tanh against the library's formulas.
    #[test]
    fn f64_sigmoid_and_tanh_match_the_library() {
        for k in -40_000..=40_000 {
            let x = f64::from(k) * 1e-3 + 1.3e-4;
            let sigma = if x >= 0.0 { 1.0 / (1.0 + (-x).exp()) } else { x.exp() / (1.0 + x.exp()) };
            assert!((Activation::Sigmoid.apply(x) - sigma).abs() <= 1e-15 * sigma.max(1e-300), "σ({x})");
            assert!((Activation::Tanh.apply(x) - x.tanh()).abs() <= 4e-15 * x.tanh().abs(), "tanh({x})");
        }
    }

    /// The f32 path of tanh against the f64 library tanh rounded to f32, over a dense grid.
    #[test]
    fn f32_tanh_is_correctly_rounded() {
        for k in -300_000..=300_000 {
            let x = k as f32 * 1e-4;
            assert_eq!(Activation::Tanh.apply(x), crate::numbers::to_f32(f64::from(x).tanh()), "tanh({x})");
        }
        assert_eq!(Activation::Tanh.apply(25.0f32), 1.0);
        assert_eq!(Activation::Tanh.apply(-1e30f32), -1.0);
        assert!(Activation::Tanh.apply(f32::NAN).is_nan());
    }

    #[test]
    fn morph_ends_are_sigmoid_and_tanh() {
        // What the morph slider shows for each function is where it lies on that line.
        for act in NAMED {
            if let Some(t) = act.morph_position() {
                for k in -50..=50 {
                    let x = f64::from(k) * 0.2;
                    assert!((Activation::Morph(t).apply(x) - act.apply(x)).abs() < 1e-12, "{act}");
                }
            }
        }
        assert_eq!(Activation::Relu.morph_position(), None);
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
                let y = act.apply(f64::from(k) * 0.5);
                assert!(y >= lo - 1e-12 && y <= hi + 1e-12, "{act} gave {y} outside [{lo}, {hi}]");
            }
        }
    }

    #[test]
    fn value_and_slope_is_bit_identical_to_apply_and_derivative() {
        let mut all: Vec<Activation> = NAMED.to_vec();
        all.extend([0.0, 0.3, 0.5, 1.0].map(Activation::Morph));
        for act in all {
            for k in -2000..=2000 {
                let x = f64::from(k) * 0.01 + 0.001;
                let (v, d) = act.value_and_slope(x);
                assert_eq!(v.to_bits(), act.apply(x).to_bits(), "{act}({x})");
                assert_eq!(d.to_bits(), act.derivative(x).to_bits(), "{act}'({x})");
                #[allow(clippy::cast_possible_truncation)]
                let x = x as f32;
                let (v, d) = act.value_and_slope(x);
                assert_eq!(v.to_bits(), act.apply(x).to_bits(), "{act}({x}) in f32");
                assert_eq!(d.to_bits(), act.derivative(x).to_bits(), "{act}'({x}) in f32");
            }
        }
    }

    /// Each formula's numbers hold: spot values of the written forms against apply/derivative.
    #[test]
    fn formulas_say_what_the_functions_compute() {
        let sigma = |z: f64| 1.0 / (1.0 + (-z).exp());
        for z in [-4.0, -0.5, 0.0, 0.7, 3.0] {
            assert!((Activation::Sigmoid.derivative(z) - sigma(z) * (1.0 - sigma(z))).abs() < 1e-15);
            assert!((Activation::Tanh.derivative(z) - (1.0 - z.tanh() * z.tanh())).abs() < 1e-15);
            let k = 1.5;
            assert!((Activation::Morph(0.5).apply(z) - (k * sigma(k * z) - 0.5)).abs() < 1e-15);
            assert!((Activation::Morph(0.5).derivative(z) - k * k * sigma(k * z) * (1.0 - sigma(k * z))).abs() < 1e-15);
        }
        assert_eq!(Activation::Sigmoid.formulas().1, "σ′(z) = σ(z)(1 − σ(z))");
        assert_eq!(Activation::Morph(0.5).formulas().0, "morph0.5(z) = 1.5·σ(1.5·z) − 0.5");
        // Every function has both, naming itself by its symbol.
        for act in NAMED.iter().copied().chain([Activation::Morph(0.25)]) {
            let (f, d) = act.formulas();
            assert!(f.starts_with(&act.symbol()) && d.starts_with(&act.symbol()), "{f} / {d}");
        }
    }

    /// The fast f32 path stays within 3e-7 of the exact values (and slopes) everywhere, and is
    /// the exact path for every other function.
    #[test]
    fn fast_f32_activations_track_the_exact_ones() {
        let z: Vec<f32> = (-4000..=4000).map(|k| k as f32 * 0.01 + 0.003).chain([-200.0, 200.0, 0.0]).collect();
        let mut all: Vec<Activation> = NAMED.to_vec();
        all.extend([0.0, 0.4, 1.0].map(Activation::Morph));
        let (mut v, mut d, mut ev, mut ed) =
            (vec![0.0; z.len()], vec![0.0; z.len()], vec![0.0; z.len()], vec![0.0; z.len()]);
        for act in all {
            act.values_and_slopes(&z, &mut v, Some(&mut d), true);
            act.values_and_slopes(&z, &mut ev, Some(&mut ed), false);
            for k in 0..z.len() {
                // (Both paths are the exact one for exp, whose values overflow to ∞.)
                let close = |a: f32, b: f32| a == b || (a - b).abs() <= 3e-7;
                assert!(close(v[k], ev[k]), "{act}({}) = {} vs {}", z[k], v[k], ev[k]);
                assert!(close(d[k], ed[k]), "{act}'({}) = {} vs {}", z[k], d[k], ed[k]);
                assert_eq!((ev[k], ed[k]), act.value_and_slope(z[k]));
            }
        }
        for x in [-80.0f32, -10.0, -1.0, 0.0, 0.5, 3.0, 40.0, 88.0] {
            let exact = f64::from(x).exp();
            assert!((f64::from(fast::exp(x)) - exact).abs() <= 2e-7 * exact, "exp({x})");
        }
        // In f64 the fast flag changes nothing.
        let z64 = [0.3f64, -2.0];
        let (mut v64, mut d64) = ([0.0; 2], [0.0; 2]);
        Activation::Tanh.values_and_slopes(&z64, &mut v64, Some(&mut d64), true);
        assert_eq!(v64[0], Activation::Tanh.apply(0.3));
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
