// The netlink decoder: real messages captured from hungtask.ko in 6.1 and 6.12 guests
// (tests/fixtures/netlink/README.md), compared with the kmsg record of the same capture,
// and malformed messages, which must be errors with context and never crashes.
#include "decode/netlink_decode.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "decode/kmsg_record.hpp"
#include "hungtask.h"
#include "ingest/pipeline.hpp"
#include "model/frames.hpp"
#include "nl_attrs.hpp"
#include "test_util.hpp"

namespace hungtask {
namespace {

using Bytes = std::vector<uint8_t>;

// The decoder, then the ingest stage's explain step (as the daemon runs them).
Result<Incident> explained(Result<Incident> r) {
    if (r)
        explain_incident(*r, Origin::netlink);
    return r;
}

Bytes fixture_bytes(const std::string& name) {
    std::string s = test::fixture("netlink/" + name);
    return Bytes(s.begin(), s.end());
}

// A whole message: the genetlink header, then attributes (test::Attrs).
class Msg : public test::Attrs {
  public:
    explicit Msg(uint8_t cmd = HUNGTASK_CMD_EVENT) : Attrs({cmd, HUNGTASK_FAMILY_VERSION, 0, 0}) {}
};

// The smallest incident the decoder accepts, with room for additions at each level.
Msg minimal(const std::function<void(Msg&)>& top_extra = nullptr,
            const std::function<void(Msg&)>& victim_extra = nullptr) {
    Msg m;
    m.u64(HUNGTASK_A_INCIDENT_SEQ, 3)
        .str(HUNGTASK_A_INCIDENT_BOOT_ID, "0123abcd-1111-2222-3333-444455556666")
        .u32(HUNGTASK_A_INCIDENT_TRIGGER, HUNGTASK_TRIGGER_HUNG_TASK)
        .begin(HUNGTASK_A_INCIDENT_VICTIM)
        .u32(HUNGTASK_A_TASK_PID, 42)
        .str(HUNGTASK_A_TASK_COMM, "acme-sync");
    if (victim_extra)
        victim_extra(m);
    m.end().begin(HUNGTASK_A_INCIDENT_HOST).u32(HUNGTASK_A_HOST_WATCHDOG, 0).end();
    if (top_extra)
        top_extra(m);
    return m;
}

// Offset of the first top-level attribute of `type` in a message (-1 when none).
long find_top(const Bytes& msg, uint16_t type) {
    size_t off = 4;
    while (off + 4 <= msg.size()) {
        uint16_t len, t;
        std::memcpy(&len, &msg[off], 2);
        std::memcpy(&t, &msg[off + 2], 2);
        if ((t & 0x3fff) == type)
            return long(off);
        if (len < 4)
            return -1;
        off += (len + 3u) & ~3u;
    }
    return -1;
}

// The incident the kmsg record of module seq `seq` in a captured console log gives.
std::optional<Incident> kmsg_incident(const std::string& file, uint64_t seq) {
    ModuleRecordAssembler a;
    std::string text = test::fixture("netlink/" + file);
    size_t start = 0;
    std::optional<Incident> out;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        if (nl == std::string::npos)
            nl = text.size();
        if (auto in = a.push(std::string_view(text).substr(start, nl - start));
            in && in->capture["module_seq"] == seq)
            out = in;
        start = nl + 1;
    }
    if (out)  // the ingest stage's explain step, as the daemon runs it
        explain_incident(*out, Origin::kmsg);
    return out;
}

std::vector<std::string> kinds(const Incident& in) {
    std::vector<std::string> out;
    for (const auto& h : in.chain)
        out.push_back(h.kind());
    return out;
}

// The seed look-alike (tests/selftests/nl-scenario/trigger) as the module sent it.
TEST(NetlinkDecode, SeedMessagesGiveTheSeedVerdict) {
    for (const char* file : {"event-6.12.bin", "dump-6.12.bin", "event-6.1.bin"}) {
        auto r = explained(decode_incident_message(fixture_bytes(file)));
        ASSERT_TRUE(r.ok()) << file << ": " << r.error().to_string();
        const Incident& in = *r;
        EXPECT_EQ(in.source, "netlink") << file;
        EXPECT_EQ(in.trigger, Trigger::hung_task) << file;
        ASSERT_TRUE(in.boot_id) << file;
        EXPECT_EQ(in.boot_id->size(), 36u) << file;
        EXPECT_EQ(in.capture["module_seq"], in.seq) << file;
        EXPECT_EQ(in.id, in.boot_id->substr(0, 8) + "-" + std::to_string(in.seq)) << file;
        ASSERT_EQ(in.victims.size(), 1u) << file;
        const Victim& v = in.victims[0];
        EXPECT_EQ(v.comm, "acme-sync") << file;
        EXPECT_EQ(v.state, "D") << file;
        EXPECT_EQ(v.syscall, "write") << file;
        ASSERT_GE(v.stack.size(), 2u) << file;
        // flush_work on 6.1, __flush_work (not inlined) on 6.12.
        EXPECT_TRUE(frame_function(v.stack[0]).ends_with("flush_work")) << v.stack[0];
        EXPECT_EQ(frame_function(v.stack[1]), "acme_sync_write") << file;
        EXPECT_EQ(kinds(in), (std::vector<std::string>{"flush_work", "worker", "cpu"})) << file;
        const Json f = test::fields(in.chain[0]);
        EXPECT_EQ(f["pool_cpu"], 1) << file;
        EXPECT_EQ(f["workqueue"], "events") << file;
        EXPECT_EQ(f["target_state"], "pending") << file;
        EXPECT_EQ(f["target_function"], "acme_sync_work") << file;
        EXPECT_EQ(f["target_module"], "acme_drv") << file;
        EXPECT_TRUE(f["executing_pid"].is_null()) << file;
        ASSERT_TRUE(f["barrier"].is_string()) << file;
        EXPECT_EQ(f["barrier"].get<std::string>().size(), 16u) << file;
        EXPECT_EQ(test::fields(in.chain[1])["task"]["function"], "worker_thread") << file;
        const Json c = test::fields(in.chain[2]);
        EXPECT_EQ(c["cpu"], 1) << file;
        EXPECT_EQ(c["hog_source"], "ipi") << file;
        EXPECT_EQ(c["hog"]["comm"], "lo_poll") << file;
        ASSERT_FALSE(c["hog_stack"].empty()) << file;
        // The IPI's own frames are cut: the stack starts where the hog spins.
        EXPECT_EQ(frame_function(c["hog_stack"][0].get<std::string>()), "lo_poll") << file;
        EXPECT_EQ(in.verdict.kind, VerdictKind::runqueue_starvation) << file;
        ASSERT_TRUE(in.verdict.culprit) << file;
        EXPECT_EQ(in.verdict.culprit->comm, "lo_poll") << file;
        EXPECT_EQ(in.verdict.culprit->function, "lo_poll") << file;
        EXPECT_EQ(in.verdict.culprit->module, "lo_vendor") << file;
        EXPECT_EQ(in.host.watchdog, 0) << file;
        EXPECT_EQ(in.host.preemption, "none") << file;
        EXPECT_EQ(in.host.out_of_tree_modules, (std::vector<std::string>{"acme_drv", "lo_vendor"}))
            << file;
        EXPECT_EQ(in.host.taint, "OE") << file;
    }
}

// The kmsg record and the netlink message of one capture must give the same incident.
TEST(NetlinkDecode, SameIncidentAsTheKmsgRecordOfTheSameCapture) {
    struct Case {
        const char* bin;
        const char* log;
        uint64_t seq;
    };
    for (const Case& k : {Case{"event-6.12.bin", "kmsg-6.12.txt", 1},
                          Case{"event-6.1-kworker.bin", "kmsg-6.1.txt", 1},
                          Case{"event-6.1.bin", "kmsg-6.1.txt", 2}}) {
        auto nl = explained(decode_incident_message(fixture_bytes(k.bin)));
        ASSERT_TRUE(nl.ok()) << k.bin << ": " << nl.error().to_string();
        auto km = kmsg_incident(k.log, k.seq);
        ASSERT_TRUE(km) << k.log;
        EXPECT_EQ(nl->seq, k.seq) << k.bin;
        EXPECT_EQ(nl->boot_id, km->boot_id) << k.bin;
        EXPECT_EQ(nl->detected_at, km->detected_at) << k.bin;
        EXPECT_EQ(nl->trigger, km->trigger) << k.bin;
        EXPECT_EQ(nl->victims, km->victims) << k.bin;
        ASSERT_EQ(nl->chain.size(), km->chain.size()) << k.bin;
        for (size_t i = 0; i < nl->chain.size(); i++) {
            EXPECT_EQ(nl->chain[i].kind(), km->chain[i].kind()) << k.bin << " hop " << i;
            EXPECT_EQ(nl->chain[i].verified, km->chain[i].verified) << k.bin << " hop " << i;
            EXPECT_EQ(test::fields(nl->chain[i]).dump(), test::fields(km->chain[i]).dump())
                << k.bin << " hop " << i;
        }
        EXPECT_EQ(nl->host, km->host) << k.bin;
        EXPECT_EQ(nl->verdict, km->verdict) << k.bin;
        Json nc = nl->capture, kc = km->capture;
        EXPECT_EQ(nc["netlink_version"], 1) << k.bin;
        nc.erase("netlink_version");
        kc.erase("kmsg_version");
        EXPECT_EQ(nc, kc) << k.bin;
    }
}

// The first incident of the 6.1 run: a kworker caught in synchronize_rcu() while lo_poll
// held CPU 1.  No chain was found, so the verdict must not blame anyone.
TEST(NetlinkDecode, RealIncidentWithoutAChainBlamesNobody) {
    for (const char* file : {"event-6.1-kworker.bin", "dump-6.1-kworker.bin"}) {
        auto r = explained(decode_incident_message(fixture_bytes(file)));
        ASSERT_TRUE(r.ok()) << file << ": " << r.error().to_string();
        EXPECT_EQ(r->seq, 1u);
        EXPECT_EQ(r->victims[0].comm, "kworker/0:1");
        EXPECT_FALSE(r->victims[0].syscall);
        EXPECT_EQ(r->victims[0].cgroup, "/");
        EXPECT_EQ(frame_function(r->victims[0].stack.at(1)), "synchronize_rcu");
        EXPECT_TRUE(r->chain.empty());
        EXPECT_EQ(r->host.kernel_release, "6.1.0-56-amd64");
        EXPECT_EQ(r->verdict.kind, VerdictKind::unknown);
        EXPECT_FALSE(r->verdict.culprit);
    }
}

TEST(NetlinkDecode, EventAndDumpReplyDecodeAlike) {
    auto ev = decode_incident_message(fixture_bytes("event-6.12.bin"));
    auto dump = decode_incident_message(fixture_bytes("dump-6.12.bin"));
    ASSERT_TRUE(ev.ok() && dump.ok());
    EXPECT_EQ(*ev, *dump);
}

TEST(NetlinkDecode, TruncatedAtEveryLengthIsRejected) {
    for (const char* file : {"event-6.12.bin", "event-6.1.bin", "event-6.1-kworker.bin"}) {
        Bytes msg = fixture_bytes(file);
        ASSERT_TRUE(decode_incident_message(msg).ok()) << file;
        for (size_t len = 0; len < msg.size(); len++) {
            auto r = decode_incident_message(std::span(msg.data(), len));
            EXPECT_FALSE(r.ok()) << file << " cut at " << len;
        }
    }
    auto r = decode_incident_message(Bytes{HUNGTASK_CMD_EVENT, 1});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().where, "genlmsghdr");
}

