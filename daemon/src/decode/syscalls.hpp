// System call names for the victim record: from the number the kernel saved in the
// user register frame (ORIG_RAX), or from a syscall entry frame in the stack.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hungtask {

// x86_64 native syscall name for `nr` ("rmdir" for 84), or nullopt if unknown.
std::optional<std::string_view> x86_64_syscall_name(int64_t nr);

// The name of syscall `nr` of x86 ABI `abi` ("x86_64", "ia32" or "x32"; x32 numbers
// without __X32_SYSCALL_BIT). A number is only ever looked up in its own ABI's table:
// an ia32 or x32 number missing there is "ia32 syscall N" / "x32 syscall N"; an
// unknown x86_64 number, or an unknown ABI, gives nullopt.
std::optional<std::string> syscall_name(std::string_view abi, int64_t nr);

// Syscall named by a frame such as "__x64_sys_rmdir+0x17/0x20", "__do_sys_syncfs+0x..",
// "__se_sys_write", "ksys_write+0x.." or "__ia32_sys_..."; nullopt for other frames.
std::optional<std::string> syscall_from_frame(std::string_view frame);

// First syscall named by the frames (outermost syscall entry wins).
std::optional<std::string> syscall_from_stack(const std::vector<std::string>& frames);

}  // namespace hungtask
