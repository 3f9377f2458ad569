// Reading netlink attribute streams (the `incident` set of proto/hungtask.yaml and its
// nests), shared by netlink_decode.cpp and each hop kind's decoder (hops/KIND.cpp).
//
// Trusts nothing: every attribute length, nested or not, is checked against what encloses
// it and against the size its type needs; strings must be NUL-terminated inside their
// attribute.  The first error wins (Reader); reads after it return nullopt.
#pragma once

#include <algorithm>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hungtask.h"
#include "model/incident.hpp"
#include "model/result.hpp"

namespace hungtask::nl {

// <linux/netlink.h> and <linux/genetlink.h>, restated so the parser needs no kernel
// headers: struct nlattr is {u16 nla_len; u16 nla_type}, payloads are 4-byte aligned.
inline constexpr size_t kGenlHdrLen = 4;  // struct genlmsghdr: cmd, version, reserved
inline constexpr size_t kNlaHdrLen = 4;
inline constexpr uint16_t kNlaFNested = 1 << 15;
inline constexpr uint16_t kNlaFNetByteorder = 1 << 14;
inline constexpr uint16_t kNlaTypeMask = uint16_t(~(kNlaFNested | kNlaFNetByteorder));

inline constexpr size_t nla_align(size_t len) {
    return (len + 3) & ~size_t(3);
}

struct Attr {
    uint16_t type = 0;
    bool net_byteorder = false;
    std::span<const uint8_t> payload;
};

// The first error wins; later reads return nullopt and are ignored.
class Reader {
  public:
    void fail(const std::string& where, std::string what) {
        if (!error_)
            error_ = Error{std::move(what), where};
    }
    const std::optional<Error>& error() const { return error_; }

  private:
    std::optional<Error> error_;
};

// One attribute stream (the top level or a nest), split and bounds-checked at
// construction.  `path` names it in errors: "hop[1].worker.task".
class Nest {
  public:
    Nest(Reader& r, std::span<const uint8_t> data, std::string path)
        : r_(&r), path_(std::move(path)) {
        while (data.size() >= kNlaHdrLen) {
            uint16_t len, type;
            std::memcpy(&len, data.data(), 2);
            std::memcpy(&type, data.data() + 2, 2);
            if (len < kNlaHdrLen) {
                r_->fail(where(), "attribute type " + std::to_string(type & kNlaTypeMask) +
                                      " has length " + std::to_string(len) +
                                      ", less than its header");
                attrs_.clear();
                return;
            }
            if (len > data.size()) {
                r_->fail(where(), "attribute type " + std::to_string(type & kNlaTypeMask) +
                                      " length " + std::to_string(len) + " overruns the " +
                                      std::to_string(data.size()) + " bytes left");
                attrs_.clear();
                return;
            }
            attrs_.push_back(Attr{uint16_t(type & kNlaTypeMask), (type & kNlaFNetByteorder) != 0,
                                  data.subspan(kNlaHdrLen, len - kNlaHdrLen)});
            // The last attribute's padding may be missing (nla_ok() accepts that too).
            data = data.subspan(std::min(nla_align(len), data.size()));
        }
        if (!data.empty()) {
            r_->fail(where(), std::to_string(data.size()) + " trailing bytes");
            attrs_.clear();
        }
    }

    // The last attribute of a type, as nla_parse() keeps it; nullptr when absent.
    const Attr* find(uint16_t type) const {
        const Attr* out = nullptr;
        for (const auto& a : attrs_)
            if (a.type == type)
                out = &a;
        return out;
    }

    std::optional<uint8_t> u8(uint16_t type, const char* name) const {
        auto v = fixed(type, name, 1);
        return v ? std::optional<uint8_t>(uint8_t(*v)) : std::nullopt;
    }
    std::optional<uint32_t> u32(uint16_t type, const char* name) const {
        auto v = fixed(type, name, 4);
        return v ? std::optional<uint32_t>(uint32_t(*v)) : std::nullopt;
    }
    std::optional<int32_t> s32(uint16_t type, const char* name) const {
        auto v = fixed(type, name, 4);
        return v ? std::optional<int32_t>(int32_t(uint32_t(*v))) : std::nullopt;
    }
    std::optional<uint64_t> u64(uint16_t type, const char* name) const {
        return fixed(type, name, 8);
    }
    std::optional<int64_t> s64(uint16_t type, const char* name) const {
        auto v = fixed(type, name, 8);
        return v ? std::optional<int64_t>(int64_t(*v)) : std::nullopt;
    }
    std::optional<bool> flag(uint16_t type, const char* name) const {
        auto v = u8(type, name);
        return v ? std::optional<bool>(*v != 0) : std::nullopt;
    }

    // A NUL-terminated string; the text up to the first NUL, invalid UTF-8 replaced.
    std::optional<std::string> str(uint16_t type, const char* name) const {
        const Attr* a = find(type);
        if (!a)
            return std::nullopt;
        const auto* p = reinterpret_cast<const char*>(a->payload.data());
        const void* nul = a->payload.empty() ? nullptr : std::memchr(p, 0, a->payload.size());
        if (!nul) {
            r_->fail(child(name), "not NUL-terminated");
            return std::nullopt;
        }
        return sanitize_utf8(std::string_view(p, size_t(static_cast<const char*>(nul) - p)));
    }

