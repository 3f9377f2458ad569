// The explainer: one case per verdict it can give, and the cases where it must not blame.
//
// Each rule has a fixture, tests/fixtures/json/verdict-<kind>*.json: one incident as
// `hungtaskd report --json` prints it.  The record's verdict is the explainer's own output
// (HUNGTASK_UPDATE_GOLDEN=1 rewrites it), so any change of wording, evidence or advice shows
// up as a diff to read; the tests below assert what a user checks.
#include "explain/explain.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <sstream>

#include "report/report.hpp"
#include "test_util.hpp"

namespace hungtask {
namespace {

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

bool any_has(const std::vector<std::string>& lines, const std::string& part) {
    return std::any_of(lines.begin(), lines.end(), [&](const auto& l) { return has(l, part); });
}

std::string joined(const std::vector<std::string>& lines) {
    std::string s;
    for (const auto& l : lines)
        s += l + "\n";
    return s;
}

// The fixture's incident, re-explained; its stored verdict must be what the explainer says.
Incident explained_fixture(const std::string& name) {
    std::string rel = "json/" + name;
    auto r = incidents_from_text(test::fixture(rel), rel);
    EXPECT_TRUE(r) << (r ? "" : r.error().to_string());
    if (!r || r->size() != 1) {
        ADD_FAILURE() << rel << ": expected one incident";
        return Incident{};
    }
    Incident in = r->front();
    in.verdict = explain_verdict(in);
    test::expect_golden(rel, dump_json(to_json(std::vector<Incident>{in})) + "\n");
    return in;
}

Incident fixture_input(const std::string& name) {
    auto r = incidents_from_text(test::fixture("json/" + name), name);
    EXPECT_TRUE(r && r->size() == 1);
    return r && !r->empty() ? r->front() : Incident{};
}

// ------------------------------------------------------------------ runqueue_starvation

// The real capture of the seed look-alike on 6.1 (kernel-logs/module-seed-6.1-console.txt).
TEST(Explain, RunqueueStarvationOnARealCapture) {
    Incident in = explained_fixture("verdict-runqueue_starvation.json");
    const Verdict& v = in.verdict;
    EXPECT_EQ(v.kind, VerdictKind::runqueue_starvation);
    ASSERT_TRUE(v.culprit);
    EXPECT_EQ(v.culprit->pid, 116);
    EXPECT_EQ(v.culprit->comm, "lo_poll");
    EXPECT_EQ(v.culprit->function, "lo_poll");
    EXPECT_EQ(v.culprit->module, "lo_vendor");
    EXPECT_EQ(v.confidence, Confidence::high);
    // The headline comes first and carries the blame.
    EXPECT_TRUE(v.summary.starts_with(
        "Root cause: lo_vendor's lo_poll. acme_drv is a victim, not the cause. "))
        << v.summary;
    EXPECT_TRUE(has(v.summary, "CPU 1 is held by lo_poll (pid 116)")) << v.summary;
    // One sentence per hop, and the fact that ties the hog to the whole wait.
    EXPECT_TRUE(any_has(v.evidence, "(hop 1 flush_work, verified)")) << joined(v.evidence);
    EXPECT_TRUE(any_has(v.evidence, "kworker/1:1 (pid 28) must run that work: it is runnable"))
        << joined(v.evidence);
    EXPECT_TRUE(any_has(v.evidence,
                        "lo_poll (pid 116) has been on CPU 1 for 6.3 s, with 1 "
                        "voluntary switch since it started (hop 3 cpu, verified by "
                        "IPI on that CPU)"))
        << joined(v.evidence);
    EXPECT_TRUE(any_has(v.evidence, "for the whole time kworker/1:1 has waited"))
        << joined(v.evidence);
    // What to do: the vendor, the watchdog this host has off, live evidence.
    ASSERT_EQ(v.next_steps.size(), 3u) << joined(v.next_steps);
    EXPECT_TRUE(
        v.next_steps[0].starts_with("Report to the maintainer of lo_vendor: lo_poll stays "
                                    "on CPU 1 without yielding"))
        << v.next_steps[0];
    EXPECT_TRUE(has(v.next_steps[0], "cond_resched()"));
    EXPECT_TRUE(has(v.next_steps[1], "kernel.watchdog=1")) << v.next_steps[1];
    EXPECT_TRUE(has(v.next_steps[1], "more than 20 s")) << v.next_steps[1];
    EXPECT_TRUE(has(v.next_steps[2], "echo l > /proc/sysrq-trigger")) << v.next_steps[2];
}

TEST(Explain, AWatchdogThatIsOnIsNotAdvised) {
    Incident in = fixture_input("verdict-runqueue_starvation.json");
    in.host.watchdog = 1;
    Verdict v = explain_verdict(in);
    EXPECT_FALSE(any_has(v.next_steps, "watchdog")) << joined(v.next_steps);
}

TEST(Explain, AHogThatArrivedAfterTheWorkerStartedWaitingIsMediumConfidence) {
    Incident in = fixture_input("verdict-runqueue_starvation.json");
    test::edit(in.chain[2])["hog"]["since_arrival_ns"] = 1000000000;  // 1 s, worker waited 6.1 s
    Verdict v = explain_verdict(in);
    EXPECT_EQ(v.kind, VerdictKind::runqueue_starvation);
    EXPECT_EQ(v.confidence, Confidence::medium);
    EXPECT_TRUE(any_has(v.evidence, "other tasks held the CPU before it")) << joined(v.evidence);
}

TEST(Explain, AHogFoundWithoutIpiIsMediumConfidence) {
    Incident in = fixture_input("verdict-runqueue_starvation.json");
    test::edit(in.chain[2])["hog_source"] = "walk";
    test::edit(in.chain[2])["hog"]["on_cpu"] = false;
    Verdict v = explain_verdict(in);
    EXPECT_EQ(v.kind, VerdictKind::runqueue_starvation);
    EXPECT_EQ(v.confidence, Confidence::medium);
}

TEST(Explain, AUserSpaceHogIsBlamedWithoutModule) {
    Incident in = fixture_input("verdict-runqueue_starvation.json");
    {
        auto cpu = test::edit(in.chain[2]);
        Json& hog = cpu["hog"];
        hog["comm"] = "spin";
        hog["kthread"] = false;
        hog["function"] = nullptr;
        hog["module"] = nullptr;
        cpu["hog_stack"] = Json::array();  // interrupted in user mode
    }
    Verdict v = explain_verdict(in);
    EXPECT_EQ(v.kind, VerdictKind::runqueue_starvation);
    ASSERT_TRUE(v.culprit);
    EXPECT_EQ(v.culprit->comm, "spin");
    EXPECT_EQ(v.culprit->pid, 116);
    EXPECT_FALSE(v.culprit->function);
    EXPECT_FALSE(v.culprit->module);
    EXPECT_FALSE(has(v.summary, "Root cause")) << "no vendor code to name: " << v.summary;
    EXPECT_TRUE(v.summary.starts_with("Cause: spin (pid 116), a user-space task, holds CPU 1."))
        << v.summary;
    EXPECT_TRUE(has(v.next_steps[0], "chrt -p 116")) << v.next_steps[0];
}

TEST(Explain, AKworkerHogIsBlamedOnTheModuleItsStackIsIn) {
    Incident in = fixture_input("verdict-runqueue_starvation.json");
    {
        auto cpu = test::edit(in.chain[2]);
        Json& hog = cpu["hog"];
        hog["comm"] = "kworker/1:2";
        hog["function"] = "worker_thread";
        hog["module"] = nullptr;
        cpu["hog_stack"] =
            Json::array({"delay_tsc+0x4a/0x80", "acme_poll_work+0x31/0x60 [acme_drv]",
                         "process_one_work+0x1c7/0x380", "worker_thread+0x4d/0x380"});
    }
    Verdict v = explain_verdict(in);
    EXPECT_EQ(v.kind, VerdictKind::runqueue_starvation);
    ASSERT_TRUE(v.culprit);
    EXPECT_EQ(v.culprit->function, "acme_poll_work");
    EXPECT_EQ(v.culprit->module, "acme_drv");
    EXPECT_TRUE(v.summary.starts_with("Root cause: acme_drv's acme_poll_work. ")) << v.summary;
    EXPECT_TRUE(has(v.summary,
                    "CPU 1 is held by kworker/1:2 (pid 116) in acme_poll_work "
                    "[acme_drv]"))
        << v.summary;
    // The hog's module is also the flushed work's: no "victim, not the cause" then.
    EXPECT_FALSE(has(v.summary, "is a victim")) << v.summary;
}

TEST(Explain, ARealTimeHogIsCalledSo) {
    Incident in = fixture_input("verdict-runqueue_starvation.json");
    test::edit(in.chain[2])["hog"]["policy"] = 1;
    Verdict v = explain_verdict(in);
    EXPECT_EQ(v.kind, VerdictKind::runqueue_starvation);
    EXPECT_TRUE(has(v.next_steps[0], "real-time policy SCHED_FIFO")) << v.next_steps[0];
    EXPECT_FALSE(has(v.next_steps[0], "cond_resched")) << v.next_steps[0];
}

struct Unproven {
    const char* name;
    std::function<void(Incident&)> mutate;
    const char* says;  // in the summary
};

// Chains of the starvation shape that do not prove the link: `unknown`, nobody blamed,
// and the summary says which link failed.
TEST(Explain, StarvationChainsThatDoNotProveTheLinkAreUnknown) {
    const Unproven cases[] = {
        {"unverified worker",
         [](Incident& in) {
             in.chain[1].verified = false;
             test::edit(in.chain[1])["reason"] = "no worker of the pool is runnable; showing a member";
         },
         "hop 2 (worker) is not verified: no worker of the pool is runnable; showing a member"},
        {"unverified without reason", [](Incident& in) { in.chain[2].verified = false; },
         "hop 3 (cpu) is not verified: the module gave no reason"},
        {"worker sleeps", [](Incident& in) { test::edit(in.chain[1])["task"]["state"] = "D"; },
         "the worker sleeps (state D) rather than waiting for a CPU"},
        {"worker interruptible", [](Incident& in) { test::edit(in.chain[1])["task"]["state"] = "S"; },
         "the worker sleeps (state S)"},
        {"idle CPU",
         [](Incident& in) {
             test::edit(in.chain[2])["hog"]["pid"] = 0;
             test::edit(in.chain[2])["hog"]["comm"] = "swapper/1";
         },
         "CPU 1 was idle (swapper/1) when hungtask looked"},
        {"hog is the worker",
         [](Incident& in) {
             test::edit(in.chain[2])["hog"]["pid"] = 28;
             test::edit(in.chain[2])["hog"]["comm"] = "kworker/1:1";
         },
         "the task on CPU 1 is kworker/1:1 (pid 28) itself"},
        {"cpu mismatch", [](Incident& in) { test::edit(in.chain[2])["cpu"] = 2; },
         "looked at CPU 2 but the waiting task needs CPU 1"},
        {"worker elsewhere", [](Incident& in) { test::edit(in.chain[1])["task"]["cpu"] = 3; },
         "the worker kworker/1:1 (pid 28) is on CPU 3, not the pool's CPU 1"},
        {"hog elsewhere", [](Incident& in) { test::edit(in.chain[2])["hog"]["cpu"] = 0; },
         "was on CPU 0"},
        {"no hog", [](Incident& in) { test::edit(in.chain[2])["hog"] = nullptr; },
         "hop 3 (cpu) names no task holding CPU 1"},
        {"no cpu hop", [](Incident& in) { in.chain.pop_back(); },
         "the chain ends before the CPU it waits for"},
        {"no worker hop", [](Incident& in) { in.chain.resize(1); },
         "the worker that must run acme_sync_work [acme_drv] was not found"},
        {"unknown hop after",
         [](Incident& in) {
             in.chain.push_back(test::hop("unknown", true, {}));
         },
         "the chain goes on after the cpu hop"},
    };
    for (const auto& c : cases) {
        Incident in = fixture_input("verdict-runqueue_starvation.json");
        c.mutate(in);
        Verdict v = explain_verdict(in);
        EXPECT_EQ(v.kind, VerdictKind::unknown) << c.name;
        EXPECT_FALSE(v.culprit) << c.name;
        EXPECT_EQ(v.confidence, Confidence::low) << c.name;
        EXPECT_TRUE(has(v.summary, c.says)) << c.name << ": " << v.summary;
        EXPECT_TRUE(has(v.summary, "no cause is proven")) << c.name << ": " << v.summary;
        EXPECT_FALSE(v.next_steps.empty()) << c.name;
    }
}

// The flush-running scenario: the work item runs in a worker that sleeps.
TEST(Explain, ARunningTargetThatSleepsIsNotBlamedOnAnyone) {
    Incident in;
    in.victims.push_back(test::make_victim(5, "acme-kick"));
    in.chain = {test::hop("flush_work",
                    true,
                    {{"target_function", "acme_sync_work"},
                     {"target_module", "acme_drv"},
                     {"target_state", "running"}}),
                test::hop("worker",
                    true,
                    {{"runs_target", true},
                     {"task", {{"pid", 28}, {"comm", "kworker/1:1"}, {"state", "D"}}}})};
    Verdict v = explain_verdict(in);
    EXPECT_EQ(v.kind, VerdictKind::unknown);
    EXPECT_FALSE(v.culprit);
    EXPECT_TRUE(has(v.summary, "the worker running it is kworker/1:1 (pid 28) in state D"))
        << v.summary;
    EXPECT_TRUE(any_has(v.next_steps, "cat /proc/28/stack")) << joined(v.next_steps);
}

// -------------------------------------------------------------------------- cpu_hog

TEST(Explain, CpuHogBlamesTheHolder) {
    Incident in = explained_fixture("verdict-cpu_hog.json");
    const Verdict& v = in.verdict;
    EXPECT_EQ(v.kind, VerdictKind::cpu_hog);
    ASSERT_TRUE(v.culprit);
    EXPECT_EQ(*v.culprit, (Culprit{97, "lo_poll", "lo_poll", "lo_vendor"}));
    EXPECT_EQ(v.confidence, Confidence::high);
    EXPECT_TRUE(v.summary.starts_with("Root cause: lo_vendor's lo_poll.")) << v.summary;
    EXPECT_TRUE(any_has(v.evidence,
                        "lo_poll (pid 97) has been on CPU 1 for 16.0 s, with 0 "
                        "voluntary switches"))
        << joined(v.evidence);
    EXPECT_TRUE(any_has(v.evidence, "2 tasks wait in CPU 1's runqueue")) << joined(v.evidence);

    // The same hop from a hung-task report is not a cpu_hog verdict by itself.
    in.trigger = Trigger::hung_task;
    EXPECT_EQ(explain_verdict(in).kind, VerdictKind::unknown);
    // Idle or unverified: nobody is blamed.
    Incident idle = fixture_input("verdict-cpu_hog.json");
    test::edit(idle.chain[0])["hog"]["comm"] = "swapper/1";
    EXPECT_EQ(explain_verdict(idle).kind, VerdictKind::unknown);
    EXPECT_FALSE(explain_verdict(idle).culprit);
    Incident unverified = fixture_input("verdict-cpu_hog.json");
    unverified.chain[0].verified = false;
    EXPECT_FALSE(explain_verdict(unverified).culprit);
}

// The work-spins scenario: the flushed work item itself busy-waits on its CPU.
TEST(Explain, AFlushedWorkItemThatHoldsItsCpuIsCpuHog) {
    Incident in = explained_fixture("verdict-cpu_hog-work.json");
    const Verdict& v = in.verdict;
    EXPECT_EQ(v.kind, VerdictKind::cpu_hog);
    ASSERT_TRUE(v.culprit);
    EXPECT_EQ(*v.culprit, (Culprit{28, "kworker/1:1", "acme_sync_work", "acme_drv"}));
    EXPECT_EQ(v.confidence, Confidence::high);
    EXPECT_TRUE(
        v.summary.starts_with("Root cause: acme_drv's acme_sync_work. acme-sync (pid 122) "
                              "is blocked in flush_work() waiting for acme_sync_work "
                              "[acme_drv], which does not finish: CPU 1 is held by "
                              "kworker/1:1 (pid 28) in acme_sync_work [acme_drv]"))
        << v.summary;
    EXPECT_TRUE(v.next_steps[0].starts_with(
        "Report to the maintainer of acme_drv: the work item acme_sync_work stays on CPU 1 "
        "without yielding"))
        << v.next_steps[0];

    // Only when the CPU is seen running that very work.
    Incident elsewhere = fixture_input("verdict-cpu_hog-work.json");
    test::edit(elsewhere.chain[2])["hog_stack"] =
        Json::array({"other_work+0x1/0x2", "process_one_work+0x1c7/0x380"});
    Verdict e = explain_verdict(elsewhere);
    EXPECT_EQ(e.kind, VerdictKind::unknown);
    EXPECT_FALSE(e.culprit);
    EXPECT_TRUE(has(e.summary, "the task on CPU 1 is kworker/1:1 (pid 28) itself")) << e.summary;
    EXPECT_TRUE(any_has(e.evidence, "does not show the flushed work acme_sync_work"))
        << joined(e.evidence);
    Incident not_its_work = fixture_input("verdict-cpu_hog-work.json");
    test::edit(not_its_work.chain[1])["runs_target"] = false;
    EXPECT_EQ(explain_verdict(not_its_work).kind, VerdictKind::unknown);
    Incident unverified = fixture_input("verdict-cpu_hog-work.json");
    unverified.chain[2].verified = false;
    EXPECT_FALSE(explain_verdict(unverified).culprit);
    Incident sleeping = fixture_input("verdict-cpu_hog-work.json");
    test::edit(sleeping.chain[1])["task"]["state"] = "D";
    EXPECT_EQ(explain_verdict(sleeping).kind, VerdictKind::unknown);
}

// --------------------------------------------------------------------------- unknown

TEST(Explain, NoChainSaysWhatTheVictimWaitsFor) {
    Incident in = explained_fixture("verdict-unknown-mutex.json");
    const Verdict& v = in.verdict;
    EXPECT_EQ(v.kind, VerdictKind::unknown);
    EXPECT_FALSE(v.culprit);
    EXPECT_EQ(v.confidence, Confidence::low);
    EXPECT_EQ(v.summary,
              "acme-cfg (pid 600) is blocked in __mutex_lock: it waits for a mutex (__mutex_lock) "
              "taken from acme_ioctl [acme_drv]; no verified mutex hop names its owner (the lock "
              "was not proven from the stack), so no cause is proven.");
    EXPECT_TRUE(any_has(v.next_steps, "echo w > /proc/sysrq-trigger")) << joined(v.next_steps);
}

// A real capture: kworker/0:1 in synchronize_rcu() while lo_poll held CPU 1; no chain.
TEST(Explain, NoChainOnARealRcuWait) {
    Incident in = explained_fixture("verdict-unknown-rcu.json");
    const Verdict& v = in.verdict;
    EXPECT_EQ(v.kind, VerdictKind::unknown);
    EXPECT_FALSE(v.culprit);
    EXPECT_TRUE(
        v.summary.starts_with("kworker/0:1 (pid 24) is blocked in __wait_rcu_gp: it "
                              "waits for an RCU grace period (synchronize_rcu) called "
                              "from do_free_init;"))
        << v.summary;
    EXPECT_TRUE(has(v.summary, "no cause is proven")) << v.summary;
    EXPECT_TRUE(any_has(v.next_steps, "RCU stall warning")) << joined(v.next_steps);
}

TEST(Explain, CommonWaitsAreRecognisedFromTheStack) {
    struct Case {
        std::vector<std::string> stack;
        const char* says;
    };
    const Case cases[] = {
        {{"__schedule+0x1/0x2", "schedule+0x1/0x2", "rwsem_down_write_slowpath+0x1/0x2",
          "down_write+0x1/0x2", "acme_remap+0x1/0x2 [acme_drv]"},
         "waits for a read-write semaphore (down_write) taken from acme_remap [acme_drv]; "
         "hungtask does not follow rwsem owners yet"},
        {{"__schedule+0x1/0x2", "schedule+0x1/0x2", "schedule_timeout+0x1/0x2",
          "__down_common+0x1/0x2", "__down+0x1/0x2", "down+0x1/0x2",
          "acme_fw_load+0x1/0x2 [acme_drv]"},
         "waits for a semaphore (down) taken from acme_fw_load [acme_drv]; the kernel does not "
         "record semaphore owners"},
        {{"__schedule+0x1/0x2", "schedule+0x1/0x2", "schedule_timeout+0x1/0x2",
          "__wait_for_common+0x1/0x2", "wait_for_completion+0x1/0x2",
          "acme_reset_wait+0x1/0x2 [acme_drv]"},
         "waits for a completion (wait_for_completion) called from acme_reset_wait [acme_drv]"},
        {{"__schedule+0x1/0x2", "schedule+0x1/0x2", "io_schedule+0x1/0x2",
          "folio_wait_bit_common+0x1/0x2", "filemap_read+0x1/0x2"},
         "waits for I/O to complete (folio_wait_bit_common) called from filemap_read"},
        {{"__schedule+0x1/0x2", "schedule+0x1/0x2", "jbd2_log_wait_commit+0x1/0x2",
          "ext4_sync_file+0x1/0x2"},
         "waits for I/O to complete (jbd2_log_wait_commit) called from ext4_sync_file"},
        {{"__schedule+0x1/0x2", "schedule+0x1/0x2", "schedule_timeout+0x1/0x2",
          "__wait_for_common+0x1/0x2", "__flush_work.isra.0+0x1/0x2", "cgroup_rmdir+0x1/0x2"},
         "waits for a work item to finish (__flush_work) called from cgroup_rmdir"},
        {{"__schedule+0x1/0x2", "schedule+0x1/0x2", "pipe_read+0x1/0x2"},
         "is blocked in pipe_read; hungtask has no rule for this kind of wait"},
    };
    for (const auto& c : cases) {
        Incident in;
        in.victims.push_back(test::make_victim(9, "t"));
        in.victims[0].stack = c.stack;
        Verdict v = explain_verdict(in);
        EXPECT_EQ(v.kind, VerdictKind::unknown) << c.says;
        EXPECT_FALSE(v.culprit) << c.says;
        EXPECT_TRUE(has(v.summary, c.says)) << v.summary;
    }
}

// -------------------------------------------------------------------------- robustness

// Every field of every hop (and of the tasks inside) missing or of a wrong type, as a record
// from another host may have it: no exception, no crash, never a culprit in `unknown`, never
// a blame through an unverified hop, and the report still renders.
TEST(Explain, ChainsWithMissingOrWrongTypedFieldsNeverThrow) {
    const Json bad_values[] = {nullptr,
                               "x",
                               "",
                               -1,
                               0,
                               1e300,
                               true,
                               Json::array(),
                               Json::array({1, "a", nullptr}),
                               Json::object(),
                               Json{{"pid", "1"}},
                               UINT64_MAX};
    const char* fixtures[] = {"verdict-runqueue_starvation.json", "verdict-cpu_hog.json",
                              "verdict-cpu_hog-work.json"};
    auto check = [](const Incident& in, const std::string& what) {
        Verdict v;
        ASSERT_NO_THROW(v = explain_verdict(in)) << what;
        if (v.kind == VerdictKind::unknown)
            EXPECT_FALSE(v.culprit) << what;
        else
            EXPECT_TRUE(std::all_of(in.chain.begin(), in.chain.end(),
                                    [](const Hop& h) { return h.verified; }))
                << what << ": blamed through an unverified hop";
        EXPECT_FALSE(v.summary.empty()) << what;
        EXPECT_TRUE(v.confidence) << what;
        Incident shown = in;
        shown.verdict = v;
        std::ostringstream out;
        EXPECT_NO_THROW(TextReport(out).write_incident(shown)) << what;
    };
    size_t variants = 0;
    for (const char* name : fixtures) {
        const Incident base = fixture_input(name);
        for (size_t h = 0; h < base.chain.size(); h++) {
            const Json fields = test::fields(base.chain[h]);
            // Paths to every field, one level into nested objects (task, hog, owner).
            std::vector<std::vector<std::string>> paths;
            for (auto it = fields.begin(); it != fields.end(); ++it) {
                paths.push_back({it.key()});
                if (it.value().is_object())
                    for (auto jt = it.value().begin(); jt != it.value().end(); ++jt)
                        paths.push_back({it.key(), jt.key()});
            }
            for (const auto& path : paths) {
                std::string what = std::string(name) + " hop " + std::to_string(h) + " ";
                for (const auto& p : path)
                    what += "/" + p;
                Incident erased = base;
                {
                    auto e = test::edit(erased.chain[h]);
                    Json* parent = &e.json();
                    for (size_t i = 0; i + 1 < path.size(); i++)
                        parent = &(*parent)[path[i]];
                    parent->erase(path.back());
                }
                check(erased, what + " erased");
                for (const Json& bad : bad_values) {
                    Incident in = base;
                    {
                        auto e = test::edit(in.chain[h]);
                        Json* slot = &e.json();
                        for (const auto& p : path)
                            slot = &(*slot)[p];
                        *slot = bad;
                    }
                    check(in, what + " = " + bad.dump());
                    variants++;
                }
            }
            Incident not_object = base;
            if (auto* u = not_object.chain[h].as<UnknownHop>())
                u->fields = Json::array({1, 2});
            else  // a known kind's members not an object: every fact reads as unknown
                not_object.chain[h] = test::hop(not_object.chain[h].kind(),
                                                not_object.chain[h].verified, Json::array({1, 2}));
            check(not_object, std::string(name) + " hop fields not an object");
            Incident odd_kind = base;
            odd_kind.chain[h].body = UnknownHop{"", test::fields(odd_kind.chain[h])};
            check(odd_kind, std::string(name) + " empty kind");
        }
        Incident no_victim = base;
        no_victim.victims.clear();
        check(no_victim, std::string(name) + " without victim");
        Incident garbage_stack = base;
        for (auto& v : garbage_stack.victims)
            v.stack = {"", "?", "+0x1/0x2", "0xffffffff", " ? stale+0x1/0x2", "[mod]"};
        check(garbage_stack, std::string(name) + " garbage victim stack");
    }
    EXPECT_GT(variants, 1000u) << "the mutations must reach the fields";
}

// A missing fact that a link does not depend on lowers confidence; one it depends on gives
// unknown.
TEST(Explain, MissingFactsLowerConfidenceOrBlameNobody) {
    Incident no_time = fixture_input("verdict-runqueue_starvation.json");
    test::edit(no_time.chain[2])["hog"].erase("since_arrival_ns");
    Verdict v = explain_verdict(no_time);
    EXPECT_EQ(v.kind, VerdictKind::runqueue_starvation);
    EXPECT_EQ(v.confidence, Confidence::medium);
    EXPECT_TRUE(has(v.summary, "CPU 1 is held by lo_poll (pid 116)")) << v.summary;

    Incident no_cpus = fixture_input("verdict-runqueue_starvation.json");
    test::edit(no_cpus.chain[0])["pool_cpu"] = -1;  // unbound pool
    test::edit(no_cpus.chain[1])["task"].erase("cpu");
    EXPECT_EQ(explain_verdict(no_cpus).confidence, Confidence::medium);

    Incident pid_text = fixture_input("verdict-runqueue_starvation.json");
    test::edit(pid_text.chain[2])["hog"]["pid"] = "116";
    EXPECT_EQ(explain_verdict(pid_text).kind, VerdictKind::unknown);

    Incident state_number = fixture_input("verdict-runqueue_starvation.json");
    test::edit(state_number.chain[1])["task"]["state"] = 0;
    EXPECT_EQ(explain_verdict(state_number).kind, VerdictKind::unknown);
}

TEST(Explain, HostImplications) {
    Host h;
    h.watchdog = 0;
    h.preemption = "none";
    auto lines = host_implications(h);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_NE(lines[0].find("kernel.watchdog=0"), std::string::npos);
    EXPECT_NE(lines[1].find("preempt=none"), std::string::npos);
    EXPECT_TRUE(host_implications(Host{}).empty());
}


// ------------------------------------------------------------------ lock_chain, deadlock

// A real capture (mutex-sleeping-owner, 6.1): mtx-cfg waits for mtx_cfg_lock, whose owner
// mtx_holder sleeps in msleep_interruptible() called from mtx_hold_and_sleep [mtx_drv].
TEST(Explain, ASleepingMutexOwnerIsTheCulpritInTheFunctionThatSleeps) {
    Incident in = explained_fixture("verdict-lock_chain.json");
    const Verdict& v = in.verdict;
    EXPECT_EQ(v.kind, VerdictKind::lock_chain);
    ASSERT_TRUE(v.culprit);
    EXPECT_EQ(v.culprit->comm, "mtx_holder");
    EXPECT_EQ(v.culprit->function, "mtx_hold_and_sleep");
    EXPECT_EQ(v.culprit->module, "mtx_drv");
    EXPECT_NE(v.summary.find("asleep for"), std::string::npos) << v.summary;

    // Not verified, no owner, an owner in a wait hungtask does not follow: no culprit.
    Incident unverified = fixture_input("verdict-lock_chain.json");
    unverified.chain[0].verified = false;
    EXPECT_EQ(explain_verdict(unverified).kind, VerdictKind::unknown);
    EXPECT_FALSE(explain_verdict(unverified).culprit);
    Incident no_owner = fixture_input("verdict-lock_chain.json");
    no_owner.chain[0].as<MutexHop>()->owner.reset();
    EXPECT_FALSE(explain_verdict(no_owner).culprit);
    Incident in_io = fixture_input("verdict-lock_chain.json");
    in_io.chain[0].as<MutexHop>()->owner_stack = {"io_schedule+0x1/0x2", "folio_wait_bit+0x1/0x2",
                                                  "acme_read+0x1/0x2 [acme_drv]"};
    EXPECT_EQ(explain_verdict(in_io).kind, VerdictKind::unknown);
    EXPECT_FALSE(explain_verdict(in_io).culprit);
    Incident running = fixture_input("verdict-lock_chain.json");
    running.chain[0].as<MutexHop>()->owner->state = "R";
    EXPECT_FALSE(explain_verdict(running).culprit) << "a running owner needs a cpu hop";
}

// A real capture (deadlock-abba, 6.1): dl-ab -> dl_lock_b (owner dl-ba) -> dl_lock_a
// (owner dl-ab), the closing hop marked cycle.
TEST(Explain, AnAbbaCycleIsADeadlockClosedWhereTheLastWaiterLocks) {
    Incident in = explained_fixture("verdict-deadlock.json");
    const Verdict& v = in.verdict;
    EXPECT_EQ(v.kind, VerdictKind::deadlock);
    ASSERT_TRUE(v.culprit);
    EXPECT_EQ(v.culprit->comm, "dl-ba");
    EXPECT_EQ(v.culprit->function, "dl_ba_take_a");
    EXPECT_EQ(v.culprit->module, "dl_drv");
    EXPECT_NE(v.summary.find("dl_lock_a"), std::string::npos) << v.summary;
    EXPECT_NE(v.summary.find("dl_lock_b"), std::string::npos) << v.summary;

    Incident unverified = fixture_input("verdict-deadlock.json");
    unverified.chain[1].verified = false;
    EXPECT_FALSE(explain_verdict(unverified).culprit);
    // Without the mark and with an owner outside the chain: no cycle, no deadlock.
    Incident open = fixture_input("verdict-deadlock.json");
    open.chain[1].as<MutexHop>()->cycle = false;
    open.chain[1].as<MutexHop>()->owner->pid = 4242;
    EXPECT_NE(explain_verdict(open).kind, VerdictKind::deadlock);
}

// An owner that waits for its CPU, or runs: the module follows it into a cpu hop and the
// cpu rules decide (built from the lock_chain capture; the cpu hop is synthetic).
TEST(Explain, ARunnableOrRunningMutexOwnerLeavesTheVerdictToTheCpuRules) {
    Incident in = fixture_input("verdict-lock_chain.json");
    MutexHop& m = *in.chain[0].as<MutexHop>();
    m.owner->state = "R";
    m.owner->on_cpu = false;
    m.owner->on_rq = true;
    m.owner->cpu = 1;
    m.owner_stack.clear();
    HopTask hog;
    hog.pid = 500;
    hog.comm = "lo_poll";
    hog.state = "R";
    hog.cpu = 1;
    hog.on_cpu = true;
    hog.kthread = true;
    hog.since_arrival_ns = 9000000000;
    CpuHop c;
    c.cpu = 1;
    c.hog_source = "ipi";
    c.hog = hog;
    c.hog_stack = {"lo_poll+0x10/0x40 [lo_vendor]", "kthread+0xda/0x100"};
    in.chain.push_back(Hop{true, std::nullopt, c});
    Verdict v = explain_verdict(in);
    EXPECT_EQ(v.kind, VerdictKind::runqueue_starvation) << v.summary;
    ASSERT_TRUE(v.culprit);
    EXPECT_EQ(v.culprit->comm, "lo_poll");
    EXPECT_EQ(v.culprit->module, "lo_vendor");
    EXPECT_NE(v.summary.find("mtx_cfg_lock"), std::string::npos) << v.summary;

    // The owner holds the CPU itself: cpu_hog, the owner in the code it runs.
    Incident running = in;
    CpuHop& rc = *running.chain[1].as<CpuHop>();
    rc.hog = *running.chain[0].as<MutexHop>()->owner;  // `m` dangles after push_back
    rc.hog->on_cpu = true;
    rc.hog->since_arrival_ns = 9000000000;
    running.chain[0].as<MutexHop>()->owner->on_cpu = true;
    rc.hog_stack = {"mtx_spin+0x10/0x40 [mtx_drv]", "kthread+0xda/0x100"};
    Verdict r = explain_verdict(running);
    EXPECT_EQ(r.kind, VerdictKind::cpu_hog) << r.summary;
    ASSERT_TRUE(r.culprit);
    EXPECT_EQ(r.culprit->comm, "mtx_holder") << r.summary;
    EXPECT_EQ(r.culprit->function, "mtx_spin");

    // The cpu hop not verified: no culprit.
    in.chain[1].verified = false;
    EXPECT_FALSE(explain_verdict(in).culprit);
}

}  // namespace
}  // namespace hungtask

