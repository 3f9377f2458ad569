// Boot-time evidence of the host's configuration in a kernel log: the banner's release,
// "Dynamic Preempt:", and the command line's preempt=, nowatchdog and sysctl.kernel.*
// settings.  A sysctl written later in the boot can change these; the live daemon reads
// /proc/sys at detection time instead (host.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/incident.hpp"

namespace hungtask {

struct BootFacts {
    std::optional<std::string> release;
    std::optional<std::string> preemption;
    std::optional<int64_t> watchdog;
    std::optional<int64_t> softlockup_panic;
    std::optional<int64_t> hung_task_timeout_secs;
    std::optional<int64_t> hung_task_panic;
};

// Takes what a log message says about the configuration, if anything.
void note_boot_facts(BootFacts& boot, const std::string& msg);

// The host block the log alone supports.
Host host_from_boot_facts(const BootFacts& boot);

}  // namespace hungtask