    std::optional<Nest> nest(uint16_t type, const char* name) const {
        const Attr* a = find(type);
        if (!a)
            return std::nullopt;
        return Nest(*r_, a->payload, child(name));
    }
    // The nest, or an empty one when absent: its fields then all read as not reported.
    Nest nest_or_empty(uint16_t type, const char* name) const {
        auto n = nest(type, name);
        return n ? std::move(*n) : Nest(*r_, {}, child(name));
    }

    // Every attribute of a multi-attr type, in order, as nests named "name[i]".
    std::vector<Nest> nests(uint16_t type, const char* name) const {
        std::vector<Nest> out;
        for (const auto& a : attrs_)
            if (a.type == type)
                out.emplace_back(*r_, a.payload,
                                 child(name) + "[" + std::to_string(out.size()) + "]");
        return out;
    }

    std::vector<uint64_t> u64s(uint16_t type, const char* name) const {
        std::vector<uint64_t> out;
        for (const auto& a : attrs_)
            if (a.type == type) {
                auto v = decode_fixed(a, child(name) + "[" + std::to_string(out.size()) + "]", 8);
                if (!v)
                    return {};
                out.push_back(*v);
            }
        return out;
    }

    void missing(const char* name) const { r_->fail(child(name), "missing"); }
    void invalid(const char* name, const std::string& what) const { r_->fail(child(name), what); }

  private:
    std::string child(const char* name) const {
        return path_.empty() ? std::string(name) : path_ + "." + name;
    }
    std::string where() const { return path_.empty() ? std::string("attributes") : path_; }

    std::optional<uint64_t> fixed(uint16_t type, const char* name, size_t size) const {
        const Attr* a = find(type);
        return a ? decode_fixed(*a, child(name), size) : std::nullopt;
    }

    std::optional<uint64_t> decode_fixed(const Attr& a, const std::string& where,
                                         size_t size) const {
        if (a.payload.size() != size) {
            r_->fail(where, "expected " + std::to_string(size) + " bytes, got " +
                                std::to_string(a.payload.size()));
            return std::nullopt;
        }
        uint64_t v = 0;
        if (a.net_byteorder) {
            for (size_t i = 0; i < size; i++)
                v = (v << 8) | a.payload[i];
            return v;
        }
        // Host byte order, as netlink sends it; the daemon runs on the module's host.
        uint8_t buf[8] = {};
        std::memcpy(buf, a.payload.data(), size);
        switch (size) {
            case 1:
                return buf[0];
            case 2: {
                uint16_t x;
                std::memcpy(&x, buf, 2);
                return x;
            }
            case 4: {
                uint32_t x;
                std::memcpy(&x, buf, 4);
                return x;
            }
            default:
                std::memcpy(&v, buf, 8);
                return v;
        }
    }

    Reader* r_;
    std::string path_;
    std::vector<Attr> attrs_;
};

// Value helpers of the decoders.
template <typename T>
inline std::optional<int64_t> widen(const std::optional<T>& v) {
    return v ? std::optional<int64_t>(int64_t(*v)) : std::nullopt;
}
inline std::optional<int64_t> widen(const std::optional<uint64_t>& v) {
    // Counters beyond INT64_MAX do not occur; clamp instead of wrapping negative.
    return v ? std::optional<int64_t>(int64_t(std::min<uint64_t>(*v, INT64_MAX))) : std::nullopt;
}
inline std::optional<std::string> non_empty(std::optional<std::string> s) {
    return s && !s->empty() ? s : std::nullopt;
}

// The kmsg record prints addresses with %px: 16 lowercase hex digits, no "0x".
inline std::optional<std::string> px(const std::optional<uint64_t>& v) {
    if (!v)
        return std::nullopt;
    char buf[17];
    std::snprintf(buf, sizeof(buf), "%016" PRIx64, *v);
    return std::string(buf);
}

// task_state_to_char() letter as a one-letter string; nothing for a non-printable byte.
inline std::optional<std::string> state_letter(const std::optional<uint8_t>& c) {
    if (!c || *c < 0x21 || *c > 0x7e)
        return std::nullopt;
    return std::string(1, char(*c));
}

// A `stack` nest -> its frames' %pS text, innermost first.  A frame without its text
// shows its address the way %pS prints an address without a symbol.
inline std::vector<std::string> stack_frames(const Nest& s) {
    std::vector<std::string> out;
    for (const Nest& f : s.nests(HUNGTASK_A_STACK_FRAME, "frame")) {
        auto addr = f.u64(HUNGTASK_A_FRAME_ADDR, "addr");
        if (auto sym = non_empty(f.str(HUNGTASK_A_FRAME_SYM, "sym"))) {
            out.push_back(*sym);
        } else if (addr) {
            char buf[24];
            std::snprintf(buf, sizeof(buf), "0x%" PRIx64, *addr);
            out.push_back(buf);
        }
    }
    return out;
}

}  // namespace hungtask::nl