TEST(NetlinkDecode, NestedLengthThatOverflowsItsNestIsRejected) {
    // The victim nest's first attribute claims more than the nest holds, though the
    // bytes exist further on in the message: they belong to the next attributes.
    Bytes msg = fixture_bytes("event-6.12.bin");
    long victim = find_top(msg, HUNGTASK_A_INCIDENT_VICTIM);
    ASSERT_GT(victim, 0);
    uint16_t nest_len;
    std::memcpy(&nest_len, &msg[size_t(victim)], 2);
    uint16_t bad = uint16_t(nest_len);  // the child starts 4 bytes in: overruns by 4
    std::memcpy(&msg[size_t(victim) + 4], &bad, 2);
    auto r = decode_incident_message(msg);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().where, "victim");
    EXPECT_NE(r.error().what.find("overruns"), std::string::npos) << r.error().what;

    // A top-level length beyond the message, and one below the header size.
    Bytes top = minimal().bytes();
    uint16_t huge = 0xfff0;
    std::memcpy(&top[4], &huge, 2);
    r = decode_incident_message(top);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().where, "attributes");
    top = minimal().bytes();
    uint16_t tiny = 2;
    std::memcpy(&top[4], &tiny, 2);
    EXPECT_FALSE(decode_incident_message(top).ok());

    // A frame nest inside the victim stack that overruns its parent.
    Msg m = minimal([](Msg& t) {
        t.begin(HUNGTASK_A_INCIDENT_VICTIM_STACK)
            .begin(HUNGTASK_A_STACK_FRAME)
            .str(HUNGTASK_A_FRAME_SYM, "flush_work+0x5c/0x90")
            .end()
            .end()
            .u32(HUNGTASK_A_INCIDENT_TASKS_WALKED, 7);
    });
    Bytes b = m.bytes();
    long stack = find_top(b, HUNGTASK_A_INCIDENT_VICTIM_STACK);
    ASSERT_GT(stack, 0);
    uint16_t frame_len;
    std::memcpy(&frame_len, &b[size_t(stack) + 4], 2);
    frame_len = uint16_t(frame_len + 8);
    std::memcpy(&b[size_t(stack) + 4], &frame_len, 2);
    r = decode_incident_message(b);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().where, "victim-stack");
}

