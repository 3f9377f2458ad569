#include "cli/cli.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "store/store.hpp"
#include "test_util.hpp"

namespace hungtask {
namespace {

using test::TempDir;

struct CliRun {
    int code;
    std::string out;
    std::string err;
};

CliRun cli(const std::vector<std::string>& args, const std::string& stdin_text = "") {
    std::istringstream in(stdin_text);
    std::ostringstream out, err;
    int code = run_cli(args, in, out, err);
    return CliRun{code, out.str(), err.str()};
}

bool has(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

TEST(Cli, UsageErrorsExitTwoWithAHint) {
    struct Case {
        std::vector<std::string> args;
        std::string message;
    } cases[] = {
        {{}, "hungtaskd: error: no command given"},
        {{"frobnicate"}, "hungtaskd: error: frobnicate: unknown command"},
        {{"report", "--bogus"},
         "hungtaskd: error: --bogus: unknown option\nTry 'hungtaskd report --help'."},
        {{"report", "--state-dir"}, "--state-dir: option needs a value"},
        {{"report", "--since", "last tuesday"}, "--since: not a time"},
        {{"report", "--until", "2025-13-01"}, "--until: not a time"},
        {{"report", "--verdict", "bogus"}, "--verdict: unknown verdict"},
        {{"report", "--trigger", "oops"}, "--trigger: unknown trigger"},
        {{"report", "a-1", "--last"}, "--last: give an incident id or --last, not both"},
        {{"report", "a-1", "b-2"}, "b-2: only one incident id may be given"},
        {{"scan-log"}, "scan-log: no log file given"},
        {{"scan-log", "--boot-id", "not/a/boot", "x.log"}, "--boot-id: not a boot id"},
        {{"run", "extra"}, "extra: unexpected argument"},
        {{"run", "--state-dir="}, "--state-dir: must not be empty"},
        {{"run", "--oneshot"}, "--oneshot: only with --kmsg"},
        {{"run", "--keep", "0"}, "--keep: must be a number from 1 to 1000000"},
        {{"run", "--keep=-3"}, "--keep: must be a number from 1 to 1000000"},
        {{"run", "--keep-bytes", "12k"}, "--keep-bytes: must be a number from 65536"},
        {{"run", "--event-buffer", "1"}, "--event-buffer: must be a number from 4096"},
        {{"explain"}, "explain: needs exactly one FILE"},
        {{"explain", "a.json", "b.json"}, "explain: needs exactly one FILE"},
    };
    for (const auto& c : cases) {
        CliRun r = cli(c.args);
        EXPECT_EQ(r.code, 2) << r.err;
        EXPECT_TRUE(has(r.err, c.message)) << "got: " << r.err << "\nwanted: " << c.message;
        EXPECT_TRUE(r.out.empty());
    }
}

TEST(Cli, HelpForEveryCommandDocumentsExitCodes) {
    for (std::string cmd : {"", "run", "scan-log", "report", "explain"}) {
        std::vector<std::string> args;
        if (!cmd.empty())
            args.push_back(cmd);
        args.push_back("--help");
        CliRun r = cli(args);
        EXPECT_EQ(r.code, 0) << cmd;
        EXPECT_TRUE(has(r.out, "Usage: hungtaskd " + (cmd.empty() ? std::string("COMMAND") : cmd)))
            << r.out;
        EXPECT_TRUE(has(r.out, "  1  nothing found, or no such incident")) << cmd;
        EXPECT_TRUE(has(r.out, "  2  usage error")) << cmd;
    }
    EXPECT_TRUE(
        has(cli({"run", "--help"}).out,
            "Usage: hungtaskd run [--state-dir DIR] [--boot-id ID] [--kmsg PATH [--oneshot]]"));
    EXPECT_TRUE(has(cli({"run", "--help"}).out,
                    "                     [--keep N] [--keep-bytes N] [--event-buffer BYTES]"))
        << "run's usage line lists every option";
    std::string report_help = cli({"report", "--help"}).out;
    for (const char* opt : {"--since TIME", "--until TIME", "--verdict KIND", "--module NAME",
                            "--trigger KIND", "-b [BOOT]", "--utc", "--no-pager", "[ID | --last]"})
        EXPECT_TRUE(has(report_help, opt)) << opt;
    EXPECT_EQ(cli({"--version"}).out, "hungtaskd 0.1.0\n");
    for (const char* cmd : {"run", "scan-log", "report", "explain"}) {
        CliRun v = cli({cmd, "--version"});
        EXPECT_EQ(v.code, 0) << cmd;
        EXPECT_EQ(v.out, "hungtaskd 0.1.0\n") << cmd;
    }
}

TEST(Cli, ScanLogPrintsJsonInLogOrder) {
    CliRun r = cli({"scan-log", test::fixture_path("logs/hung-6.1-console.log"),
                    test::fixture_path("logs/pstore-6.1-dmesg-ramoops-0")});
    ASSERT_EQ(r.code, 0) << r.err;
    Json j = Json::parse(r.out);
    ASSERT_EQ(j.size(), 3u);
    EXPECT_EQ(j[0]["id"], "noboot-1");
    EXPECT_EQ(j[1]["id"], "noboot-2");
    EXPECT_EQ(j[2]["id"], "noboot-3") << "numbered across files";
    EXPECT_EQ(j[2]["panicked"], true);
    EXPECT_EQ(j[0]["source"], "log:" + test::fixture_path("logs/hung-6.1-console.log"));
}

// systemd-pstore's archive: /var/lib/systemd/pstore/<ID>/dmesg.txt (and loose files).
TEST(Cli, ScanLogReadsAPstoreArchiveDirectory) {
    TempDir tmp;
    std::filesystem::create_directories(tmp / "pstore/1732520000000000");
    test::write_file(tmp / "pstore/1732520000000000/dmesg.txt",
                     test::fixture("logs/pstore-6.1-dmesg-ramoops-0"));
    test::write_file(tmp / "pstore/notes", "nothing here\n");
    CliRun r = cli({"scan-log", tmp / "pstore"});
    ASSERT_EQ(r.code, 0) << r.err;
    Json j = Json::parse(r.out);
    ASSERT_EQ(j.size(), 1u);
    EXPECT_EQ(j[0]["panicked"], true);
    EXPECT_EQ(j[0]["source"], "log:" + (tmp / "pstore/1732520000000000/dmesg.txt"));

    CliRun empty = cli({"scan-log", tmp / "pstore/1732520000000000", tmp / "nope"});
    EXPECT_EQ(empty.code, 2) << "a missing path is still an error";
    EXPECT_TRUE(has(empty.err, tmp / "nope")) << empty.err;
}

TEST(Cli, ScanLogStdinAndBootId) {
    CliRun r = cli({"scan-log", "--boot-id", "6f1d7c3a-1111-4a4a-9b9b-0123456789ab", "-"},
                   test::fixture("logs/hung-6.12-kmsg.txt"));
    ASSERT_EQ(r.code, 0) << r.err;
    Json j = Json::parse(r.out);
    ASSERT_EQ(j.size(), 1u);
    EXPECT_EQ(j[0]["id"], "6f1d7c3a-1");
    EXPECT_EQ(j[0]["source"], "log:stdin");
}

TEST(Cli, ScanLogNothingFoundAndMissingFile) {
    CliRun none = cli({"scan-log", "-"}, "[    1.000000] nothing to see\n");
    EXPECT_EQ(none.code, 1);
    EXPECT_EQ(Json::parse(none.out), Json::array());

    TempDir tmp;
    CliRun missing = cli({"scan-log", "--store", "--state-dir", tmp / "state",
                          test::fixture_path("logs/hung-6.1-console.log"), tmp / "nope.log"});
    EXPECT_EQ(missing.code, 2);
    EXPECT_TRUE(has(missing.err, tmp / "nope.log")) << missing.err;
    EXPECT_FALSE(std::filesystem::exists(tmp / "state/incidents")) << "nothing half-stored";
}

TEST(Cli, ScanLogStoreIsIdempotentAndReportReadsIt) {
    TempDir tmp;
    std::string dir = tmp / "state";
    std::string log = test::fixture_path("logs/hung-6.1-console.log");
    CliRun first =
        cli({"scan-log", "--store", "--state-dir", dir, "--boot-id", "6f1d7c3a-11", log});
    ASSERT_EQ(first.code, 0) << first.err;
    EXPECT_TRUE(
        has(first.out, "stored 6f1d7c3a-1: kernel hung-task report only: victim acme-sync"));
    CliRun second =
        cli({"scan-log", "--store", "--state-dir", dir, "--boot-id", "6f1d7c3a-11", log});
    ASSERT_EQ(second.code, 0);
    EXPECT_TRUE(has(second.out, "already stored 6f1d7c3a-1")) << second.out;
    EXPECT_TRUE(has(second.out, "already stored 6f1d7c3a-2")) << second.out;

    CliRun list = cli({"report", "--state-dir", dir});
    ASSERT_EQ(list.code, 0) << list.err;
    EXPECT_TRUE(has(list.out, "6f1d7c3a-1")) << list.out;
    EXPECT_TRUE(has(list.out, "acme-sync[123]"));

    CliRun one = cli({"report", "--state-dir", dir, "6f1d7c3a-2"});
    ASSERT_EQ(one.code, 0);
    EXPECT_TRUE(has(one.out, "Victim: systemd (pid 1, ppid 0)"));
    EXPECT_TRUE(has(one.out, "Syscall:    rmdir"));

    CliRun json = cli({"report", "--json", "--state-dir", dir});
    ASSERT_EQ(json.code, 0);
    EXPECT_EQ(Json::parse(json.out).size(), 2u);

    CliRun nosuch = cli({"report", "--state-dir", dir, "6f1d7c3a-9"});
    EXPECT_EQ(nosuch.code, 1);
    EXPECT_TRUE(has(nosuch.err, "no such incident: 6f1d7c3a-9"));

    // This log has no wall-clock time: the incidents count from when they were stored.
    CliRun since = cli({"report", "--state-dir", dir, "--since", "2000-01-01", "--utc"});
    EXPECT_EQ(since.code, 0) << since.err;
    CliRun future = cli({"report", "--state-dir", dir, "--since", "+1d", "--utc"});
    EXPECT_EQ(future.code, 1);
    EXPECT_EQ(future.out, "");
    EXPECT_TRUE(has(future.err, "no incidents stored since ")) << future.err;
}

TEST(Cli, ReportLastAndSinceOnAStoreWithTimes) {
    TempDir tmp;
    std::string dir = tmp / "state";
    {
        std::ostringstream log;
        auto store = Store::open(dir, log);
        ASSERT_TRUE(store);
        auto set = incidents_from_text(test::fixture("json/report.json"), "report.json");
        ASSERT_TRUE(set) << set.error().to_string();
        for (const auto& in : *set)
            ASSERT_TRUE(store->upsert(in));
    }
    CliRun last = cli({"report", "--state-dir", dir, "--last"});
    ASSERT_EQ(last.code, 0) << last.err;
    EXPECT_TRUE(has(last.out, "Verdict:   runqueue_starvation")) << last.out;

    CliRun since = cli({"report", "--json", "--state-dir", dir, "--since", "2025-11-25T06:45:00Z"});
    ASSERT_EQ(since.code, 0);
    Json j = Json::parse(since.out);
    ASSERT_EQ(j.size(), 1u);
    EXPECT_EQ(j[0]["verdict"]["kind"], "runqueue_starvation");
}

TEST(Cli, ReportWithoutStoreIsNothingFound) {
    TempDir tmp;
    CliRun r = cli({"report", "--state-dir", tmp / "none"});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(has(r.err, "no incidents recorded")) << r.err;
    CliRun j = cli({"report", "--json", "--state-dir", tmp / "none"});
    EXPECT_EQ(j.code, 1);
    EXPECT_EQ(j.out, "[]\n");
}

// An export whose verdict came from older rules (here: the work-spins capture judged as
// starvation by its own kworker) is explained again, with a note saying so.
TEST(Cli, ExplainRederivesAModuleChainsVerdict) {
    Json j = Json::parse(test::fixture("json/verdict-cpu_hog-work.json"));
    j[0]["verdict"]["kind"] = "runqueue_starvation";
    j[0]["verdict"]["culprit"]["function"] = "worker_thread";
    j[0]["verdict"]["culprit"]["module"] = nullptr;
    CliRun r = cli({"explain", "-"}, j.dump());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(has(r.out, "Verdict:   cpu_hog")) << r.out;
    EXPECT_TRUE(has(r.out, "in acme_sync_work [acme_drv]")) << r.out;
    EXPECT_TRUE(has(r.out, "verdict was runqueue_starvation")) << r.out;

    CliRun same = cli({"explain", test::fixture_path("json/verdict-cpu_hog-work.json")});
    ASSERT_EQ(same.code, 0);
    EXPECT_FALSE(has(same.out, "Note:")) << "an up-to-date verdict gets no note";
}

TEST(Cli, ExplainRendersAnExportOffline) {
    CliRun r = cli({"explain", test::fixture_path("json/report.json")});
    ASSERT_EQ(r.code, 0) << r.err;
    test::expect_golden("golden/explain.txt", r.out);
    EXPECT_TRUE(has(r.out, "Incident 6f1d7c3a-3 (hung_task)"));

    CliRun viaStdin = cli({"explain", "-"}, test::fixture("json/report.json"));
    EXPECT_EQ(viaStdin.code, 0);
    EXPECT_EQ(viaStdin.out, r.out);
}

TEST(Cli, ExplainErrorsNameFileAndField) {
    TempDir tmp;
    Json arr = Json::parse(test::fixture("json/report.json"));
    arr[1]["victims"][0]["stack"] = "not a list";
    test::write_file(tmp / "bad.json", dump_json(arr));
    CliRun bad = cli({"explain", tmp / "bad.json"});
    EXPECT_EQ(bad.code, 2);
    EXPECT_TRUE(
        has(bad.err, tmp / "bad.json" + ": [1].victims[0].stack: expected an array of strings"))
        << bad.err;

    CliRun missing = cli({"explain", tmp / "missing.json"});
    EXPECT_EQ(missing.code, 2);
    EXPECT_TRUE(has(missing.err, "missing.json: cannot open"));

    CliRun empty = cli({"explain", "-"}, "[]");
    EXPECT_EQ(empty.code, 1);
}

}  // namespace
}  // namespace hungtask
