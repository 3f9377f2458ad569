#include "hops/worker.hpp"

#include "hops/netlink_nest.hpp"
#include "hops/kmsg_line.hpp"

namespace hungtask {

using hopjson::opt;

// kmsg key / netlink attribute / JSON key:
//   pool_member  HOP_WORKER_POOL_MEMBER  pool_member
//   runs_target  HOP_WORKER_RUNS_TARGET  runs_target
//   (v2: the hop line's task keys; v1: the next `worker` line)
//                HOP_WORKER_TASK         task

WorkerHop WorkerHop::from_kmsg(const ModuleRecordLine& l, bool v2) {
    using namespace kmsg;
    WorkerHop h;
    h.pool_member = field_int(l, "pool_member").value_or(0) != 0;
    h.runs_target = field_int(l, "runs_target").value_or(0) != 0;
    if (v2)
        h.task = HopTask::from_kmsg(l);
    return h;
}

bool WorkerHop::add_kmsg(const ModuleRecordLine& l, bool) {
    if (l.record != "worker")
        return false;
    task = HopTask::from_kmsg(l);
    return true;
}

WorkerHop WorkerHop::from_netlink(const nl::Nest& hop) {
    using namespace nl;
    const Nest w = hop.nest_or_empty(HUNGTASK_A_HOP_WORKER, "worker");
    WorkerHop h;
    h.pool_member = w.flag(HUNGTASK_A_HOP_WORKER_POOL_MEMBER, "pool-member").value_or(false);
    h.runs_target = w.flag(HUNGTASK_A_HOP_WORKER_RUNS_TARGET, "runs-target").value_or(false);
    if (auto task = w.nest(HUNGTASK_A_HOP_WORKER_TASK, "task"))
        h.task = HopTask::from_netlink(*task);
    return h;
}

WorkerHop WorkerHop::from_json(const Json& j) {
    WorkerHop h;
    h.pool_member = hopjson::boolean(j, "pool_member");
    h.runs_target = hopjson::boolean(j, "runs_target");
    h.task = task_from_json(hopjson::at(j, "task"));
    return h;
}

void WorkerHop::put_json(Json& j) const {
    j["pool_member"] = opt(pool_member);
    j["runs_target"] = opt(runs_target);
    j["task"] = to_json(task);
}

void WorkerHop::render(std::ostream& out) const {
    static const HopTask kNone;
    const HopTask& t = task ? *task : kNone;
    out << ": " << task_line(task) << (runs_target == true ? " runs the work" : " must run it")
        << "\n";
    out << "       on CPU now: " << yes_no(t.on_cpu) << ", on a runqueue: " << yes_no(t.on_rq)
        << ", waiting " << ms_text(t.queued_ns) << ", last ran " << ms_text(t.since_arrival_ns)
        << " ago\n";
}

}  // namespace hungtask
