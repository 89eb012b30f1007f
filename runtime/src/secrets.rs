//! Resolves the plan's secret references (environment variables, files) when
//! the runtime starts. A missing secret stops the start with the reference's
//! name and where the plan uses it; a secret's value is never printed.

use weft_plan::model::{SecretRef, Setting};

/// A resolved secret. Its `Debug` form hides the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// A secret read some other way (the admin token from its variable).
    pub fn from_value(value: String) -> Secret {
        Secret(value)
    }

    /// The value, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Reads a secret reference; `used_by` names the plan field in the error.
pub fn resolve(r: &SecretRef, used_by: &str) -> Result<Secret, String> {
    match r {
        SecretRef::Env(var) => match std::env::var(var) {
            Ok(v) if !v.is_empty() => Ok(Secret(v)),
            Ok(_) => Err(format!(
                "{used_by} reads the environment variable `{var}`, which is empty; set it before `weft run`"
            )),
            Err(_) => Err(format!(
                "{used_by} reads the environment variable `{var}`, which is not set; set it before `weft run`"
            )),
        },
        SecretRef::File(path) => match std::fs::read_to_string(path) {
            Ok(v) if !v.trim().is_empty() => Ok(Secret(v.trim_end_matches(['\n', '\r']).to_string())),
            Ok(_) => Err(format!("{used_by} reads the file `{path}`, which is empty")),
            Err(e) => Err(format!("{used_by} reads the file `{path}`, which cannot be read: {e}")),
        },
    }
}

/// Reads a setting given as text or as a secret reference.
pub fn setting(s: &Setting, used_by: &str) -> Result<String, String> {
    match s {
        Setting::Text(t) => Ok(t.clone()),
        Setting::Secret(r) => resolve(r, used_by).map(|s| s.0),
    }
}
