// hops/hop: kind dispatch and unknown kinds.  A kind this daemon does not know (a newer
// module's, or a record's from elsewhere) is an UnknownHop from every source, and its JSON
// form is written back unchanged.
#include "hops/hop.hpp"

#include "hop_test_util.hpp"
#include "hungtask.h"

namespace hungtask {
namespace {

TEST(Hop, KindNames) {
    EXPECT_EQ((Hop{true, std::nullopt, FlushWorkHop{}}).kind(), "flush_work");
    EXPECT_EQ((Hop{true, std::nullopt, WorkerHop{}}).kind(), "worker");
    EXPECT_EQ((Hop{true, std::nullopt, CpuHop{}}).kind(), "cpu");
    EXPECT_EQ((Hop{true, std::nullopt, UnknownHop{"rcu_gp", {}}}).kind(), "rcu_gp");
}

TEST(Hop, UnknownNetlinkKindRoundTrips) {
    test::Attrs a;
    a.u32(HUNGTASK_A_HOP_KIND, 40)
        .u8(HUNGTASK_A_HOP_VERIFIED, 1)
        .str(HUNGTASK_A_HOP_REASON, "a newer kind")
        .begin(99)  // its payload, in an attribute this reader does not know
        .u32(1, 7)
        .end();
    Hop h = test::netlink_hop(a);
    const UnknownHop* u = h.as<UnknownHop>();
    ASSERT_TRUE(u);
    EXPECT_EQ(u->kind, "unknown");
    EXPECT_EQ(h.reason, "a newer kind");
    Json j = to_json(h);
    EXPECT_EQ(j.dump(),
              R"({"kind":"unknown","verified":true,"reason":"a newer kind","kind_value":40})");
    Hop back = hop_from_json(j);
    EXPECT_EQ(back, h);
    EXPECT_EQ(to_json(back).dump(), j.dump());
}

TEST(Hop, UnknownKmsgKindRoundTrips) {
    auto l = test::kmsg_line(
        "hungtask: v2 seq=4 hop i=0 kind=rcu_gp verified=0 gp_seq=1234 reason=\"gp stalled\"");
    Hop h = hop_from_kmsg(l, true);
    const UnknownHop* u = h.as<UnknownHop>();
    ASSERT_TRUE(u);
    EXPECT_EQ(u->kind, "rcu_gp");
    EXPECT_FALSE(h.verified);
    EXPECT_EQ(h.reason, "gp stalled");
    EXPECT_FALSE(hop_add_kmsg(h, test::kmsg_line("hungtask: v2 seq=4 hog hop=0 pid=1"), true));
    Json j = to_json(h);
    EXPECT_EQ(j.dump(), R"({"kind":"rcu_gp","verified":false,"reason":"gp stalled"})");
    EXPECT_EQ(hop_from_json(j), h);
    EXPECT_EQ(to_json(hop_from_json(j)).dump(), j.dump());
}

TEST(Hop, UnknownJsonKindRoundTripsUnchanged) {
    // A lock shape of older fixtures (as a completion: no such kind yet), and a kind with members
    // in any order, nested, without a reason: every member is written back as it was read.
    for (const char* text :
         {R"({"kind":"completion","verified":true,"reason":null,"lock":"ffff89e6c2a41e08","lock_symbol":"acme_cfg_lock [acme_drv]","owner":{"pid":301,"comm":"acme-ctl","stack":["a","b"]}})",
          R"({"kind":"future","verified":false,"zeta":[1,{"x":null}],"alpha":1.5,"reason":"late"})",
          R"({"kind":"bare","verified":false})"}) {
        Json j = Json::parse(text);
        Hop h = hop_from_json(j);
        ASSERT_TRUE(h.as<UnknownHop>()) << text;
        EXPECT_EQ(h.kind(), j["kind"]);
        EXPECT_EQ(to_json(h).dump(), j.dump());
    }
    EXPECT_EQ(hop_from_json(Json::parse(R"({"kind":"future","verified":false,"reason":"late"})"))
                  .reason,
              "late");
}

TEST(Hop, KnownKindsReadJsonLeniently) {
    // A member of another type or missing reads as unknown, never as an error; the hop is
    // written back in its full form, and a member this version does not know is kept.
    Hop h = hop_from_json(Json::parse(
        R"({"kind":"cpu","verified":true,"cpu":"3","hog":[1,2],"hog_stack":[1,"f+0x1/0x2",null],"runq":["x"],"extra":1})"));
    const CpuHop* c = h.as<CpuHop>();
    ASSERT_TRUE(c);
    EXPECT_FALSE(c->cpu);
    EXPECT_FALSE(c->hog);
    EXPECT_EQ(c->hog_stack, std::vector<std::string>{"f+0x1/0x2"});
    ASSERT_EQ(c->runq.size(), 1u);
    EXPECT_EQ(c->runq[0], RunqEntry{});
    EXPECT_EQ(to_json(h)["extra"], 1);
}

TEST(Hop, RendersAnUnknownKindGenerically) {
    Hop h = hop_from_json(Json::parse(
        R"({"kind":"rcu_gp","verified":false,"reason":"gp stalled","gp_seq":1234,"cpus":[1,2]})"));
    EXPECT_EQ(test::rendered(h, 4),
              "  4. rcu_gp [unverified] reason=gp stalled gp_seq=1234 cpus=[1,2]\n"
              "       note: gp stalled\n");
}

TEST(Hop, FieldReadersTakeAnything) {
    Json j = {{"s", "x"},
              {"e", ""},
              {"i", 5},
              {"u", UINT64_MAX},
              {"d", 1.5},
              {"b", true},
              {"a", Json::array({"f", 1, "g"})}};
    EXPECT_EQ(hopjson::str(j, "s"), "x");
    EXPECT_FALSE(hopjson::str(j, "e"));
    EXPECT_FALSE(hopjson::str(j, "i"));
    EXPECT_EQ(hopjson::int_(j, "i"), 5);
    EXPECT_FALSE(hopjson::int_(j, "u"));
    EXPECT_FALSE(hopjson::int_(j, "d"));
    EXPECT_EQ(hopjson::boolean(j, "b"), true);
    EXPECT_FALSE(hopjson::boolean(j, "i"));
    EXPECT_EQ(hopjson::strings(j, "a"), (std::vector<std::string>{"f", "g"}));
    EXPECT_TRUE(hopjson::at(j, "missing").is_null());
    EXPECT_TRUE(hopjson::at(Json::array({1}), "s").is_null());
    EXPECT_FALSE(hopjson::int_(Json("str"), "i"));
}

}  // namespace
}  // namespace hungtask
