// hungtask.ko's kmsg record (module/kmsg.c), format v1 -> Incident.
//
// Each line is "hungtask: v1 seq=<n> <record> key=value ...", values with spaces
// double-quoted (the module never prints a quote inside one).  Records of one incident,
// in order: begin, victim, syscall, vstack*, then per hop: hop (+ worker | hog, hogstack*,
// runq*), host, end.  Unknown keys and records are ignored, so that a newer module's
// record still reads.  A record whose lines were lost (pstore cut, serial noise) is
// dropped at the next "begin" or when a different seq shows up, never half-assembled.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "incident.hpp"

namespace hungtask {

inline constexpr std::string_view kModuleRecordPrefix = "hungtask: v";

// One parsed line.
struct ModuleRecordLine {
    int version = 0;
    uint64_t seq = 0;
    std::string record;                         // begin, victim, vstack, hop, ...
    std::map<std::string, std::string> fields;  // key -> value, quotes removed
};

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
    std::optional<Incident> current_;
    uint64_t seq_ = 0;
    Json* hop_ = nullptr;  // the hop being filled, inside current_->chain's fields
    uint64_t dropped_ = 0;
};

}  // namespace hungtask
