#include <stddef.h>
#include <stdint.h>

// libFuzzer's entry for programs that have a main of their own (compiler-rt FuzzerDriver.cpp).
// SwiftPM gives every executable its own main, so the harnesses start libFuzzer with this.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
