// libFuzzer target for the netlink decoder: any bytes as a genl payload must neither
// crash nor produce an incident that fails to serialise and read back.
// Seeds: tests/fixtures/netlink/*.bin (real messages from the module).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "model/incident.hpp"
#include "decode/netlink_decode.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto r = hungtask::decode_incident_message(std::span<const uint8_t>(data, size));
    if (!r) {
        if (r.error().to_string().empty())
            std::abort();
        return 0;
    }
    std::string json = hungtask::dump_json(hungtask::to_json(*r));
    auto back = hungtask::incident_from_json(hungtask::Json::parse(json));
    if (!back || !(*back == *r))
        std::abort();
    return 0;
}
