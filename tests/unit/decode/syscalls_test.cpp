#include "decode/syscalls.hpp"

#include <gtest/gtest.h>

namespace hungtask {
namespace {

TEST(Syscalls, X86_64NumbersFromTheKernelTable) {
    EXPECT_EQ(x86_64_syscall_name(0), "read");
    EXPECT_EQ(x86_64_syscall_name(1), "write");
    EXPECT_EQ(x86_64_syscall_name(74), "fsync");
    EXPECT_EQ(x86_64_syscall_name(0x54), "rmdir") << "the seed case's RAX";
    EXPECT_EQ(x86_64_syscall_name(162), "sync");
    EXPECT_EQ(x86_64_syscall_name(306), "syncfs");
    EXPECT_EQ(x86_64_syscall_name(435), "clone3");
    EXPECT_EQ(x86_64_syscall_name(-1), std::nullopt);
    EXPECT_EQ(x86_64_syscall_name(512), std::nullopt) << "x32 numbers are not in the table";
    EXPECT_EQ(x86_64_syscall_name(100000), std::nullopt);
}

TEST(Syscalls, EachAbiHasItsOwnTable) {
    EXPECT_EQ(syscall_name("x86_64", 4), "stat");
    EXPECT_EQ(syscall_name("ia32", 4), "write") << "ia32 #4 is write, never x86_64's stat";
    EXPECT_EQ(syscall_name("ia32", 5), "open");
    EXPECT_EQ(syscall_name("ia32", 11), "execve");
    EXPECT_EQ(syscall_name("ia32", 295), "openat");
    EXPECT_EQ(syscall_name("x32", 1), "write");
    EXPECT_EQ(syscall_name("x32", 520), "execve");
    EXPECT_EQ(syscall_name("x32", 59), "x32 syscall 59") << "x86_64-only numbers are not x32";
    EXPECT_EQ(syscall_name("ia32", 100000), "ia32 syscall 100000");
    EXPECT_EQ(syscall_name("x86_64", 100000), std::nullopt);
    EXPECT_EQ(syscall_name("sparc", 4), std::nullopt);
}

TEST(Syscalls, EntryFrames) {
    EXPECT_EQ(syscall_from_frame("__x64_sys_rmdir+0x3e/0x70"), "rmdir");
    EXPECT_EQ(syscall_from_frame("__do_sys_syncfs+0x1c/0x90"), "syncfs");
    EXPECT_EQ(syscall_from_frame("__se_sys_write+0x1/0x2"), "write");
    EXPECT_EQ(syscall_from_frame("ksys_write+0x6b/0xf0"), "write");
    EXPECT_EQ(syscall_from_frame("__x64_compat_sys_ioctl+0x1/0x2"), "ioctl");
    EXPECT_EQ(syscall_from_frame("__ia32_sys_fsync+0x10/0x20"), "fsync");
    EXPECT_EQ(syscall_from_frame("do_syscall_64+0x58/0xc0"), std::nullopt);
    EXPECT_EQ(syscall_from_frame("ksys_+0x1/0x2"), std::nullopt);
}

TEST(Syscalls, OutermostEntryFrameWins) {
    std::vector<std::string> stack = {"__schedule+0x1/0x2", "ksys_sync_helper+0x1/0x2",
                                      "__do_sys_reboot+0x1/0x2", "do_syscall_64+0x1/0x2"};
    EXPECT_EQ(syscall_from_stack(stack), "reboot");
    EXPECT_EQ(syscall_from_stack({"kthread+0x1/0x2"}), std::nullopt);
}

}  // namespace
}  // namespace hungtask
