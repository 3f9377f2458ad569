// libFuzzer target for the kernel-log parser: any bytes, fed whole and line by line in
// arbitrary chunks, must neither crash nor produce a record that fails to serialise and
// read back.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "incident.hpp"
#include "kernel_log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    using hungtask::LogContext;

    auto whole = hungtask::parse_kernel_log(text, LogContext{"fuzz", std::nullopt});

    // The incremental path must agree with the whole-text path.
    hungtask::KernelLogFeeder feeder(LogContext{"fuzz", std::nullopt});
    size_t start = 0;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos)
            nl = text.size();
        (void)feeder.push_line(text.substr(start, nl - start));
        start = nl + 1;
    }
    (void)feeder.flush();
    if (feeder.incidents() != whole)
        std::abort();

    for (const auto& incident : whole) {
        std::string json = hungtask::dump_json(hungtask::to_json(incident));
        auto back = hungtask::incident_from_json(hungtask::Json::parse(json));
        if (!back || !(*back == incident))
            std::abort();
    }
    return 0;
}
