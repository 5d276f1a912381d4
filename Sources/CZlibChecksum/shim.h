// zlib (Debian zlib1g-dev), for its CRC-32: ZIPFoundation checks entries with a byte-at-a-time
// Swift table on Linux, measured at 6% of validating a workbook.
#include <zlib.h>
