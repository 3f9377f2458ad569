#include "hops/hop.hpp"

#include <type_traits>
#include <utility>

#include "hops/netlink_nest.hpp"
#include "hops/kmsg_line.hpp"

namespace hungtask {

namespace {

template <class... F>
struct Overloaded : F... {
    using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

constexpr size_t kKnownKinds = std::variant_size_v<HopBody> - 1;
static_assert(std::is_same_v<std::variant_alternative_t<kKnownKinds, HopBody>, UnknownHop>,
              "UnknownHop is the last alternative");

// The known kind named `name`, made by make(std::type_identity<Kind>); nullopt if none.
template <class Make>
std::optional<HopBody> by_name(std::string_view name, Make&& make) {
    std::optional<HopBody> out;
    [&]<size_t... I>(std::index_sequence<I...>) {
        (void)((name == std::variant_alternative_t<I, HopBody>::kName
                    ? (out.emplace(make(std::type_identity<std::variant_alternative_t<I, HopBody>>{})),
                       true)
                    : false) ||
               ...);
    }(std::make_index_sequence<kKnownKinds>{});
    return out;
}

}  // namespace

std::string Hop::kind() const {
    return std::visit(Overloaded{[](const UnknownHop& u) { return u.kind; },
                                 [](const auto& k) { return std::string(k.kName); }},
                      body);
}

Json to_json(const Hop& h) {
    Json j = {{"kind", h.kind()}, {"verified", h.verified}};
    std::visit(Overloaded{[&](const UnknownHop& u) {
                              for (auto it = u.fields.begin(); u.fields.is_object() && it != u.fields.end();
                                   ++it)
                                  if (it.key() != "kind" && it.key() != "verified")
                                      j[it.key()] = it.value();
                          },
                          [&](const auto& k) {
                              j["reason"] = hopjson::opt(h.reason);
                              k.put_json(j);
                              json_merge_unknown(j, h.extra);
                          }},
               h.body);
    return j;
}

Hop hop_from_json(const Json& j) {
    Hop h;
    h.verified = hopjson::boolean(j, "verified").value_or(false);
    h.reason = hopjson::str(j, "reason");
    std::string kind = hopjson::at(j, "kind").is_string() ? j["kind"].get<std::string>() : "";
    auto known = by_name(kind, [&]<class K>(std::type_identity<K>) { return HopBody(K::from_json(j)); });
    if (known) {
        h.body = std::move(*known);
        // What the kind's put_json() does not write is a newer producer's: kept, at any
        // depth (a member of the hop's task object too).
        Json unknown = json_unknown(j, to_json(h));
        if (unknown.is_object())
            h.extra = std::move(unknown);
        return h;
    }
    UnknownHop u{kind, Json::object()};
    for (auto it = j.begin(); j.is_object() && it != j.end(); ++it)
        if (it.key() != "kind" && it.key() != "verified")
            u.fields[it.key()] = it.value();
    h.body = std::move(u);
    return h;
}

Hop hop_from_netlink(const nl::Nest& n) {
    using namespace nl;
    Hop h;
    auto kind = n.u32(HUNGTASK_A_HOP_KIND, "kind");
    if (!kind) {
        n.missing("kind");
        return h;
    }
    h.verified = n.flag(HUNGTASK_A_HOP_VERIFIED, "verified").value_or(false);
    h.reason = non_empty(n.str(HUNGTASK_A_HOP_REASON, "reason"));
    // The kinds by protocol number (proto/hungtask.yaml enum hop-kind).
    switch (*kind) {
        case HUNGTASK_HOP_KIND_FLUSH_WORK:
            h.body = FlushWorkHop::from_netlink(n);
            break;
        case HUNGTASK_HOP_KIND_WORKER:
            h.body = WorkerHop::from_netlink(n);
            break;
        case HUNGTASK_HOP_KIND_CPU:
            h.body = CpuHop::from_netlink(n);
            break;
        case HUNGTASK_HOP_KIND_MUTEX:
            h.body = MutexHop::from_netlink(n);
            break;
        case HUNGTASK_HOP_KIND_RWSEM:
            h.body = RwsemHop::from_netlink(n);
            break;
        case HUNGTASK_HOP_KIND_SEMAPHORE:
            h.body = SemaphoreHop::from_netlink(n);
            break;
        default:
            // A kind of a newer module: kept in its place in the chain, so that a verdict
            // never skips over a link this reader cannot interpret.
            h.body = UnknownHop{"unknown",
                                {{"reason", hopjson::opt(h.reason)}, {"kind_value", int64_t(*kind)}}};
    }
    return h;
}

Hop hop_from_kmsg(const ModuleRecordLine& l, bool v2) {
    Hop h;
    std::string kind = kmsg::field_str(l, "kind").value_or("unknown");
    h.verified = kmsg::field_int(l, "verified").value_or(0) != 0;
    h.reason = kmsg::field_str(l, "reason");
    auto known =
        by_name(kind, [&]<class K>(std::type_identity<K>) { return HopBody(K::from_kmsg(l, v2)); });
    if (known)
        h.body = std::move(*known);
    else
        h.body = UnknownHop{kind, {{"reason", hopjson::opt(h.reason)}}};
    return h;
}

bool hop_add_kmsg(Hop& h, const ModuleRecordLine& l, bool v2) {
    return std::visit(Overloaded{[](UnknownHop&) { return false; },
                                 [&](auto& k) { return k.add_kmsg(l, v2); }},
                      h.body);
}

void hop_end_kmsg(Hop& h) {
    std::visit(Overloaded{[](UnknownHop&) {}, [](auto& k) { k.end_kmsg(); }}, h.body);
}

void render_hop(std::ostream& out, size_t n, const Hop& h) {
    out << "  " << n << ". " << h.kind() << (h.verified ? " (verified)" : " [unverified]");
    std::visit(Overloaded{[&](const UnknownHop& u) {
                              // Generic: every member as key=value.
                              const Json& f = u.fields;
                              for (auto it = f.begin(); f.is_object() && it != f.end(); ++it)
                                  out << " " << it.key() << "="
                                      << (it.value().is_string() ? it.value().get<std::string>()
                                                                 : dump_json(it.value(), -1));
                              out << "\n";
                          },
                          [&](const auto& k) { k.render(out); }},
               h.body);
    if (h.reason)
        out << "       note: " << *h.reason << "\n";
}

}  // namespace hungtask
