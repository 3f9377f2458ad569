#include "ingest/kernel_summary.hpp"
#include "model/frames.hpp"

namespace hungtask {

std::string hung_task_summary(const Incident& in) {
    if (in.trigger == Trigger::panic && in.victims.empty()) {
        return "kernel panicked on hung_task: blocked tasks, but no hung-task report was in "
               "the log; no victim or chain is known";
    }
    if (in.victims.empty())
        return "kernel report only; no victim or chain was captured";
    const Victim& v = in.victims[0];
    std::string s = "kernel hung-task report only: victim " + v.comm + " (pid " +
                    std::to_string(v.pid) + ") blocked";
    if (v.blocked_s)
        s += " for more than " + std::to_string(*v.blocked_s) + " s";
    if (auto b = blocked_in(v))
        s += " in " + *b;
    if (v.syscall)
        s += " (syscall " + *v.syscall + ")";
    s += "; no chain was captured";
    if (in.panicked)
        s += "; the kernel then panicked (hung_task_panic)";
    return s;
}

}  // namespace hungtask
