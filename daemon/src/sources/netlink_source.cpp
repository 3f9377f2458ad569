#include "sources/netlink_source.hpp"

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>
#include <span>

#include "hungtask.h"
#include "decode/netlink_decode.hpp"

namespace hungtask {
namespace {

std::string nlerr(int err) {
    return nl_geterror(err < 0 ? -err : err);
}

// <linux/genetlink.h> nlctrl values, restated to stay independent of the libc headers.
constexpr int kCtrlCmdNewFamily = 1;
constexpr int kCtrlCmdDelFamily = 2;
constexpr int kCtrlAttrFamilyName = 2;

struct CbFree {
    void operator()(nl_cb* cb) const { nl_cb_put(cb); }
};
struct MsgFree {
    void operator()(nl_msg* m) const { nlmsg_free(m); }
};

}  // namespace

bool ModuleCursor::on_status(const std::string& boot_id, uint64_t instance_id, uint64_t last_seq) {
    // A ring that went back without a new instance id: a module older than instance ids
    // was reloaded; treat it as a new space too.
    if (same_space(boot_id, instance_id) && last_seq >= last_seen_)
        return false;
    bool was_known = known_;
    known_ = true;
    boot_id_ = boot_id;
    instance_id_ = instance_id;
    last_seen_ = 0;
    return was_known;
}

ModuleCursor::EventAction ModuleCursor::on_event(const std::string& boot_id, uint64_t instance_id,
                                                 uint64_t seq, bool reduced) const {
    if (!same_space(boot_id, instance_id))
        return EventAction::dump;  // the status that sync() reads places it
    if (seq <= last_seen_)
        return EventAction::ignore;
    if (reduced || seq > last_seen_ + 1)
        return EventAction::dump;
    return EventAction::deliver;
}

NetlinkSource::NetlinkSource(std::ostream& log, Options opts) : log_(&log), opts_(opts) {}

NetlinkSource::~NetlinkSource() {
    if (ev_)
        nl_socket_free(ev_);
    if (rq_)
        nl_socket_free(rq_);
}

int NetlinkSource::fd() const {
    return nl_socket_get_fd(ev_);
}

Result<std::unique_ptr<NetlinkSource>> NetlinkSource::open(std::ostream& log, Options opts) {
    std::unique_ptr<NetlinkSource> s(new NetlinkSource(log, opts));
    s->ev_ = nl_socket_alloc();
    s->rq_ = nl_socket_alloc();
    if (!s->ev_ || !s->rq_)
        return Error{"out of memory", "netlink socket"};
    int err = genl_connect(s->ev_);
    if (err == 0)
        err = genl_connect(s->rq_);
    if (err < 0)
        return Error{"cannot open a generic netlink socket: " + nlerr(err), "netlink"};

    // The request socket: blocking, every wait bounded by SO_RCVTIMEO.  No automatic
    // NLM_F_ACK: only the ack request asks for one (and waits for it).
    nl_socket_disable_auto_ack(s->rq_);
    struct timeval tv {};
    tv.tv_sec = opts.request_timeout_ms / 1000;
    tv.tv_usec = suseconds_t(opts.request_timeout_ms % 1000) * 1000;
    setsockopt(nl_socket_get_fd(s->rq_), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

    // The event socket: multicast only (no seq), non-blocking, fixed buffer.
    nl_socket_disable_seq_check(s->ev_);
    nl_socket_modify_cb(s->ev_, NL_CB_VALID, NL_CB_CUSTOM, &NetlinkSource::on_event, s.get());
    if ((err = nl_socket_set_nonblocking(s->ev_)) < 0)
        return Error{"cannot make the event socket non-blocking: " + nlerr(err), "netlink"};
    if ((err = nl_socket_set_buffer_size(s->ev_, opts.event_rcvbuf, 0)) < 0)
        return Error{"cannot size the event socket: " + nlerr(err), "netlink"};

    // nlctrl first, so a module loaded between here and resolve() is not missed.
    s->ctrl_family_ = genl_ctrl_resolve(s->rq_, "nlctrl");
    int notify = genl_ctrl_resolve_grp(s->rq_, "nlctrl", "notify");
    if (s->ctrl_family_ < 0 || notify < 0)
        return Error{"cannot resolve nlctrl's notify group: " +
                         nlerr(s->ctrl_family_ < 0 ? s->ctrl_family_ : notify),
                     "netlink"};
    if ((err = nl_socket_add_membership(s->ev_, notify)) < 0)
        return Error{"cannot join nlctrl's notify group: " + nlerr(err), "netlink"};
    return s;
}

Status NetlinkSource::resolve() {
    int fam = genl_ctrl_resolve(rq_, HUNGTASK_FAMILY_NAME);
    if (fam < 0) {
        if (family_ > 0 || !logged_absent_)
            *log_ << "hungtaskd: the hungtask module is not loaded (no generic netlink family \""
                  << HUNGTASK_FAMILY_NAME << "\"); waiting for it\n";
        logged_absent_ = true;
        family_ = 0;
        return Ok{};
    }
    int grp = genl_ctrl_resolve_grp(rq_, HUNGTASK_FAMILY_NAME, HUNGTASK_MCGRP_EVENTS);
    if (grp < 0) {
        // Unloaded again between the two lookups: wait for the next notification.
        family_ = 0;
        return Ok{};
    }
    int err = nl_socket_add_membership(ev_, grp);
    if (err < 0) {
        if (err == -NLE_PERM) {
            permission_denied_ = true;
            return Error{"joining the events group needs CAP_NET_ADMIN (run hungtaskd as root)",
                         "netlink"};
        }
        return Error{"cannot join the events group: " + nlerr(err), "netlink"};
    }
    if (family_ != fam || family_changed_) {
        ctr_.module_loads++;
        *log_ << "hungtaskd: subscribed to hungtask events (family " << fam << ", group " << grp
              << ")\n";
    }
    family_ = fam;
    logged_absent_ = false;
    return Ok{};
}

Result<ModuleStatus> NetlinkSource::get_status() {
    std::unique_ptr<nl_msg, MsgFree> msg(nlmsg_alloc());
    if (!msg)
        return Error{"out of memory", "status-get"};
    if (!genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family_, 0, 0,
                     HUNGTASK_CMD_STATUS_GET, HUNGTASK_FAMILY_VERSION))
        return Error{"cannot build the request", "status-get"};
    int err = nl_send_auto(rq_, msg.get());
    if (err < 0)
        return Error{nlerr(err), "status-get"};
    struct Ctx {
        ModuleStatus st;
        bool got = false;
    } ctx;
    std::unique_ptr<nl_cb, CbFree> cb(nl_cb_alloc(NL_CB_DEFAULT));
    nl_cb_set(
        cb.get(), NL_CB_VALID, NL_CB_CUSTOM,
        [](nl_msg* m, void* arg) -> int {
            auto* c = static_cast<Ctx*>(arg);
            nlattr* tb[HUNGTASK_A_STATUS_MAX + 1] = {};
            if (genlmsg_parse(nlmsg_hdr(m), 0, tb, HUNGTASK_A_STATUS_MAX, nullptr) < 0)
                return NL_SKIP;
            auto u64 = [&](int a) -> uint64_t {
                return tb[a] && nla_len(tb[a]) == 8 ? nla_get_u64(tb[a]) : 0;
            };
            auto u32 = [&](int a) -> uint32_t {
                return tb[a] && nla_len(tb[a]) == 4 ? nla_get_u32(tb[a]) : 0;
            };
            if (tb[HUNGTASK_A_STATUS_BOOT_ID] && nla_len(tb[HUNGTASK_A_STATUS_BOOT_ID]) > 0) {
                const char* p = static_cast<const char*>(nla_data(tb[HUNGTASK_A_STATUS_BOOT_ID]));
                c->st.boot_id.assign(p, strnlen(p, size_t(nla_len(tb[HUNGTASK_A_STATUS_BOOT_ID]))));
            }
            c->st.first_seq = u64(HUNGTASK_A_STATUS_FIRST_SEQ);
            c->st.last_seq = u64(HUNGTASK_A_STATUS_LAST_SEQ);
            c->st.captured = u64(HUNGTASK_A_STATUS_CAPTURED);
            c->st.coalesced = u64(HUNGTASK_A_STATUS_COALESCED);
            c->st.dropped_full = u64(HUNGTASK_A_STATUS_DROPPED_FULL);
            c->st.dropped_busy = u64(HUNGTASK_A_STATUS_DROPPED_BUSY);
            c->st.listeners_failed = u64(HUNGTASK_A_STATUS_LISTENERS_FAILED);
            c->st.instance_id = u64(HUNGTASK_A_STATUS_INSTANCE_ID);
            c->st.events_reduced = u64(HUNGTASK_A_STATUS_EVENTS_REDUCED);
            c->st.ring_fill = u32(HUNGTASK_A_STATUS_RING_FILL);
            c->st.ring_size = u32(HUNGTASK_A_STATUS_RING_SIZE);
            c->got = true;
            return NL_OK;
        },
        &ctx);
    err = nl_recvmsgs(rq_, cb.get());
    if (err < 0)
        return Error{nlerr(err), "status-get"};
    if (!ctx.got)
        return Error{"no reply", "status-get"};
    return ctx.st;
}

Status NetlinkSource::ack(uint64_t seq, const std::string& boot_id) {
    std::unique_ptr<nl_msg, MsgFree> msg(nlmsg_alloc());
    if (!msg)
        return Error{"out of memory", "ack"};
    if (!genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family_, 0, NLM_F_ACK,
                     HUNGTASK_CMD_ACK, HUNGTASK_FAMILY_VERSION) ||
        nla_put_u64(msg.get(), HUNGTASK_A_INCIDENT_SEQ, seq) < 0 ||
        nla_put_string(msg.get(), HUNGTASK_A_INCIDENT_BOOT_ID, boot_id.c_str()) < 0)
        return Error{"cannot build the request", "ack"};
    int err = nl_send_auto(rq_, msg.get());
    if (err >= 0)
        err = nl_wait_for_ack(rq_);
    if (err < 0)
        return Error{nlerr(err), "ack of seq " + std::to_string(seq)};
    ctr_.acked++;
    return Ok{};
}

