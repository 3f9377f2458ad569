// The ingest stage (daemon/src/ingest/pipeline.hpp): decoders leave the verdict alone;
// the stage explains once, after the host facts are in.
#include "ingest/pipeline.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "explain/explain.hpp"
#include "decode/kernel_log.hpp"
#include "decode/kmsg_record.hpp"
#include "decode/netlink_decode.hpp"
#include "test_util.hpp"

namespace hungtask {
namespace {

using test::fixture;
using test::TempDir;

std::vector<uint8_t> fixture_bytes(const std::string& rel) {
    std::string s = fixture(rel);
    return {s.begin(), s.end()};
}

void put(const TempDir& root, const std::string& rel, const std::string& data) {
    std::filesystem::create_directories(std::filesystem::path(root / rel).parent_path());
    test::write_file(root / rel, data);
}

// A live host whose soft-lockup watchdog is off.
void watchdog_off_host(const TempDir& root) {
    put(root, "proc/sys/kernel/osrelease", "6.1.0-56-amd64\n");
    put(root, "proc/sys/kernel/watchdog", "0\n");
}

bool mentions_watchdog(const Verdict& v) {
    for (const auto& s : v.next_steps) {
        if (s.find("Enable the soft-lockup watchdog") != std::string::npos)
            return true;
    }
    return false;
}

TEST(Pipeline, DecodersLeaveTheVerdictToTheStage) {
    // netlink
    auto nl = decode_incident_message(fixture_bytes("netlink/event-6.1.bin"));
    ASSERT_TRUE(nl.ok()) << nl.error().to_string();
    EXPECT_EQ(nl->verdict, Verdict{});
    // hungtask.ko's kmsg records, and the kernel's own report, in a log
    auto logged = parse_kernel_log(fixture("kernel-logs/module-seed-6.1-console.txt"),
                                   LogContext{"log:x", std::nullopt});
    ASSERT_EQ(logged.size(), 1u);
    EXPECT_FALSE(logged[0].capture.is_null());
    EXPECT_EQ(logged[0].verdict, Verdict{});
    auto kernel_only =
        parse_kernel_log(fixture("logs/hung-6.1-console.log"), LogContext{"log:x", std::nullopt});
    ASSERT_FALSE(kernel_only.empty());
    for (const auto& in : kernel_only)
        EXPECT_EQ(in.verdict, Verdict{});
    // ... and the stage gives them theirs.
    Incident explained = *nl;
    explain_incident(explained, Origin::netlink);
    EXPECT_EQ(explained.verdict.kind, VerdictKind::runqueue_starvation);
    auto summarised = explain_all(kernel_only, Origin::log_file);
    EXPECT_TRUE(summarised[0].verdict.summary.starts_with("kernel hung-task report only"));
}

TEST(Pipeline, ExplainsOnceAfterTheHostFacts) {
    TempDir host;
    watchdog_off_host(host);
    TempDir state;
    std::ostringstream log;
    auto store = Store::open(state.path(), log);
    ASSERT_TRUE(store.ok()) << store.error().to_string();

    auto nl = decode_incident_message(fixture_bytes("netlink/event-6.1.bin"));
    ASSERT_TRUE(nl.ok());
    Incident in = *nl;
    in.host.watchdog.reset();  // the module could not read it: the live host fills it
    in.boot_id.reset();
    in.detected_at.reset();

    int calls = 0;
    std::optional<int64_t> seen_watchdog;
    auto explainer = [&](const Incident& i) {
        calls++;
        seen_watchdog = i.host.watchdog;
        return explain_verdict(i);
    };
    int acks = 0;
    Pipeline stage(&*store, IngestHost{host.path(), "6f1d7c3a-1111", [] { return 1e9; }, {}},
                   explainer);
    auto r = stage.ingest(in, Origin::netlink, [&](const UpsertResult&) { acks++; });
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(seen_watchdog, 0) << "the explainer saw the live host's watchdog";
    EXPECT_EQ(acks, 1);
    EXPECT_EQ(r->incident.boot_id, "6f1d7c3a-1111");
    EXPECT_EQ(r->incident.detected_at, "2001-09-09T01:46:40Z");
    EXPECT_TRUE(mentions_watchdog(r->incident.verdict));
    ASSERT_EQ(store->incidents().size(), 1u);
    EXPECT_EQ(store->incidents()[0].verdict, r->incident.verdict);

    // A log file is from any host: nothing live is added.
    calls = 0;
    Incident from_log = *nl;
    from_log.host.watchdog.reset();
    Incident ready = Pipeline(nullptr, IngestHost{host.path(), {}, {}, {}}, explainer)
                         .prepare(from_log, Origin::log_file);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(ready.host.watchdog, std::nullopt);
    EXPECT_FALSE(mentions_watchdog(ready.verdict));
}

TEST(Pipeline, ExportedRecordsKeepAKernelOnlyVerdict) {
    auto kernel_only =
        parse_kernel_log(fixture("logs/hung-6.1-console.log"), LogContext{"log:x", std::nullopt});
    ASSERT_FALSE(kernel_only.empty());
    Incident in = kernel_only[0];
    in.verdict.summary = "older words";
    Incident out = Pipeline(nullptr, IngestHost{}).prepare(in, Origin::export_record);
    EXPECT_EQ(out.verdict.summary, "older words");
    EXPECT_TRUE(Pipeline(nullptr, IngestHost{})
                    .prepare(in, Origin::log_file)
                    .verdict.summary.starts_with("kernel hung-task report only"))
        << "read from a log, the summary is today's";
}

}  // namespace
}  // namespace hungtask
