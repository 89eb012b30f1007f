//! CPU time as the kernel counts it, for figures that hold when the
//! machine is shared (unlike wall-clock rates).

/// User + system CPU seconds of this process (`libc::RUSAGE_SELF`) or of
/// the children it has waited for (`libc::RUSAGE_CHILDREN`).
pub fn seconds(who: libc::c_int) -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(who, &mut usage);
        usage
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