void NetlinkSource::deliver(const Incident& in, const Sink& sink, bool ack_now,
                            std::vector<uint64_t>* ack_later) {
    if (!sink(in)) {
        ctr_.not_durable++;
        need_sync_ = true;  // still in the ring: fetched again on the next sync
        return;
    }
    cursor_.delivered(in.seq);
    std::string boot = in.boot_id.value_or(cursor_.boot_id());
    if (ack_now) {
        if (auto s = ack(in.seq, boot); !s)
            *log_ << "hungtaskd: warning: the module refused an ack: " << s.error().to_string()
                  << "\n";
    } else if (ack_later) {
        ack_later->push_back(in.seq);
    }
}

std::optional<Incident> NetlinkSource::decode(const nlmsghdr* nlh, const char* what) {
    auto bytes = std::span<const uint8_t>(
        static_cast<const uint8_t*>(nlmsg_data(const_cast<nlmsghdr*>(nlh))),
        size_t(nlmsg_datalen(nlh)));
    auto decoded = decode_incident_message(bytes);
    if (!decoded) {
        ctr_.malformed++;
        *log_ << "hungtaskd: error: malformed " << what
              << " skipped (left unacked in the module's ring): " << decoded.error().to_string()
              << "\n";
        return std::nullopt;
    }
    return std::move(decoded).value();
}

