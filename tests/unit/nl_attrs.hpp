// A netlink attribute builder with the kernel's layout: 4-byte aligned attributes, nests
// flagged NLA_F_NESTED as nla_nest_start() does.  Shared by the decoder and hop tests.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace hungtask::test {

class Attrs {
  public:
    // `head`: bytes before the first attribute (a genetlink header, for a whole message).
    explicit Attrs(std::vector<uint8_t> head = {}) : b_(std::move(head)) {}

    Attrs& raw(uint16_t type, const void* data, size_t len) {
        put16(uint16_t(4 + len));
        put16(type);
        const auto* p = static_cast<const uint8_t*>(data);
        b_.insert(b_.end(), p, p + len);
        while (b_.size() % 4)
            b_.push_back(0);
        return *this;
    }
    Attrs& u8(uint16_t t, uint8_t v) { return raw(t, &v, 1); }
    Attrs& u32(uint16_t t, uint32_t v) { return raw(t, &v, 4); }
    Attrs& s32(uint16_t t, int32_t v) { return raw(t, &v, 4); }
    Attrs& u64(uint16_t t, uint64_t v) { return raw(t, &v, 8); }
    Attrs& str(uint16_t t, const std::string& s) { return raw(t, s.c_str(), s.size() + 1); }
    Attrs& begin(uint16_t t) {
        open_.push_back(b_.size());
        put16(0);
        put16(uint16_t(t | 0x8000));
        return *this;
    }
    Attrs& end() {
        size_t at = open_.back();
        open_.pop_back();
        uint16_t len = uint16_t(b_.size() - at);
        std::memcpy(&b_[at], &len, 2);
        return *this;
    }
    const std::vector<uint8_t>& bytes() const { return b_; }

  private:
    void put16(uint16_t v) {
        b_.push_back(uint8_t(v));
        b_.push_back(uint8_t(v >> 8));
    }
    std::vector<uint8_t> b_;
    std::vector<size_t> open_;
};

}  // namespace hungtask::test