// ------------------------------------------------------------------ rwsem, semaphore

namespace hungtask {
namespace {

// The lock_chain capture with its mutex hop turned into an rwsem hop of the same owner.
Incident rwsem_incident(bool write, bool last_reader) {
    Incident in = fixture_input("verdict-lock_chain.json");
    const MutexHop m = *in.chain[0].as<MutexHop>();
    RwsemHop r;
    r.lock_sym = "rws_lock [rws_drv]";
    r.write = write;
    r.count = last_reader ? "0x102" : "0x3";
    r.readers = last_reader ? 1 : 0;
    r.waiters = 2;
    r.position = 1;
    r.last_reader = last_reader;
    r.owner = m.owner;
    r.owner_stack = m.owner_stack;
    r.owner_offcpu_ns = m.owner_offcpu_ns;
    r.cycle = false;
    in.chain[0].body = r;
    if (last_reader) {
        in.chain[0].verified = false;
        in.chain[0].reason =
            "readers own the lock; the kernel keeps only the last reader to take it, which may "
            "have released it: no holder proven";
    }
    return in;
}

TEST(Explain, ASleepingRwsemWriterIsTheCulpritLikeAMutexOwner) {
    for (bool write : {true, false}) {
        Verdict v = explain_verdict(rwsem_incident(write, false));
        EXPECT_EQ(v.kind, VerdictKind::lock_chain);
        ASSERT_TRUE(v.culprit);
        EXPECT_EQ(v.culprit->function, "mtx_hold_and_sleep");
        EXPECT_EQ(v.culprit->module, "mtx_drv");
        EXPECT_NE(v.summary.find("rw_semaphore rws_lock [rws_drv]"), std::string::npos) << v.summary;
        EXPECT_NE(v.summary.find(write ? "down_write()" : "down_read()"), std::string::npos)
            << v.summary;
    }
}

TEST(Explain, AnRwsemOwnedByReadersNamesTheLastReaderButNoCulprit) {
    Incident in = rwsem_incident(true, true);
    Verdict v = explain_verdict(in);
    EXPECT_EQ(v.kind, VerdictKind::unknown);
    EXPECT_FALSE(v.culprit);
    EXPECT_NE(v.summary.find("owned by readers (1)"), std::string::npos) << v.summary;
    EXPECT_NE(v.summary.find("mtx_holder"), std::string::npos) << v.summary;
    EXPECT_NE(v.summary.find("may have released it"), std::string::npos) << v.summary;
    // Even marked verified by a confused record, a last reader is never an owner.
    in.chain[0].verified = true;
    EXPECT_FALSE(explain_verdict(in).culprit);
}

TEST(Explain, ASemaphoreWaitIsAnHonestUnknownWithItsFacts) {
    Incident in = fixture_input("verdict-lock_chain.json");
    SemaphoreHop s;
    s.lock_sym = "rdr_sem [rdr_drv]";
    s.count = 0;
    s.waiters = 2;
    s.position = 1;
    s.other_waiters = {{int64_t(141), std::string("sem-w2")}};
    in.chain[0].body = s;
    in.chain[0].reason = "the kernel records no holder of a semaphore";
    Verdict v = explain_verdict(in);
    EXPECT_EQ(v.kind, VerdictKind::unknown);
    EXPECT_FALSE(v.culprit);
    for (const char* want : {"semaphore rdr_sem [rdr_drv]", "count 0", "2 waiters",
                             "sem-w2 (pid 141)", "records no holder"})
        EXPECT_NE(v.summary.find(want), std::string::npos) << want << ": " << v.summary;
}

}  // namespace
}  // namespace hungtask
