#include "sources/host.hpp"

#include <gtest/gtest.h>
#include <filesystem>

#include "test_util.hpp"

namespace hungtask {
namespace {

using test::TempDir;

void put(const TempDir& root, const std::string& rel, const std::string& data) {
    std::filesystem::create_directories(std::filesystem::path(root / rel).parent_path());
    test::write_file(root / rel, data);
}

TEST(Host, ReadsSysctlsAndOutOfTreeModules) {
    TempDir root;
    put(root, "proc/sys/kernel/osrelease", "6.1.0-56-amd64\n");
    put(root, "proc/sys/kernel/watchdog", "0\n");
    put(root, "proc/sys/kernel/softlockup_panic", "0\n");
    put(root, "proc/sys/kernel/hung_task_timeout_secs", "5\n");
    put(root, "proc/sys/kernel/hung_task_panic", "1\n");
    put(root, "proc/sys/kernel/tainted", "4096\n");
    put(root, "proc/sys/kernel/random/boot_id", "6f1d7c3a-1111-4a4a-9b9b-0123456789ab\n");
    put(root, "proc/cmdline", "console=ttyS0 preempt=none nowatchdog\n");
    put(root, "sys/module/lo_vendor/taint", "O\n");
    put(root, "sys/module/acme_drv/taint", "OE\n");
    put(root, "sys/module/ext4/taint", "\n");
    put(root, "sys/module/kernel/parameters/x", "");
    Host h = read_host_facts(root.path());
    EXPECT_EQ(h.kernel_release, "6.1.0-56-amd64");
    EXPECT_EQ(h.watchdog, 0);
    EXPECT_EQ(h.softlockup_panic, 0);
    EXPECT_EQ(h.hung_task_timeout_secs, 5);
    EXPECT_EQ(h.hung_task_panic, 1);
    EXPECT_EQ(h.taint, "O");
    EXPECT_EQ(h.preemption, "none") << "from preempt= when debugfs is absent";
    EXPECT_EQ(h.out_of_tree_modules, (std::vector<std::string>{"acme_drv", "lo_vendor"}));
    EXPECT_EQ(read_boot_id(root.path()), "6f1d7c3a-1111-4a4a-9b9b-0123456789ab");
}

TEST(Host, DebugfsPreemptBeatsCommandLineAndMissingIsNull) {
    TempDir root;
    put(root, "sys/kernel/debug/sched/preempt", "none (voluntary) full\n");
    put(root, "proc/cmdline", "preempt=full\n");
    put(root, "proc/sys/kernel/watchdog", "garbage\n");
    Host h = read_host_facts(root.path());
    EXPECT_EQ(h.preemption, "voluntary");
    EXPECT_EQ(h.watchdog, std::nullopt) << "unparsable is unknown, not 0";
    EXPECT_EQ(h.kernel_release, std::nullopt);
    EXPECT_EQ(h.out_of_tree_modules, std::nullopt) << "no /sys/module: unknown, not empty";
    EXPECT_EQ(read_boot_id(root.path()), std::nullopt);
}

TEST(Host, TaintLetters) {
    EXPECT_EQ(taint_letters(0), "");
    EXPECT_EQ(taint_letters(1), "P");
    EXPECT_EQ(taint_letters((1 << 12) | (1 << 13)), "OE");
    EXPECT_EQ(taint_letters(1 << 9), "W");
}

TEST(Host, FillKeepsLogFactsAndPrefersLiveSysctls) {
    Host from_log;
    from_log.kernel_release = "6.1.0-56-amd64";
    from_log.taint = "O";
    from_log.watchdog = 1;
    Host live;
    live.kernel_release = "other";
    live.taint = "";
    live.watchdog = 0;
    live.hung_task_panic = 1;
    fill_host(from_log, live);
    EXPECT_EQ(from_log.kernel_release, "6.1.0-56-amd64");
    EXPECT_EQ(from_log.taint, "O");
    EXPECT_EQ(from_log.watchdog, 0);
    EXPECT_EQ(from_log.hung_task_panic, 1);
}

}  // namespace
}  // namespace hungtask
