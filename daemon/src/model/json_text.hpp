// JSON as the records use it: the document type, and text that never throws on the
// invalid UTF-8 a corrupted log can hold.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace hungtask {

// Insertion-ordered, so records read in the order of design.md ("id" first).
using Json = nlohmann::ordered_json;

// Serialises JSON; invalid UTF-8 (possible in a corrupted log) is replaced, never thrown.
std::string dump_json(const Json& j, int indent = 2);

// Replaces invalid UTF-8 sequences with '?'.
std::string sanitize_utf8(std::string_view s);

// A newer producer's members, at any depth: what `theirs` holds that `mine` (the same
// object as this version writes it) does not.  Objects are compared member by member,
// arrays of equal length element by element (an element without news is null).  Null
// when there is nothing unknown.
Json json_unknown(const Json& theirs, const Json& mine);
// Puts what json_unknown() found back into `mine`, after its own members; a member
// `mine` has is never replaced.
void json_merge_unknown(Json& mine, const Json& unknown);
// The paths of what json_unknown(theirs, mine) found ("task.cgroup", "tasks[1].prio"),
// under `path`.
void json_unknown_paths(std::vector<std::string>& out, const std::string& path,
                        const Json& unknown, const Json& mine);

}  // namespace hungtask
