// Printed stack frames ("flush_work+0x12c/0x1e0 [mod]"): their function and module, which
// frames only say how a task sleeps, and where it waits.  Text in, text out: shared by
// the log reader, the decoders, the explainer and the report.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hungtask {

// Function name of a printed frame: "flush_work+0x12c/0x1e0 [mod]" -> "flush_work".
std::string frame_function(std::string_view frame);
// Module of a printed frame: "acme_sync+0x33/0x60 [acme_drv]" -> "acme_drv".
std::optional<std::string> frame_module(std::string_view frame);

// A stack taken by hungtask.ko's IPI starts with the IPI's own frames: drop them, up to
// and including the interrupt entry (asm_sysvec_*), so the stack starts where the CPU's
// holder was interrupted.
void trim_ipi_frames(std::vector<std::string>& stack);
// Frames that say how a task sleeps (the scheduler, timeouts, bit waits), not what it
// waits for.  I/O and completion waits are not among them: they say what for.  Shared by
// blocked_in() and the explainer's wait classification.
bool is_scheduling_frame(std::string_view fn);
// Where a stack waits: the first frame above the scheduler and the generic wait
// helpers (schedule, wait_for_completion, ...), e.g. "__flush_work" or "__mutex_lock".
std::optional<std::string> blocked_in(const std::vector<std::string>& stack);

}  // namespace hungtask
