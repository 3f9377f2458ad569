// The explainer: a pure function from a captured incident to its verdict.
//
// How it decides
// --------------
// explain_verdict() tries a table of rules in order (explain/engine.cpp, kRules).  A rule
// is one function
//     std::optional<Verdict> rule(const Incident&, Refusals&)
// that recognises one shape of chain.  It returns a verdict only when every link from the
// victim to the task or code it blames was verified by the module; otherwise it returns
// std::nullopt and, when the chain had its shape but a link is missing or unproven, says
// why in `Refusals` (a sentence, and what the operator can do about it).  The first rule
// that returns a verdict wins.  When none does, the fallback is `unknown`: its summary says
// where the victim waits and the first refusal, and it never names a culprit.  Adding a
// rule = one file in explain/rules/, its declaration in explain/rules/rules.hpp and one
// line in kRules.
//
// The parts (daemon/src/explain/):
//   engine.cpp      the rule table and the fallback to `unknown`
//   facts.{hpp,cpp} the facts drawn from hops: the only code that reads a hop's kind and
//                   fields (named accessors), tasks, stacks, the CPU holder, refusals
//   sentences.{hpp,cpp}  the wording: waits, evidence, headlines, next steps,
//                   host_implications()
//   rules/          one file per verdict rule, and rule_unknown.cpp (the fallback)
//   json_fields.cpp the json_* readers declared below
//
// Rules must not throw and must take any JSON in a hop's fields: a record may come from
// another host, or from an older or newer producer.  A missing or wrong-typed fact lowers
// the confidence or, when the link depends on it, leads to `unknown`.
//
// The rules, in table order:
//   runqueue_starvation  flush_work -> worker -> cpu: the worker is runnable (state R), is not
//                        the CPU's holder, and the CPU is the pool's (and the worker's).  The
//                        holder ("hog") must be a real task (pid != 0, not the idle task
//                        swapper/N).  Culprit: the hog; its function and module come from the
//                        stack taken on the CPU (innermost frame of a module, else innermost
//                        frame), else from its kthread function; a user-space hog seen outside
//                        the kernel has function and module null.
//   cpu_hog              a task holding its CPU is itself the cause: trigger cpu_hog with a
//                        verified cpu hop whose hog is a real task; or flush_work -> worker ->
//                        cpu where the worker runs the flushed work (runs_target, state R), is
//                        the CPU's holder, and the stack taken on the CPU is in the work's
//                        function (a work item that never yields).  Culprit: the hog, as for
//                        runqueue_starvation.  Without that stack the worker on its own CPU
//                        proves nothing: `unknown`.
//   (fallback) unknown   never a culprit.  Without a chain, the summary says what the victim's
//                        stack waits for (a mutex, an rwsem, I/O, an RCU grace period, ...).
//
// The verdict kinds lock_chain, deadlock and io_wait stay in the record format (incident.hpp)
// but no rule gives them: their hops (mutex, rwsem, semaphore, io) have no producer yet, and
// their rules come back with it (the [locks] issue).
//
// Confidence: high when the link is proven and the corroborating facts agree (the hog was
// seen on the CPU by IPI and has been there for as long as the waiter waited); medium when
// the link is proven but such a fact is missing or weaker (the evidence says which); low for
// `unknown`: nothing is proven.
//
// Hop shapes (every hop also has "kind", "verified" and "reason": why it is not verified,
// or null): what hungtask.ko produces (kmsg_record.cpp, netlink_decode.cpp).  A hop of
// another kind (a newer module's) is kept in the chain and never explained.
//   flush_work  {barrier, pwq, pool, pool_cpu (-1: unbound), pool_id, workqueue, target,
//                target_state: "pending" | "running" | "unknown", target_function,
//                target_module, executing_pid}
//   worker      {pool_member, runs_target, task: TASK}
//   cpu         {cpu, hog_source: "ipi" | "walk" | "none", hog: TASK | null,
//                hog_stack: [frame, ...] (taken on that CPU, IPI frames cut),
//                stack_note, ipi_ns, runq: [{pid, comm, state, queued_ns}], runq_total,
//                runq_truncated}
//   TASK        {pid, tgid, comm, state ("R", "D", ...), cpu, on_cpu, on_rq, policy, prio,
//                kthread, runtime_ns, since_arrival_ns (time since it last got on a CPU, or
//                on a runqueue), queued_ns (time waiting in a runqueue), run_delay_ns, nvcsw,
//                nivcsw, function, module (its kthread function; null for user tasks)}
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/incident.hpp"

namespace hungtask {

// The verdict for `incident`, from its chain, victims and trigger.  Never throws.
Verdict explain_verdict(const Incident& incident);

// What the host context implies, in plain sentences (may be empty).
std::vector<std::string> host_implications(const Host& host);

}  // namespace hungtask
