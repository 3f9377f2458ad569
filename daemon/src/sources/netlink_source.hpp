// hungtask.ko's generic netlink family as the daemon's incident source (libnl-genl-3).
//
// Two sockets:
//   - the event socket, non-blocking, joined to the family's "events" group and to
//     nlctrl's "notify" group (family registered / unregistered: the module was loaded or
//     unloaded).  Its receive buffer is fixed, so an event storm costs bounded memory: the
//     kernel drops what does not fit and reports ENOBUFS, and the daemon then fetches
//     what it missed by dump instead of queueing it;
//   - the request socket, blocking with a receive timeout, for status-get, the dump by
//     seq and the acks.
//
// Delivery: every incident goes to the sink (which stores it durably) and is acked to
// the module only when the sink says it is durable.  An event whose seq is not the next
// one expected, an overrun, a module (re)load, an interrupted dump or a periodic status
// showing a newer seq all lead to a dump from the first seq not yet seen, so nothing in
// the module's ring is missed.  Unacked incidents stay in the ring (the module drops new
// ones when it is full and counts them; the daemon logs those counters when they grow).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "model/incident.hpp"
#include "model/result.hpp"

struct nl_sock;
struct nl_msg;
struct nlmsghdr;

namespace hungtask {

struct ModuleStatus {
    std::string boot_id;
    uint64_t instance_id = 0;  // 0: a module older than instance ids
    uint64_t events_reduced = 0;
    uint64_t first_seq = 0;
    uint64_t last_seq = 0;
    uint64_t captured = 0;
    uint64_t coalesced = 0;
    uint64_t dropped_full = 0;
    uint64_t dropped_busy = 0;
    uint64_t listeners_failed = 0;
    uint32_t ring_fill = 0;
    uint32_t ring_size = 0;
};

struct NetlinkCounters {
    uint64_t events = 0;        // incidents received as events
    uint64_t dumped = 0;        // incidents received by dump
    uint64_t acked = 0;         // acks the module accepted
    uint64_t overruns = 0;      // ENOBUFS on the event socket
    uint64_t gaps = 0;          // events out of sequence
    uint64_t reduced = 0;       // reduced events (too large), fetched by dump
    uint64_t malformed = 0;     // messages that failed to decode (logged)
    uint64_t not_durable = 0;   // incidents the sink could not store (left unacked)
    uint64_t module_loads = 0;  // family appeared (at start or later)
};

// Where the daemon is in the module's sequence: the pure part of the reader contract
// (proto/README.md), tested without sockets.  One sequence space is one (boot id, module
// instance id): seq restarts at 1 when the module is loaded again in the same boot, and
// only the instance id tells that reload from a gap.
class ModuleCursor {
  public:
    enum class EventAction {
        deliver,  // the next seq of the current space: store it now
        dump,     // a gap, a reduced event or another space: fetch by dump (sync)
        ignore,   // already handled (a dump and the events overlap)
    };

    // A status-get reply.  Returns true when it starts a new sequence space (another
    // boot id or module instance, or a ring that went back): last_seen() is then 0.
    bool on_status(const std::string& boot_id, uint64_t instance_id, uint64_t last_seq);
    EventAction on_event(const std::string& boot_id, uint64_t instance_id, uint64_t seq,
                         bool reduced) const;
    // An incident of the current space was stored durably.
    void delivered(uint64_t seq) {
        if (seq > last_seen_)
            last_seen_ = seq;
    }
    uint64_t last_seen() const { return last_seen_; }
    const std::string& boot_id() const { return boot_id_; }
    uint64_t instance_id() const { return instance_id_; }
    bool known() const { return known_; }

  private:
    bool same_space(const std::string& boot_id, uint64_t instance_id) const {
        return known_ && boot_id == boot_id_ && instance_id == instance_id_;
    }

    bool known_ = false;
    std::string boot_id_;
    uint64_t instance_id_ = 0;
    uint64_t last_seen_ = 0;  // highest seq of the current space handled
};

class NetlinkSource {
  public:
    // Returns true when the incident is durable (then it is acked).
    using Sink = std::function<bool(const Incident&)>;

    struct Options {
        int event_rcvbuf = 1 << 20;  // bytes; the kernel doubles it
        int request_timeout_ms = 5000;
    };

    // Opens both sockets and joins nlctrl's notify group.  The family need not exist
    // yet: call sync() to resolve it.  Fails with a clear error on missing privilege.
    static Result<std::unique_ptr<NetlinkSource>> open(std::ostream& log, Options opts);
    static Result<std::unique_ptr<NetlinkSource>> open(std::ostream& log) {
        return open(log, Options{});
    }
    ~NetlinkSource();
    NetlinkSource(const NetlinkSource&) = delete;
    NetlinkSource& operator=(const NetlinkSource&) = delete;

    int fd() const;
    bool module_present() const { return family_ > 0; }
    bool needs_sync() const { return need_sync_; }
    // The kernel refused us for lack of CAP_NET_ADMIN: retrying cannot help.
    bool permission_denied() const { return permission_denied_; }
    const NetlinkCounters& counters() const { return ctr_; }
    const std::optional<ModuleStatus>& last_status() const { return status_; }

    // Drains the event socket; events go to the sink.  Errors are fatal socket errors.
    Status pump(const Sink& sink);
    // Resolves the family if needed, reads the module's status and dumps whatever seq
    // the daemon has not seen yet.  Missing family is not an error (logged once).
    Status sync(const Sink& sink);

  private:
    NetlinkSource(std::ostream& log, Options opts);
    Status resolve();
    Result<ModuleStatus> get_status();
    Status dump_from(uint64_t from, const Sink& sink);
    void deliver(const Incident& in, const Sink& sink, bool ack_now,
                 std::vector<uint64_t>* ack_later);
    Status ack(uint64_t seq, const std::string& boot_id);
    // One incident message's payload, or nullopt after logging and counting it malformed.
    std::optional<Incident> decode(const nlmsghdr* nlh, const char* what);
    static int on_event(nl_msg* msg, void* arg);
    int handle_event(nl_msg* msg);

    std::ostream* log_;
    Options opts_;
    nl_sock* ev_ = nullptr;
    nl_sock* rq_ = nullptr;
    int family_ = 0;
    int ctrl_family_ = 0;
    bool need_sync_ = true;
    bool family_changed_ = false;
    bool logged_absent_ = false;
    bool permission_denied_ = false;
    ModuleCursor cursor_;
    std::optional<ModuleStatus> status_;
    const Sink* pump_sink_ = nullptr;
    NetlinkCounters ctr_;
};

}  // namespace hungtask
