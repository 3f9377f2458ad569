#include "decode/boot_facts.hpp"

#include <string_view>

#include "decode/log_text.hpp"

namespace hungtask {

using namespace log_text;

void note_boot_facts(BootFacts& boot_, const std::string& msg) {
    // Boot-time evidence of the configuration.  A sysctl written later in the boot can
    // change these; the live daemon reads /proc/sys at detection time instead.
    if (msg.starts_with("Linux version ")) {
        std::string_view r = std::string_view(msg).substr(14);
        boot_.release = std::string(r.substr(0, r.find(' ')));
        return;
    }
    if (msg.starts_with("Dynamic Preempt: ")) {
        std::string_view m = trim(std::string_view(msg).substr(17));
        boot_.preemption = std::string(m.substr(0, m.find(' ')));
        return;
    }
    if (msg.starts_with("Kernel command line: ")) {
        std::string_view rest = std::string_view(msg).substr(21);
        while (!rest.empty()) {
            rest = trim_left(rest);
            size_t sp = rest.find(' ');
            std::string_view tok = rest.substr(0, sp);
            rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp);
            size_t eq = tok.find('=');
            std::string_view k = tok.substr(0, eq);
            std::string_view val = eq == std::string_view::npos ? "" : tok.substr(eq + 1);
            auto num = parse_int<int64_t>(val);
            if (k == "nowatchdog")
                boot_.watchdog = 0;
            else if (k == "preempt" && !val.empty())
                boot_.preemption = std::string(val);
            else if ((k == "hung_task_panic" || k == "sysctl.kernel.hung_task_panic") && num)
                boot_.hung_task_panic = num;
            else if ((k == "softlockup_panic" || k == "sysctl.kernel.softlockup_panic") && num)
                boot_.softlockup_panic = num;
            else if (k == "sysctl.kernel.hung_task_timeout_secs" && num)
                boot_.hung_task_timeout_secs = num;
            else if (k == "sysctl.kernel.watchdog" && num)
                boot_.watchdog = num;
        }
    }
}

Host host_from_boot_facts(const BootFacts& boot) {
    Host h;
    h.kernel_release = boot.release;
    h.preemption = boot.preemption;
    h.watchdog = boot.watchdog;
    h.softlockup_panic = boot.softlockup_panic;
    h.hung_task_timeout_secs = boot.hung_task_timeout_secs;
    h.hung_task_panic = boot.hung_task_panic;
    return h;
}

}  // namespace hungtask
