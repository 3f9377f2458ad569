#include "model/taint.hpp"

namespace hungtask {

std::string taint_letters(uint64_t mask) {
    // kernel/panic.c taint_flags[] c_true letters, bit 0 first; identical in 6.1 and 6.12.
    static constexpr char kLetters[] = "PFSRMBUDAWCIOELKXTN";
    std::string out;
    for (size_t bit = 0; bit + 1 < sizeof kLetters; bit++) {
        if (mask & (uint64_t(1) << bit))
            out.push_back(kLetters[bit]);
    }
    return out;
}

}  // namespace hungtask
