// libFuzzer target for the kernel-log parser: any bytes must not crash it; what the
// incremental feeder hands out (what the daemon stores) must end equal to the whole
// parse; and every record must serialise and read back unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "model/incident.hpp"
#include "decode/kernel_log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    using hungtask::LogContext;

    auto whole = hungtask::parse_kernel_log(text, LogContext{"fuzz", std::nullopt});

    // What the daemon stores is what push_line()/flush() return, incident by incident;
    // the last version of each must be what the whole parse ends with.
    hungtask::KernelLogFeeder feeder(LogContext{"fuzz", std::nullopt});
    std::map<std::string, hungtask::Incident> stored;
    auto keep = [&](const std::vector<hungtask::Incident>& changed) {
        for (const auto& in : changed)
            stored[in.id] = in;
    };
    size_t start = 0;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos)
            nl = text.size();
        keep(feeder.push_line(text.substr(start, nl - start)));
        start = nl + 1;
    }
    keep(feeder.flush());
    if (stored.size() != whole.size())
        std::abort();
    for (const auto& in : whole) {
        auto it = stored.find(in.id);
        if (it == stored.end() || !(it->second == in))
            std::abort();
    }

    for (const auto& incident : whole) {
        std::string json = hungtask::dump_json(hungtask::to_json(incident));
        auto back = hungtask::incident_from_json(hungtask::Json::parse(json));
        if (!back || !(*back == incident))
            std::abort();
    }
    return 0;
}
