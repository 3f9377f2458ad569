#include "report/redact.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace hungtask {
namespace {

TEST(Redact, AddressesGetStablePlaceholdersOffsetsStay) {
    Redactor r({"buildhost.example.org", "buildhost"});
    std::string in =
        "barrier ffffd38800417af0, pwq 0xffff8ec99f337900, pool ffff8ec99f331640, again "
        "ffffd38800417af0 and 0xFFFFD38800417AF0; hashed 00000000a1b2c3d4e5f60718; "
        "frame __flush_work.isra.0+0x1a8/0x290 [lo_vendor] pid 122 runtime 1038500000";
    std::string out = r.text(in);
    EXPECT_EQ(out,
              "barrier <addr-1>, pwq <addr-2>, pool <addr-3>, again <addr-1> and <addr-1>; hashed "
              "00000000a1b2c3d4e5f60718; frame __flush_work.isra.0+0x1a8/0x290 [lo_vendor] pid 122 "
              "runtime 1038500000");
    // 24 hex digits is no address; 16 is (a hashed %p), and keeps its number next time.
    EXPECT_EQ(r.text("p=00000000a1b2c3d4 q=ffff8ec99f337900"), "p=<addr-4> q=<addr-2>");
}

TEST(Redact, HostNamesAndHomePaths) {
    Redactor r({"buildhost.example.org", "buildhost"});
    EXPECT_EQ(r.text("Nov 25 06:51:00 buildhost kernel: INFO: task acme-sync:122 blocked"),
              "Nov 25 06:51:00 <host-1> kernel: INFO: task acme-sync:122 blocked");
    EXPECT_EQ(r.text("BuildHost.example.org and buildhost-2 and mybuildhost"),
              "<host-2> and buildhost-2 and mybuildhost");
    EXPECT_EQ(r.text("log:/home/alice/cases/dmesg.txt; /root/x.log and /root, /rootfs/a, "
                     "/usr/home/x /home/alice/cases/dmesg.txt."),
              "log:<path-1>; <path-2> and <path-3>, /rootfs/a, /usr/home/x <path-1>.");
}

// Through the record: every string (known fields and kept unknown ones) is redacted; the
// chain's functions, modules, pids and the verdict stay readable, and the ids do not change.
TEST(Redact, IncidentKeepsTheChainReadable) {
    auto incidents =
        incidents_from_text(test::fixture("json/verdict-runqueue_starvation.json"), "fixture");
    ASSERT_TRUE(incidents) << incidents.error().to_string();
    Incident in = incidents->front();
    in.source = "log:/home/alice/dmesg.txt";
    in.extra["collected_on"] = "buildhost";
    Redactor r({"buildhost"});
    Incident out = r.incident(in);
    std::string j = dump_json(to_json(out));
    EXPECT_EQ(j.find("ffff"), std::string::npos) << j;
    EXPECT_EQ(j.find("alice"), std::string::npos);
    EXPECT_EQ(j.find("buildhost"), std::string::npos);
    EXPECT_NE(j.find("<addr-1>"), std::string::npos);
    EXPECT_EQ(out.id, in.id);
    EXPECT_EQ(out.verdict.culprit, in.verdict.culprit);
    EXPECT_EQ(out.verdict.kind, in.verdict.kind);
    EXPECT_EQ(out.victims[0].stack, in.victims[0].stack);
    ASSERT_EQ(out.chain.size(), in.chain.size());
    for (size_t i = 0; i < in.chain.size(); i++)
        EXPECT_EQ(out.chain[i].kind(), in.chain[i].kind());
    EXPECT_EQ(out.source, "log:<path-1>");
}

}  // namespace
}  // namespace hungtask