int NetlinkSource::on_event(nl_msg* msg, void* arg) {
    return static_cast<NetlinkSource*>(arg)->handle_event(msg);
}

int NetlinkSource::handle_event(nl_msg* msg) {
    nlmsghdr* nlh = nlmsg_hdr(msg);
    if (ctrl_family_ > 0 && nlh->nlmsg_type == ctrl_family_) {
        genlmsghdr* gh = static_cast<genlmsghdr*>(nlmsg_data(nlh));
        nlattr* tb[kCtrlAttrFamilyName + 1] = {};
        if (genlmsg_parse(nlh, 0, tb, kCtrlAttrFamilyName, nullptr) < 0 ||
            !tb[kCtrlAttrFamilyName])
            return NL_SKIP;
        const char* name = static_cast<const char*>(nla_data(tb[kCtrlAttrFamilyName]));
        if (strnlen(name, size_t(nla_len(tb[kCtrlAttrFamilyName]))) !=
                std::strlen(HUNGTASK_FAMILY_NAME) ||
            std::strncmp(name, HUNGTASK_FAMILY_NAME, std::strlen(HUNGTASK_FAMILY_NAME)) != 0)
            return NL_SKIP;
        if (gh->cmd == kCtrlCmdNewFamily) {
            *log_ << "hungtaskd: the hungtask module was loaded\n";
            family_changed_ = true;
            need_sync_ = true;
        } else if (gh->cmd == kCtrlCmdDelFamily) {
            *log_ << "hungtaskd: the hungtask module was unloaded; waiting for it\n";
            family_ = 0;
            logged_absent_ = true;
            family_changed_ = true;
        }
        return NL_OK;
    }
    if (family_ <= 0 || nlh->nlmsg_type != family_)
        return NL_SKIP;
    auto bytes = std::span<const uint8_t>(static_cast<const uint8_t*>(nlmsg_data(nlh)),
                                          size_t(nlmsg_datalen(nlh)));
    auto head = decode_incident_header(bytes);
    if (!head) {
        ctr_.malformed++;
        *log_ << "hungtaskd: error: malformed event skipped: " << head.error().to_string()
              << "\n";
        need_sync_ = true;  // the dump brings it back if the module has it
        return NL_SKIP;
    }
    ctr_.events++;
    if (need_sync_)
        return NL_OK;  // the pending dump covers it
    switch (cursor_.on_event(head->boot_id, head->instance_id, head->seq, head->reduced)) {
        case ModuleCursor::EventAction::ignore:
            return NL_OK;
        case ModuleCursor::EventAction::dump:
            // Out of sequence or reduced: the dump fetches it and any before it, in order.
            if (head->reduced)
                ctr_.reduced++;
            else if (cursor_.known() && head->boot_id == cursor_.boot_id() &&
                     head->instance_id == cursor_.instance_id())
                ctr_.gaps++;
            *log_ << "hungtaskd: event seq " << head->seq
                  << (head->reduced ? " is reduced (too large for an event)"
                                    : " is out of sequence")
                  << " after " << cursor_.last_seen() << ": fetching it by dump\n";
            need_sync_ = true;
            return NL_OK;
        case ModuleCursor::EventAction::deliver:
            break;
    }
    auto decoded = decode(nlh, "event");
    if (!decoded) {
        need_sync_ = true;
        return NL_SKIP;
    }
    deliver(*decoded, *pump_sink_, true, nullptr);
    return NL_OK;
}

