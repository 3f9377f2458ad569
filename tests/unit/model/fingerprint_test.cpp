#include "model/fingerprint.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "test_util.hpp"

namespace hungtask {
namespace {

// A lock chain as the module captures it (tests/fixtures/json/verdict-lock_chain.json).
Incident lock_chain() {
    std::ifstream f(std::string(HUNGTASK_FIXTURES_DIR) + "/json/verdict-lock_chain.json");
    std::stringstream ss;
    ss << f.rdbuf();
    auto all = incidents_from_text(ss.str(), "verdict-lock_chain.json");
    EXPECT_TRUE(all) << (all ? "" : all.error().to_string());
    return all ? all->front() : Incident{};
}

// The same chain on another boot: other pids, addresses, comms, times and counts.
Incident on_another_boot(Incident in) {
    in.id = "feedbeef-7";
    in.seq = 7;
    in.boot_id = "feedbeef-0000-0000-0000-000000000000";
    in.detected_at = "2026-01-02T03:04:05Z";
    for (auto& v : in.victims) {
        v.pid += 1000;
        v.blocked_s = v.blocked_s.value_or(0) + 60;
        for (auto& f : v.stack) {
            // Offsets of another build: "fn+0x1a/0x40 [mod]" -> "fn+0x2b/0x40 [mod]".
            if (auto p = f.find("+0x"); p != std::string::npos)
                f.replace(p, 4, "+0x2");
        }
    }
    for (auto& h : in.chain) {
        auto e = test::edit(h);
        if (e.json().contains("owner") && e["owner"].is_object()) {
            e["owner"]["pid"] = 4242;
            e["owner"]["tgid"] = 4242;
            e["owner"]["since_arrival_ns"] = 1;
            e["owner"]["runtime_ns"] = 2;
        }
        if (e.json().contains("lock"))
            e["lock"] = "0xffff888012345678";
        if (e.json().contains("waiters"))
            e["waiters"] = 200;
        if (e.json().contains("owner_offcpu_ns"))
            e["owner_offcpu_ns"] = 99;
    }
    if (in.verdict.culprit)
        in.verdict.culprit->pid = 4242;
    in.verdict.summary = "other words, same shape";
    in.victim_count = 200;
    return in;
}

TEST(Fingerprint, SameChainOtherPidsAddressesTimesSameHash) {
    Incident a = lock_chain();
    ASSERT_FALSE(a.chain.empty());
    Incident b = on_another_boot(a);
    ASSERT_NE(to_json(a)["victims"], to_json(b)["victims"]);
    EXPECT_EQ(fingerprint_text(a), fingerprint_text(b));
    EXPECT_EQ(chain_fingerprint(a), chain_fingerprint(b));
    EXPECT_EQ(chain_fingerprint(a).size(), 16u);
    // Names a function and a module, never a pid or an address.
    EXPECT_NE(fingerprint_text(a).find("mtx_hold_and_sleep[mtx_drv]"), std::string::npos)
        << fingerprint_text(a);
    EXPECT_EQ(fingerprint_text(a).find("0x"), std::string::npos) << fingerprint_text(a);
    EXPECT_EQ(fingerprint_text(a).find("180"), std::string::npos) << fingerprint_text(a);
}

TEST(Fingerprint, OtherFunctionModuleLockKindOrVerdictOtherHash) {
    Incident a = lock_chain();
    const std::string base = chain_fingerprint(a);

    Incident culprit = a;
    culprit.verdict.culprit->function = "mtx_other_sleeper";
    EXPECT_NE(chain_fingerprint(culprit), base);

    Incident module = a;
    module.verdict.culprit->module = "other_drv";
    EXPECT_NE(chain_fingerprint(module), base);

    Incident owner_fn = a;
    test::edit(owner_fn.chain[0])["owner"]["function"] = "other_thread";
    EXPECT_NE(chain_fingerprint(owner_fn), base);

    Incident lock = a;
    test::edit(lock.chain[0])["lock_sym"] = "other_lock [mtx_drv]";
    EXPECT_NE(chain_fingerprint(lock), base);

    Incident verdict = a;
    verdict.verdict.kind = VerdictKind::deadlock;
    EXPECT_NE(chain_fingerprint(verdict), base);

    Incident longer = a;
    longer.chain.push_back(a.chain[0]);
    EXPECT_NE(chain_fingerprint(longer), base);
}

TEST(Fingerprint, InTheRecordAndStableThroughJson) {
    Incident a = lock_chain();
    Json j = to_json(a);
    ASSERT_TRUE(j.contains("fingerprint"));
    EXPECT_EQ(j["fingerprint"]["hash"], chain_fingerprint(a));
    EXPECT_TRUE(j["fingerprint"]["count"].is_null());
    EXPECT_TRUE(j.contains("victim_count"));
    EXPECT_TRUE(j.contains("victim_sample"));
    auto back = incident_from_json(j);
    ASSERT_TRUE(back);
    EXPECT_EQ(chain_fingerprint(*back), chain_fingerprint(a));
}

}  // namespace
}  // namespace hungtask
