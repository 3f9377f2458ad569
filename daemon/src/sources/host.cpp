#include "sources/host.hpp"

#include <dirent.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace hungtask {

namespace {

std::optional<std::string> read_line(const std::string& path) {
    std::ifstream f(path);
    if (!f)
        return std::nullopt;
    std::string line;
    if (!std::getline(f, line))
        return std::nullopt;
    while (!line.empty() && (line.back() == '\n' || line.back() == ' ' || line.back() == '\t'))
        line.pop_back();
    return line;
}

std::optional<int64_t> read_int(const std::string& path) {
    auto line = read_line(path);
    if (!line)
        return std::nullopt;
    int64_t v = 0;
    auto [p, ec] = std::from_chars(line->data(), line->data() + line->size(), v);
    if (ec != std::errc() || p != line->data() + line->size())
        return std::nullopt;
    return v;
}

// debugfs sched/preempt reads like "none (voluntary) full": the active model is the one
// in parentheses.  Without debugfs, an explicit preempt= on the command line is the
// evidence; otherwise the model stays unknown.
std::optional<std::string> read_preemption(const std::string& root) {
    if (auto line = read_line(root + "/sys/kernel/debug/sched/preempt")) {
        size_t open = line->find('('), close = line->find(')');
        if (open != std::string::npos && close != std::string::npos && close > open + 1)
            return line->substr(open + 1, close - open - 1);
    }
    if (auto cmdline = read_line(root + "/proc/cmdline")) {
        std::istringstream words(*cmdline);
        std::string w;
        while (words >> w) {
            if (w.starts_with("preempt=") && w.size() > 8)
                return w.substr(8);
        }
    }
    return std::nullopt;
}

// Modules whose /sys/module/NAME/taint holds 'O' (TAINT_OOT_MODULE).
std::optional<std::vector<std::string>> read_out_of_tree_modules(const std::string& root) {
    std::string dir = root + "/sys/module";
    DIR* d = ::opendir(dir.c_str());
    if (!d)
        return std::nullopt;
    std::vector<std::string> mods;
    while (struct dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == "..")
            continue;
        auto taint = read_line(dir + "/" + name + "/taint");
        if (taint && taint->find('O') != std::string::npos)
            mods.push_back(name);
    }
    ::closedir(d);
    std::sort(mods.begin(), mods.end());
    return mods;
}

}  // namespace

Host read_host_facts(const std::string& root) {
    Host h;
    h.kernel_release = read_line(root + "/proc/sys/kernel/osrelease");
    h.preemption = read_preemption(root);
    h.watchdog = read_int(root + "/proc/sys/kernel/watchdog");
    h.softlockup_panic = read_int(root + "/proc/sys/kernel/softlockup_panic");
    h.hung_task_timeout_secs = read_int(root + "/proc/sys/kernel/hung_task_timeout_secs");
    h.hung_task_panic = read_int(root + "/proc/sys/kernel/hung_task_panic");
    if (auto t = read_int(root + "/proc/sys/kernel/tainted"); t && *t >= 0)
        h.taint = taint_letters(uint64_t(*t));
    h.out_of_tree_modules = read_out_of_tree_modules(root);
    return h;
}

void fill_host(Host& into, const Host& live, bool captured_at_detection) {
    auto fill = [](auto& dst, const auto& src) {
        if (!dst)
            dst = src;
    };
    fill(into.kernel_release, live.kernel_release);
    if (captured_at_detection) {
        // hungtask.ko read these at detection: later live values only fill gaps.
        fill(into.preemption, live.preemption);
        fill(into.watchdog, live.watchdog);
        fill(into.softlockup_panic, live.softlockup_panic);
        fill(into.hung_task_timeout_secs, live.hung_task_timeout_secs);
        fill(into.hung_task_panic, live.hung_task_panic);
        fill(into.taint, live.taint);
        fill(into.out_of_tree_modules, live.out_of_tree_modules);
        return;
    }
    // Live sysctls are read at detection time: they beat boot-time command line evidence.
    if (live.preemption)
        into.preemption = live.preemption;
    if (live.watchdog)
        into.watchdog = live.watchdog;
    if (live.softlockup_panic)
        into.softlockup_panic = live.softlockup_panic;
    if (live.hung_task_timeout_secs)
        into.hung_task_timeout_secs = live.hung_task_timeout_secs;
    if (live.hung_task_panic)
        into.hung_task_panic = live.hung_task_panic;
    fill(into.taint, live.taint);
    fill(into.out_of_tree_modules, live.out_of_tree_modules);
}

std::optional<std::string> read_boot_id(const std::string& root) {
    auto id = read_line(root + "/proc/sys/kernel/random/boot_id");
    if (!id || id->empty())
        return std::nullopt;
    return id;
}

}  // namespace hungtask
