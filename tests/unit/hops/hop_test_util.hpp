// Helpers of the hop kind tests: the three decoders' entry points (the netlink attribute
// builder is test::Attrs, nl_attrs.hpp).
#pragma once

#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nl_attrs.hpp"
#include "hops/hop.hpp"
#include "hops/netlink_nest.hpp"
#include "decode/kmsg_record.hpp"

namespace hungtask::test {

// The attributes of one `hop` nest -> Hop; the decoder must report no error.
inline Hop netlink_hop(const Attrs& a) {
    nl::Reader r;
    nl::Nest n(r, a.bytes(), "hop[0]");
    Hop h = hop_from_netlink(n);
    EXPECT_FALSE(r.error()) << r.error()->to_string();
    return h;
}

inline ModuleRecordLine kmsg_line(const std::string& text) {
    auto l = parse_module_record_line(text);
    EXPECT_TRUE(l) << text;
    return l ? *l : ModuleRecordLine{};
}

inline std::string rendered(const Hop& h, size_t n = 1) {
    std::ostringstream out;
    render_hop(out, n, h);
    return out.str();
}

inline std::vector<std::string> keys(const Json& j) {
    std::vector<std::string> out;
    for (auto it = j.begin(); it != j.end(); ++it)
        out.push_back(it.key());
    return out;
}

}  // namespace hungtask::test
