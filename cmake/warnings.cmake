# One place for the warning policy: every target of ours links faceloop_warnings.
add_library(faceloop_warnings INTERFACE)
target_compile_options(faceloop_warnings INTERFACE -Wall -Wextra -Werror -Wno-missing-field-initializers)
