// systemd's service notification protocol without libsystemd: one datagram per state
// change ("READY=1", "STATUS=...", "WATCHDOG=1", "STOPPING=1") to the AF_UNIX socket
// named by $NOTIFY_SOCKET (a path, or "@name" in the abstract namespace).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "model/result.hpp"

namespace hungtask {

// Sends `state` (newline-separated assignments) to $NOTIFY_SOCKET.  Returns false (with
// nothing sent) when the variable is unset or empty, an error when sending fails.
Result<bool> sd_notify(const std::string& state);

// The service watchdog (WatchdogSec=): systemd passes WATCHDOG_USEC (and WATCHDOG_PID,
// which must be ours) and expects "WATCHDOG=1" at least that often; we ping at half of
// it.  Disabled when the variables are missing or for another pid.
class Watchdog {
  public:
    static Watchdog from_env();
    // For tests: ping every `interval_s` seconds (0: disabled).
    explicit Watchdog(double interval_s = 0) : interval_s_(interval_s) {}

    bool enabled() const { return interval_s_ > 0; }
    double interval_s() const { return interval_s_; }
    // How long a poll() may sleep before the next ping is due: `cap_ms` when disabled.
    int timeout_ms(double now, int cap_ms) const;
    // Pings when due (the first call always does).  A failed send is logged to `err`
    // once per distinct error.
    void tick(double now, std::ostream& err);

  private:
    double interval_s_;
    std::optional<double> next_;
    std::string last_error_;
};

}  // namespace hungtask
