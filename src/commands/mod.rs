//! One module per `weft` command.

pub mod check;
pub mod explain;
pub mod functions;
pub mod init;
pub mod keys;
pub mod lineage;
pub mod plan;
pub mod schema;
pub mod test;
