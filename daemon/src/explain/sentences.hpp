// The explainer's sentences: numbers in words, what a wait is and what to do about it, the
// facts of the evidence, the headline and the next steps.  Pure wording over the facts of
// facts.hpp; nothing here reads a hop's fields.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "explain/facts.hpp"

namespace hungtask::explainer {

// "6.3 s"
std::string secs(double ns);
// "1 voluntary switch", "2 voluntary switches"
std::string count(int64_t n, const char* one, const char* many);
// "SCHED_FIFO", "policy 7"
std::string policy_name(int64_t p);

// "a mutex", "an RCU grace period", ...: what the wait is for.
std::string wait_words(Wait w);
// Why hungtask cannot go further than this wait (for `unknown`).
std::string wait_not_followed(Wait w);
// What the operator can do about a wait hungtask does not follow.
std::string wait_next_step(Wait w, const std::string& victim_pid);

// "acme-sync (pid 122)", or "the victim" without one.
std::string victim_name(const Incident& in);
// The first evidence line: where the victim is blocked, for how long, from which call.
std::vector<std::string> start_evidence(const Incident& in);
// "hop 3 cpu"
std::string hop_label(const Incident& in, const Hop& h);
// "(hop 3 cpu, verified)"
std::string verified_words(const Incident& in, const Hop& h);
// One clause per hop for the summary of an unproven chain.
std::string hop_clause(const Hop& h);

// "acme_sync_work [acme_drv]": the flushed work item's function.
std::string work_target(const Hop& f);
// "It waits for work item ... (hop 1 flush_work, verified)."
std::string flush_fact(const Incident& in, const Hop& f);

// "lo_poll (pid 116) has been on CPU 1 for 6.3 s, ... (hop 3 cpu, verified by IPI ...)."
std::string cpu_fact(const Incident& in, const CpuHold& c);
// The CPU's stack, the holder's real-time policy and the runqueue, as evidence lines.
void cpu_details(const CpuHold& c, std::vector<std::string>& e);
// Enabling the soft-lockup watchdog, when the host has it off.
std::optional<std::string> watchdog_step(const Host& h);
// What to do about a task holding a CPU; `subject` replaces the task's name when not empty.
std::string hog_fix_step(const CpuHold& c, const Culprit& who, const Host& host,
                         const std::string& subject = "");
// What to capture while a CPU is held.
std::string hog_capture_step(const CpuHold& c);
// "Root cause: lo_vendor's lo_poll." / "Cause: ... holds CPU 1."
std::string blame_headline(const Task& hog, const Culprit& c, int64_t cpu);
// "CPU 1 is held by lo_poll (pid 116) in lo_poll [lo_vendor], on the CPU for 6.3 s (...)"
std::string held_by(const CpuHold& c, const Culprit& who);

}  // namespace hungtask::explainer
