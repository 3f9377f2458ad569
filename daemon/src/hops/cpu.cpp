#include "hops/cpu.hpp"

#include <algorithm>

#include "hops/kmsg_line.hpp"
#include "hops/netlink_nest.hpp"
#include "model/frames.hpp"

namespace hungtask {

using hopjson::opt;

// kmsg key / netlink attribute / JSON key:
//   cpu             HOP_CPU_CPU             cpu
//   hog_source      HOP_CPU_HOG_SOURCE      hog_source
//   (hog line)      HOP_CPU_HOG             hog
//   (hogstack)      HOP_CPU_HOG_STACK       hog_stack
//   stack_note      HOP_CPU_STACK_NOTE      stack_note
//   ipi_ns          HOP_CPU_IPI_NS          ipi_ns
//   runq_* / (runq) HOP_CPU_RUNQ            runq: pid, comm, state, queued_ns
//   runq_total      HOP_CPU_RUNQ_TOTAL      runq_total
//   runq_truncated  HOP_CPU_RUNQ_TRUNCATED  runq_truncated

CpuHop CpuHop::from_kmsg(const ModuleRecordLine& l, bool v2) {
    using namespace kmsg;
    CpuHop h;
    h.cpu = field_int(l, "cpu");
    h.hog_source = field_str(l, "hog_source");
    h.stack_note = field_str(l, "stack_note");
    h.ipi_ns = field_int(l, "ipi_ns");
    h.runq_total = field_int(l, "runq_total");
    h.runq_truncated = field_int(l, "runq_truncated").value_or(0) != 0;
    if (v2) {
        auto pid = field_list(l, "runq_pid");
        auto comm = field_list(l, "runq_comm");
        auto state = field_list(l, "runq_state");
        auto queued = field_list(l, "runq_queued_ns");
        for (size_t r = 0; r < pid.size(); r++) {
            RunqEntry e;
            e.pid = list_int(pid, r);
            if (r < comm.size())
                e.comm = comm[r];
            if (r < state.size())
                e.state = state[r];
            e.queued_ns = list_int(queued, r);
            h.runq.push_back(std::move(e));
        }
    }
    return h;
}

// v1: hog, hogstack (one frame each) and runq lines follow the hop line.  v2: hog and
// hogstack name their hop (hop=<i>) and carry frame lists from index i=<first>.
bool CpuHop::add_kmsg(const ModuleRecordLine& l, bool v2) {
    using namespace kmsg;
    const bool indexed = l.fields.contains("hop");
    if (l.record == "hog" && (!v2 || indexed)) {
        hog = HopTask::from_kmsg(l);
    } else if (l.record == "hogstack" && (!v2 || indexed)) {
        if (v2)
            put_frames(hog_stack, l);
        else if (auto fn = field_str(l, "fn"))
            hog_stack.push_back(*fn);
    } else if (l.record == "runq") {
        runq.push_back(RunqEntry{field_int(l, "pid"), field_str(l, "comm"), field_str(l, "state"),
                                 field_int(l, "queued_ns")});
    } else {
        return false;
    }
    return true;
}

void CpuHop::end_kmsg() {
    // A frame lost to a cut line leaves a hole: keep only what is contiguous.
    hog_stack.erase(std::find(hog_stack.begin(), hog_stack.end(), std::string()), hog_stack.end());
    trim_ipi_frames(hog_stack);
}

CpuHop CpuHop::from_netlink(const nl::Nest& hop) {
    using namespace nl;
    const Nest c = hop.nest_or_empty(HUNGTASK_A_HOP_CPU, "cpu");
    CpuHop h;
    h.cpu = widen(c.u32(HUNGTASK_A_HOP_CPU_CPU, "cpu"));
    if (auto s = c.u32(HUNGTASK_A_HOP_CPU_HOG_SOURCE, "hog-source")) {
        if (*s == HUNGTASK_HOG_SOURCE_NONE)
            h.hog_source = "none";
        else if (*s == HUNGTASK_HOG_SOURCE_IPI)
            h.hog_source = "ipi";
        else if (*s == HUNGTASK_HOG_SOURCE_WALK)
            h.hog_source = "walk";
    }
    if (auto hog = c.nest(HUNGTASK_A_HOP_CPU_HOG, "hog"))
        h.hog = HopTask::from_netlink(*hog);
    if (auto s = c.nest(HUNGTASK_A_HOP_CPU_HOG_STACK, "hog-stack"))
        h.hog_stack = stack_frames(*s);
    trim_ipi_frames(h.hog_stack);
    h.stack_note = non_empty(c.str(HUNGTASK_A_HOP_CPU_STACK_NOTE, "stack-note"));
    h.ipi_ns = widen(c.u64(HUNGTASK_A_HOP_CPU_IPI_NS, "ipi-ns"));
    for (const Nest& e : c.nests(HUNGTASK_A_HOP_CPU_RUNQ, "runq")) {
        h.runq.push_back(RunqEntry{widen(e.u32(HUNGTASK_A_RUNQ_ENTRY_PID, "pid")),
                                   non_empty(e.str(HUNGTASK_A_RUNQ_ENTRY_COMM, "comm")),
                                   state_letter(e.u8(HUNGTASK_A_RUNQ_ENTRY_STATE, "state")),
                                   widen(e.u64(HUNGTASK_A_RUNQ_ENTRY_QUEUED_NS, "queued-ns"))});
    }
    h.runq_total = widen(c.u32(HUNGTASK_A_HOP_CPU_RUNQ_TOTAL, "runq-total"));
    (void)c.u32(HUNGTASK_A_HOP_CPU_RUNQ_WALKED, "runq-walked");
    h.runq_truncated = c.flag(HUNGTASK_A_HOP_CPU_RUNQ_TRUNCATED, "runq-truncated").value_or(false);
    return h;
}

CpuHop CpuHop::from_json(const Json& j) {
    using namespace hopjson;
    CpuHop h;
    h.cpu = int_(j, "cpu");
    h.hog_source = str(j, "hog_source");
    h.hog = task_from_json(at(j, "hog"));
    h.hog_stack = strings(j, "hog_stack");
    h.stack_note = str(j, "stack_note");
    h.ipi_ns = int_(j, "ipi_ns");
    if (const Json& runq = at(j, "runq"); runq.is_array()) {
        for (const Json& e : runq)  // an entry that is no object reads as all unknown
            h.runq.push_back(
                RunqEntry{int_(e, "pid"), str(e, "comm"), str(e, "state"), int_(e, "queued_ns")});
    }
    h.runq_total = int_(j, "runq_total");
    h.runq_truncated = boolean(j, "runq_truncated");
    return h;
}

void CpuHop::put_json(Json& j) const {
    j["cpu"] = opt(cpu);
    j["hog_source"] = opt(hog_source);
    j["hog"] = to_json(hog);
    j["hog_stack"] = hog_stack;
    j["stack_note"] = opt(stack_note);
    j["ipi_ns"] = opt(ipi_ns);
    Json rq = Json::array();
    for (const auto& e : runq)
        rq.push_back({{"pid", opt(e.pid)},
                      {"comm", opt(e.comm)},
                      {"state", opt(e.state)},
                      {"queued_ns", opt(e.queued_ns)}});
    j["runq"] = std::move(rq);
    j["runq_total"] = opt(runq_total);
    j["runq_truncated"] = opt(runq_truncated);
}

void CpuHop::render(std::ostream& out) const {
    out << ": CPU " << opt_text(cpu) << " is held by " << task_line(hog) << "\n";
    if (hog)
        out << "       on the CPU for " << ms_text(hog->since_arrival_ns) << ", runtime "
            << ms_text(hog->runtime_ns) << ", voluntary switches " << opt_text(hog->nvcsw)
            << ", involuntary " << opt_text(hog->nivcsw) << ", policy " << opt_text(hog->policy)
            << " prio " << opt_text(hog->prio) << "\n";
    if (!hog_stack.empty()) {
        out << "       where it runs (stack taken on CPU " << opt_text(cpu) << "):\n";
        for (const auto& fr : hog_stack)
            out << "         " << fr << "\n";
    } else if (stack_note) {
        out << "       no stack: " << *stack_note << "\n";
    }
    if (!runq.empty()) {
        out << "       waiting in its runqueue (" << opt_text(runq_total) << "):";
        for (const auto& w : runq)
            out << " " << opt_text(w.comm) << "[" << opt_text(w.pid) << "] " << ms_text(w.queued_ns)
                << ";";
        if (runq_truncated == true)
            out << " (list cut at the walk limit)";
        out << "\n";
    }
}

}  // namespace hungtask
