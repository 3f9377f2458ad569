// One link of the chain from the victim to the cause, typed by kind.
//
// The kinds this daemon knows are the alternatives of HopBody, one file each
// (hops/KIND.{hpp,cpp}); a kind it does not know (a newer module's, or a record from
// elsewhere) is an UnknownHop that keeps its JSON members as they were, so that it
// round-trips unchanged and still holds its place in the chain.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <variant>

#include "hops/cpu.hpp"
#include "hops/fields.hpp"
#include "hops/flush_work.hpp"
#include "hops/mutex.hpp"
#include "hops/rwsem.hpp"
#include "hops/semaphore.hpp"
#include "hops/worker.hpp"

namespace hungtask {

struct ModuleRecordLine;
namespace nl {
class Nest;
}

struct UnknownHop {
    std::string kind;
    // Every JSON member but "kind" and "verified", in order, "reason" included.
    Json fields = Json::object();

    bool operator==(const UnknownHop&) const = default;
};

// The known kinds, then UnknownHop (last).  A new kind adds its type here.
using HopBody =
    std::variant<FlushWorkHop, WorkerHop, CpuHop, MutexHop, RwsemHop, SemaphoreHop, UnknownHop>;

struct Hop {
    bool verified = false;
    // The module's reason when it could not verify the hop (or when it chose a fallback).
    // For an UnknownHop, a copy of fields["reason"] when that is a non-empty string.
    std::optional<std::string> reason;
    HopBody body;
    // Members of a known kind that this version does not know (a newer producer's), kept
    // as they were and written back after the kind's own.
    Json extra = Json::object();

    bool operator==(const Hop&) const = default;

    // "flush_work", "worker", "cpu", or the unknown hop's own kind.
    std::string kind() const;
    template <typename T>
    const T* as() const {
        return std::get_if<T>(&body);
    }
    template <typename T>
    T* as() {
        return std::get_if<T>(&body);
    }
};

// JSON: {"kind", "verified", "reason", then the kind's members}; an unknown hop writes its
// members as it read them.
Json to_json(const Hop& h);
// `j` is a hop object whose "kind" (a non-empty string) and "verified" (a bool) the caller
// has checked; the kind's members are read leniently (hops/fields.hpp).
Hop hop_from_json(const Json& j);

// netlink: one `hop` nest (proto/hungtask.yaml); a kind number this daemon does not know
// gives an UnknownHop "unknown" with {reason, kind_value}.
Hop hop_from_netlink(const nl::Nest& n);
// kmsg: a `hop` record line of version 1 or 2; an unknown kind= keeps only its reason.
Hop hop_from_kmsg(const ModuleRecordLine& l, bool v2);
// A later line of the hop's record (v1 worker/hog/hogstack/runq, v2 hog/hogstack); false
// when the hop's kind takes no such line.
bool hop_add_kmsg(Hop& h, const ModuleRecordLine& l, bool v2);
// The record's end line was read.
void hop_end_kmsg(Hop& h);

// The report's chain entry: "  N. kind (verified)" / " [unverified]", the kind's lines,
// then "       note: REASON".
void render_hop(std::ostream& out, size_t n, const Hop& h);

}  // namespace hungtask