TEST(NetlinkDecode, UnknownAttributesAreIgnored) {
    auto base = decode_incident_message(minimal().bytes());
    ASSERT_TRUE(base.ok()) << base.error().to_string();
    Msg extended = minimal(
        [](Msg& t) {
            t.u64(HUNGTASK_A_INCIDENT_PAD, 0)         // pad: skipped
                .u64(HUNGTASK_A_INCIDENT_MAX + 7, 9)  // a newer module's attribute
                .begin(HUNGTASK_A_INCIDENT_MAX + 8)
                .str(1, "a nest this reader does not know")
                .end();
        },
        [](Msg& v) { v.str(HUNGTASK_A_TASK_MAX + 1, "newer task field").u8(0x3000, 1); });
    auto r = decode_incident_message(extended.bytes());
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(*r, *base);

    // Also on a real message: an unknown attribute after the last one.
    Bytes real = fixture_bytes("event-6.12.bin");
    auto plain = decode_incident_message(real);
    Bytes more = real;
    Msg tail;
    tail.u32(250, 0xdeadbeef);
    more.insert(more.end(), tail.bytes().begin() + 4, tail.bytes().end());
    auto r2 = decode_incident_message(more);
    ASSERT_TRUE(r2.ok()) << r2.error().to_string();
    EXPECT_EQ(*r2, *plain);
}