Status NetlinkSource::pump(const Sink& sink) {
    pump_sink_ = &sink;
    for (;;) {
        int err = nl_recvmsgs_default(ev_);
        if (err >= 0)
            continue;
        if (err == -NLE_AGAIN)
            break;
        if (err == -NLE_NOMEM) {
            // ENOBUFS: the kernel dropped events that did not fit the buffer.
            ctr_.overruns++;
            *log_ << "hungtaskd: event socket overrun (ENOBUFS): fetching the missed "
                     "incidents by dump\n";
            need_sync_ = true;
            continue;
        }
        pump_sink_ = nullptr;
        return Error{"receiving events: " + nlerr(err), "netlink"};
    }
    pump_sink_ = nullptr;
    return Ok{};
}

Status NetlinkSource::dump_from(uint64_t from, const Sink& sink) {
    struct Ctx {
        NetlinkSource* self;
        const Sink* sink;
        std::vector<uint64_t> acks;
    } ctx{this, &sink, {}};
    for (int attempt = 0; attempt < 3; attempt++) {
        std::unique_ptr<nl_msg, MsgFree> msg(nlmsg_alloc());
        if (!msg)
            return Error{"out of memory", "dump"};
        if (!genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family_, 0, NLM_F_DUMP,
                         HUNGTASK_CMD_INCIDENT_GET, HUNGTASK_FAMILY_VERSION) ||
            nla_put_u64(msg.get(), HUNGTASK_A_INCIDENT_FROM_SEQ, from) < 0)
            return Error{"cannot build the request", "dump"};
        int err = nl_send_auto(rq_, msg.get());
        if (err == -NLE_PERM)
            permission_denied_ = true;
        if (err < 0)
            return Error{nlerr(err) + (err == -NLE_PERM ? " (needs CAP_NET_ADMIN)" : ""), "dump"};
        std::unique_ptr<nl_cb, CbFree> cb(nl_cb_alloc(NL_CB_DEFAULT));
        nl_cb_set(
            cb.get(), NL_CB_VALID, NL_CB_CUSTOM,
            [](nl_msg* m, void* arg) -> int {
                auto* c = static_cast<Ctx*>(arg);
                auto decoded = c->self->decode(nlmsg_hdr(m), "dump message");
                if (!decoded)
                    return NL_SKIP;
                c->self->ctr_.dumped++;
                // Acks wait for the end of the dump: the request socket is busy until then.
                c->self->deliver(*decoded, *c->sink, false, &c->acks);
                return NL_OK;
            },
            &ctx);
        err = nl_recvmsgs(rq_, cb.get());
        if (err == -NLE_DUMP_INTR) {
            // The ring changed under the dump (or an incident stored after it began was
            // larger than its buffers): run it again (stored ones are unchanged).
            from = cursor_.last_seen() + 1;
            continue;
        }
        for (uint64_t seq : ctx.acks)
            if (auto s = ack(seq, cursor_.boot_id()); !s)
                *log_ << "hungtaskd: warning: the module refused an ack: "
                      << s.error().to_string() << "\n";
        ctx.acks.clear();
        if (err == -NLE_PERM)
            permission_denied_ = true;
        if (err < 0)
            return Error{nlerr(err) + (err == -NLE_PERM ? " (needs CAP_NET_ADMIN)" : ""), "dump"};
        return Ok{};
    }
    return Error{"the ring kept changing during 3 dumps in a row; retrying later", "dump"};
}

