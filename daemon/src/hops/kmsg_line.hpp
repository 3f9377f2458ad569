// One line of hungtask.ko's kmsg record (module/kmsg.c), parsed into keys and lists,
// and the readers the hop kinds' kmsg decoders (hops/KIND.cpp) use on it.  The line
// parser itself is decode/kmsg_record.cpp; this is the shape both sides share, as
// hops/netlink_nest.hpp is for netlink.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hungtask {

// One parsed line.
struct ModuleRecordLine {
    int version = 0;
    uint64_t seq = 0;
    std::string record;                         // begin, victim, vstack, hop, ...
    std::map<std::string, std::string> fields;  // key -> value, quotes removed
    // Quoted lists ("a","b"): every element; fields holds the first.
    std::map<std::string, std::vector<std::string>> lists;
};

// Reading a line's values (for the hop kinds' decoders, hops/KIND.cpp).
namespace kmsg {
// A decimal (optionally negative) or hexadecimal (optionally 0x) number, the whole string.
std::optional<int64_t> to_int(const std::string& s, int base = 10);
std::optional<int64_t> field_int(const ModuleRecordLine& l, const char* key, int base = 10);
std::optional<std::string> field_str(const ModuleRecordLine& l, const char* key);  // non-empty
// An unquoted list "a,b,c" (v2 runq_* keys), or a quoted one; empty when absent.
std::vector<std::string> field_list(const ModuleRecordLine& l, const char* key);
// Item i of a list as an integer; nullopt when absent or not one.
std::optional<int64_t> list_int(const std::vector<std::string>& v, size_t i);
// v2 stack lines: frames of the list fn= go to index i=<first> onwards, so a repeated line
// lands on the same places.
void put_frames(std::vector<std::string>& stack, const ModuleRecordLine& l);
}  // namespace kmsg

}  // namespace hungtask
