#include "hops/task.hpp"

#include <cstdio>

#include "hops/kmsg_line.hpp"
#include "hops/netlink_nest.hpp"
#include "model/frames.hpp"

namespace hungtask {

using hopjson::opt;

std::pair<std::optional<std::string>, std::optional<std::string>> symbol_parts(
    const std::optional<std::string>& sym) {
    if (!sym || sym->empty() || sym->starts_with("0x"))
        return {std::nullopt, std::nullopt};
    return {frame_function(*sym), frame_module(*sym)};
}

// One fact per line: kmsg key (kmsg.c), netlink attribute (task set), JSON key.
HopTask HopTask::from_kmsg(const ModuleRecordLine& l) {
    using namespace kmsg;
    HopTask t;
    t.pid = field_int(l, "pid");
    t.tgid = field_int(l, "tgid");
    t.comm = field_str(l, "comm");
    t.state = field_str(l, "state");
    t.cpu = field_int(l, "cpu");
    t.on_cpu = field_int(l, "on_cpu").value_or(0) != 0;
    t.on_rq = field_int(l, "on_rq").value_or(0) != 0;
    t.policy = field_int(l, "policy");
    t.prio = field_int(l, "prio");
    t.kthread = field_int(l, "kthread").value_or(0) != 0;
    t.runtime_ns = field_int(l, "runtime_ns");
    t.since_arrival_ns = field_int(l, "since_arrival_ns");
    t.queued_ns = field_int(l, "queued_ns");
    t.run_delay_ns = field_int(l, "run_delay_ns");
    t.nvcsw = field_int(l, "nvcsw");
    t.nivcsw = field_int(l, "nivcsw");
    auto sym = symbol_parts(*t.kthread ? field_str(l, "fn") : std::nullopt);
    t.function = sym.first;
    t.module = sym.second;
    return t;
}

HopTask HopTask::from_netlink(const nl::Nest& n) {
    using namespace nl;
    HopTask t;
    t.pid = widen(n.u32(HUNGTASK_A_TASK_PID, "pid"));
    t.tgid = widen(n.u32(HUNGTASK_A_TASK_TGID, "tgid"));
    t.comm = non_empty(n.str(HUNGTASK_A_TASK_COMM, "comm"));
    t.state = state_letter(n.u8(HUNGTASK_A_TASK_STATE, "state"));
    t.cpu = widen(n.u32(HUNGTASK_A_TASK_CPU, "cpu"));
    t.on_cpu = n.flag(HUNGTASK_A_TASK_ON_CPU, "on-cpu").value_or(false);
    t.on_rq = n.flag(HUNGTASK_A_TASK_ON_RQ, "on-rq").value_or(false);
    t.policy = widen(n.u32(HUNGTASK_A_TASK_POLICY, "policy"));
    t.prio = widen(n.s32(HUNGTASK_A_TASK_PRIO, "prio"));
    t.kthread = n.flag(HUNGTASK_A_TASK_KTHREAD, "kthread").value_or(false);
    t.runtime_ns = widen(n.u64(HUNGTASK_A_TASK_RUNTIME_NS, "runtime-ns"));
    t.since_arrival_ns = widen(n.u64(HUNGTASK_A_TASK_SINCE_ARRIVAL_NS, "since-arrival-ns"));
    t.queued_ns = widen(n.u64(HUNGTASK_A_TASK_QUEUED_NS, "queued-ns"));
    t.run_delay_ns = widen(n.u64(HUNGTASK_A_TASK_RUN_DELAY_NS, "run-delay-ns"));
    t.nvcsw = widen(n.u64(HUNGTASK_A_TASK_NVCSW, "nvcsw"));
    t.nivcsw = widen(n.u64(HUNGTASK_A_TASK_NIVCSW, "nivcsw"));
    (void)n.u64(HUNGTASK_A_TASK_THREADFN, "threadfn");  // size-checked; the text is used
    auto fn = n.str(HUNGTASK_A_TASK_THREADFN_SYM, "threadfn-sym");
    auto sym = symbol_parts(*t.kthread ? fn : std::nullopt);
    t.function = sym.first;
    t.module = sym.second;
    return t;
}

HopTask HopTask::from_json(const Json& j) {
    using namespace hopjson;
    HopTask t;
    t.pid = int_(j, "pid");
    t.tgid = int_(j, "tgid");
    t.comm = str(j, "comm");
    t.state = str(j, "state");
    t.cpu = int_(j, "cpu");
    t.on_cpu = boolean(j, "on_cpu");
    t.on_rq = boolean(j, "on_rq");
    t.policy = int_(j, "policy");
    t.prio = int_(j, "prio");
    t.kthread = boolean(j, "kthread");
    t.runtime_ns = int_(j, "runtime_ns");
    t.since_arrival_ns = int_(j, "since_arrival_ns");
    t.queued_ns = int_(j, "queued_ns");
    t.run_delay_ns = int_(j, "run_delay_ns");
    t.nvcsw = int_(j, "nvcsw");
    t.nivcsw = int_(j, "nivcsw");
    t.function = str(j, "function");
    t.module = str(j, "module");
    return t;
}

Json HopTask::to_json() const {
    Json j = Json::object();
    j["pid"] = opt(pid);
    j["tgid"] = opt(tgid);
    j["comm"] = opt(comm);
    j["state"] = opt(state);
    j["cpu"] = opt(cpu);
    j["on_cpu"] = opt(on_cpu);
    j["on_rq"] = opt(on_rq);
    j["policy"] = opt(policy);
    j["prio"] = opt(prio);
    j["kthread"] = opt(kthread);
    j["runtime_ns"] = opt(runtime_ns);
    j["since_arrival_ns"] = opt(since_arrival_ns);
    j["queued_ns"] = opt(queued_ns);
    j["run_delay_ns"] = opt(run_delay_ns);
    j["nvcsw"] = opt(nvcsw);
    j["nivcsw"] = opt(nivcsw);
    j["function"] = opt(function);
    j["module"] = opt(module);
    return j;
}

Json to_json(const std::optional<HopTask>& t) {
    return t ? t->to_json() : Json(nullptr);
}

std::optional<HopTask> task_from_json(const Json& j) {
    if (!j.is_object())
        return std::nullopt;
    return HopTask::from_json(j);
}

std::string opt_text(const std::optional<int64_t>& v) {
    return v ? std::to_string(*v) : "?";
}
std::string opt_text(const std::optional<std::string>& v) {
    return v ? *v : "?";
}

std::string sym_text(const std::optional<std::string>& fn, const std::optional<std::string>& mod) {
    std::string s = opt_text(fn);
    if (mod)
        s += " [" + *mod + "]";
    return s;
}

std::string yes_no(const std::optional<bool>& b) {
    return b ? (*b ? "yes" : "no") : "?";
}

std::string ms_text(std::optional<int64_t> ns) {
    if (!ns)
        return "?";
    char buf[32];
    double v = double(*ns) / 1e6;
    if (v >= 1000)
        std::snprintf(buf, sizeof(buf), "%.1f s", v / 1000);
    else
        std::snprintf(buf, sizeof(buf), "%.1f ms", v);
    return buf;
}

std::string task_line(const std::optional<HopTask>& t) {
    static const HopTask kNone;
    const HopTask& k = t ? *t : kNone;
    std::string s = opt_text(k.comm) + " (pid " + opt_text(k.pid) + ", CPU " + opt_text(k.cpu) +
                    ", state " + opt_text(k.state);
    if (k.kthread == true)
        s += ", kthread " + sym_text(k.function, k.module);
    return s + ")";
}

}  // namespace hungtask
