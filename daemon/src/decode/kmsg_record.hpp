// hungtask.ko's kmsg record (module/kmsg.c), formats v1 and v2 -> Incident.
//
// Each line is "hungtask: vN seq=<n> <record> key=value ...", values with spaces
// double-quoted (the module never prints a quote inside one); a list is a,b,c or
// "a","b".  Records of one incident:
//   v1: begin, victim, syscall, vstack* (one frame each), then per hop: hop (+ worker |
//       hog, hogstack*, runq*), host, end.  Addresses raw.
//   v2 (printed later, in process context, fewer and longer lines): begin, victim,
//       syscall, hop* (a worker hop carries its task's keys, a cpu hop its runqueue as
//       runq_* lists), hog hop=<i>, vstack i=<first> fn=<list>, hogstack hop=<i>
//       i=<first> fn=<list>, end (with the host's keys and truncated=0|1).  Addresses
//       hashed (%p).  A line printed twice (the panic notifier may repeat the line in
//       flight) changes nothing.
// Unknown keys and records are ignored, so that a newer module's record still reads.  A
// record whose lines were lost (pstore cut, serial noise) is dropped at the next "begin"
// or when a different seq shows up, never half-assembled.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hops/kmsg_line.hpp"
#include "model/incident.hpp"

namespace hungtask {

inline constexpr std::string_view kModuleRecordPrefix = "hungtask: v";


// Parses one printk message (prefixes already stripped).  nullopt when it is not a
// hungtask record line or is malformed.
std::optional<ModuleRecordLine> parse_module_record_line(std::string_view msg);

class ModuleRecordAssembler {
  public:
    // Feeds one message.  Returns the incident when this line completed one ("end").
    // The incident has no id/seq of the reader's own yet; its capture.module_seq is the
    // module's sequence number and boot_id the module's boot id.
    std::optional<Incident> push(std::string_view msg);
    uint64_t dropped() const { return dropped_; }

  private:
    void reset();
    Hop* hop_at(const ModuleRecordLine& l, const char* key);
    std::optional<Incident> current_;
    uint64_t seq_ = 0;
    int version_ = 0;
    std::optional<size_t> hop_;       // the chain entry being filled
    std::vector<int64_t> hop_index_;  // v2: the module's hop index of each chain entry
    uint64_t dropped_ = 0;
};

}  // namespace hungtask
