//! Witnesses: documents valid under one version and invalid under the other.

pub mod sample;
pub mod verify;
