//! Three-valued answers.

/// The answer to "is every document of one version accepted by the other?".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verdict {
    /// Proven: every document is accepted.
    Compatible,
    /// Neither proven nor refuted by the engine.
    Unknown,
    /// Refuted: some document (usually given as a witness) is rejected.
    Incompatible,
}

impl Verdict {
    /// The lowercase name: `compatible`, `incompatible` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Compatible => "compatible",
            Verdict::Incompatible => "incompatible",
            Verdict::Unknown => "unknown",
        }
    }

    /// Both must hold: the worse of the two answers.
    pub fn and(self, other: Verdict) -> Verdict {
        self.max(other)
    }

    /// Whether this is `Compatible`.
    pub fn is_compatible(self) -> bool {
        self == Verdict::Compatible
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