TEST(NetlinkDecode, TheModuleInstanceIdIsKeptInTheCaptureBlock) {
    auto r = decode_incident_message(minimal([](Msg& t) {
                                         t.u64(HUNGTASK_A_INCIDENT_INSTANCE_ID, 0x00ab0000cdef0012);
                                     }).bytes());
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(r->capture["instance_id"], "00ab0000cdef0012");
    // A module older than instance ids: no key at all (not a made-up value).
    auto old = decode_incident_message(minimal().bytes());
    ASSERT_TRUE(old.ok());
    EXPECT_FALSE(old->capture.contains("instance_id"));
    EXPECT_EQ(instance_id_text(0x1f), "000000000000001f");
}

// A reduced event (too large to send whole) carries no chain: the header places it,
// the full decoder refuses it, and the reader fetches it by dump.
TEST(NetlinkDecode, AReducedEventHasAHeaderButIsNoIncident) {
    Msg m;
    m.u64(HUNGTASK_A_INCIDENT_SEQ, 7)
        .str(HUNGTASK_A_INCIDENT_BOOT_ID, "0123abcd-1111-2222-3333-444455556666")
        .u64(HUNGTASK_A_INCIDENT_INSTANCE_ID, 0x1234)
        .u32(HUNGTASK_A_INCIDENT_TRIGGER, HUNGTASK_TRIGGER_HUNG_TASK)
        .begin(HUNGTASK_A_INCIDENT_VICTIM)
        .u32(HUNGTASK_A_TASK_PID, 42)
        .str(HUNGTASK_A_TASK_COMM, "ht-max")
        .end()
        .u8(HUNGTASK_A_INCIDENT_REDUCED, 1);
    auto h = decode_incident_header(m.bytes());
    ASSERT_TRUE(h.ok()) << h.error().to_string();
    EXPECT_EQ(h->cmd, HUNGTASK_CMD_EVENT);
    EXPECT_EQ(h->seq, 7u);
    EXPECT_EQ(h->boot_id, "0123abcd-1111-2222-3333-444455556666");
    EXPECT_EQ(h->instance_id, 0x1234u);
    EXPECT_TRUE(h->reduced);
    auto full = decode_incident_message(m.bytes());
    ASSERT_FALSE(full.ok());
    EXPECT_EQ(full.error().where, "reduced");

    // A whole incident: not reduced; no instance id from an older module reads as 0.
    auto whole = decode_incident_header(fixture_bytes("event-6.12.bin"));
    ASSERT_TRUE(whole.ok()) << whole.error().to_string();
    EXPECT_FALSE(whole->reduced);
    EXPECT_EQ(whole->instance_id, 0u);
    EXPECT_EQ(whole->seq, 1u);

    // The header still needs seq and boot-id.
    Msg no_seq;
    no_seq.str(HUNGTASK_A_INCIDENT_BOOT_ID, "x").u8(HUNGTASK_A_INCIDENT_REDUCED, 1);
    auto bad = decode_incident_header(no_seq.bytes());
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().where, "seq");
}

