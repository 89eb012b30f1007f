//! Compatibility of two JSON Schemas (work in progress).