Status NetlinkSource::sync(const Sink& sink) {
    if (family_ <= 0 || family_changed_) {
        if (auto r = resolve(); !r)
            return r;
        family_changed_ = false;
        if (family_ <= 0) {
            need_sync_ = false;  // nothing to sync until nlctrl announces the module
            return Ok{};
        }
    }
    auto st = get_status();
    if (!st) {
        if (st.error().what == nlerr(NLE_OBJ_NOTFOUND)) {
            family_ = 0;  // unloaded meanwhile
            return Ok{};
        }
        return st.error();
    }
    const ModuleStatus& s = *st;
    uint64_t old_instance = cursor_.instance_id();
    if (cursor_.on_status(s.boot_id, s.instance_id, s.last_seq)) {
        // A new module instance (reloaded): its ring and its seqs start over.
        *log_ << "hungtaskd: new module instance " << instance_id_text(s.instance_id)
              << " (was " << instance_id_text(old_instance) << "), last seq " << s.last_seq
              << ": reading its ring from the start\n";
    }
    if (status_) {
        if (s.dropped_full > status_->dropped_full)
            *log_ << "hungtaskd: warning: the module dropped "
                  << s.dropped_full - status_->dropped_full
                  << " incident(s): its ring was full of unacknowledged incidents\n";
        if (s.dropped_busy > status_->dropped_busy)
            *log_ << "hungtaskd: warning: the module dropped "
                  << s.dropped_busy - status_->dropped_busy
                  << " incident(s) reported while another capture was running\n";
        if (s.listeners_failed > status_->listeners_failed)
            *log_ << "hungtaskd: " << s.listeners_failed - status_->listeners_failed
                  << " event notification(s) failed in the module; the dump covers them\n";
    } else if (s.dropped_full || s.dropped_busy) {
        *log_ << "hungtaskd: warning: the module has dropped " << s.dropped_full + s.dropped_busy
              << " incident(s) since it was loaded (ring full: " << s.dropped_full
              << ", capture busy: " << s.dropped_busy << ")\n";
    }
    status_ = s;
    need_sync_ = false;
    if (s.last_seq > cursor_.last_seen()) {
        if (auto d = dump_from(cursor_.last_seen() + 1, sink); !d) {
            need_sync_ = true;
            return d;
        }
    }
    return Ok{};
}

}  // namespace hungtask