TEST(NetlinkDecode, OtherCommandsAndNewerVersionsAreRejected) {
    Bytes msg = fixture_bytes("event-6.12.bin");
    for (uint8_t cmd : {uint8_t(0), uint8_t(HUNGTASK_CMD_ACK), uint8_t(HUNGTASK_CMD_STATUS_GET),
                        uint8_t(HUNGTASK_CMD_CONFIG_GET), uint8_t(HUNGTASK_CMD_MAX + 1)}) {
        msg[0] = cmd;
        auto r = decode_incident_message(msg);
        ASSERT_FALSE(r.ok()) << int(cmd);
        EXPECT_EQ(r.error().where, "genlmsghdr.cmd");
    }
    msg[0] = HUNGTASK_CMD_INCIDENT_GET;
    EXPECT_TRUE(decode_incident_message(msg).ok());
    msg[1] = HUNGTASK_FAMILY_VERSION + 1;
    auto r = decode_incident_message(msg);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().where, "genlmsghdr.version");
}

TEST(NetlinkDecode, MalformedValuesNameTheirAttribute) {
    // An unterminated string.
    Msg m;
    m.u64(HUNGTASK_A_INCIDENT_SEQ, 3)
        .str(HUNGTASK_A_INCIDENT_BOOT_ID, "b")
        .u32(HUNGTASK_A_INCIDENT_TRIGGER, 0)
        .begin(HUNGTASK_A_INCIDENT_VICTIM)
        .u32(HUNGTASK_A_TASK_PID, 42)
        .raw(HUNGTASK_A_TASK_COMM, "acme", 4)
        .end()
        .begin(HUNGTASK_A_INCIDENT_HOST)
        .end();
    auto r = decode_incident_message(m.bytes());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().to_string(), "victim.comm: not NUL-terminated");

    // A wrongly sized integer deep in the chain.
    Msg h = minimal([](Msg& t) {
        uint16_t two = 1;
        t.begin(HUNGTASK_A_INCIDENT_HOP)
            .u32(HUNGTASK_A_HOP_KIND, HUNGTASK_HOP_KIND_FLUSH_WORK)
            .begin(HUNGTASK_A_HOP_FLUSH_WORK)
            .raw(HUNGTASK_A_HOP_FLUSH_WORK_POOL_CPU, &two, 2)
            .end()
            .end();
    });
    r = decode_incident_message(h.bytes());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().to_string(), "hop[0].flush-work.pool-cpu: expected 4 bytes, got 2");

    // A hop without its kind, an unknown trigger, missing required attributes.
    r = decode_incident_message(
        minimal([](Msg& t) {
            t.begin(HUNGTASK_A_INCIDENT_HOP).u8(HUNGTASK_A_HOP_VERIFIED, 1).end();
        }).bytes());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().to_string(), "hop[0].kind: missing");
    r = decode_incident_message(
        minimal([](Msg& t) { t.u32(HUNGTASK_A_INCIDENT_TRIGGER, 77); }).bytes());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().to_string(), "trigger: unknown value 77");
    Msg no_host;
    no_host.u64(HUNGTASK_A_INCIDENT_SEQ, 3)
        .str(HUNGTASK_A_INCIDENT_BOOT_ID, "b")
        .u32(HUNGTASK_A_INCIDENT_TRIGGER, 0)
        .begin(HUNGTASK_A_INCIDENT_VICTIM)
        .u32(HUNGTASK_A_TASK_PID, 42)
        .str(HUNGTASK_A_TASK_COMM, "x")
        .end();
    r = decode_incident_message(no_host.bytes());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().to_string(), "host: missing");
}

