// The explainer: a pure function from a captured incident to its verdict.
//
// How it decides
// --------------
// explain_verdict() tries a table of rules in order (explain.cpp, kRules).  A rule is one
// function
//     std::optional<Verdict> rule(const Incident&, Refusals&)
// that recognises one shape of chain.  It returns a verdict only when every link from the
// victim to the task or code it blames was verified by the module; otherwise it returns
// std::nullopt and, when the chain had its shape but a link is missing or unproven, says
// why in `Refusals` (a sentence, and what the operator can do about it).  The first rule
// that returns a verdict wins.  When none does, the fallback is `unknown`: its summary says
// where the victim waits and the first refusal, and it never names a culprit.  Adding a
// rule = one function + one line in kRules.
//
// Rules must not throw and must take any JSON in a hop's fields: a record may come from
// another host, or from an older or newer producer.  A missing or wrong-typed fact lowers
// the confidence or, when the link depends on it, leads to `unknown`.
//
// The rules, in table order:
//   deadlock             lock hops whose owners come back to a task already in the chain
//                        (the victim or an earlier owner).  Culprit: for a task that waits
//                        for a lock it holds itself, that task and the function taking the
//                        lock; for a cycle of several tasks no single task is the cause, so
//                        the culprit is {module} alone when every task of the cycle takes its
//                        lock in that module's code (the lock-order inversion is there), and
//                        null otherwise; the summary lists the cycle.
//   runqueue_starvation  flush_work -> worker -> cpu: the worker is runnable (state R), is not
//                        the CPU's holder, and the CPU is the pool's (and the worker's); or
//                        lock hops -> cpu where the last owner is runnable and another task
//                        holds its CPU.  The holder ("hog") must be a real task (pid != 0,
//                        not the idle task swapper/N).  Culprit: the hog; its function and
//                        module come from the stack taken on the CPU (innermost frame of a
//                        module, else innermost frame), else from its kthread function; a
//                        user-space hog seen outside the kernel has function and module null.
//   lock_chain           lock hops ending at an owner that is not itself waiting on a followed
//                        lock, optionally followed by a cpu hop on which that owner runs.
//                        Culprit: the last owner, in the function it sits in.  An owner that
//                        is null or has no pid ends the proof: `unknown`.
//   io_wait              [lock hops ->] io hop.  Culprit: {module: the driver's module} (null
//                        culprit for a built-in driver; the summary names the device).  An io
//                        hop with inflight == 0 proves nothing about the device: `unknown`.
//   cpu_hog              a task holding its CPU is itself the cause: trigger cpu_hog with a
//                        verified cpu hop whose hog is a real task; or flush_work -> worker ->
//                        cpu where the worker runs the flushed work (runs_target, state R), is
//                        the CPU's holder, and the stack taken on the CPU is in the work's
//                        function (a work item that never yields).  Culprit: the hog, as for
//                        runqueue_starvation.  Without that stack the worker on its own CPU
//                        proves nothing: `unknown`.
//   (fallback) unknown   never a culprit.
//
// Confidence: high when the link is proven and the corroborating facts agree (the hog was
// seen on the CPU by IPI and has been there for as long as the waiter waited; the lock owner
// runs or sleeps in its own code; the device has requests in flight of a known age); medium
// when the link is proven but such a fact is missing or weaker (the evidence says which);
// low for `unknown`: nothing is proven.
//
// Hop shapes (every hop also has "kind", "verified" and "reason": why it is not verified,
// or null).  flush_work, worker and cpu are what hungtask.ko produces today
// (kmsg_record.cpp, netlink_decode.cpp); the lock and io shapes are what this explainer
// expects from a future producer.
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
//   mutex | rwsem | semaphore
//               {lock: "0xffff8ec9c1a2b3c0" (address), lock_symbol: "acme_lock [acme_drv]"
//                or null (a lock in allocated memory), mode: "read" | "write" (rwsem only,
//                what the waiter asked for; optional),
//                owner: TASK + {stack: [frame, ...] (innermost first)} | null}
//               The task before the hop (the victim for the first hop, else the previous
//               hop's owner) sleeps waiting for this lock; `owner` holds it.  The owner is
//               null when the kernel does not know it: a semaphore (no owner is recorded),
//               an rwsem held by readers, an owner that has exited.  A following lock hop
//               means the owner itself waits for that lock; a following cpu hop shows the
//               owner's CPU (the owner itself on it, or the task keeping it off); a following
//               io hop is the I/O the owner waits for.
//   io          {device: "nullb0", driver: "null_blk" | null, module: "null_blk" | null
//                (null when the driver is built in), inflight: requests issued to the driver
//                and not completed, oldest_request_age_ns}
//               The task before the hop waits for I/O on `device`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "incident.hpp"

namespace hungtask {

// The verdict for `incident`, from its chain, victims and trigger.  Never throws.
Verdict explain_verdict(const Incident& incident);

// What the host context implies, in plain sentences (may be empty).
std::vector<std::string> host_implications(const Host& host);

// Reading hop fields that may be missing or of another type (records from another host):
// a missing key, a wrong type or a non-object `obj` gives null / nullopt / empty, never an
// exception.  Shared by the explainer and the text report.
const Json& json_at(const Json& obj, const char* key);
std::optional<std::string> json_str(const Json& obj, const char* key);  // non-empty string
std::optional<int64_t> json_int(const Json& obj, const char* key);      // integer in int64
std::optional<double> json_num(const Json& obj, const char* key);       // any number
std::optional<bool> json_bool(const Json& obj, const char* key);
std::vector<std::string> json_strings(const Json& obj, const char* key);  // string items only

}  // namespace hungtask
