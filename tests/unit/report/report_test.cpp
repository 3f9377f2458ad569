#include "report/report.hpp"

#include <gtest/gtest.h>

#include <map>
#include <regex>

#include <sstream>

#include "explain/explain.hpp"
#include "ingest/pipeline.hpp"
#include "decode/kernel_log.hpp"
#include "test_util.hpp"

namespace hungtask {
namespace {

constexpr const char* kBoot = "6f1d7c3a-1111-4a4a-9b9b-0123456789ab";

// What the finished product should say about the seed case: the chain hop by hop.
Incident seed_like_incident() {
    Incident in;
    in.id = "6f1d7c3a-3";
    in.boot_id = kBoot;
    in.seq = 3;
    in.detected_at = "2025-11-25T06:51:08Z";
    Victim v;
    v.pid = 1;
    v.comm = "systemd";
    v.state = "D";
    v.blocked_s = 122;
    v.syscall = "rmdir";
    v.ppid = 0;
    v.stack = {"__schedule+0x34d/0x9e0",          "schedule+0x5a/0xd0",
               "schedule_timeout+0x118/0x150",    "__wait_for_common+0x90/0x1d0",
               "__flush_work.isra.0+0x1a8/0x290", "cgroup_rmdir+0x3c/0x120"};
    in.victims.push_back(v);
    // Hops as hungtask.ko's kmsg record v1 gives them (kmsg_record.cpp).
    in.chain = {
        test::hop("flush_work",
            true,
            {{"reason", nullptr},
             {"barrier", "ffffd38800417af0"},
             {"pwq", "ffff8ec99f337900"},
             {"pool", "ffff8ec99f331640"},
             {"pool_cpu", 3},
             {"pool_id", 6},
             {"workqueue", "events"},
             {"target", "ffffffffc0376020"},
             {"target_state", "pending"},
             {"target_function", "css_release_work_fn"},
             {"target_module", nullptr},
             {"executing_pid", nullptr}}),
        test::hop("worker",
            true,
            {{"reason", nullptr},
             {"pool_member", true},
             {"runs_target", false},
             {"task",
              {{"pid", 211},
               {"comm", "kworker/3:2"},
               {"state", "R"},
               {"cpu", 3},
               {"on_cpu", false},
               {"on_rq", true},
               {"kthread", true},
               {"function", "worker_thread"},
               {"module", nullptr},
               {"queued_ns", 121000000000},
               {"since_arrival_ns", 122000000000}}}}),
        test::hop("cpu",
            true,
            {{"reason", nullptr},
             {"cpu", 3},
             {"hog_source", "ipi"},
             {"hog",
              {{"pid", 1234},
               {"comm", "lo_poll"},
               {"state", "R"},
               {"cpu", 3},
               {"on_cpu", true},
               {"kthread", true},
               {"function", "lo_poll_thread"},
               {"module", "lo_vendor"},
               {"since_arrival_ns", 1038000000000},
               {"runtime_ns", 1038000000000},
               {"nvcsw", 1},
               {"nivcsw", 0},
               {"policy", 0},
               {"prio", 120}}},
             {"hog_stack", Json::array({"lo_poll_thread+0x5e/0x7f [lo_vendor]"})},
             {"runq", Json::array({{{"pid", 211},
                                    {"comm", "kworker/3:2"},
                                    {"state", "R"},
                                    {"queued_ns", 121000000000}}})},
             {"runq_total", 1},
             {"runq_truncated", false}}),
    };
    in.host.kernel_release = "6.1.0-56-amd64";
    in.host.preemption = "none";
    in.host.watchdog = 0;
    in.host.softlockup_panic = 0;
    in.host.hung_task_timeout_secs = 120;
    in.host.hung_task_panic = 1;
    in.host.taint = "O";
    in.host.out_of_tree_modules = std::vector<std::string>{"lo_vendor"};
    in.source = "netlink";
    in.panicked = true;
    in.first_seen_uptime_s = 1180.25;
    in.last_seen_uptime_s = 1180.25;
    in.verdict = explain_verdict(in);  // as the decoders fill it
    return in;
}

std::vector<Incident> golden_set() {
    auto parsed = explain_all(parse_kernel_log(test::fixture("logs/hung-6.1-console.log"),
                                               LogContext{"log:hung-6.1-console.log", kBoot}),
                              Origin::log_file);
    EXPECT_EQ(parsed.size(), 2u);
    parsed[0].detected_at = "2025-11-25T06:40:09Z";
    parsed[1].detected_at = "2025-11-25T06:40:09Z";
    parsed.push_back(seed_like_incident());
    return parsed;
}

TEST(Report, ListIsNewestFirst) {
    std::ostringstream out;
    TextReport(out).write_list(newest_first(golden_set()));
    test::expect_golden("golden/report-list.txt", out.str());
    // Independent of the golden file: the newest (seed-like) comes first.
    std::string text = out.str();
    EXPECT_LT(text.find("6f1d7c3a-3"), text.find("6f1d7c3a-2"));
    EXPECT_LT(text.find("6f1d7c3a-2"), text.find("6f1d7c3a-1"));
    EXPECT_NE(text.find("lo_poll[1234] in lo_poll_thread [lo_vendor]"), std::string::npos);
}

TEST(Report, IncidentWithChainInFull) {
    std::ostringstream out;
    TextReport(out).write_incident(seed_like_incident());
    test::expect_golden("golden/report-incident-chain.txt", out.str());
    std::string text = out.str();
    // Wrapped lines joined again (a line break plus its hanging indent is one space), for
    // the checks of what is said.
    std::string flat = std::regex_replace(text, std::regex("\n {4,}"), " ");
    // Headline first: the verdict with its confidence, then the summary starting with the blame.
    EXPECT_TRUE(flat.find("Incident 6f1d7c3a-3 (hung_task)\n"
                          "  Verdict:   runqueue_starvation (confidence high)\n"
                          "  Summary:   Root cause: lo_vendor's lo_poll. systemd (pid 1) is "
                          "blocked in flush_work()") == 0)
        << text;
    EXPECT_NE(text.find("  Culprit:   lo_poll[1234] in lo_poll_thread [lo_vendor]\n"),
              std::string::npos);
    EXPECT_NE(flat.find("  3. cpu (verified): CPU 3 is held by lo_poll (pid 1234, CPU 3, state R, "
                        "kthread lo_poll_thread [lo_vendor])"),
              std::string::npos)
        << text;
    EXPECT_NE(flat.find("waits for work css_release_work_fn (pending) on workqueue events"),
              std::string::npos);
    EXPECT_NE(text.find("out-of-tree modules:    lo_vendor"), std::string::npos);
    // Then the chain, the evidence, the host and, last, what to do.
    size_t chain = flat.find("\nChain (victim first):\n");
    size_t evidence = flat.find(
        "\nEvidence:\n  - systemd (pid 1) has been blocked for more than "
        "122 s in __flush_work, called from cgroup_rmdir (system call "
        "rmdir).\n");
    size_t host = flat.find("\nHost:\n");
    size_t next = flat.find("\nWhat to do next:\n  1. Report to the maintainer of lo_vendor: ");
    ASSERT_NE(chain, std::string::npos);
    ASSERT_NE(evidence, std::string::npos) << text;
    ASSERT_NE(host, std::string::npos);
    ASSERT_NE(next, std::string::npos) << text;
    EXPECT_LT(chain, evidence);
    EXPECT_LT(evidence, host);
    EXPECT_LT(host, next);
    EXPECT_NE(text.find("  2. Enable the soft-lockup watchdog"), std::string::npos) << text;
    // The prose (headline, evidence, advice) and the chain are wrapped at 80 columns when
    // not on a terminal; only a word longer than a line (a stack frame) may pass it.
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.size() > 80) {
            EXPECT_EQ(line.find(' ', line.find_first_not_of(' ')), std::string::npos) << line;
        }
    }
}