// A victim count below 1 is refused at decoding, before the daemon stores anything: the
// store's reader refuses it too, so a stored one would be written and then unreadable.
TEST(NetlinkDecode, AVictimCountOfZeroIsRefusedBeforeItIsStored) {
    auto r = decode_incident_message(
        minimal([](Msg& t) { t.u32(HUNGTASK_A_INCIDENT_VICTIM_COUNT, 0); }).bytes());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().to_string(),
              "victim-count: is 0; an incident counts at least its own victim");
    r = decode_incident_message(
        minimal([](Msg& t) { t.u32(HUNGTASK_A_INCIDENT_VICTIM_COUNT, 3); }).bytes());
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(r->victim_count, 3);
}

TEST(NetlinkDecode, AHopOfAnUnknownKindStaysInTheChain) {
    auto r = explained(decode_incident_message(minimal([](Msg& t) {
                                                   t.begin(HUNGTASK_A_INCIDENT_HOP)
                                                       .u32(HUNGTASK_A_HOP_KIND, 40)
                                                       .u8(HUNGTASK_A_HOP_VERIFIED, 0)
                                                       .end();
                                               }).bytes()));
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    ASSERT_EQ(r->chain.size(), 1u);
    EXPECT_EQ(r->chain[0].kind(), "unknown");
    EXPECT_EQ(test::fields(r->chain[0])["kind_value"], 40);
    EXPECT_EQ(r->verdict.kind, VerdictKind::unknown);
}

// Every single-byte corruption of a real message decodes or fails, never crashes, and
// what decodes survives the store's JSON round trip.
TEST(NetlinkDecode, CorruptedBytesNeverCrash) {
    Bytes msg = fixture_bytes("event-6.12.bin");
    for (size_t i = 0; i < msg.size(); i++) {
        for (uint8_t x : {uint8_t(0xff), uint8_t(0x80), uint8_t(0x01)}) {
            Bytes bad = msg;
            bad[i] ^= x;
            auto r = decode_incident_message(bad);
            if (r.ok()) {
                // What the store writes reads back the same (the fuzz target's invariant).
                auto back = incident_from_json(Json::parse(dump_json(to_json(*r))));
                ASSERT_TRUE(back.ok()) << i << ": " << back.error().to_string();
                EXPECT_EQ(*back, *r) << "byte " << i;
            } else
                EXPECT_FALSE(r.error().to_string().empty());
        }
    }
}

}  // namespace
}  // namespace hungtask
