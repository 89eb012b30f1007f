//! One module per `weft` command.

pub mod check;
pub mod explain;
pub mod init;
pub mod schema;
