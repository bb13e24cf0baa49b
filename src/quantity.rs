//! The quantities a cell's step can compute, each traced as a `steps × hidden` buffer. Every
//! cell design traces some of them (its [`crate::cells::CellSpec`] says which); their names are
//! what JSON, CSV, URLs and the page use.

/// The traced quantities, each a `steps × hidden` buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quantity {
    /// Pre-activations z_i, z_f, z_g, z_o (W_ih·x + b_ih + W_hh·h_prev + b_hh).
    PreInput,
    PreForget,
    PreCandidate,
    PreOutput,
    Input,
    Forget,
    Candidate,
    Output,
    CellPrev,
    Cell,
    /// act_cell_output(c): the cell-output site's value (`cell_out` in traces).
    CellOutput,
    Hidden,
    /// The GRU's: what its reset, update and new gates read (z_n = W_in·x + b_in + r ⊙ hn),
    /// their values, xn = W_in·x + b_in and hn = W_hn·h_prev + b_hn (the two parts of z_n, of
    /// which r gates the second), and h_prev.
    PreReset,
    PreUpdate,
    PreNew,
    Reset,
    Update,
    New,
    InputNew,
    RecurrentNew,
    HiddenPrev,
    /// The sLSTM's (Beck et al. 2024): its normaliser state n (`norm`, since the GRU's new gate
    /// is `n`) and stabiliser m, each with its value at t − 1.
    Normalizer,
    NormalizerPrev,
    Stabilizer,
    StabilizerPrev,
    /// The minimal cells' (Feng et al. 2024): the candidate h̃ = Lin_h(x) and its
    /// pre-activation, and minLSTM's gates scaled to sum to 1, f / (f + i) and i / (f + i).
    PreHiddenCandidate,
    HiddenCandidate,
    ForgetShare,
    InputShare,
}

impl Quantity {
    pub const ALL: [Quantity; 29] = [
        Quantity::PreInput,
        Quantity::PreForget,
        Quantity::PreCandidate,
        Quantity::PreOutput,
        Quantity::Input,
        Quantity::Forget,
        Quantity::Candidate,
        Quantity::Output,
        Quantity::CellPrev,
        Quantity::Cell,
        Quantity::CellOutput,
        Quantity::Hidden,
        Quantity::PreReset,
        Quantity::PreUpdate,
        Quantity::PreNew,
        Quantity::Reset,
        Quantity::Update,
        Quantity::New,
        Quantity::InputNew,
        Quantity::RecurrentNew,
        Quantity::HiddenPrev,
        Quantity::Normalizer,
        Quantity::NormalizerPrev,
        Quantity::Stabilizer,
        Quantity::StabilizerPrev,
        Quantity::PreHiddenCandidate,
        Quantity::HiddenCandidate,
        Quantity::ForgetShare,
        Quantity::InputShare,
    ];

    /// How many there are: the length of per-quantity tables.
    pub const COUNT: usize = Quantity::ALL.len();

    /// Short name used in JSON, CSV and the page: `z_i`, `f`, `c_prev`, ...
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Quantity::PreInput => "z_i",
            Quantity::PreForget => "z_f",
            Quantity::PreCandidate => "z_g",
            Quantity::PreOutput => "z_o",
            Quantity::Input => "i",
            Quantity::Forget => "f",
            Quantity::Candidate => "g",
            Quantity::Output => "o",
            Quantity::CellPrev => "c_prev",
            Quantity::Cell => "c",
            Quantity::CellOutput => "cell_out",
            Quantity::Hidden => "h",
            Quantity::PreReset => "z_r",
            Quantity::PreUpdate => "z_z",
            Quantity::PreNew => "z_n",
            Quantity::Reset => "r",
            Quantity::Update => "z",
            Quantity::New => "n",
            Quantity::InputNew => "xn",
            Quantity::RecurrentNew => "hn",
            Quantity::HiddenPrev => "h_prev",
            Quantity::Normalizer => "norm",
            Quantity::NormalizerPrev => "norm_prev",
            Quantity::Stabilizer => "m",
            Quantity::StabilizerPrev => "m_prev",
            Quantity::PreHiddenCandidate => "z_h",
            Quantity::HiddenCandidate => "h_tilde",
            Quantity::ForgetShare => "f_share",
            Quantity::InputShare => "i_share",
        }
    }

    #[must_use]
    pub fn from_name(name: &str) -> Option<Quantity> {
        Quantity::ALL.iter().copied().find(|q| q.name() == name)
    }

    /// This quantity's slot in per-quantity tables.
    #[must_use]
    pub fn index(self) -> usize {
        self as usize
    }
}