// Records stored before verdicts had confidence, evidence and next steps render without
// those parts.
TEST(Report, AnOlderVerdictRendersWithoutTheNewSections) {
    Incident in = seed_like_incident();
    in.verdict.confidence.reset();
    in.verdict.evidence.clear();
    in.verdict.next_steps.clear();
    std::ostringstream out;
    TextReport(out).write_incident(in);
    std::string text = out.str();
    EXPECT_NE(text.find("  Verdict:   runqueue_starvation\n  Summary:   Root cause:"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("confidence"), std::string::npos);
    EXPECT_EQ(text.find("Evidence:"), std::string::npos);
    EXPECT_EQ(text.find("What to do next:"), std::string::npos);
}

// Hop fields from another host may have any type: the full view renders them, never throws.
TEST(Report, HopsWithWrongTypedFieldsRender) {
    Incident in = seed_like_incident();
    test::edit(in.chain[1])["runs_target"] = "yes";
    test::edit(in.chain[1])["task"] = {{"kthread", "yes"}, {"on_cpu", 1}, {"queued_ns", "long"}};
    test::edit(in.chain[2])["hog"] = Json::array({1, 2});
    test::edit(in.chain[2])["hog_stack"] = Json::array({1, "frame+0x1/0x2", nullptr});
    test::edit(in.chain[2])["runq"] = Json::array({"x", Json::object()});
    test::edit(in.chain[2])["runq_truncated"] = "no";
    in.chain.push_back(test::hop("completion", true, {{"lock", 5}, {"owner", "me"}, {"reason", 3}}));
    in.chain.push_back(test::hop("io", false, {{"device", nullptr}, {"inflight", "many"}}));
    in.chain.push_back(test::hop("future", true, {{"bytes", std::string("\xff\xfe")}}));
    std::ostringstream out;
    ASSERT_NO_THROW(TextReport(out).write_incident(in));
    std::string text = out.str();
    EXPECT_NE(text.find("     frame+0x1/0x2\n"), std::string::npos) << text;
    // Nothing produces lock or io hops (issue 10): they are unknown kinds, rendered
    // generically, every member as it was read.
    EXPECT_NE(text.find("  4. completion (verified) lock=5 owner=me reason=3\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("  5. io [unverified] device=null inflight=many\n"), std::string::npos)
        << text;
}

TEST(Report, KernelReportOnlyIncidentSaysWhatIsUnknown) {
    std::ostringstream out;
    TextReport(out).write_incident(golden_set()[0]);
    test::expect_golden("golden/report-incident-kernel.txt", out.str());
    std::string text = out.str();
    EXPECT_NE(text.find("Culprit:   none proven"), std::string::npos);
    EXPECT_NE(text.find("Chain: none captured"), std::string::npos);
    EXPECT_NE(text.find("Syscall:    write"), std::string::npos);
    EXPECT_NE(text.find("kernel.watchdog:        0"), std::string::npos);
    EXPECT_NE(text.find("softlockup_panic:       unknown"), std::string::npos);
    EXPECT_NE(text.find("(4 unreliable \"?\" frames left out"), std::string::npos);
}

TEST(Report, JsonIsTheDesignArray) {
    std::ostringstream out;
    JsonReport(out).write_list(newest_first(golden_set()));
    test::expect_golden("json/report.json", out.str());
    Json j = Json::parse(out.str());
    ASSERT_TRUE(j.is_array());
    ASSERT_EQ(j.size(), 3u);
    EXPECT_EQ(j[0]["id"], "6f1d7c3a-3");
    EXPECT_EQ(j[0]["verdict"]["culprit"]["module"], "lo_vendor");

    std::ostringstream one;
    JsonReport(one).write_incident(seed_like_incident());
    Json j1 = Json::parse(one.str());
    ASSERT_TRUE(j1.is_array()) << "one incident is still an array";
    EXPECT_EQ(j1.size(), 1u);
}

TEST(Report, NewestFirstPutsUnknownTimesLast) {
    auto set = golden_set();
    set[0].detected_at.reset();
    auto sorted = newest_first(set);
    EXPECT_EQ(sorted.back().id, set[0].id);
    EXPECT_EQ(sorted.front().id, "6f1d7c3a-3");
}

// An incident imported from a log has no detection time: it is ordered by the time it
// was stored, so the panic imported a minute ago is the newest, not the oldest.
TEST(Report, NewestFirstOrdersByStoredAtWithoutDetectedAt) {
    auto set = golden_set();
    set[0].detected_at.reset();
    std::map<std::string, std::string> stored_at{{set[0].id, "2025-11-26T08:00:00Z"}};
    auto sorted = newest_first(set, stored_at);
    EXPECT_EQ(sorted.front().id, set[0].id);
    EXPECT_EQ(incident_time(sorted.front(), stored_at), 1764144000);

    std::ostringstream out;
    TextReport(out, TextOptions{80, true, false, stored_at}).write_list(sorted);
    EXPECT_NE(out.str().find("2025-11-26T08:00:00Z*"), std::string::npos) << out.str();
    EXPECT_NE(out.str().find("* no detection time"), std::string::npos) << out.str();
}

// "pid N" stays on one line at every width; nothing but an over-long word passes the width.
TEST(Report, WrapNeverSplitsPidAndKeepsTheWidth) {
    std::string text =
        "Root cause: lo_vendor's lo_poll. acme-sync (pid 181) is blocked in "
        "flush_work() waiting for acme_sync_work [acme_drv] on CPU 1; the "
        "kworker (pid 23, tgid 23) cannot run";
    for (size_t width = 30; width <= 120; width++) {
        std::ostringstream out;
        wrap_words(out, text, 0, "  ", width);
        std::istringstream lines(out.str());
        for (std::string line; std::getline(lines, line);) {
            EXPECT_LE(line.size(), width) << "width " << width << ": " << line;
            EXPECT_FALSE(line.ends_with("pid") || line.ends_with("tgid") || line.ends_with("CPU"))
                << "width " << width << ": " << line;
        }
    }
}

TEST(Report, EveryTaintLetterIsExplained) {
    Incident in = seed_like_incident();
    in.host.taint = "PFSRMBUDAWCIOELKXTN";
    std::ostringstream out;
    TextReport(out).write_incident(in);
    // The long taint line is wrapped at 80 columns: read it as one line again.
    std::string text;
    for (char c : out.str()) {
        if (c == '\n')
            c = ' ';
        if (c != ' ' || text.empty() || text.back() != ' ')
            text += c;
    }
    for (const char* w :
         {"P: proprietary module loaded", "D: kernel died recently", "W: kernel issued a warning",
          "L: soft lockup occurred", "K: kernel live-patched", "E: unsigned module loaded"})
        EXPECT_NE(text.find(w), std::string::npos) << w;
}

}  // namespace
}  // namespace hungtask
