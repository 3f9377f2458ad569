#include "hops/flush_work.hpp"

#include "hops/netlink_nest.hpp"
#include "hops/task.hpp"
#include "hops/kmsg_line.hpp"

namespace hungtask {

using hopjson::opt;

// The three names of each fact, kmsg key / netlink attribute / JSON key, side by side:
//   barrier        HOP_FLUSH_WORK_BARRIER        barrier
//   pwq            HOP_FLUSH_WORK_PWQ            pwq
//   pool           HOP_FLUSH_WORK_POOL           pool
//   pool_cpu       HOP_FLUSH_WORK_POOL_CPU       pool_cpu
//   pool_id        HOP_FLUSH_WORK_POOL_ID        pool_id
//   wq             HOP_FLUSH_WORK_WQ_NAME        workqueue
//   target         HOP_FLUSH_WORK_TARGET         target
//   target_state   HOP_FLUSH_WORK_TARGET_STATE   target_state
//   target_fn      HOP_FLUSH_WORK_TARGET_SYM     target_function + target_module
//   executing_pid  HOP_FLUSH_WORK_EXECUTING_PID  executing_pid (0 = none)

FlushWorkHop FlushWorkHop::from_kmsg(const ModuleRecordLine& l, bool) {
    using namespace kmsg;
    FlushWorkHop h;
    h.barrier = field_str(l, "barrier");
    h.pwq = field_str(l, "pwq");
    h.pool = field_str(l, "pool");
    h.pool_cpu = field_int(l, "pool_cpu");
    h.pool_id = field_int(l, "pool_id");
    h.workqueue = field_str(l, "wq");
    h.target = field_str(l, "target");
    h.target_state = field_str(l, "target_state");
    std::tie(h.target_function, h.target_module) = symbol_parts(field_str(l, "target_fn"));
    auto ex = field_int(l, "executing_pid");
    h.executing_pid = ex && *ex > 0 ? ex : std::nullopt;
    return h;
}

FlushWorkHop FlushWorkHop::from_netlink(const nl::Nest& hop) {
    using namespace nl;
    const Nest f = hop.nest_or_empty(HUNGTASK_A_HOP_FLUSH_WORK, "flush-work");
    FlushWorkHop h;
    h.barrier = px(f.u64(HUNGTASK_A_HOP_FLUSH_WORK_BARRIER, "barrier"));
    h.pwq = px(f.u64(HUNGTASK_A_HOP_FLUSH_WORK_PWQ, "pwq"));
    h.pool = px(f.u64(HUNGTASK_A_HOP_FLUSH_WORK_POOL, "pool"));
    h.pool_cpu = widen(f.s32(HUNGTASK_A_HOP_FLUSH_WORK_POOL_CPU, "pool-cpu"));
    h.pool_id = widen(f.s32(HUNGTASK_A_HOP_FLUSH_WORK_POOL_ID, "pool-id"));
    h.workqueue = non_empty(f.str(HUNGTASK_A_HOP_FLUSH_WORK_WQ_NAME, "wq-name"));
    h.target = px(f.u64(HUNGTASK_A_HOP_FLUSH_WORK_TARGET, "target"));
    if (auto s = f.u32(HUNGTASK_A_HOP_FLUSH_WORK_TARGET_STATE, "target-state")) {
        switch (*s) {
            case HUNGTASK_TARGET_STATE_PENDING:
                h.target_state = "pending";
                break;
            case HUNGTASK_TARGET_STATE_RUNNING:
                h.target_state = "running";
                break;
            default:  // unknown, or a state this reader does not know
                h.target_state = "unknown";
        }
    }
    (void)f.u64(HUNGTASK_A_HOP_FLUSH_WORK_TARGET_FUNC, "target-func");
    std::tie(h.target_function, h.target_module) =
        symbol_parts(f.str(HUNGTASK_A_HOP_FLUSH_WORK_TARGET_SYM, "target-sym"));
    auto ex = f.u32(HUNGTASK_A_HOP_FLUSH_WORK_EXECUTING_PID, "executing-pid");
    if (ex && *ex > 0)
        h.executing_pid = int64_t(*ex);
    return h;
}

FlushWorkHop FlushWorkHop::from_json(const Json& j) {
    using namespace hopjson;
    FlushWorkHop h;
    h.barrier = str(j, "barrier");
    h.pwq = str(j, "pwq");
    h.pool = str(j, "pool");
    h.pool_cpu = int_(j, "pool_cpu");
    h.pool_id = int_(j, "pool_id");
    h.workqueue = str(j, "workqueue");
    h.target = str(j, "target");
    h.target_state = str(j, "target_state");
    h.target_function = str(j, "target_function");
    h.target_module = str(j, "target_module");
    h.executing_pid = int_(j, "executing_pid");
    return h;
}

void FlushWorkHop::put_json(Json& j) const {
    j["barrier"] = opt(barrier);
    j["pwq"] = opt(pwq);
    j["pool"] = opt(pool);
    j["pool_cpu"] = opt(pool_cpu);
    j["pool_id"] = opt(pool_id);
    j["workqueue"] = opt(workqueue);
    j["target"] = opt(target);
    j["target_state"] = opt(target_state);
    j["target_function"] = opt(target_function);
    j["target_module"] = opt(target_module);
    j["executing_pid"] = opt(executing_pid);
}

void FlushWorkHop::render(std::ostream& out) const {
    out << ": waits for work " << sym_text(target_function, target_module) << " ("
        << opt_text(target_state) << ") on workqueue " << opt_text(workqueue) << ", pool "
        << opt_text(pool_id) << " of CPU " << opt_text(pool_cpu) << "\n";
    out << "       barrier " << opt_text(barrier) << ", pwq " << opt_text(pwq) << ", pool "
        << opt_text(pool);
    if (executing_pid)
        out << ", executing worker pid " << *executing_pid;
    out << "\n";
}

}  // namespace hungtask
