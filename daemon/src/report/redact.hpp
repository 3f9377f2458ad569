// Sharing safely: `report --redact` and `explain --redact` replace what identifies a host
// or its people with stable placeholders, so that the output can go into a public bug
// report while the chain (functions, modules, kinds, CPUs, pids, verdict) stays readable.
//
// Replaced:
//   kernel addresses  0x-prefixed with 8-16 hex digits, 12-16 hex digits starting with
//                     "ffff", or any 16 hex digits (hashed %p)      -> <addr-N>
//   host names        the names given (the running host's, by default), at name
//                     boundaries, case-insensitive                   -> <host-N>
//   home paths        /home/USER... and /root...                     -> <path-N>
// The same value gets the same placeholder within one Redactor (one output); different
// values get different ones, so "the same work item in both incidents" stays visible.
// Stack offsets (+0x34d/0x9e0) are not addresses and are kept.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/incident.hpp"

namespace hungtask {

class Redactor {
  public:
    // `hostnames`: names to hide (an empty or one-letter name is ignored).
    explicit Redactor(const std::vector<std::string>& hostnames);

    std::string text(std::string_view s);
    // Every string value of `j`, in place (keys are left alone).
    void json(Json& j);
    // The incident with every string redacted (through its JSON form, so that every field,
    // known or kept unknown, is covered).
    Incident incident(const Incident& in);

  private:
    std::string placeholder(std::map<std::string, std::string>& seen, const char* what,
                            const std::string& value);

    std::vector<std::string> hostnames_;  // lower case
    std::map<std::string, std::string> addrs_, hosts_, paths_;
};

// The running host's names: gethostname() and its first label.
std::vector<std::string> local_hostnames();

}  // namespace hungtask
