#pragma once
// Backing memory the program is about to write in one call, instead of one page fault per page:
// compiling a block list writes about 1.3 MB of fresh memory (the XML, the rules), and on Linux
// each first touch of a page is a trap into the kernel. A hint only: where the system has no
// such call, or refuses it, nothing happens and the pages fault in as usual.

#include <cstddef>

namespace cipolicy::platform {

// Populates the whole pages within [data, data + size) for writing (Linux 5.14 and later:
// madvise MADV_POPULATE_WRITE). Spans under 64 KB are left alone: the call would cost more.
void prepare_for_writing(void* data, std::size_t size);

}  // namespace cipolicy::platform
